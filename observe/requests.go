package observe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// The spans' names.
const (
	// AuthenticateSpan is the span of a request's authentication.
	AuthenticateSpan = "gatehouse.authenticate"
	// AuthorizeSpan is the span of a check of a request (guard.Check,
	// CheckResource, Filter).
	AuthorizeSpan = "gatehouse.authorize"
)

// carrier lets a propagator read a request's trace headers, and only
// those.
type carrier struct{ h guard.TraceHeaders }

func (c carrier) Get(key string) string { return c.h.Get(key) }
func (carrier) Set(string, string)      {}
func (carrier) Keys() []string          { return guard.TraceHeaderNames }

// JoinTrace returns ctx unchanged when it holds a span already (the
// application's middleware made one) or the request carries no
// traceparent, and otherwise ctx carrying the remote span context and
// baggage of the request's headers, so that gatehouse's spans, and the
// handler's, join the caller's trace.
func (o *Observer) JoinTrace(ctx context.Context, h guard.TraceHeaders) context.Context {
	if !o.tracing || trace.SpanContextFromContext(ctx).IsValid() {
		return ctx
	}
	if h.Get("traceparent") == "" {
		return ctx // no trace to join (baggage travels with one): one header lookup
	}
	return o.propagator.Extract(ctx, carrier{h})
}

// Authenticating starts the span AuthenticateSpan, unless ctx's span is
// one its trace's sampler dropped (see start).
func (o *Observer) Authenticating(ctx context.Context) context.Context {
	return o.start(ctx, AuthenticateSpan)
}

// start starts the span name in ctx. Under a parent that was sampled out,
// as head sampling drops most requests' traces, it starts none: the span
// would be dropped too, and the SDK's ids and sampler cost more than the
// rest of a request's observation. Authenticated and Authorized then end
// the parent's span, which is a no-op on a span that does not record.
func (o *Observer) start(ctx context.Context, name string) context.Context {
	if !o.tracing {
		return ctx
	}
	if parent := trace.SpanFromContext(ctx); !parent.IsRecording() {
		if sc := parent.SpanContext(); sc.IsValid() && !sc.IsSampled() {
			return ctx
		}
	}
	ctx, _ = o.tracer.Start(ctx, name)
	return ctx
}

// Authenticated counts the authentication and ends its span, with its
// outcome, credential kind, subject and refusal as attributes.
func (o *Observer) Authenticated(ctx context.Context, e guard.AuthenticationEvent) {
	kind := credentialKind(e.Method)
	credential := credentialKinds[kind]
	o.authentications.add(kind*len(authenticationOutcomes) + index(e.Outcome, authenticationOutcomes))
	if e.Outcome == guard.AuthenticationFailed {
		o.storeErrors.Add(ctx, 1, o.credentialsStoreError...)
	}
	if !o.tracing {
		return // ctx's span is the application's
	}
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 5)
		attrs = append(attrs, attribute.String("gatehouse.authn.outcome", e.Outcome), attribute.String("gatehouse.authn.credential", credential))
		if e.Subject != "" {
			attrs = append(attrs, attribute.String("gatehouse.subject", strings.Clone(e.Subject)))
		}
		span.SetAttributes(refused(span, e.Refusal, attrs)...)
	}
	span.End()
}

// Authorizing starts the span AuthorizeSpan, unless ctx's span is one its
// trace's sampler dropped.
func (o *Observer) Authorizing(ctx context.Context) context.Context {
	return o.start(ctx, AuthorizeSpan)
}

// Authorized ends the check's span, with its outcome, subject,
// requirement, tenant, resource and deciding rule as attributes.
func (o *Observer) Authorized(ctx context.Context, e guard.AuthorizationEvent) {
	if !o.tracing {
		return // ctx's span is the application's
	}
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 11)
		attrs = append(attrs, attribute.String("gatehouse.authz.outcome", e.Outcome),
			attribute.String("gatehouse.required", strings.Clone(e.Required)))
		// Strings may alias a framework's buffers, reused once the request
		// is over; the span is exported later.
		for _, a := range []struct{ key, value string }{
			{"gatehouse.subject", e.Subject}, {"gatehouse.tenant", e.Tenant},
			{"gatehouse.resource.type", e.Resource.Type}, {"gatehouse.resource.id", e.Resource.ID},
			{"gatehouse.resource.owner", e.Resource.Owner},
		} {
			if a.value != "" {
				attrs = append(attrs, attribute.String(a.key, strings.Clone(a.value)))
			}
		}
		if e.Decision.Matched() {
			attrs = append(attrs, attribute.String("gatehouse.rule", e.Decision.Rule.String()))
		}
		if e.Decision.Relation.Subject != "" {
			attrs = append(attrs, attribute.String("gatehouse.relation", e.Decision.Relation.String()))
		}
		span.SetAttributes(refused(span, e.Refusal, attrs)...)
	}
	span.End()
}

// refused returns attrs with a refusal's code and status, and sets an
// error status on span for a refusal that is a failure (5xx).
func refused(span trace.Span, e *guard.Error, attrs []attribute.KeyValue) []attribute.KeyValue {
	if e == nil {
		return attrs
	}
	if e.Status >= http.StatusInternalServerError {
		span.SetStatus(codes.Error, e.Code)
	}
	return append(attrs, attribute.String("gatehouse.refusal.code", e.Code), attribute.Int("gatehouse.refusal.status", e.Status))
}

// The kinds of credential AuthenticationsName counts by.
var credentialKinds = []string{
	string(authn.MethodBearer), string(authn.MethodAPIKey), string(authn.MethodSession),
	string(authn.MethodClientCertificate), string(authn.MethodExternalToken), "none", "other",
}

// The outcomes AuthenticationsName counts by.
var authenticationOutcomes = []string{
	guard.AuthenticationAccepted, guard.AuthenticationAnonymous, guard.AuthenticationRefused,
	guard.AuthenticationThrottled, guard.AuthenticationFailed, "other",
}

// credentialKind returns the index in credentialKinds of m as
// AuthenticationsName counts it.
func credentialKind(m authn.Method) int {
	if m == "" {
		return index("none", credentialKinds)
	}
	return index(string(m), credentialKinds)
}

// index returns v's index in list, or the last's.
func index(v string, list []string) int {
	for i, k := range list {
		if k == v {
			return i
		}
	}
	return len(list) - 1
}

// ObserveGuard reports g's held-back log lines (Guard.DroppedLogs) as the
// counter DroppedLogsName, read when the meter collects.
func (o *Observer) ObserveGuard(g *guard.Guard) error {
	if g == nil {
		return errors.New("observe: nil guard")
	}
	_, err := o.meter.Int64ObservableCounter(DroppedLogsName, metric.WithUnit("{line}"),
		metric.WithDescription("Log lines of denials and refused authentications the guard held back under its per-subject limit."),
		metric.WithInt64Callback(func(_ context.Context, ob metric.Int64Observer) error {
			ob.Observe(int64(min(g.DroppedLogs(), 1<<62)))
			return nil
		}))
	if err != nil {
		return fmt.Errorf("observe: %s: %w", DroppedLogsName, err)
	}
	return nil
}
