package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// BenchmarkRoleEdit is an edit to role0, a base role of the world that a
// tenth of its users inherit through a department and a team, while
// another goroutine keeps deciding for users drawn from all of them:
// "grant" adds or removes a grant of role0, "inherit" makes role0 inherit
// role1 or stops it. Each op is one edit; "decisions/op" are the decisions
// answered while it ran, which never wait for it, and "max-decision-ns"
// the slowest of them.
func BenchmarkRoleEdit(b *testing.B) {
	ctx := context.Background()
	for _, rules := range sizes(b) {
		w := NewWorld(rules)
		e, err := authz.New(ctx, authz.WithPolicy(w.Text))
		if err != nil {
			b.Fatal(err)
		}
		affected := 0
		for member, roles := range w.Edges {
			for _, role := range roles {
				// A team of role0 is a team of one of role0's departments.
				if role != "" && inherits(w, role, "role0") && member[:4] == "user" {
					affected++
				}
			}
		}
		runtime.GC()
		grant := authz.Grant{Subject: "role0", Permission: permissions.Permission("res49:edit"), Scope: permissions.Any, Effect: authz.Allow}
		for _, kind := range []string{"grant", "inherit"} {
			b.Run(fmt.Sprintf("rules=%d/%s", rules, kind), func(b *testing.B) {
				var decided, slowest atomic.Int64
				stop, done := make(chan struct{}), make(chan struct{})
				go func() {
					defer close(done)
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						r := w.Cold[i%len(w.Cold)]
						start := time.Now()
						if _, err := e.Decide(ctx, authz.Request{Subject: r.Subject, Permission: permissions.Permission(r.Permission), Resource: authz.Resource{Owner: r.Owner}}); err != nil {
							b.Error(err)
							return
						}
						if took := int64(time.Since(start)); took > slowest.Load() {
							slowest.Store(took)
						}
						decided.Add(1)
					}
				}()
				i := 0
				for b.Loop() {
					var err error
					switch {
					case kind == "grant" && i%2 == 0:
						err = e.AddGrant(ctx, grant)
					case kind == "grant":
						err = e.RemoveGrant(ctx, grant)
					case i%2 == 0:
						err = e.AssignRole(ctx, "role0", "role1")
					default:
						err = e.UnassignRole(ctx, "role0", "role1")
					}
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
				close(stop)
				<-done
				b.ReportMetric(float64(decided.Load())/float64(b.N), "decisions/op")
				b.ReportMetric(float64(slowest.Load()), "max-decision-ns")
				b.ReportMetric(float64(affected), "subjects")
			})
		}
	}
}

// inherits reports whether role is ancestor or inherits it in w.
func inherits(w World, role, ancestor string) bool {
	for depth := 0; depth < authz.MaxRoleDepth; depth++ {
		if role == ancestor {
			return true
		}
		parents := w.Edges[role]
		if len(parents) == 0 {
			return false
		}
		role = parents[0]
	}
	return false
}
