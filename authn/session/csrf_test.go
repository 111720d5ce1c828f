package session_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	s := f.create(t, "alice")
	other := f.create(t, "alice")
	token := s.Token.Reveal()

	type check struct {
		csrf    string
		wantErr error
	}
	unsafeChecks := []check{
		{"", authn.ErrCSRF},
		{"wrong", authn.ErrCSRF},
		{s.CSRFToken.Reveal()[:20], authn.ErrCSRF},
		{s.CSRFToken.Reveal() + "x", authn.ErrCSRF},
		{other.CSRFToken.Reveal(), authn.ErrCSRF}, // another session's, even the same subject's
		{token, authn.ErrCSRF},                    // the cookie itself is not the CSRF token
		{s.CSRFToken.Reveal(), nil},
	}
	tests := map[string][]check{
		"GET":     {{"", nil}, {"wrong", nil}},
		"HEAD":    {{"", nil}},
		"OPTIONS": {{"", nil}},
		"TRACE":   {{"", nil}},
		"POST":    unsafeChecks,
		"PUT":     unsafeChecks,
		"PATCH":   unsafeChecks,
		"DELETE":  unsafeChecks,
		"CONNECT": {{"", authn.ErrCSRF}},
		"get":     {{"", authn.ErrCSRF}}, // methods are case-sensitive; unknown means unsafe
	}
	for method, checks := range tests {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			for _, c := range checks {
				sub, err := f.m.Authenticate(context.Background(), f.request(method, token, c.csrf))
				if c.wantErr != nil {
					assert.ErrorIs(t, err, c.wantErr, "csrf %q", c.csrf)
					assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "the session itself is fine")
					assert.True(t, sub.IsZero())
					continue
				}
				require.NoError(t, err, "csrf %q", c.csrf)
				assert.Equal(t, "alice", sub.ID)
			}
		})
	}
}

func TestCSRFCheckedOnlyOnLiveSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	s := f.create(t, "alice")
	require.NoError(t, f.m.Destroy(context.Background(), s.Token.Reveal()))
	for _, csrf := range []string{"", s.CSRFToken.Reveal()} {
		_, err := f.m.Authenticate(context.Background(), f.request("POST", s.Token.Reveal(), csrf))
		assert.ErrorIs(t, err, authn.ErrInvalidSession)
		assert.NotErrorIs(t, err, authn.ErrCSRF)
	}
}

func TestCSRFCustomHeader(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{CSRFHeader: "X-XSRF-Token"})
	s := f.create(t, "alice")
	withDefault := f.request("POST", s.Token.Reveal(), "")
	withDefault.Headers = map[string]string{"X-CSRF-Token": s.CSRFToken.Reveal()}
	_, err := f.m.Authenticate(context.Background(), withDefault)
	assert.ErrorIs(t, err, authn.ErrCSRF, "only the configured header counts")

	lower := f.request("POST", s.Token.Reveal(), "")
	lower.Headers = map[string]string{"x-xsrf-token": s.CSRFToken.Reveal()}
	_, err = f.m.Authenticate(context.Background(), lower)
	assert.NoError(t, err, "header names are case-insensitive")
}

func TestCSRFTokenDerivation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	s := f.create(t, "alice")
	raw, err := base64.RawURLEncoding.DecodeString(s.Token.Reveal())
	require.NoError(t, err)
	mac := hmac.New(sha256.New, raw)
	mac.Write([]byte("gatehouse csrf v1"))
	want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))

	assert.Equal(t, want, s.CSRFToken.Reveal())
	assert.Equal(t, want, f.m.CSRFToken(s.Token.Reveal()).Reveal(), "recomputed, not stored")
	for _, malformed := range []string{"", "short", s.Token.Reveal() + "A", s.Token.Reveal() + "="} {
		assert.Empty(t, f.m.CSRFToken(malformed).Reveal(), "%q", malformed)
	}
}
