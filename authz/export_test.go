package authz

import (
	"strings"

	"github.com/casbin/casbin/v2/rbac"

	"github.com/gatehouse-go/gatehouse"
)

func defaultModelForTest() string { return gatehouse.DefaultModel() }

// Reloads returns how many times e loaded its whole policy after New.
func Reloads(e *Engine) int64 { return e.reloads.Load() }

// StoreID returns the id of e's store, which its messages carry.
func StoreID(e *Engine) string { return e.sync.storeID }

// Revision returns the store revision e's policy is at.
func Revision(e *Engine) int64 {
	e.editMu.Lock()
	defer e.editMu.Unlock()
	return e.revision
}

// BreakCasbinIndexOf corrupts Casbin's own bookkeeping of g, as memory
// reused under Casbin's keys once did: its map then points past the end of
// its list, and Casbin panics when g is removed.
func BreakCasbinIndexOf(e *Engine, g Grant) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.enforcer.GetModel()["p"]["p"].PolicyMap[strings.Join(g.withDefaults().rule(), ",")] = 1 << 20
}

// BreakEnforcer corrupts e's enforcer so that Casbin panics on every call
// that reads roles, lists or adds rules.
func BreakEnforcer(e *Engine) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.enforcer.GetModel()
	m["p"]["p"].PolicyMap = nil
	m["p"]["p"].Policy = append(m["p"]["p"].Policy, nil)
	m["g"]["g"].Policy = append(m["g"]["g"].Policy, nil)
	e.enforcer.SetRoleManager(panickingRoleManager{})
}

// panickingRoleManager panics on every call.
type panickingRoleManager struct{ rbac.RoleManager }

// BreakRoleIDs makes the index give the next new role an id past the end
// of its closures, so that the edit that makes one panics.
func BreakRoleIDs(e *Engine) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ix := *e.index.Load()
	ix.roleIDs.free = []uint32{1 << 30}
	e.index.Store(&ix)
}

// BreakIndex swaps in an index with no hash seed, on which every decision
// panics.
func BreakIndex(e *Engine) { e.index.Store(&index{}) }
