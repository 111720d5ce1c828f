// Package observe measures gatehouse with OpenTelemetry metrics: its
// decisions by outcome and how long they take, and the log lines the
// guard held back under a flood. Give it the application's meter; any
// OpenTelemetry exporter (Prometheus, OTLP) then carries the figures.
//
//	m, err := observe.NewMetrics(otel.Meter("gatehouse"))
//	engine, err := authz.New(ctx, authz.WithStore(store), authz.WithDecisionSink(m, 1))
//	err = m.ObserveGuard(g) // the guard's held-back log lines
//
// Every instrument is named with the prefix gatehouse_ (see the names
// below); a Prometheus exporter adds its unit and _total suffixes.
package observe

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authz"
)

// The instruments' names.
const (
	// DecisionsName counts decisions, by outcome: "allow", "deny", or
	// "error" for a request that could not be decided (which denies).
	DecisionsName = "gatehouse_decisions"
	// DecisionDurationName is the histogram of the timed decisions'
	// durations, in seconds (authz.WithDecisionTiming).
	DecisionDurationName = "gatehouse_decision_duration"
	// DroppedLogsName counts the log lines of denials and refused
	// authentications the guard held back (guard.Config.LogBurst).
	DroppedLogsName = "gatehouse_guard_dropped_log_lines"
)

// ErrNoMeter reports a nil meter.
var ErrNoMeter = errors.New("observe: a meter is required")

// Metrics are gatehouse's instruments on one meter. It is an
// authz.DecisionSink; it is safe for concurrent use.
type Metrics struct {
	meter     metric.Meter
	decisions metric.Int64Counter
	duration  metric.Float64Histogram
	// The outcomes' attributes, made once: recording allocates nothing of
	// its own.
	allow, deny, failed []metric.AddOption
	allowDuration       []metric.RecordOption
	denyDuration        []metric.RecordOption
	failedDuration      []metric.RecordOption
}

var _ authz.DecisionSink = (*Metrics)(nil)

// NewMetrics creates the instruments on meter.
func NewMetrics(meter metric.Meter) (*Metrics, error) {
	if meter == nil {
		return nil, ErrNoMeter
	}
	decisions, err := meter.Int64Counter(DecisionsName, metric.WithUnit("{decision}"),
		metric.WithDescription("Authorization decisions, by outcome: allow, deny, or error (a request that could not be decided, and so denied)."))
	if err != nil {
		return nil, fmt.Errorf("observe: %s: %w", DecisionsName, err)
	}
	duration, err := meter.Float64Histogram(DecisionDurationName, metric.WithUnit("s"),
		metric.WithDescription("How long the timed authorization decisions took."),
		metric.WithExplicitBucketBoundaries(1e-7, 2.5e-7, 5e-7, 1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 1e-4, 1e-3, 1e-2))
	if err != nil {
		return nil, fmt.Errorf("observe: %s: %w", DecisionDurationName, err)
	}
	set := func(outcome string) attribute.Set { return attribute.NewSet(attribute.String("outcome", outcome)) }
	m := &Metrics{meter: meter, decisions: decisions, duration: duration}
	for outcome, opts := range map[string]struct {
		add    *[]metric.AddOption
		record *[]metric.RecordOption
	}{
		"allow": {&m.allow, &m.allowDuration},
		"deny":  {&m.deny, &m.denyDuration},
		"error": {&m.failed, &m.failedDuration},
	} {
		*opts.add = []metric.AddOption{metric.WithAttributeSet(set(outcome))}
		*opts.record = []metric.RecordOption{metric.WithAttributeSet(set(outcome))}
	}
	return m, nil
}

// Decided counts e by its outcome, and records its duration when it was
// timed.
func (m *Metrics) Decided(ctx context.Context, e authz.DecisionEvent) {
	add, record := m.deny, m.denyDuration
	switch {
	case e.Err != nil:
		add, record = m.failed, m.failedDuration
	case e.Decision.Allowed:
		add, record = m.allow, m.allowDuration
	}
	m.decisions.Add(ctx, 1, add...)
	if e.Duration > 0 {
		m.duration.Record(ctx, e.Duration.Seconds(), record...)
	}
}

// ObserveGuard reports g's held-back log lines (Guard.DroppedLogs) as the
// counter DroppedLogsName, read when the meter collects.
func (m *Metrics) ObserveGuard(g *guard.Guard) error {
	if g == nil {
		return errors.New("observe: nil guard")
	}
	_, err := m.meter.Int64ObservableCounter(DroppedLogsName, metric.WithUnit("{line}"),
		metric.WithDescription("Log lines of denials and refused authentications the guard held back under its per-subject limit."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(min(g.DroppedLogs(), 1<<62)))
			return nil
		}))
	if err != nil {
		return fmt.Errorf("observe: %s: %w", DroppedLogsName, err)
	}
	return nil
}
