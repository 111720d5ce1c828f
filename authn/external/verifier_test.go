package external_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/external"
	"github.com/gatehouse-go/gatehouse/internal/testprovider"
)

func TestProviderTokenBecomesSubject(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	v := newVerifier(t, p, external.Config{})

	raw := p.ServiceToken(t)
	s, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	assert.Equal(t, "zitadel|"+testprovider.ServiceClientID, s.ID)
	assert.Equal(t, authn.MethodExternalToken, s.Method)
	assert.NotEmpty(t, s.CredentialID, "the provider's jti")
	assert.Equal(t, p.Issuer, s.Claims["iss"])
	assert.WithinDuration(t, time.Now().Add(5*time.Minute), s.ExpiresAt, time.Minute)

	// Through the Authorization header, as adapters call it.
	s2, err := v.Authenticate(context.Background(), bearer(raw))
	require.NoError(t, err)
	assert.Equal(t, s.ID, s2.ID)
	_, err = v.Authenticate(context.Background(), bearer(""))
	assert.ErrorIs(t, err, authn.ErrNoCredentials)
}

func TestEveryAlgorithmOfTheProvider(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	v := newVerifier(t, p, external.Config{})
	for _, alg := range []string{"RS256", "PS256", "ES256", "EdDSA"} {
		p.Rotate(alg)
		require.NoError(t, v.Refresh(context.Background()))
		s, err := v.Verify(context.Background(), p.ServiceToken(t))
		require.NoError(t, err, alg)
		assert.Equal(t, "zitadel|"+testprovider.ServiceClientID, s.ID)
		s, err = v.Verify(context.Background(), p.Sign(p.Claims(testprovider.Users[0], time.Minute), "at+jwt"))
		require.NoError(t, err, alg)
		assert.Equal(t, "zitadel|p-alice", s.ID)
	}
}

func TestTypePolicy(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	alice := testprovider.Users[0]
	tests := []struct {
		name     string
		types    []string
		typ      string
		accepted bool
	}{
		{"RFC 9068 by default", nil, "at+jwt", true},
		{"with its media type", nil, "application/at+jwt", true},
		{"in upper case", nil, "AT+JWT", true},
		{"JWT by default", nil, "JWT", true},
		{"none refused by default", nil, "", false},
		{"another type refused", nil, "id+jwt", false},
		{"strict refuses JWT", []string{"at+jwt"}, "JWT", false},
		{"strict accepts at+jwt", []string{"at+jwt"}, "at+jwt", true},
		{"none when listed", []string{"at+jwt", ""}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := providerConfig(p)
			cfg.Types = tt.types
			v := newVerifier(t, p, external.Config{Providers: []external.Provider{cfg}})
			_, err := v.Verify(context.Background(), p.Sign(p.Claims(alice, time.Minute), tt.typ))
			if tt.accepted {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, authn.ErrInvalidToken)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	other := testprovider.Start(t) // another provider, whose keys mean nothing here
	c := newClock()
	v := newVerifier(t, p, external.Config{Clock: c.Now})
	alice := testprovider.Users[0]
	claims := func(change func(jwt.MapClaims)) jwt.MapClaims {
		cl := p.Claims(alice, 5*time.Minute)
		change(cl)
		return cl
	}
	sign := func(change func(jwt.MapClaims)) string { return p.Sign(claims(change), "at+jwt") }
	// forged: signed by another provider's key under this provider's kid.
	forged := func() string {
		return withKid(t, other.Sign(claims(func(jwt.MapClaims) {}), "at+jwt"), p.KeyID())
	}
	// confused: HS256, keyed with the provider's public key.
	confused := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(func(jwt.MapClaims) {}))
		tok.Header["kid"] = p.KeyID()
		tok.Header["typ"] = "at+jwt"
		raw, err := tok.SignedString(p.PublicKeyPEM())
		require.NoError(t, err)
		return raw
	}
	unsigned := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, claims(func(jwt.MapClaims) {}))
		tok.Header["kid"] = p.KeyID()
		tok.Header["typ"] = "at+jwt"
		raw, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		require.NoError(t, err)
		return raw
	}
	withHeader := func(change func(map[string]any)) string {
		raw := sign(func(jwt.MapClaims) {})
		_, rest, _ := strings.Cut(raw, ".")
		h := jwtHeader(t, raw)
		change(h)
		return encodeHeader(t, h) + "." + rest
	}
	tests := []struct {
		name   string
		raw    string
		want   error
		reason string
	}{
		{"another audience (misdirected)", sign(func(c jwt.MapClaims) { c["aud"] = "another-api" }), authn.ErrInvalidToken, "invalid audience"},
		{"no audience", sign(func(c jwt.MapClaims) { delete(c, "aud") }), authn.ErrInvalidToken, "aud claim is required"},
		{"another issuer", sign(func(c jwt.MapClaims) { c["iss"] = other.Issuer }), external.ErrUnknownIssuer, "not a configured provider"},
		{"issuer with a trailing slash", sign(func(c jwt.MapClaims) { c["iss"] = p.Issuer + "/" }), external.ErrUnknownIssuer, "not a configured provider"},
		{"no issuer", sign(func(c jwt.MapClaims) { delete(c, "iss") }), authn.ErrInvalidToken, "no iss"},
		{"expired", sign(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() }), authn.ErrTokenExpired, "token is expired"},
		{"not yet valid", sign(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Hour).Unix() }), authn.ErrTokenExpired, "not valid yet"},
		{"issued in the future", sign(func(c jwt.MapClaims) { c["iat"] = time.Now().Add(time.Hour).Unix() }), authn.ErrInvalidToken, "used before issued"},
		{"no exp", sign(func(c jwt.MapClaims) { delete(c, "exp") }), authn.ErrInvalidToken, "exp claim is required"},
		{"exp as a string", sign(func(c jwt.MapClaims) { c["exp"] = fmt.Sprint(time.Now().Add(time.Hour).Unix()) }), authn.ErrInvalidToken, "exp is not a number"},
		{"no sub", sign(func(c jwt.MapClaims) { delete(c, "sub") }), authn.ErrInvalidToken, "sub is missing"},
		{"sub with a line break", sign(func(c jwt.MapClaims) { c["sub"] = "alice\nadmin" }), authn.ErrInvalidToken, "control character"},
		{"sub too long", sign(func(c jwt.MapClaims) { c["sub"] = strings.Repeat("a", 256) }), authn.ErrInvalidToken, "longer than 255"},
		{"sub as a number", sign(func(c jwt.MapClaims) { c["sub"] = 42 }), authn.ErrInvalidToken, "not a string"},
		{"Sub in another case", sign(func(c jwt.MapClaims) { c["Sub"] = "admin" }), authn.ErrInvalidToken, "another case"},
		{"forged with another key", forged(), authn.ErrInvalidToken, "verification error"},
		{"HS256 keyed with the public key", confused(), authn.ErrInvalidToken, "HS256 is invalid"},
		{"alg none", unsigned(), authn.ErrInvalidToken, "none is invalid"},
		{"crit header", withHeader(func(h map[string]any) { h["crit"] = []string{"exp"} }), authn.ErrInvalidToken, "crit"},
		{"alg of another key type", withHeader(func(h map[string]any) { h["alg"] = "ES256" }), authn.ErrInvalidToken, "not for ES256"},
		{"empty kid", withHeader(func(h map[string]any) { h["kid"] = "" }), authn.ErrInvalidToken, "empty kid"},
		{"garbage", "not.a.token", authn.ErrInvalidToken, "malformed"},
		{"two parts", "eyJhbGciOiJSUzI1NiJ9.e30", authn.ErrInvalidToken, "malformed"},
		{"too long", strings.Repeat("a", external.MaxTokenSize+1), authn.ErrInvalidToken, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := v.Verify(context.Background(), tt.raw)
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.reason)
			assert.ErrorIs(t, err, tt.want)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "a refusal is a 401")
			assert.NotErrorIs(t, err, authn.ErrUnavailable, "a bad token is never a 5xx")
			assert.True(t, s.IsZero())
		})
	}
}

func TestKeyRotationIsPickedUpWithoutRestart(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	v := newVerifier(t, p, external.Config{})
	before := p.ServiceToken(t)
	_, err := v.Verify(context.Background(), before)
	require.NoError(t, err)

	fetches := p.KeyFetches()
	p.Rotate("ES256")
	after := p.ServiceToken(t)
	s, err := v.Verify(context.Background(), after)
	require.NoError(t, err, "a token of the new key makes the verifier fetch the keys again")
	assert.Equal(t, "zitadel|"+testprovider.ServiceClientID, s.ID)
	assert.Equal(t, fetches+1, p.KeyFetches())
	_, err = v.Verify(context.Background(), before)
	assert.NoError(t, err, "the old key is still published")

	// The provider withdraws the old key; the next fetch drops it.
	p.Retire()
	require.NoError(t, v.Refresh(context.Background()))
	_, err = v.Verify(context.Background(), before)
	assert.ErrorIs(t, err, external.ErrUnknownKey)
	_, err = v.Verify(context.Background(), after)
	assert.NoError(t, err)
}

func TestBackgroundRefreshSeesARotation(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	c := newClock()
	// No unknown-key fetch may happen: only the background one can find
	// the new key.
	v := newVerifier(t, p, external.Config{Clock: c.Now, RefreshInterval: 50 * time.Millisecond,
		UnknownKeyInterval: time.Hour})
	// A made-up kid spends the one unknown-key fetch allowed.
	_, err := v.Verify(context.Background(), withKid(t, p.Sign(p.Claims(testprovider.Users[0], time.Minute), "at+jwt"), "made-up"))
	require.ErrorIs(t, err, external.ErrUnknownKey)
	p.Rotate("EdDSA")
	raw := p.Sign(p.Claims(testprovider.Users[0], time.Minute), "at+jwt")
	require.Eventually(t, func() bool {
		_, err := v.Verify(context.Background(), raw)
		return err == nil
	}, 10*time.Second, 10*time.Millisecond)
}

func TestMadeUpKeyIDsCauseAHandfulOfFetches(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	c := newClock()
	v := newVerifier(t, p, external.Config{Clock: c.Now})
	alice := testprovider.Users[0]
	fetches := p.KeyFetches()

	var wg sync.WaitGroup
	errs := make([]error, 30)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			raw := withKid(t, p.Sign(p.Claims(alice, time.Minute), "at+jwt"), fmt.Sprintf("made-up-%d", i))
			_, errs[i] = v.Verify(context.Background(), raw)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		assert.ErrorIs(t, err, external.ErrUnknownKey)
		assert.ErrorIs(t, err, authn.ErrInvalidToken, "an unknown kid is a 401")
		assert.NotErrorIs(t, err, authn.ErrUnavailable)
	}
	extra := p.KeyFetches() - fetches
	assert.LessOrEqual(t, extra, int64(2), "30 made-up kids, %d fetches", extra)
	t.Logf("30 tokens with made-up kids caused %d fetches of the JWK set", extra)

	// Once UnknownKeyInterval has passed, one more fetch is allowed.
	c.Advance(external.DefaultUnknownKeyInterval)
	raw := withKid(t, p.Sign(p.Claims(alice, time.Minute), "at+jwt"), "made-up-later")
	_, err := v.Verify(context.Background(), raw)
	assert.ErrorIs(t, err, external.ErrUnknownKey)
	assert.Equal(t, extra+1, p.KeyFetches()-fetches)
}

func TestCachedKeysOutliveAnUnreachableProvider(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	c := newClock()
	v := newVerifier(t, p, external.Config{Clock: c.Now})
	alice := testprovider.Users[0]
	p.SetDown(true)

	good := p.Sign(p.Claims(alice, time.Hour), "at+jwt")
	_, err := v.Verify(context.Background(), good)
	assert.NoError(t, err, "the keys held verify while the provider is down")
	assert.Error(t, v.Refresh(context.Background()))
	assert.NoError(t, v.Err(), "a failed fetch keeps the keys")

	p.Rotate("ES256") // a key the verifier cannot fetch
	_, err = v.Verify(context.Background(), p.Sign(p.Claims(alice, time.Hour), "at+jwt"))
	assert.ErrorIs(t, err, authn.ErrInvalidToken, "an unknown kid is a 401 even while the provider is down")
	assert.NotErrorIs(t, err, authn.ErrUnavailable)

	// Past MaxKeyAge, the keys are not vouched for any more.
	c.Advance(external.DefaultMaxKeyAge + time.Second)
	_, err = v.Verify(context.Background(), good)
	assert.ErrorIs(t, err, authn.ErrUnavailable)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.ErrorIs(t, v.Err(), external.ErrNoKeys)

	p.SetDown(false)
	require.NoError(t, v.Refresh(context.Background()))
	require.NoError(t, v.Err())
}

func TestProviderDownAtStart(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	p.SetDown(true)
	v, err := external.New(external.Config{Providers: []external.Provider{providerConfig(p)}, Logger: quiet})
	require.NoError(t, err, "an application starts while its provider is down")
	defer v.Close()

	raw := p.Sign(p.Claims(testprovider.Users[0], time.Minute), "at+jwt")
	_, err = v.Verify(context.Background(), raw)
	assert.ErrorIs(t, err, authn.ErrUnavailable, "no keys yet: the token may be good")
	assert.ErrorIs(t, err, external.ErrNoKeys)
	assert.ErrorIs(t, v.Err(), external.ErrNoKeys)

	p.SetDown(false)
	require.NoError(t, v.Refresh(context.Background()))
	_, err = v.Verify(context.Background(), raw)
	assert.NoError(t, err)
}

func TestJWKSURLWithoutDiscovery(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	cfg := providerConfig(p)
	cfg.JWKSURL = p.Issuer + "/keys"
	v := newVerifier(t, p, external.Config{Providers: []external.Provider{cfg}})
	_, err := v.Verify(context.Background(), p.ServiceToken(t))
	assert.NoError(t, err)
}

func TestDiscoveryRefusesAnotherIssuer(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	cfg := providerConfig(p)
	cfg.Issuer = p.Issuer + "/" // the document says p.Issuer
	v, err := external.New(external.Config{Providers: []external.Provider{cfg}, Logger: quiet})
	require.NoError(t, err)
	defer v.Close()
	assert.ErrorContains(t, v.Refresh(context.Background()), "issuer")
	assert.ErrorIs(t, v.Err(), external.ErrNoKeys)
}

func TestTwoProvidersSubjectsDoNotCollide(t *testing.T) {
	t.Parallel()
	a, b := testprovider.Start(t), testprovider.Start(t)
	pa, pb := providerConfig(a), providerConfig(b)
	pb.Name = "other"
	v := newVerifier(t, a, external.Config{Providers: []external.Provider{pa, pb}})
	alice := testprovider.Users[0]
	sa, err := v.Verify(context.Background(), a.Sign(a.Claims(alice, time.Minute), "JWT"))
	require.NoError(t, err)
	sb, err := v.Verify(context.Background(), b.Sign(b.Claims(alice, time.Minute), "JWT"))
	require.NoError(t, err)
	assert.Equal(t, "zitadel|p-alice", sa.ID)
	assert.Equal(t, "other|p-alice", sb.ID)
}

func TestPassOtherIssuers(t *testing.T) {
	t.Parallel()
	p, other := testprovider.Start(t), testprovider.Start(t)
	v := newVerifier(t, p, external.Config{PassOtherIssuers: true})
	_, err := v.Verify(context.Background(), other.Sign(other.Claims(testprovider.Users[0], time.Minute), "JWT"))
	assert.ErrorIs(t, err, authn.ErrNoCredentials)
	_, err = v.Verify(context.Background(), "garbage.garbage.garbage")
	assert.ErrorIs(t, err, authn.ErrInvalidToken, "only a token of another issuer is passed on")
}

// linker is an IdentityLinker over a map.
type linker struct {
	mu    sync.Mutex
	links map[string]string
	seen  []authn.ExternalIdentity
	err   error
}

func (l *linker) LinkIdentity(_ context.Context, id authn.ExternalIdentity) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, id)
	if l.err != nil {
		return "", l.err
	}
	if local, ok := l.links[id.Issuer+" "+id.Subject]; ok {
		return local, nil
	}
	local := fmt.Sprintf("usr_%d", len(l.links))
	l.links[id.Issuer+" "+id.Subject] = local
	return local, nil
}

func TestLinkerMapsToLocalSubjects(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	l := &linker{links: map[string]string{}}
	cfg := providerConfig(p)
	cfg.GroupsClaim = "groups"
	v := newVerifier(t, p, external.Config{Providers: []external.Provider{cfg}, Linker: l})
	alice, mallory := testprovider.Users[0], testprovider.Users[1]

	first, err := v.Verify(context.Background(), p.Sign(p.Claims(alice, time.Minute), "JWT"))
	require.NoError(t, err)
	again, err := v.Verify(context.Background(), p.Sign(p.Claims(alice, time.Minute), "JWT"))
	require.NoError(t, err)
	assert.Equal(t, first.ID, again.ID, "the same local id on every token of a subject")
	assert.Equal(t, "usr_0", first.ID)
	require.NotEmpty(t, l.seen)
	assert.Equal(t, authn.ExternalIdentity{Provider: "zitadel", Issuer: p.Issuer, Subject: "p-alice",
		Email: alice.Email, EmailVerified: true, Groups: []string{"staff"}}, l.seen[0])

	_, err = v.Verify(context.Background(), p.Sign(p.Claims(mallory, time.Minute), "JWT"))
	require.NoError(t, err)
	assert.False(t, l.seen[len(l.seen)-1].EmailVerified, "an unverified email is said to be so")

	l.err = fmt.Errorf("locked: %w", authn.ErrInvalidCredentials)
	_, err = v.Verify(context.Background(), p.Sign(p.Claims(alice, time.Minute), "JWT"))
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	l.err = errors.New("link store down")
	_, err = v.Verify(context.Background(), p.Sign(p.Claims(alice, time.Minute), "JWT"))
	assert.ErrorIs(t, err, authn.ErrUnavailable)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
}

func TestSyncGroupsRunsWhenGroupsChange(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	cfg := providerConfig(p)
	cfg.GroupsClaim = "groups"
	var mu sync.Mutex
	var calls [][]string
	var fail error
	sync := func(_ context.Context, subject string, groups []string) error {
		mu.Lock()
		defer mu.Unlock()
		if fail != nil {
			return fail
		}
		calls = append(calls, append([]string{subject}, groups...))
		return nil
	}
	v := newVerifier(t, p, external.Config{Providers: []external.Provider{cfg}, SyncGroups: sync})
	alice := testprovider.Users[0]
	token := func(groups any) string {
		c := p.Claims(alice, time.Minute)
		c["groups"] = groups
		return p.Sign(c, "JWT")
	}
	for range 3 {
		_, err := v.Verify(context.Background(), token([]string{"staff", "editors"}))
		require.NoError(t, err)
	}
	_, err := v.Verify(context.Background(), token("editors"))
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"zitadel|p-alice", "editors", "staff"}, {"zitadel|p-alice", "editors"}}, calls)

	_, err = v.Verify(context.Background(), token(map[string]any{"not": "groups"}))
	assert.ErrorIs(t, err, authn.ErrInvalidToken)
	_, err = v.Verify(context.Background(), token([]any{"staff", 7}))
	assert.ErrorIs(t, err, authn.ErrInvalidToken)

	fail = errors.New("policy store down")
	_, err = v.Verify(context.Background(), token([]string{"admins"}))
	assert.ErrorIs(t, err, authn.ErrUnavailable, "no request is decided on roles that could not be synchronized")
}

func TestConfigRefused(t *testing.T) {
	t.Parallel()
	good := external.Provider{Name: "idp", Issuer: "https://idp.example.com", Audience: []string{"api"}}
	with := func(change func(*external.Provider)) []external.Provider {
		p := good
		change(&p)
		return []external.Provider{p}
	}
	tests := []struct {
		name string
		cfg  external.Config
	}{
		{"no providers", external.Config{}},
		{"no name", external.Config{Providers: with(func(p *external.Provider) { p.Name = "" })}},
		{"name with a bar", external.Config{Providers: with(func(p *external.Provider) { p.Name = "a|b" })}},
		{"no issuer", external.Config{Providers: with(func(p *external.Provider) { p.Issuer = "" })}},
		{"issuer not a URL", external.Config{Providers: with(func(p *external.Provider) { p.Issuer = "idp.example.com" })}},
		{"issuer with a query", external.Config{Providers: with(func(p *external.Provider) { p.Issuer = "https://idp.example.com?x=1" })}},
		{"bad JWKS URL", external.Config{Providers: with(func(p *external.Provider) { p.JWKSURL = "ftp://x" })}},
		{"no audience", external.Config{Providers: with(func(p *external.Provider) { p.Audience = nil })}},
		{"empty audience", external.Config{Providers: with(func(p *external.Provider) { p.Audience = []string{""} })}},
		{"HMAC", external.Config{Providers: with(func(p *external.Provider) { p.Algorithms = []string{"HS256"} })}},
		{"none", external.Config{Providers: with(func(p *external.Provider) { p.Algorithms = []string{"none"} })}},
		{"same name twice", external.Config{Providers: []external.Provider{good,
			{Name: "idp", Issuer: "https://other.example.com", Audience: []string{"api"}}}}},
		{"same issuer twice", external.Config{Providers: []external.Provider{good,
			{Name: "other", Issuer: good.Issuer, Audience: []string{"api"}}}}},
		{"groups hook without a claim", external.Config{Providers: []external.Provider{good},
			SyncGroups: func(context.Context, string, []string) error { return nil }}},
		{"negative leeway", external.Config{Providers: []external.Provider{good}, Leeway: -time.Second}},
		{"huge leeway", external.Config{Providers: []external.Provider{good}, Leeway: time.Hour}},
		{"keys lapse between fetches", external.Config{Providers: []external.Provider{good},
			RefreshInterval: 2 * time.Hour, MaxKeyAge: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := external.New(tt.cfg)
			assert.ErrorIs(t, err, external.ErrConfig)
		})
	}
}

// A token verified once is remembered, but never beyond what time and the
// provider allow: its lifetime, and the key that verified it.
func TestVerifiedTokensAreRemembered(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	c := newClock()
	cfg := providerConfig(p)
	cfg.GroupsClaim = "groups"
	v := newVerifier(t, p, external.Config{Providers: []external.Provider{cfg}, Clock: c.Now})
	raw := p.Sign(p.Claims(testprovider.Users[0], 10*time.Minute), "at+jwt")

	first, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	first.Claims["sub"] = "changed by the caller"
	first.Claims["groups"].([]any)[0] = "admins"
	again, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	assert.Equal(t, "zitadel|p-alice", again.ID)
	assert.Equal(t, "p-alice", again.Claims["sub"], "the caller's changes reach nobody else")
	assert.Equal(t, []any{"staff"}, again.Claims["groups"])

	c.Advance(10*time.Minute + external.DefaultLeeway)
	_, err = v.Verify(context.Background(), raw)
	assert.ErrorIs(t, err, authn.ErrTokenExpired, "remembered, but not past its lifetime")
}

// Entra ID's "oid" is stable across its applications where "sub" is not:
// a provider may name the claim that identifies the caller.
func TestSubjectClaim(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	cfg := providerConfig(p)
	cfg.SubjectClaim = "oid"
	v := newVerifier(t, p, external.Config{Providers: []external.Provider{cfg}})
	claims := p.Claims(testprovider.Users[0], time.Minute)
	claims["oid"] = "00000000-0000-0000-0000-00000000a11c"
	s, err := v.Verify(context.Background(), p.Sign(claims, "JWT"))
	require.NoError(t, err)
	assert.Equal(t, "zitadel|00000000-0000-0000-0000-00000000a11c", s.ID)

	delete(claims, "oid")
	_, err = v.Verify(context.Background(), p.Sign(claims, "JWT"))
	assert.ErrorIs(t, err, authn.ErrInvalidToken, "without the claim there is no subject, whatever sub says")
}

// panickingLinker panics as a buggy application hook or library would.
type panickingLinker struct{}

func (panickingLinker) LinkIdentity(context.Context, authn.ExternalIdentity) (string, error) {
	panic("linker bug")
}

func TestAPanicRefusesTheTokenAndSparesTheProcess(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	v := newVerifier(t, p, external.Config{Linker: panickingLinker{}})
	s, err := v.Verify(context.Background(), p.ServiceToken(t))
	assert.ErrorIs(t, err, authn.ErrInvalidToken)
	assert.True(t, s.IsZero())
}

// Tokens of one subject racing with other groups: whatever set SyncGroups
// saw last is the set the Verifier remembers, so the next token of that
// set changes nothing and the next of the other set synchronizes again.
func TestSyncGroupsRacing(t *testing.T) {
	t.Parallel()
	p := testprovider.Start(t)
	cfg := providerConfig(p)
	cfg.GroupsClaim = "groups"
	var mu sync.Mutex
	var current []string // the roles' groups, as the last call set them
	calls := 0
	v := newVerifier(t, p, external.Config{Providers: []external.Provider{cfg},
		SyncGroups: func(_ context.Context, _ string, groups []string) error {
			mu.Lock()
			defer mu.Unlock()
			current, calls = groups, calls+1
			return nil
		}})
	alice := testprovider.Users[0]
	token := func(groups ...string) string {
		c := p.Claims(alice, time.Minute)
		c["groups"] = groups
		return p.Sign(c, "JWT")
	}
	a, b := token("staff"), token("admins")
	var wg sync.WaitGroup
	for i := range 32 {
		raw := a
		if i%2 == 1 {
			raw = b
		}
		wg.Go(func() {
			_, err := v.Verify(context.Background(), raw)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	mu.Lock()
	last := slices.Clone(current)
	before := calls
	mu.Unlock()
	same := a
	if slices.Equal(last, []string{"admins"}) {
		same = b
	}
	_, err := v.Verify(context.Background(), same)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, before, calls, "the groups the roles have now are the ones remembered")
}
