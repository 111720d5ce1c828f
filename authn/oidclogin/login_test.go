package oidclogin_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/oidclogin"
	"github.com/gatehouse-go/gatehouse/internal/testprovider"
)

const redirectURL = "https://app.example.com/auth/oidc/zitadel/callback"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// linker links identities to "local-<subject>", and records them.
type linker struct {
	mu   sync.Mutex
	seen []authn.ExternalIdentity
	err  error
}

func (l *linker) LinkIdentity(_ context.Context, id authn.ExternalIdentity) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, id)
	if l.err != nil {
		return "", l.err
	}
	return "local-" + id.Subject, nil
}

type fixture struct {
	p      *testprovider.Provider
	login  *oidclogin.Login
	linker *linker
	clock  *authntest.Clock
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	p := testprovider.Start(t)
	p.AddWebClient("gatehouse-web", "web-secret", redirectURL)
	f := fixture{p: p, linker: &linker{}, clock: authntest.NewClock(time.Now())}
	var err error
	f.login, err = oidclogin.New(oidclogin.Config{
		Providers: []oidclogin.Provider{{Name: "zitadel", Issuer: p.Issuer, ClientID: "gatehouse-web",
			ClientSecret: "web-secret", RedirectURL: redirectURL}},
		Linker: f.linker, Logger: quiet, Clock: f.clock.Now,
	})
	require.NoError(t, err)
	return f
}

// begin starts a login and plays the user at the provider.
func (f fixture) begin(t *testing.T, u testprovider.User) (oidclogin.Pending, url.Values) {
	t.Helper()
	authURL, pending, err := f.login.Begin(context.Background(), "zitadel", "/posts?draft=1")
	require.NoError(t, err)
	return pending, f.p.LogIn(t, authURL, u)
}

func TestLoginLinksTheProvidersUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := testprovider.Users[0]
	pending, params := f.begin(t, alice)
	assert.Equal(t, pending.State, params.Get("state"))

	res, err := f.login.Finish(context.Background(), pending, params)
	require.NoError(t, err)
	assert.Equal(t, "local-p-alice", res.SubjectID)
	assert.Equal(t, "/posts?draft=1", res.ReturnTo)
	assert.Equal(t, authn.ExternalIdentity{Provider: "zitadel", Issuer: f.p.Issuer, Subject: "p-alice",
		Email: alice.Email, EmailVerified: true, Name: "alice Example"}, res.Identity)

	// The code is spent: the same callback again is refused.
	_, err = f.login.Finish(context.Background(), pending, params)
	assert.ErrorIs(t, err, oidclogin.ErrLoginFailed)

	mallory := testprovider.Users[1]
	pending, params = f.begin(t, mallory)
	res, err = f.login.Finish(context.Background(), pending, params)
	require.NoError(t, err)
	assert.False(t, res.Identity.EmailVerified, "the provider did not verify mallory's email")
}

func TestEveryLoginHasItsOwnSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	seen := map[string]bool{}
	for range 5 {
		authURL, pending, err := f.login.Begin(context.Background(), "zitadel", "")
		require.NoError(t, err)
		assert.Equal(t, "/", pending.ReturnTo)
		for _, secret := range []string{pending.State, pending.Nonce, pending.Verifier} {
			assert.GreaterOrEqual(t, len(secret), 26, "at least 128 bits")
			assert.False(t, seen[secret])
			seen[secret] = true
		}
		u, err := url.Parse(authURL)
		require.NoError(t, err)
		q := u.Query()
		assert.Equal(t, pending.State, q.Get("state"))
		assert.Equal(t, pending.Nonce, q.Get("nonce"))
		assert.Equal(t, "S256", q.Get("code_challenge_method"))
		assert.NotEmpty(t, q.Get("code_challenge"))
		assert.NotContains(t, authURL, pending.Verifier, "the verifier never leaves the browser's cookie")
		assert.Equal(t, "code", q.Get("response_type"))
	}
}

func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := testprovider.Users[0]
	tests := []struct {
		name   string
		change func(p *oidclogin.Pending, q url.Values)
		reason string
	}{
		{"state of another login", func(p *oidclogin.Pending, q url.Values) { q.Set("state", "forged") }, "state"},
		{"no state", func(p *oidclogin.Pending, q url.Values) { q.Del("state") }, "state"},
		{"nonce of another login", func(p *oidclogin.Pending, q url.Values) { p.Nonce = "another" }, "nonce"},
		{"verifier of another login (PKCE)", func(p *oidclogin.Pending, q url.Values) { p.Verifier = strings.Repeat("v", 43) }, "refused"},
		{"code of another login", func(p *oidclogin.Pending, q url.Values) { q.Set("code", "made-up") }, "refused"},
		{"no code", func(p *oidclogin.Pending, q url.Values) { q.Del("code") }, "no code"},
		{"code twice", func(p *oidclogin.Pending, q url.Values) { q.Add("code", "x") }, "2 times"},
		{"provider's error", func(p *oidclogin.Pending, q url.Values) { q.Set("error", "access_denied\n") }, "access_denied?"},
		{"another issuer (RFC 9207)", func(p *oidclogin.Pending, q url.Values) { q.Set("iss", "https://evil.example") }, "iss"},
		{"unknown provider", func(p *oidclogin.Pending, q url.Values) { p.Provider = "other" }, "unknown provider"},
		{"expired", func(p *oidclogin.Pending, q url.Values) { p.Expires = time.Now().Add(-time.Second) }, "began more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pending, params := f.begin(t, alice)
			tt.change(&pending, params)
			_, err := f.login.Finish(context.Background(), pending, params)
			assert.ErrorIs(t, err, oidclogin.ErrLoginFailed)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
			assert.ErrorContains(t, err, tt.reason)
		})
	}
}

func TestLinkerRefusalsAndFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := testprovider.Users[0]

	f.linker.err = errors.Join(errors.New("locked"), authn.ErrInvalidCredentials)
	pending, params := f.begin(t, alice)
	_, err := f.login.Finish(context.Background(), pending, params)
	assert.ErrorIs(t, err, oidclogin.ErrLoginFailed)

	f.linker.err = errors.New("store down")
	pending, params = f.begin(t, alice)
	_, err = f.login.Finish(context.Background(), pending, params)
	assert.ErrorIs(t, err, authn.ErrUnavailable)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
}

func TestBegin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, _, err := f.login.Begin(context.Background(), "other", "/")
	assert.ErrorIs(t, err, oidclogin.ErrUnknownProvider)
	_, _, err = f.login.Begin(context.Background(), "zitadel", "https://evil.example/")
	assert.ErrorIs(t, err, oidclogin.ErrInvalidReturnTo)

	down := testprovider.Start(t)
	down.SetDown(true)
	login, err := oidclogin.New(oidclogin.Config{Providers: []oidclogin.Provider{{Name: "down", Issuer: down.Issuer,
		ClientID: "c", RedirectURL: redirectURL}}, Linker: &linker{}, Logger: quiet})
	require.NoError(t, err)
	_, _, err = login.Begin(context.Background(), "down", "/")
	assert.ErrorIs(t, err, authn.ErrUnavailable)
	down.SetDown(false)
	_, _, err = login.Begin(context.Background(), "down", "/")
	assert.NoError(t, err, "discovery is tried again")
}

func TestCheckReturnTo(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"/", "/posts", "/posts/42?tab=edit#x", "/a/b/c"} {
		assert.NoError(t, oidclogin.CheckReturnTo(ok), ok)
	}
	for _, bad := range []string{"", "posts", "//evil.example", "/\\evil.example", "https://evil.example/",
		"/\nSet-Cookie: x", "/\\", "javascript:alert(1)", "/a\tb", strings.Repeat("/a", 600)} {
		assert.ErrorIs(t, oidclogin.CheckReturnTo(bad), oidclogin.ErrInvalidReturnTo, "%q", bad)
	}
}

func TestPendingEncoding(t *testing.T) {
	t.Parallel()
	p := oidclogin.Pending{Provider: "zitadel", State: "s", Nonce: "n", Verifier: "v", ReturnTo: "/x",
		Expires: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
	got, err := oidclogin.DecodePending(p.Encode())
	require.NoError(t, err)
	assert.Equal(t, p, got)
	incomplete := p
	incomplete.Nonce = ""
	open := p
	open.ReturnTo = "//evil.example"
	for _, bad := range []string{"", "!!!", strings.Repeat("a", 3000), "e30", incomplete.Encode(), open.Encode(),
		p.Encode() + "x"} {
		_, err := oidclogin.DecodePending(bad)
		assert.ErrorIs(t, err, oidclogin.ErrLoginFailed, "%q", bad)
	}
}

func TestLogoutURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, err := f.login.LogoutURL(context.Background(), "zitadel", "https://app.example.com/")
	require.NoError(t, err)
	parsed, err := url.Parse(u)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(u, f.p.Issuer), u)
	assert.Equal(t, "gatehouse-web", parsed.Query().Get("client_id"))
	assert.Equal(t, "https://app.example.com/", parsed.Query().Get("post_logout_redirect_uri"))
	_, err = f.login.LogoutURL(context.Background(), "other", "")
	assert.ErrorIs(t, err, oidclogin.ErrUnknownProvider)
}

func TestConfigRefused(t *testing.T) {
	t.Parallel()
	good := oidclogin.Provider{Name: "idp", Issuer: "https://idp.example.com", ClientID: "c", RedirectURL: redirectURL}
	with := func(change func(*oidclogin.Provider)) oidclogin.Config {
		p := good
		change(&p)
		return oidclogin.Config{Providers: []oidclogin.Provider{p}, Linker: &linker{}}
	}
	for name, cfg := range map[string]oidclogin.Config{
		"no providers":     {Linker: &linker{}},
		"no linker":        {Providers: []oidclogin.Provider{good}},
		"bad name":         with(func(p *oidclogin.Provider) { p.Name = "a b" }),
		"no issuer":        with(func(p *oidclogin.Provider) { p.Issuer = "" }),
		"no client":        with(func(p *oidclogin.Provider) { p.ClientID = "" }),
		"no redirect":      with(func(p *oidclogin.Provider) { p.RedirectURL = "/callback" }),
		"scopes no openid": with(func(p *oidclogin.Provider) { p.Scopes = []string{"email"} }),
		"same name twice":  {Providers: []oidclogin.Provider{good, good}, Linker: &linker{}},
		"negative TTL":     {Providers: []oidclogin.Provider{good}, Linker: &linker{}, PendingTTL: -time.Second},
	} {
		_, err := oidclogin.New(cfg)
		assert.ErrorIs(t, err, oidclogin.ErrConfig, name)
	}
}
