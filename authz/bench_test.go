package authz

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/internal/benchworld"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// benchWorld is the policy of package benchworld at some size, with
// requests of its users. Every benchmark of this file uses it, so their
// figures compare with each other and with authz/gormstore's.
type benchWorld struct {
	policy   string
	users    int
	requests []Request
}

func newBenchWorld(rules int) benchWorld {
	policy, users := benchworld.Policy(rules)
	rng := rand.New(rand.NewPCG(7, 11))
	requests := make([]Request, 1024)
	for i := range requests {
		sub := fmt.Sprintf("user%d", rng.IntN(users))
		owner := sub
		if rng.IntN(2) == 0 {
			owner = fmt.Sprintf("user%d", rng.IntN(users))
		}
		requests[i] = Request{
			Subject:    sub,
			Permission: permissions.Permission(fmt.Sprintf("res%d:act%d", rng.IntN(50), rng.IntN(7))),
			Resource:   Resource{Owner: owner},
		}
	}
	return benchWorld{policy: policy, users: users, requests: requests}
}

var benchSizes = []int{1000, 10000, 100000}

func newBenchEngine(b *testing.B, w benchWorld, opts ...Option) *Engine {
	b.Helper()
	e, err := New(context.Background(), append([]Option{WithPolicy(w.policy)}, opts...)...)
	require.NoError(b, err)
	settle()
	return e
}

// settle collects the garbage of a benchmark's setup, gigabytes at a
// million lines, so that the collection it would start does not run
// beside the timed loop: an engine loads once and decides for hours.
func settle() {
	runtime.GC()
}

// BenchmarkDecide is a decision through the index.
func BenchmarkDecide(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			w := newBenchWorld(n)
			e := newBenchEngine(b, w)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := e.Decide(ctx, w.requests[i%len(w.requests)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCasbinEnforce is the same decisions through Casbin's Enforce on
// the same model and policy: the baseline.
func BenchmarkCasbinEnforce(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			w := newBenchWorld(n)
			e := newBenchEngine(b, w)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := e.enforce(w.requests[i%len(w.requests)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecideParallel is decisions from every core at once.
func BenchmarkDecideParallel(b *testing.B) {
	w := newBenchWorld(100000)
	b.Run("rules=100000", func(b *testing.B) {
		e := newBenchEngine(b, w)
		ctx := context.Background()
		var next atomic.Uint64
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for i := next.Add(1000); pb.Next(); i++ {
				if _, err := e.Decide(ctx, w.requests[i%uint64(len(w.requests))]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// tenantBenchSizes are (rules, tenants) of the benchmarks with tenants.
var tenantBenchSizes = []struct{ rules, tenants int }{{1000, 10}, {100000, 1000}, {1000000, 10000}}

// newTenantBenchWorld is benchworld.TenantPolicy with requests of its
// users, nine in ten in a tenant where they hold a role.
func newTenantBenchWorld(rules, tenants int) benchWorld {
	policy, users := benchworld.TenantPolicy(rules, tenants)
	rng := rand.New(rand.NewPCG(7, 11))
	requests := make([]Request, 1024)
	for i := range requests {
		j := rng.IntN(users)
		sub := fmt.Sprintf("user%d", j)
		tenant := fmt.Sprintf("tenant%d", j%tenants)
		if rng.IntN(10) == 0 {
			tenant = fmt.Sprintf("tenant%d", rng.IntN(tenants))
		}
		owner := sub
		if rng.IntN(2) == 0 {
			owner = fmt.Sprintf("user%d", rng.IntN(users))
		}
		requests[i] = Request{
			Subject:    sub,
			Tenant:     tenant,
			Permission: permissions.Permission(fmt.Sprintf("res%d:act%d", rng.IntN(50), rng.IntN(7))),
			Resource:   Resource{Owner: owner},
		}
	}
	return benchWorld{policy: policy, users: users, requests: requests}
}

// BenchmarkDecideTenants is a decision through the index under the model
// with tenants.
func BenchmarkDecideTenants(b *testing.B) {
	for _, size := range tenantBenchSizes {
		b.Run(fmt.Sprintf("rules=%d/tenants=%d", size.rules, size.tenants), func(b *testing.B) {
			w := newTenantBenchWorld(size.rules, size.tenants)
			e := newBenchEngine(b, w, WithModel(gatehouse.TenantModel()))
			ctx := context.Background()
			allowed := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d, err := e.Decide(ctx, w.requests[i%len(w.requests)])
				if err != nil {
					b.Fatal(err)
				}
				if d.Allowed {
					allowed++
				}
			}
			b.ReportMetric(float64(allowed)/float64(b.N), "allowed/op")
		})
	}
}

// BenchmarkCasbinEnforceTenants is the same decisions through Casbin's
// Enforce on the shipped model with tenants, as Casbin itself loads it
// (matching the tenants of role assignments with keyMatch): the baseline.
func BenchmarkCasbinEnforceTenants(b *testing.B) {
	for _, size := range tenantBenchSizes[:2] {
		b.Run(fmt.Sprintf("rules=%d/tenants=%d", size.rules, size.tenants), func(b *testing.B) {
			w := newTenantBenchWorld(size.rules, size.tenants)
			p, err := ParsePolicy("bench", w.policy)
			require.NoError(b, err)
			enforcer := casbinOracle(b, p)
			settle()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r := w.requests[i%len(w.requests)]
				if _, err := enforcer.Enforce(r.Subject, r.Tenant, string(r.Permission), r.Resource.Owner); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
