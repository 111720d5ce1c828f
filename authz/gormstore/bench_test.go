package gormstore_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/benchworld"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// openBenchStore opens the policy store on db, failing the benchmark on
// error.
func openBenchStore(b *testing.B, db *gorm.DB) *gormstore.Store {
	b.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(b, err)
	return s
}

// seedBenchStore writes the 100,000-rule world of package benchworld into a
// new SQLite database and returns its path.
func seedBenchStore(b *testing.B) string { return seedBenchStoreOf(b, 100000) }

// seedBenchStoreOf writes the world of about rules lines into a new SQLite
// database and returns its path.
func seedBenchStoreOf(b *testing.B, rules int) string {
	b.Helper()
	policy, _ := benchworld.Policy(rules)
	path := testdb.Path(b)
	_, err := authz.New(context.Background(), authz.WithStore(openBenchStore(b, testdb.OpenFile(b, path))), authz.WithPolicy(policy))
	require.NoError(b, err)
	return path
}

// BenchmarkPolicyEdit is one edit on a large policy, persisted to SQLite
// (included in the time): a grant added or removed, or a role assigned or
// unassigned, in turn.
func BenchmarkPolicyEdit(b *testing.B) {
	b.Run("rules=100000", func(b *testing.B) {
		path := seedBenchStore(b)
		e, err := authz.New(context.Background(), authz.WithStore(openBenchStore(b, testdb.OpenFile(b, path))))
		require.NoError(b, err)
		ctx := context.Background()
		g := authz.Grant{Subject: "role3", Permission: "bench:edit", Scope: permissions.Any}
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

// BenchmarkLoad is a cold start: a new engine reading the world's rules
// from SQLite, validating them and building the index, at 100,000 lines,
// and at a million when GATEHOUSE_BENCH_SIZES names 1000000 (writing them
// first takes a minute). It reports the peak of live heap during the load.
func BenchmarkLoad(b *testing.B) {
	for _, rules := range []int{100000, 1000000} {
		if rules > 100000 && !strings.Contains(os.Getenv("GATEHOUSE_BENCH_SIZES"), strconv.Itoa(rules)) {
			continue
		}
		b.Run(fmt.Sprintf("rules=%d", rules), func(b *testing.B) { benchmarkColdLoad(b, seedBenchStoreOf(b, rules)) })
	}
}

// benchmarkColdLoad measures a cold start on the SQLite file at path: a new
// store and engine (with opts) reading every line, validating them and
// building Casbin's model and the index. It reports the peak of live heap
// during the load.
func benchmarkColdLoad(b *testing.B, path string, opts ...authz.Option) {
	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := testdb.OpenFile(b, path)
		runtime.GC()
		stop := sampleHeap(&peak)
		b.StartTimer()
		s, err := gormstore.New(context.Background(), db)
		require.NoError(b, err)
		e, err := authz.New(context.Background(), append(opts, authz.WithStore(s))...)
		b.StopTimer()
		stop()
		require.NoError(b, err)
		require.True(b, e.Indexed())
		closeDB(b, db)
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
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
