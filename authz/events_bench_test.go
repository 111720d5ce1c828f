package authz

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// nopSink receives decisions and does nothing with them.
type nopSink struct{}

func (nopSink) Decided(context.Context, DecisionEvent) {}

// BenchmarkDecideSink is BenchmarkDecide's decisions at 1,000 lines (whose
// cache misses are fewest, so the sink's cost shows best) without a sink, with a sink that drops everything, and with the slog
// sink writing text to nowhere: what observing decisions costs.
func BenchmarkDecideSink(b *testing.B) {
	w := newBenchWorld(1000)
	for _, bench := range []struct {
		name string
		opts []Option
	}{
		{"none", nil},
		{"nop", []Option{WithDecisionSink(nopSink{}, 1)}},
		{"nop, untimed", []Option{WithDecisionSink(nopSink{}, 1), WithDecisionTiming(0)}},
		{"slog", []Option{WithDecisionSink(SlogSink{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, 1)}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			e := newBenchEngine(b, w, bench.opts...)
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
