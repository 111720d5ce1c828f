package authz_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// BenchmarkPropagation measures how long an edit made on one replica takes
// to change a decision on another: each iteration grants or revokes a
// permission on replica a and spins on replica b until its decision flips.
// The delay is counted from the moment the edit is called, so it includes
// the edit's own transaction: an upper bound of commit-to-decision. It
// reports the 50th and 99th percentiles, so run it with at least 200
// iterations (-benchtime 300x). The store and notifier pairs on servers run
// when their DSNs are set (see serverPairs).
func BenchmarkPropagation(b *testing.B) {
	for _, pb := range propagationBackends() {
		b.Run(pb.name, func(b *testing.B) {
			backend, ok := pb.backend(b)
			if !ok {
				b.Skip("servers not configured")
			}
			ctx := context.Background()
			a, _ := backend.replica(b)
			// A long check interval: only the notifier may carry the edit.
			peer, _ := backend.replica(b, authz.WithSyncInterval(time.Minute))
			grant := authz.Grant{Subject: "bench-user", Permission: "bench:flip", Scope: permissions.Any}
			delays := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				on := i%2 == 0
				start := time.Now()
				var err error
				if on {
					err = a.AddGrant(ctx, grant)
				} else {
					err = a.RemoveGrant(ctx, grant)
				}
				if err != nil {
					b.Fatal(err)
				}
				for !decides(peer, "bench-user", "bench:flip", on) {
					if time.Since(start) > 10*time.Second {
						b.Fatalf("edit %d never reached the peer", i)
					}
				}
				delays = append(delays, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(delays)
			b.ReportMetric(float64(percentile(delays, 50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(percentile(delays, 99).Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(delays[len(delays)-1].Microseconds())/1000, "max-ms")
		})
	}
}

// percentile returns the p-th percentile of sorted delays.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(i, len(sorted))-1)]
}

// propagationBackend names a store and notifier pair; backend reports false
// when the servers it needs are not configured.
type propagationBackend struct {
	name    string
	backend func(t testing.TB) (backend, bool)
}

// propagationBackends are SQLite with in-process notifications, and the
// server pairs.
func propagationBackends() []propagationBackend {
	return append([]propagationBackend{
		{"sqlite+local", func(t testing.TB) (backend, bool) { return sqliteBackend(t), true }},
	}, serverPairs()...)
}
