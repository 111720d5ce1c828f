package authz

import "github.com/gatehouse-go/gatehouse"

func defaultModelForTest() string { return gatehouse.DefaultModel() }

// Reloads returns how many times e loaded its whole policy after New.
func Reloads(e *Engine) int64 { return e.reloads.Load() }

// StoreID returns the id of e's store, which its messages carry.
func StoreID(e *Engine) string { return e.store.id }

// Revision returns the store revision e's policy is at.
func Revision(e *Engine) int64 {
	e.editMu.Lock()
	defer e.editMu.Unlock()
	return e.revision
}
