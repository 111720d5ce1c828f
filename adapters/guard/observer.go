package guard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
)

// Observer watches a guard's authentications and authorization checks, to
// trace and count them (package observe implements it with OpenTelemetry).
// Each Authenticating is followed by one Authenticated, given the context
// Authenticating returned, on the same goroutine; likewise Authorizing and
// Authorized. The methods run on every request: they must be quick. The
// events' strings (a resource's id, a tenant) may be the framework's
// request buffers, which Fiber reuses once the request is over: copy what
// an Observer keeps beyond the call. A panic in them is recovered and
// logged, and the request goes on as if there were no observer.
type Observer interface {
	// JoinTrace returns ctx joined to the trace the request's headers
	// carry (W3C traceparent), for an application whose own middleware
	// has not done so; ctx itself when there is nothing to join. The
	// adapters call it first, and serve the request in the context it
	// returns.
	JoinTrace(ctx context.Context, headers TraceHeaders) context.Context
	// Authenticating is called as an authentication starts; the
	// authenticator runs in the context it returns.
	Authenticating(ctx context.Context) context.Context
	// Authenticated is called when the authentication is over.
	Authenticated(ctx context.Context, e AuthenticationEvent)
	// Authorizing is called as a check starts (Check, CheckResource,
	// Filter); the decisions are made in the context it returns.
	Authorizing(ctx context.Context) context.Context
	// Authorized is called when the check is over.
	Authorized(ctx context.Context, e AuthorizationEvent)
}

// TraceHeaders reads the trace-context headers of a request — W3C's
// traceparent and tracestate, and baggage — and no other: an Observer
// never sees a credential. The values are copies the Observer may keep.
type TraceHeaders struct{ creds authn.Credentials }

// TraceHeaderNames are the headers TraceHeaders reads.
var TraceHeaderNames = []string{"traceparent", "tracestate", "baggage"}

// maxTraceHeader bounds a trace header's value: W3C allows tracestate 32
// members of at most 256 bytes and baggage 8192 bytes.
const maxTraceHeader = 8192

// Get returns the request's header name if it is one of TraceHeaderNames,
// and "" otherwise, or when it is longer than 8192 bytes.
func (h TraceHeaders) Get(name string) string {
	if h.creds == nil {
		return ""
	}
	// Canonical names: the frameworks find them without a copy.
	switch strings.ToLower(name) {
	case "traceparent":
		name = "Traceparent"
	case "tracestate":
		name = "Tracestate"
	case "baggage":
		name = "Baggage"
	default:
		return ""
	}
	v := h.creds.Header(name)
	if v == "" {
		return ""
	}
	if len(v) > maxTraceHeader {
		return ""
	}
	// Framework buffers are reused after the request; spans outlive it.
	return strings.Clone(v)
}

// Outcomes of AuthenticationEvent.
const (
	// AuthenticationAccepted: a credential was accepted.
	AuthenticationAccepted = "accepted"
	// AuthenticationAnonymous: no credential, on a route where none is
	// needed.
	AuthenticationAnonymous = "anonymous"
	// AuthenticationRefused: a credential was refused, or none was given
	// where one is needed (401, 400).
	AuthenticationRefused = "refused"
	// AuthenticationThrottled: too many failed attempts (429).
	AuthenticationThrottled = "throttled"
	// AuthenticationFailed: the credential could not be checked: a store
	// did not answer (503, 500).
	AuthenticationFailed = "error"
)

// AuthenticationEvent is one authentication as an Observer hears of it.
type AuthenticationEvent struct {
	// Outcome is one of the Authentication* outcomes.
	Outcome string
	// Method is the kind of credential: the accepted one's
	// (Subject.Method), or for a refusal the kind its error names
	// (authn.ErrInvalidToken: bearer; ErrInvalidAPIKey: api_key;
	// ErrInvalidSession and ErrCSRF: session); "" when unknown or none.
	Method authn.Method
	// Subject is the accepted subject's id; "" otherwise.
	Subject string
	// Refusal is what the guard answers; nil when accepted or anonymous.
	Refusal *Error
}

// Outcomes of AuthorizationEvent.
const (
	// AuthorizationAllowed: the check passed.
	AuthorizationAllowed = "allow"
	// AuthorizationDenied: it failed (403, or 401 for an anonymous
	// caller, 404 outside the caller's tenants).
	AuthorizationDenied = "deny"
	// AuthorizationFailed: it could not be decided, and so denied (503,
	// 500).
	AuthorizationFailed = "error"
)

// AuthorizationEvent is one check as an Observer hears of it.
type AuthorizationEvent struct {
	// Outcome is one of the Authorization* outcomes.
	Outcome string
	// Subject is the caller's id; "" for an anonymous caller.
	Subject string
	// Tenant is the tenant the check was made in; "" outside tenants.
	Tenant string
	// Required is what the route requires, as Requirement.String writes
	// it, or the permission of CheckResource and Filter.
	Required string
	// Resource is the resource of CheckResource; zero otherwise.
	Resource authz.Resource
	// Decision is the last decision the check made: its Rule is the
	// deciding rule. Zero when the check made none (a role requirement,
	// an anonymous caller, a second factor missing).
	Decision authz.Decision
	// Refusal is what the guard answers; nil when allowed.
	Refusal *Error
}

// JoinTrace returns ctx joined to the trace creds carry (Observer.JoinTrace),
// or ctx itself without a Config.Observer.
func (g *Guard) JoinTrace(ctx context.Context, creds authn.Credentials) (joined context.Context) {
	if g.cfg.Observer == nil {
		return ctx
	}
	defer g.containObserver(func() { joined = ctx })
	return g.cfg.Observer.JoinTrace(ctx, TraceHeaders{creds: creds})
}

// observing calls start on the observer, containing a panic, and returns
// the context it gave, or ctx.
func (g *Guard) observing(ctx context.Context, start func(context.Context) context.Context) (started context.Context) {
	defer g.containObserver(func() { started = ctx })
	if started = start(ctx); started == nil {
		started = ctx
	}
	return started
}

// observed calls end on the observer, containing a panic.
func (g *Guard) observed(end func()) {
	defer g.containObserver(nil)
	end()
}

// containObserver recovers a panic of the observer, logs it and runs
// fallback.
func (g *Guard) containObserver(fallback func()) {
	if r := recover(); r != nil {
		g.log.Error("guard: the observer panicked; the request goes on", "panic", fmt.Sprint(r))
		if fallback != nil {
			fallback()
		}
	}
}

// authenticationOutcome classifies an authentication's result.
func authenticationOutcome(s authn.Subject, refusal *Error) string {
	switch {
	case refusal == nil && s.IsZero():
		return AuthenticationAnonymous
	case refusal == nil:
		return AuthenticationAccepted
	case refusal.Status == http.StatusTooManyRequests:
		return AuthenticationThrottled
	case refusal.Status >= 500 && refusal.Status != http.StatusNotImplemented:
		return AuthenticationFailed
	}
	return AuthenticationRefused
}

// refusedMethod returns the kind of credential the refusal e (which
// unwraps to the error behind it) refuses, when it says.
func refusedMethod(e *Error) authn.Method {
	switch {
	case e == nil:
		return ""
	case errors.Is(e, authn.ErrInvalidToken):
		return authn.MethodBearer
	case errors.Is(e, authn.ErrInvalidAPIKey):
		return authn.MethodAPIKey
	case errors.Is(e, authn.ErrInvalidSession), errors.Is(e, authn.ErrCSRF):
		return authn.MethodSession
	}
	return ""
}

// authorizationOutcome classifies a check's result.
func authorizationOutcome(refusal *Error) string {
	switch {
	case refusal == nil:
		return AuthorizationAllowed
	case refusal.Status >= 500:
		return AuthorizationFailed
	}
	return AuthorizationDenied
}
