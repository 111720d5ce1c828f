package observe_test

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/observe"
)

// An Observer counts an engine's decisions and edits for the
// application's OpenTelemetry meter; here a manual reader stands in for an
// exporter such as Prometheus.
func ExampleNew() {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	o, err := observe.New(observe.Config{Meter: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("app")})
	if err != nil {
		panic(err)
	}
	engine, err := authz.New(ctx, authz.WithDecisionSink(o, 1), authz.WithObserver(o))
	if err != nil {
		panic(err)
	}
	if err := o.ObserveEngine(engine); err != nil {
		panic(err)
	}
	_ = engine.AssignRole(authz.WithActor(ctx, authz.Actor{ID: "usr_admin", Source: authz.SourceAPI}), "carol", "moderator")
	for _, subject := range []string{"carol", "dave"} {
		_, _ = engine.Decide(ctx, authz.Request{Subject: subject, Permission: "users:read"})
	}

	var collected metricdata.ResourceMetrics
	_ = reader.Collect(ctx, &collected)
	for _, m := range collected.ScopeMetrics[0].Metrics {
		if sum, ok := m.Data.(metricdata.Sum[int64]); ok && (m.Name == observe.DecisionsName || m.Name == observe.PolicyEditsName) {
			for _, p := range sum.DataPoints {
				fmt.Println(m.Name, p.Attributes.Encoded(attribute.DefaultEncoder()), p.Value)
			}
		}
	}
	// Unordered output:
	// gatehouse_decisions outcome=allow 1
	// gatehouse_decisions outcome=deny 1
	// gatehouse_policy_edits result=committed,source=api 1
}
