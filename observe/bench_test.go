package observe_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/observe"
)

// BenchmarkDecisionMetrics is one decision on gatehouse's default policy
// without a sink, and counted by the Observer on the OpenTelemetry SDK,
// timed (the default) and untimed.
func BenchmarkDecisionMetrics(b *testing.B) {
	ctx := context.Background()
	o, err := observe.New(observe.Config{Meter: sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())).Meter("gatehouse")})
	require.NoError(b, err)
	req := authz.Request{Subject: "moderator", Permission: "posts:delete", Resource: authz.Resource{Owner: "carol"}}
	for _, bench := range []struct {
		name string
		opts []authz.Option
	}{
		{"none", nil},
		{"metrics, untimed", []authz.Option{authz.WithDecisionSink(o, 1), authz.WithDecisionTiming(0)}},
		{"metrics, timed", []authz.Option{authz.WithDecisionSink(o, 1)}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			e, err := authz.New(ctx, bench.opts...)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Decide(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
