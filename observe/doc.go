// Package observe watches gatehouse with OpenTelemetry: metrics of its
// decisions, authentications, logins, policy edits, replicas and stores,
// and spans of each request's authentication and authorization that join
// the application's own trace. Give it the application's meter and tracer
// (by default the global providers', which do nothing until the
// application sets them); any OpenTelemetry exporter (Prometheus, OTLP)
// then carries the figures.
//
//	o, err := observe.New(observe.Config{})
//	engine, err := authz.New(ctx, authz.WithDecisionSink(o, 1), authz.WithObserver(o))
//	guardConfig.Observer = o                       // spans, and authentications counted
//	accountConfig.Events = o                       // logins and security events counted
//	err = o.ObserveEngine(engine)                  // revision, availability, replica state
//	err = o.ObserveGuard(g)                        // the guard's held-back log lines
//
// One Observer watches one engine and one guard. Every instrument's name
// starts with gatehouse_; a Prometheus exporter adds the unit and, to
// counters, _total (gatehouse_decisions becomes gatehouse_decisions_total,
// gatehouse_decision_duration gatehouse_decision_duration_seconds). The
// table of names is in the README's "Watching gatehouse in production".
//
// Attributes take values from short fixed lists (outcomes, credential
// kinds, sources), never a subject or a resource, so that no series is
// made per user. Spans carry the subject, the requirement, the resource
// and the deciding rule, and never a credential.
package observe
