package guard_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

type stage struct{}

// recordingObserver keeps what a guard reports, and checks that each end
// gets its start's context.
type recordingObserver struct {
	t        *testing.T
	joined   []string // traceparent, tracestate, and what Authorization read as
	authn    []guard.AuthenticationEvent
	authz    []guard.AuthorizationEvent
	panicsIn string
}

func (o *recordingObserver) JoinTrace(ctx context.Context, h guard.TraceHeaders) context.Context {
	o.joined = append(o.joined, h.Get("Traceparent"), h.Get("tracestate"), h.Get("Authorization"))
	if o.panicsIn == "join" {
		panic("observer down")
	}
	return context.WithValue(ctx, stage{}, "joined")
}

func (o *recordingObserver) Authenticating(ctx context.Context) context.Context {
	if o.panicsIn == "start" {
		panic("observer down")
	}
	return context.WithValue(ctx, stage{}, "authenticating")
}

func (o *recordingObserver) Authenticated(ctx context.Context, e guard.AuthenticationEvent) {
	if o.panicsIn != "start" {
		assert.Equal(o.t, "authenticating", ctx.Value(stage{}))
	}
	o.authn = append(o.authn, e)
	if o.panicsIn == "end" {
		panic("observer down")
	}
}

func (o *recordingObserver) Authorizing(ctx context.Context) context.Context {
	return context.WithValue(ctx, stage{}, "authorizing")
}

func (o *recordingObserver) Authorized(ctx context.Context, e guard.AuthorizationEvent) {
	assert.Equal(o.t, "authorizing", ctx.Value(stage{}))
	o.authz = append(o.authz, e)
}

func TestObserverHearsEachAuthentication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	answers := map[string]struct {
		s   authn.Subject
		err error
	}{
		"good":      {authn.Subject{ID: "carol", Method: authn.MethodBearer}, nil},
		"expired":   {err: authn.ErrTokenExpired},
		"key":       {err: authn.ErrInvalidAPIKey},
		"session":   {err: authn.ErrInvalidSession},
		"throttled": {err: &authn.ThrottledError{RetryAfter: 60e9}},
		"down":      {err: authn.ErrUnavailable},
		"none":      {err: authn.ErrNoCredentials},
	}
	byHeader := authn.AuthenticatorFunc(func(_ context.Context, c authn.Credentials) (authn.Subject, error) {
		a := answers[c.Header("X-Answer")]
		return a.s, a.err
	})
	tests := []struct {
		answer  string
		mode    guard.Mode
		outcome string
		method  authn.Method
		status  int
	}{
		{"good", guard.Required, guard.AuthenticationAccepted, authn.MethodBearer, 0},
		{"expired", guard.Required, guard.AuthenticationRefused, authn.MethodBearer, 401},
		{"key", guard.Optional, guard.AuthenticationRefused, authn.MethodAPIKey, 401},
		{"session", guard.Required, guard.AuthenticationRefused, authn.MethodSession, 401},
		{"throttled", guard.Required, guard.AuthenticationThrottled, "", 429},
		{"down", guard.Required, guard.AuthenticationFailed, "", 503},
		{"none", guard.Optional, guard.AuthenticationAnonymous, "", 0},
		{"none", guard.Required, guard.AuthenticationRefused, "", 401},
	}
	for _, tt := range tests {
		t.Run(tt.answer, func(t *testing.T) {
			o := &recordingObserver{t: t}
			g := newGuard(t, guard.Config{Authenticator: byHeader, Observer: o})
			_, e := g.Authenticate(ctx, authntest.Request{Headers: map[string]string{"X-Answer": tt.answer}}, tt.mode)
			require.Len(t, o.authn, 1)
			ev := o.authn[0]
			assert.Equal(t, tt.outcome, ev.Outcome)
			assert.Equal(t, tt.method, ev.Method)
			if tt.status == 0 {
				assert.Nil(t, e)
				assert.Nil(t, ev.Refusal)
				return
			}
			require.NotNil(t, ev.Refusal)
			assert.Equal(t, tt.status, ev.Refusal.Status)
			assert.Same(t, e, ev.Refusal)
			assert.Empty(t, ev.Subject)
		})
	}

	o := &recordingObserver{t: t}
	g := newGuard(t, guard.Config{Authenticator: byHeader, Observer: o})
	_, e := g.Authenticate(ctx, authntest.Request{}, guard.Skip)
	assert.Nil(t, e)
	assert.Empty(t, o.authn, "a public path is not authenticated")
	assert.Equal(t, "carol", func() string {
		_, _ = g.Authenticate(ctx, authntest.Request{Headers: map[string]string{"X-Answer": "good"}}, guard.Required)
		return o.authn[0].Subject
	}())
}

func TestTraceHeadersShowNoCredential(t *testing.T) {
	t.Parallel()
	o := &recordingObserver{t: t}
	g := newGuard(t, guard.Config{Observer: o})
	parent := "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	ctx := g.JoinTrace(context.Background(), authntest.Request{Headers: map[string]string{
		"Traceparent": parent, "Tracestate": "vendor=1", "Authorization": "Bearer secret",
	}})
	assert.Equal(t, "joined", ctx.Value(stage{}))
	assert.Equal(t, []string{parent, "vendor=1", ""}, o.joined)

	none := newGuard(t, guard.Config{})
	base := context.Background()
	assert.Equal(t, base, none.JoinTrace(base, authntest.Request{}), "no observer, nothing joined")
}

func TestObserverHearsEachCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := authz.New(ctx)
	require.NoError(t, err)
	require.NoError(t, engine.AssignRole(ctx, "carol", "moderator"))
	o := &recordingObserver{t: t}
	g := newGuard(t, guard.Config{Engine: engine, Observer: o})
	carol := authn.Subject{ID: "carol", Method: authn.MethodBearer}

	assert.Nil(t, g.Check(ctx, carol, guard.Permission(permissions.UsersRead)))
	assert.NotNil(t, g.Check(ctx, carol, guard.Permission(permissions.UsersDelete)))
	assert.NotNil(t, g.Check(ctx, authn.Subject{}, guard.Permission(permissions.UsersRead)))
	post := authz.Resource{Type: "posts", ID: "7", Owner: "carol"}
	assert.Nil(t, g.CheckResource(ctx, carol, permissions.PostsUpdate, post))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	assert.NotNil(t, g.Check(cancelled, carol, guard.Permission(permissions.UsersRead)))
	_, e := g.Filter(ctx, carol, permissions.PostsUpdate)
	assert.Nil(t, e)

	require.Len(t, o.authz, 6)
	allowed := o.authz[0]
	assert.Equal(t, guard.AuthorizationAllowed, allowed.Outcome)
	assert.Equal(t, "carol", allowed.Subject)
	assert.Equal(t, "users:read", allowed.Required)
	assert.True(t, allowed.Decision.Allowed)
	assert.True(t, allowed.Decision.Matched(), "the deciding rule is there")
	assert.Nil(t, allowed.Refusal)

	denied := o.authz[1]
	assert.Equal(t, guard.AuthorizationDenied, denied.Outcome)
	assert.Equal(t, http.StatusForbidden, denied.Refusal.Status)
	assert.False(t, denied.Decision.Allowed)

	assert.Equal(t, guard.AuthorizationDenied, o.authz[2].Outcome, "an anonymous caller")
	assert.Equal(t, http.StatusUnauthorized, o.authz[2].Refusal.Status)

	assert.Equal(t, guard.AuthorizationAllowed, o.authz[3].Outcome)
	assert.Equal(t, post, o.authz[3].Resource)
	assert.Equal(t, "posts:update", o.authz[3].Required)

	assert.Equal(t, guard.AuthorizationFailed, o.authz[4].Outcome, "a decision that could not be made")
	assert.Equal(t, guard.AuthorizationAllowed, o.authz[5].Outcome, "a list filter")
}

func TestAPanickingObserverLosesNoRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	good := authn.AuthenticatorFunc(func(context.Context, authn.Credentials) (authn.Subject, error) {
		return authn.Subject{ID: "carol", Method: authn.MethodBearer}, nil
	})
	for _, where := range []string{"join", "start", "end"} {
		o := &recordingObserver{t: t, panicsIn: where}
		g := newGuard(t, guard.Config{Authenticator: good, Observer: o, Logger: slog.New(slog.DiscardHandler)})
		joined := g.JoinTrace(ctx, authntest.Request{})
		if where == "join" {
			assert.Equal(t, ctx, joined, "the request goes on in its own context")
		}
		s, e := g.Authenticate(ctx, authntest.Request{}, guard.Required)
		assert.Nil(t, e, where)
		assert.Equal(t, "carol", s.ID, where)
	}
}
