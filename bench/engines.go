package bench

import (
	"context"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
	"github.com/cedar-policy/cedar-go"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Engine decides the requests of a World.
type Engine interface {
	Decide(r Request) (bool, error)
}

// Engines are the engines compared, by name, in the order of the table.
var Engines = []struct {
	Name string
	New  func(w World) (Engine, error)
}{
	{"gatehouse", newGatehouse},
	{"casbin", newCasbin(false)},
	{"casbin-cached", newCasbin(true)},
	{"cedar", newCedar},
	{"opa", newOPA},
}

type gatehouseEngine struct{ e *authz.Engine }

func newGatehouse(w World) (Engine, error) {
	e, err := authz.New(context.Background(), authz.WithPolicy(w.Text))
	if err != nil {
		return nil, err
	}
	return gatehouseEngine{e}, nil
}

func (g gatehouseEngine) Decide(r Request) (bool, error) {
	d, err := g.e.Decide(context.Background(), authz.Request{Subject: r.Subject,
		Permission: permissions.Permission(r.Permission), Resource: authz.Resource{Owner: r.Owner}})
	return d.Allowed, err
}

// enforcer is what Casbin's Enforcer and CachedEnforcer have in common.
type enforcer interface {
	Enforce(rvals ...any) (bool, error)
}

type casbinEngine struct{ e enforcer }

// newCasbin loads the policy into Casbin on gatehouse's own model, the
// reference semantics gatehouse's index is proven equal to.
func newCasbin(cached bool) func(w World) (Engine, error) {
	return func(w World) (Engine, error) {
		m, err := model.NewModelFromString(gatehouse.DefaultModel())
		if err != nil {
			return nil, err
		}
		a := stringadapter.NewAdapter(w.Text)
		if cached {
			e, err := casbin.NewCachedEnforcer(m, a)
			return casbinEngine{e}, err
		}
		e, err := casbin.NewEnforcer(m, a)
		return casbinEngine{e}, err
	}
}

func (c casbinEngine) Decide(r Request) (bool, error) {
	return c.e.Enforce(r.Subject, r.Permission, r.Owner)
}

// cedarEngine holds one Cedar policy a grant, and an entity a user or role
// whose parents are the roles it holds: "principal in Role::…" follows the
// chain.
type cedarEngine struct {
	policies *cedar.PolicySet
	entities cedar.EntityMap
	resource cedar.EntityUID
}

func newCedar(w World) (Engine, error) {
	var text strings.Builder
	for _, g := range w.Grants {
		fmt.Fprintf(&text, "permit (principal in Role::%q, action == Action::%q, resource)", g.Role, g.Permission)
		if g.Scope == "own" {
			text.WriteString(" when { context.owner == principal }")
		}
		text.WriteString(";\n")
	}
	policies, err := cedar.NewPolicySetFromBytes("world.cedar", []byte(text.String()))
	if err != nil {
		return nil, err
	}
	entities := make(cedar.EntityMap, len(w.Edges))
	for member, roles := range w.Edges {
		uid := cedarUID(member)
		parents := make([]cedar.EntityUID, len(roles))
		for i, role := range roles {
			parents[i] = cedar.NewEntityUID("Role", cedar.String(role))
		}
		entities[uid] = cedar.Entity{UID: uid, Parents: cedar.NewEntityUIDSet(parents...)}
	}
	return cedarEngine{policies: policies, entities: entities, resource: cedar.NewEntityUID("Resource", "r")}, nil
}

// cedarUID is the entity of a member of a "g" line: users are Users,
// everything else a Role.
func cedarUID(name string) cedar.EntityUID {
	if strings.HasPrefix(name, "user") {
		return cedar.NewEntityUID("User", cedar.String(name))
	}
	return cedar.NewEntityUID("Role", cedar.String(name))
}

func (c cedarEngine) Decide(r Request) (bool, error) {
	decision, _ := cedar.Authorize(c.policies, c.entities, cedar.Request{
		Principal: cedarUID(r.Subject),
		Action:    cedar.NewEntityUID("Action", cedar.String(r.Permission)),
		Resource:  c.resource,
		Context:   cedar.NewRecord(cedar.RecordMap{"owner": cedarUID(r.Owner)}),
	})
	return decision == cedar.Allow, nil
}

// opaPolicy decides with the roles a subject holds through up to four
// "g" lines (the world's chains are three long) and their grants, kept as
// data: data.edges[member] lists its roles, data.grants[role] its grants.
const opaPolicy = `package gatehouse

default allow := false

roles contains r if some r in data.edges[input.subject]
roles contains p if { some r in data.edges[input.subject]; some p in data.edges[r] }
roles contains q if { some r in data.edges[input.subject]; some p in data.edges[r]; some q in data.edges[p] }
roles contains s if { some r in data.edges[input.subject]; some p in data.edges[r]; some q in data.edges[p]; some s in data.edges[q] }

allow if {
	some role in roles
	some grant in data.grants[role]
	grant.perm == input.perm
	grant.scope == "any"
}

allow if {
	input.owner == input.subject
	some role in roles
	some grant in data.grants[role]
	grant.perm == input.perm
	grant.scope == "own"
}
`

type opaEngine struct{ query rego.PreparedEvalQuery }

func newOPA(w World) (Engine, error) {
	edges := make(map[string]any, len(w.Edges))
	for member, roles := range w.Edges {
		list := make([]any, len(roles))
		for i, r := range roles {
			list[i] = r
		}
		edges[member] = list
	}
	grants := map[string]any{}
	for _, g := range w.Grants {
		list, _ := grants[g.Role].([]any)
		grants[g.Role] = append(list, map[string]any{"perm": g.Permission, "scope": g.Scope})
	}
	store := inmem.NewFromObjectWithOpts(map[string]any{"edges": edges, "grants": grants},
		inmem.OptRoundTripOnWrite(false), inmem.OptReturnASTValuesOnRead(true))
	query, err := rego.New(rego.Query("data.gatehouse.allow"), rego.Module("world.rego", opaPolicy), rego.Store(store)).
		PrepareForEval(context.Background())
	if err != nil {
		return nil, err
	}
	return opaEngine{query}, nil
}

func (o opaEngine) Decide(r Request) (bool, error) {
	rs, err := o.query.Eval(context.Background(), rego.EvalInput(map[string]any{
		"subject": r.Subject, "perm": r.Permission, "owner": r.Owner,
	}))
	if err != nil {
		return false, err
	}
	return rs.Allowed(), nil
}
