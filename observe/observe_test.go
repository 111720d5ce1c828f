package observe_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/observe"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
)

// rig is an Observer on the SDK: metrics read by hand, spans recorded.
type rig struct {
	*observe.Observer
	reader *sdkmetric.ManualReader
	spans  *tracetest.SpanRecorder
	tracer *sdktrace.TracerProvider
}

func newRig(t *testing.T) rig {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	tracer := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	o, err := observe.New(observe.Config{
		Meter:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("gatehouse"),
		Tracer: tracer.Tracer("gatehouse"),
	})
	require.NoError(t, err)
	return rig{Observer: o, reader: reader, spans: spans, tracer: tracer}
}

// collect reads every metric, by name.
func (r rig) collect(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// key writes an attribute set as "k=v,k=v", sorted.
func key(set attribute.Set) string {
	var parts []string
	for _, kv := range set.ToSlice() {
		parts = append(parts, string(kv.Key)+"="+kv.Value.String())
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// ints returns an integer metric's points by their attributes.
func (r rig) ints(t *testing.T, name string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	switch data := r.collect(t)[name].Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range data.DataPoints {
			out[key(p.Attributes)] = p.Value
		}
	case metricdata.Gauge[int64]:
		for _, p := range data.DataPoints {
			out[key(p.Attributes)] = p.Value
		}
	case nil:
	default:
		t.Fatalf("%s is a %T", name, data)
	}
	return out
}

// counts returns a histogram's counts by their attributes.
func (r rig) counts(t *testing.T, name string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	if data, ok := r.collect(t)[name].Data.(metricdata.Histogram[float64]); ok {
		for _, p := range data.DataPoints {
			out[key(p.Attributes)] = p.Count
		}
	}
	return out
}

var quiet = slog.New(slog.DiscardHandler)

func TestDecisionMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	e, err := authz.New(ctx, authz.WithDecisionSink(r, 1), authz.WithDecisionTiming(2),
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

	assert.Equal(t, map[string]int64{"outcome=allow": 3, "outcome=deny": 1, "outcome=error": 1}, r.ints(t, observe.DecisionsName))
	timed := uint64(0)
	for _, n := range r.counts(t, observe.DecisionDurationName) {
		timed += n
	}
	assert.Equal(t, uint64(2), timed, "one decision in two is timed")
	assert.Equal(t, "s", r.collect(t)[observe.DecisionDurationName].Unit)
}

// downStore fails every edit and load while down.
type downStore struct {
	authz.Store
	down bool
}

func (s *downStore) Apply(ctx context.Context, c authz.Change, base int64) (int64, error) {
	if s.down {
		return 0, fmt.Errorf("connection refused")
	}
	return s.Store.Apply(ctx, c, base)
}

func (s *downStore) Load(ctx context.Context) (authz.Policy, int64, error) {
	if s.down {
		return authz.Policy{}, 0, fmt.Errorf("connection refused")
	}
	return s.Store.Load(ctx)
}

func TestPolicyMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	memory, err := authz.NewMemoryStore()
	require.NoError(t, err)
	store := &downStore{Store: memory}
	e, err := authz.New(ctx, authz.WithStore(store), authz.WithObserver(r), authz.WithLogger(quiet))
	require.NoError(t, err)
	require.NoError(t, r.ObserveEngine(e))

	console := authz.WithActor(ctx, authz.Actor{ID: "usr_1", Source: authz.SourceConsole})
	require.NoError(t, e.AssignRole(console, "dave", "editor"))
	require.Error(t, e.AssignRole(console, "dave", "editor"))
	require.NoError(t, e.SetRoles(ctx, "dave", []string{"user"}))
	store.down = true
	require.Error(t, e.RemoveSubject(ctx, "dave"))
	require.Error(t, e.Reload(ctx))
	assert.Equal(t, map[string]int64{"": 1}, r.ints(t, observe.PolicyAvailableName), "a refused commit leaves memory as it was")
	store.down = false
	require.NoError(t, e.Reload(ctx))

	assert.Equal(t, map[string]int64{
		"result=committed,source=console": 1, "result=refused,source=console": 1,
		"result=committed,source=unspecified": 1, "result=failed,source=unspecified": 1,
	}, r.ints(t, observe.PolicyEditsName))
	assert.Equal(t, map[string]int64{"change=added": 2, "change=removed": 1}, r.ints(t, observe.PolicyLinesName))
	assert.Equal(t, map[string]int64{"component=policy,operation=edit": 1, "component=policy,operation=load": 1},
		r.ints(t, observe.StoreErrorsName), "the failed commit and the failed Reload")
	assert.Equal(t, map[string]int64{"": e.Status().Revision}, r.ints(t, observe.PolicyRevisionName))
	assert.Equal(t, map[string]int64{"": 1}, r.ints(t, observe.PolicyAvailableName))
	assert.Equal(t, map[string]int64{"": e.Status().Reloads}, r.ints(t, observe.PolicyReloadsName))
	assert.Empty(t, r.ints(t, observe.ReplicaConnectedName), "an engine that follows no peers has no replica state")
	assert.Error(t, r.ObserveEngine(nil))
}

func TestReplicaMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := authz.NewMemoryStore()
	require.NoError(t, err)
	hub := watch.NewLocal()
	t.Cleanup(func() { _ = hub.Close() })
	replica := func(opts ...authz.Option) *authz.Engine {
		e, err := authz.New(ctx, append([]authz.Option{authz.WithStore(store), authz.WithNotifier(hub),
			authz.WithSyncInterval(20 * time.Millisecond), authz.WithLogger(quiet)}, opts...)...)
		require.NoError(t, err)
		t.Cleanup(e.Close)
		return e
	}
	r := newRig(t)
	a, b := replica(), replica(authz.WithObserver(r))
	require.NoError(t, r.ObserveEngine(b))

	require.NoError(t, a.AssignRole(ctx, "dave", "editor"))
	require.Eventually(t, func() bool { return r.counts(t, observe.ReplicaEditLagName)[""] == 1 }, 10*time.Second, 5*time.Millisecond,
		"the peer's edit was not timed")
	assert.Equal(t, map[string]int64{"": 1}, r.ints(t, observe.ReplicaConnectedName))
	staleness, ok := r.collect(t)[observe.ReplicaStalenessName].Data.(metricdata.Gauge[float64])
	require.True(t, ok)
	require.Len(t, staleness.DataPoints, 1)
	assert.Less(t, staleness.DataPoints[0].Value, 10.0)
	assert.Empty(t, r.ints(t, observe.PolicyEditsName), "a peer's edit is not one of this process")

	hub.Disconnect()
	require.Eventually(t, func() bool {
		return r.ints(t, observe.ReplicaConnectedName)[""] == 0 && r.ints(t, observe.PolicyAvailableName)[""] == 0
	}, 10*time.Second, 5*time.Millisecond, "the disconnection is not measured")
	hub.Reconnect()
}

func TestRequestsAreTracedAndCounted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	engine, err := authz.New(ctx, authz.WithDecisionSink(r, 1))
	require.NoError(t, err)
	require.NoError(t, engine.AssignRole(ctx, "carol", "moderator"))
	key, err := token.HS256("k1", []byte("observe-test-signing-key-0123456789abcdef"))
	require.NoError(t, err)
	tokens, err := token.New(token.Config{Issuer: "test", Keys: []token.Key{key}, Revocations: memstore.New(memstore.Config{})})
	require.NoError(t, err)
	tok, err := tokens.Issue(ctx, "carol")
	require.NoError(t, err)
	mw, err := httpadapter.New(httpadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(), Engine: engine, Observer: r, Logger: quiet, PublicPaths: []string{"/public"},
	}})
	require.NoError(t, err)
	var handlerTrace trace.SpanContext
	h := mw.Authenticate(mw.RequirePermission(permissions.UsersRead)(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		handlerTrace = trace.SpanContextFromContext(req.Context())
		w.WriteHeader(http.StatusNoContent)
	})))

	const traceID, parentID = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	call := func(bearer string, headers map[string]string) int {
		req := httptest.NewRequest(http.MethodGet, "/admin/users", nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	require.Equal(t, http.StatusNoContent, call(tok.Value.Reveal(), map[string]string{"traceparent": "00-" + traceID + "-" + parentID + "-01"}))
	assert.Equal(t, traceID, handlerTrace.TraceID().String(), "the handler runs in the caller's trace")

	spans := r.spans.Ended()
	require.Len(t, spans, 2)
	authnSpan, authzSpan := spans[0], spans[1]
	assert.Equal(t, observe.AuthenticateSpan, authnSpan.Name())
	assert.Equal(t, observe.AuthorizeSpan, authzSpan.Name())
	for _, s := range spans {
		assert.Equal(t, traceID, s.SpanContext().TraceID().String(), "%s joins the caller's trace", s.Name())
		assert.Equal(t, parentID, s.Parent().SpanID().String(), "%s is a child of the caller's span", s.Name())
	}
	attrs := func(s sdktrace.ReadOnlySpan) map[string]string {
		out := map[string]string{}
		for _, kv := range s.Attributes() {
			out[string(kv.Key)] = kv.Value.String()
		}
		return out
	}
	assert.Equal(t, map[string]string{"gatehouse.authn.outcome": "accepted", "gatehouse.authn.credential": "bearer",
		"gatehouse.subject": "carol"}, attrs(authnSpan))
	assert.Equal(t, map[string]string{"gatehouse.authz.outcome": "allow", "gatehouse.subject": "carol",
		"gatehouse.required": "users:read", "gatehouse.rule": "p, moderator, users:read, any, allow"}, attrs(authzSpan))

	// A span the application's own middleware started is the parent.
	appTracer := r.tracer.Tracer("app")
	appCtx, appSpan := appTracer.Start(ctx, "GET /admin/users")
	req := httptest.NewRequest(http.MethodGet, "/admin/users", nil).WithContext(appCtx)
	req.Header.Set("Authorization", "Bearer "+tok.Value.Reveal())
	req.Header.Set("traceparent", "00-"+traceID+"-"+parentID+"-01")
	h.ServeHTTP(httptest.NewRecorder(), req)
	appSpan.End()
	spans = r.spans.Ended()
	require.Len(t, spans, 5)
	for _, s := range spans[2:4] {
		assert.Equal(t, appSpan.SpanContext().SpanID(), s.Parent().SpanID(), "%s is a child of the application's span", s.Name())
	}

	// Refusals, and a forged token, are counted and traced without it.
	forged := tok.Value.Reveal() + "x"
	assert.Equal(t, http.StatusUnauthorized, call(forged, nil))
	assert.Equal(t, http.StatusUnauthorized, call("", nil))
	refusal := r.spans.Ended()[5]
	assert.Equal(t, map[string]string{"gatehouse.authn.outcome": "refused", "gatehouse.authn.credential": "bearer",
		"gatehouse.refusal.code": "invalid_token", "gatehouse.refusal.status": "401"}, attrs(refusal))
	for _, s := range r.spans.Ended() {
		for _, v := range attrs(s) {
			assert.NotContains(t, v, tok.Value.Reveal()[20:], "no credential in span %s", s.Name())
		}
	}
	assert.Equal(t, map[string]int64{
		"credential=bearer,outcome=accepted": 2, "credential=bearer,outcome=refused": 1, "credential=none,outcome=refused": 1,
	}, r.ints(t, observe.AuthenticationsName))
	assert.Equal(t, map[string]int64{"outcome=allow": 2}, r.ints(t, observe.DecisionsName))
}

// unavailable cannot check any credential.
type unavailable struct{}

func (unavailable) Authenticate(context.Context, authn.Credentials) (authn.Subject, error) {
	return authn.Subject{}, authn.ErrUnavailable
}

func TestCredentialsThatCannotBeCheckedAreStoreErrors(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	g, err := guard.New(guard.Config{Authenticator: unavailable{}, Observer: r, Logger: quiet})
	require.NoError(t, err)
	_, e := g.Authenticate(context.Background(), emptyRequest{}, guard.Required)
	require.NotNil(t, e)
	assert.Equal(t, map[string]int64{"component=credentials,operation=authenticate": 1}, r.ints(t, observe.StoreErrorsName))
	assert.Equal(t, map[string]int64{"credential=none,outcome=error": 1}, r.ints(t, observe.AuthenticationsName))
	require.Len(t, r.spans.Ended(), 1)
	assert.Equal(t, "Error", r.spans.Ended()[0].Status().Code.String())
}

// emptyRequest carries nothing.
type emptyRequest struct{}

func (emptyRequest) Header(string) string         { return "" }
func (emptyRequest) Cookie(string) (string, bool) { return "", false }
func (emptyRequest) Method() string               { return http.MethodGet }

func TestSecurityEventsAndLogins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	for _, e := range []account.Event{
		{Name: account.EventLoginFailed, Method: "pwd"},
		{Name: account.EventLoginFailed, Method: "pwd"},
		{Name: account.EventLoginThrottled},
		{Name: account.EventMFARequired, UserID: "usr_1"},
		{Name: account.EventMFAFailed, UserID: "usr_1", Method: "totp"},
		{Name: account.EventLoginSucceeded, UserID: "usr_1", Method: "pwd+otp+mfa"},
		{Name: account.EventLoginFailed, Method: "Bearer eyJ..."},
		{Name: account.EventPasswordChanged, UserID: "usr_1"},
		{Name: "made.up"},
	} {
		r.SecurityEvent(ctx, e)
	}
	assert.Equal(t, map[string]int64{
		"method=pwd,outcome=failed": 2, "method=pwd,outcome=throttled": 1, "method=pwd,outcome=mfa_required": 1,
		"method=totp,outcome=failed": 1, "method=pwd+otp+mfa,outcome=succeeded": 1, "method=other,outcome=failed": 1,
	}, r.ints(t, observe.LoginsName))
	assert.Equal(t, map[string]int64{
		"event=login.failed": 3, "event=login.throttled": 1, "event=mfa.required": 1, "event=mfa.failed": 1,
		"event=login.succeeded": 1, "event=password.changed": 1, "event=other": 1,
	}, r.ints(t, observe.SecurityEventsName))
}

type nobody struct{}

func (nobody) Authenticate(context.Context, authn.Credentials) (authn.Subject, error) {
	return authn.Subject{}, authn.ErrNoCredentials
}

func TestGuardDroppedLogs(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	engine, err := authz.New(context.Background())
	require.NoError(t, err)
	g, err := guard.New(guard.Config{Authenticator: nobody{}, Engine: engine, Logger: quiet, LogBurst: 1})
	require.NoError(t, err)
	require.NoError(t, r.ObserveGuard(g))
	for range 4 {
		e := g.Check(context.Background(), authn.Subject{ID: "mallory"}, guard.Permission(permissions.UsersDelete))
		require.NotNil(t, e)
		require.Equal(t, 403, e.Status)
	}
	assert.Equal(t, map[string]int64{"": 3}, r.ints(t, observe.DroppedLogsName), "one line of four let through")
	assert.Error(t, r.ObserveGuard(nil))
}

func TestNewDefaultsToTheGlobalProviders(t *testing.T) {
	t.Parallel()
	o, err := observe.New(observe.Config{})
	require.NoError(t, err)
	// The global providers do nothing until the application sets them:
	// everything works, and nothing is recorded.
	ctx := o.Authenticating(context.Background())
	o.Authenticated(ctx, guard.AuthenticationEvent{Outcome: guard.AuthenticationAccepted, Method: authn.MethodBearer, Subject: "carol"})
	o.Decided(ctx, authz.DecisionEvent{})
	joined := o.JoinTrace(context.Background(), guard.TraceHeaders{})
	assert.False(t, trace.SpanContextFromContext(joined).IsValid())
}

func TestNoSpanUnderATraceSampledOut(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	parent := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, Remote: true, // not sampled
	})
	ctx := trace.ContextWithRemoteSpanContext(context.Background(), parent)
	started := r.Authenticating(ctx)
	assert.Equal(t, ctx, started, "no span under a trace head sampling dropped")
	r.Authenticated(started, guard.AuthenticationEvent{Outcome: guard.AuthenticationAccepted, Method: authn.MethodBearer, Subject: "carol"})
	r.Authorized(r.Authorizing(ctx), guard.AuthorizationEvent{Outcome: guard.AuthorizationAllowed, Subject: "carol"})
	assert.Empty(t, r.spans.Ended())
	assert.Equal(t, map[string]int64{"credential=bearer,outcome=accepted": 1}, r.ints(t, observe.AuthenticationsName), "still counted")

	sampled := trace.ContextWithRemoteSpanContext(context.Background(), parent.WithTraceFlags(trace.FlagsSampled))
	r.Authenticated(r.Authenticating(sampled), guard.AuthenticationEvent{Outcome: guard.AuthenticationAccepted})
	require.Len(t, r.spans.Ended(), 1, "a sampled trace gets its span")
	assert.Equal(t, parent.TraceID(), r.spans.Ended()[0].SpanContext().TraceID())
}

func TestANoopTracerTurnsSpansOffAndEndsNoSpanOfTheApplication(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	o, err := observe.New(observe.Config{Tracer: noop.NewTracerProvider().Tracer("")})
	require.NoError(t, err)
	ctx, appSpan := r.tracer.Tracer("app").Start(context.Background(), "GET /")
	started := o.Authenticating(ctx)
	assert.Equal(t, ctx, started)
	o.Authenticated(started, guard.AuthenticationEvent{Outcome: guard.AuthenticationAccepted})
	o.Authorized(o.Authorizing(ctx), guard.AuthorizationEvent{Outcome: guard.AuthorizationAllowed})
	assert.True(t, appSpan.IsRecording(), "the application's span is still open")
	appSpan.End()
	assert.Len(t, r.spans.Ended(), 1, "only the application's span")
}
