package authz

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// benchWorld is a generated policy of about rules lines, shaped like an
// application's at any size: 10 base roles, 20 department roles each
// inheriting a base role, and leaf roles each inheriting a department role;
// one grant per role (a third of them scoped own); and the users — most of
// the lines — each holding one leaf role, so every user's chain is user →
// leaf → department → base whatever the policy's size. Every benchmark of
// this file uses it, so their figures compare.
type benchWorld struct {
	policy   string
	users    int
	requests []Request
}

func newBenchWorld(rules int) benchWorld {
	roles := max(rules/11, 40)
	users := rules - 2*roles + 10
	var b strings.Builder
	for i := 0; i < roles; i++ {
		scope := "any"
		if i%3 == 0 {
			scope = "own"
		}
		fmt.Fprintf(&b, "p, role%d, res%d:act%d, %s, allow\n", i, i%50, i%7, scope)
	}
	for i := 10; i < 30; i++ {
		fmt.Fprintf(&b, "g, role%d, role%d\n", i, i%10)
	}
	for i := 30; i < roles; i++ {
		fmt.Fprintf(&b, "g, role%d, role%d\n", i, 10+i%20)
	}
	for j := 0; j < users; j++ {
		fmt.Fprintf(&b, "g, user%d, role%d\n", j, 30+j%(roles-30))
	}
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
	return benchWorld{policy: b.String(), users: users, requests: requests}
}

var benchSizes = []int{1000, 10000, 100000}

func newBenchEngine(b *testing.B, w benchWorld, opts ...Option) *Engine {
	b.Helper()
	e, err := New(context.Background(), append([]Option{WithPolicy(w.policy)}, opts...)...)
	require.NoError(b, err)
	return e
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

// seedBenchStore writes the 100,000-rule world into a new SQLite store.
func seedBenchStore(b *testing.B, w benchWorld) string {
	b.Helper()
	path := testdb.Path(b)
	_, err := New(context.Background(), WithDB(testdb.OpenFile(b, path)), WithPolicy(w.policy))
	require.NoError(b, err)
	return path
}

// BenchmarkPolicyEdit is one edit on a large policy, persisted to SQLite
// (included in the time): a grant added or removed, or a role assigned or
// unassigned, in turn.
func BenchmarkPolicyEdit(b *testing.B) {
	w := newBenchWorld(100000)
	b.Run("rules=100000", func(b *testing.B) {
		path := seedBenchStore(b, w)
		e, err := New(context.Background(), WithDB(testdb.OpenFile(b, path)))
		require.NoError(b, err)
		ctx := context.Background()
		g := Grant{Subject: "role3", Permission: "bench:edit", Scope: permissions.Any}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			var err error
			switch i % 4 {
			case 0:
				err = e.AddGrant(ctx, g)
			case 1:
				err = e.RemoveGrant(ctx, g)
			case 2:
				err = e.AssignRole(ctx, "user1", "role7")
			case 3:
				err = e.UnassignRole(ctx, "user1", "role7")
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoad is a cold start: a new engine reading 100,000 rules from
// SQLite, validating them and building Casbin's model and the index. It
// reports the peak of live heap during the load.
func BenchmarkLoad(b *testing.B) {
	w := newBenchWorld(100000)
	b.Run("rules=100000", func(b *testing.B) {
		path := seedBenchStore(b, w)
		var peak uint64
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := testdb.OpenFile(b, path)
			runtime.GC()
			stop := sampleHeap(&peak)
			b.StartTimer()
			e, err := New(context.Background(), WithDB(db))
			b.StopTimer()
			stop()
			require.NoError(b, err)
			require.True(b, e.Indexed())
			b.StartTimer()
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	})
}

// sampleHeap records the largest live heap seen until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		ticker := time.NewTicker(time.Millisecond)
		defer ticker.Stop()
		for {
			metrics.Read(samples)
			*peak = max(*peak, samples[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}
