package observe

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authz"
)

// ScopeName is the instrumentation scope of the default meter and tracer.
const ScopeName = "github.com/gatehouse-go/gatehouse"

// Config configures an Observer.
type Config struct {
	// Meter makes the instruments. Default: the global meter provider's
	// meter named ScopeName (otel.GetMeterProvider).
	Meter metric.Meter
	// Tracer starts the spans of authentication and authorization.
	// Default: the global tracer provider's tracer named ScopeName
	// (otel.GetTracerProvider). A tracer of go.opentelemetry.io/otel/trace/noop
	// turns spans off, and with them every cost of tracing: the
	// Observer then only counts.
	Tracer trace.Tracer
	// Propagator reads the trace context of requests whose context holds
	// no span yet (guard.Observer.JoinTrace). Default: the global
	// propagator (otel.GetTextMapPropagator) when one is set, else W3C
	// trace context and baggage.
	Propagator propagation.TextMapPropagator
}

// Observer is gatehouse's OpenTelemetry instrumentation. It is an
// authz.DecisionSink and authz.Observer for the engine, a guard.Observer
// for the adapters, and an account.EventObserver for the account flows.
// It is safe for concurrent use.
type Observer struct {
	meter      metric.Meter
	tracer     trace.Tracer
	tracing    bool // false for a noop tracer: no span, no trace joined
	propagator propagation.TextMapPropagator

	decisions       *tally // by outcome: decisionAllow, decisionDeny, decisionError
	decisionTime    metric.Float64Histogram
	edits           metric.Int64Counter
	linesChanged    metric.Int64Counter
	peerEditLag     metric.Float64Histogram
	storeErrors     metric.Int64Counter
	authentications *tally // by credential kind, then outcome
	logins          metric.Int64Counter
	securityEvents  metric.Int64Counter

	// Attribute sets made once, so that recording allocates nothing of
	// its own.
	allowed, denied, undecided []metric.RecordOption
	added, removed             []metric.AddOption
	credentialsStoreError      []metric.AddOption
}

var (
	_ authz.DecisionSink    = (*Observer)(nil)
	_ authz.Observer        = (*Observer)(nil)
	_ guard.Observer        = (*Observer)(nil)
	_ account.EventObserver = (*Observer)(nil)
)

// New makes the instruments of cfg's meter and returns the Observer.
func New(cfg Config) (*Observer, error) {
	o := &Observer{meter: cfg.Meter, tracer: cfg.Tracer, propagator: cfg.Propagator}
	if o.meter == nil {
		o.meter = otel.GetMeterProvider().Meter(ScopeName)
	}
	if o.tracer == nil {
		o.tracer = otel.GetTracerProvider().Tracer(ScopeName)
	}
	_, off := o.tracer.(noop.Tracer)
	o.tracing = !off
	if o.propagator == nil {
		o.propagator = otel.GetTextMapPropagator()
		if len(o.propagator.Fields()) == 0 { // the global default propagates nothing
			o.propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
		}
	}
	var errs []error
	counter := func(name, unit, description string) metric.Int64Counter {
		c, err := o.meter.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(description))
		if err != nil {
			errs = append(errs, fmt.Errorf("observe: %s: %w", name, err))
		}
		return c
	}
	histogram := func(name, description string, bounds ...float64) metric.Float64Histogram {
		h, err := o.meter.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(description),
			metric.WithExplicitBucketBoundaries(bounds...))
		if err != nil {
			errs = append(errs, fmt.Errorf("observe: %s: %w", name, err))
		}
		return h
	}
	var err error
	if o.decisions, err = newTally(o.meter, DecisionsName, "{decision}",
		"Authorization decisions, by outcome: allow, deny, or error (a request that could not be decided, and so denied).",
		[]attribute.Set{outcome("allow"), outcome("deny"), outcome("error")}); err != nil {
		errs = append(errs, err)
	}
	o.decisionTime = histogram(DecisionDurationName, "How long the timed authorization decisions took.",
		1e-7, 2.5e-7, 5e-7, 1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 1e-4, 1e-3, 1e-2)
	o.edits = counter(PolicyEditsName, "{edit}",
		"Edits of the policy made through this process, by source and result: committed, refused (it contradicted the policy), failed (the store or the engine failed).")
	o.linesChanged = counter(PolicyLinesName, "{line}", "Policy lines added and removed by committed edits, by change: added or removed.")
	o.peerEditLag = histogram(ReplicaEditLagName, "How long after a peer committed an edit it was applied here, by the two clocks.",
		0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
	o.storeErrors = counter(StoreErrorsName, "{error}",
		"Failures of stores, by component (policy, credentials) and operation (edit, load, check, history, authenticate).")
	var authnSets []attribute.Set
	for _, credential := range credentialKinds {
		for _, outcome := range authenticationOutcomes {
			authnSets = append(authnSets, attribute.NewSet(attribute.String("credential", credential), attribute.String("outcome", outcome)))
		}
	}
	if o.authentications, err = newTally(o.meter, AuthenticationsName, "{attempt}",
		"Credentials of requests checked by the guard, by credential kind and outcome: accepted, anonymous, refused, throttled, error.",
		authnSets); err != nil {
		errs = append(errs, err)
	}
	o.logins = counter(LoginsName, "{attempt}",
		"Logins and second-factor steps of the account flows, by method and outcome: succeeded, failed, throttled, mfa_required.")
	o.securityEvents = counter(SecurityEventsName, "{event}", "Security events of the account flows, by event name.")
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	o.allowed = []metric.RecordOption{metric.WithAttributeSet(outcome("allow"))}
	o.denied = []metric.RecordOption{metric.WithAttributeSet(outcome("deny"))}
	o.undecided = []metric.RecordOption{metric.WithAttributeSet(outcome("error"))}
	o.credentialsStoreError = addOptions(attribute.String("component", "credentials"), attribute.String("operation", "authenticate"))
	o.added = addOptions(attribute.String("change", "added"))
	o.removed = addOptions(attribute.String("change", "removed"))
	return o, nil
}

// outcome is the attribute set of a decision's outcome.
func outcome(name string) attribute.Set { return attribute.NewSet(attribute.String("outcome", name)) }

// addOptions returns the options of a counter's additions with attrs.
func addOptions(attrs ...attribute.KeyValue) []metric.AddOption {
	return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attrs...))}
}

// oneOf returns v when it is one of known, and "other" otherwise: metric
// attributes take values from fixed lists only.
func oneOf(v string, known ...string) string {
	for _, k := range known {
		if v == k {
			return v
		}
	}
	return "other"
}
