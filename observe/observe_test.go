package observe_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/observe"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// collect reads every metric of reader, by name.
func collect(t *testing.T, reader *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

func TestDecisionMetrics(t *testing.T) {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	m, err := observe.NewMetrics(provider.Meter("gatehouse"))
	require.NoError(t, err)
	e, err := authz.New(ctx, authz.WithDecisionSink(m, 1), authz.WithDecisionTiming(2),
		authz.WithPolicy("p, editor, posts:update, any, allow\ng, carol, editor\n"))
	require.NoError(t, err)
	for range 3 {
		_, err := e.Decide(ctx, authz.Request{Subject: "carol", Permission: "posts:update"})
		require.NoError(t, err)
	}
	_, err = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts:update"})
	require.NoError(t, err)
	_, err = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts"})
	require.Error(t, err)

	got := collect(t, reader)
	counts := map[string]int64{}
	sum, ok := got[observe.DecisionsName].Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is a sum", observe.DecisionsName)
	assert.True(t, sum.IsMonotonic)
	for _, p := range sum.DataPoints {
		outcome, _ := p.Attributes.Value("outcome")
		counts[outcome.AsString()] = p.Value
	}
	assert.Equal(t, map[string]int64{"allow": 3, "deny": 1, "error": 1}, counts)

	hist, ok := got[observe.DecisionDurationName].Data.(metricdata.Histogram[float64])
	require.True(t, ok)
	timed := uint64(0)
	for _, p := range hist.DataPoints {
		timed += p.Count
	}
	assert.Equal(t, uint64(2), timed, "one decision in two is timed")
	assert.Equal(t, "s", got[observe.DecisionDurationName].Unit)
}

type nobody struct{}

func (nobody) Authenticate(context.Context, authn.Credentials) (authn.Subject, error) {
	return authn.Subject{}, authn.ErrNoCredentials
}

func TestGuardDroppedLogs(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	m, err := observe.NewMetrics(provider.Meter("gatehouse"))
	require.NoError(t, err)
	engine, err := authz.New(context.Background())
	require.NoError(t, err)
	g, err := guard.New(guard.Config{Authenticator: nobody{}, Engine: engine, Logger: slog.New(slog.DiscardHandler), LogBurst: 1})
	require.NoError(t, err)
	require.NoError(t, m.ObserveGuard(g))
	for range 4 {
		e := g.Check(context.Background(), authn.Subject{ID: "mallory"}, guard.Permission(permissions.UsersDelete))
		require.NotNil(t, e)
		require.Equal(t, 403, e.Status)
	}
	sum, ok := collect(t, reader)[observe.DroppedLogsName].Data.(metricdata.Sum[int64])
	require.True(t, ok)
	require.Len(t, sum.DataPoints, 1)
	assert.Equal(t, int64(3), sum.DataPoints[0].Value, "one line of four let through")

	_, err = observe.NewMetrics(nil)
	assert.ErrorIs(t, err, observe.ErrNoMeter)
	assert.Error(t, m.ObserveGuard(nil))
}
