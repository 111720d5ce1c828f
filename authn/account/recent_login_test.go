package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
)

// TestAPIKeysNeedARecentLogin follows each credential a user holds through
// the authenticator to apikey.Keys.CreateFor: a fresh login's bearer token
// and session may mint a key; the same credentials kept alive past the
// allowed age (a refresh does not renew the login) may not, and neither
// may an API key.
func TestAPIKeysNeedARecentLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	h := r.holdEverything(t, bobEmail, bobPassword)
	chain := r.Authenticator()
	subjectOf := func(req authntest.Request) authn.Subject {
		t.Helper()
		s, err := chain.Authenticate(ctx, req)
		require.NoError(t, err)
		return s
	}
	session := authntest.Request{Cookies: map[string]string{r.sessions.CookieName(): h.cookie}}

	for _, s := range []authn.Subject{subjectOf(authntest.Bearer(h.pair.AccessToken.Reveal())), subjectOf(session)} {
		key, _, err := r.apiKeys.CreateFor(ctx, s, "laptop", nil)
		require.NoError(t, err, s.Method)
		assert.Equal(t, h.subject, key.OwnerID)
	}
	_, _, err := r.apiKeys.CreateFor(ctx, subjectOf(authntest.Request{Headers: map[string]string{"X-API-Key": h.apiKey}}), "another", nil)
	assert.ErrorIs(t, err, authn.ErrReauthenticationRequired, "an API key cannot mint another")

	r.clock.Advance(10 * time.Minute)
	pair, err := r.Refresh(ctx, h.pair.RefreshToken.Reveal())
	require.NoError(t, err)
	_ = subjectOf(session) // in use, so not idle
	r.clock.Advance(6 * time.Minute)
	for _, s := range []authn.Subject{subjectOf(authntest.Bearer(pair.AccessToken.Reveal())), subjectOf(session)} {
		_, _, err := r.apiKeys.CreateFor(ctx, s, "stolen", nil)
		var reauth *authn.ReauthenticationError
		require.ErrorAs(t, err, &reauth, s.Method)
	}
	keys, err := r.apiKeys.List(ctx, h.subject)
	require.NoError(t, err)
	assert.Len(t, keys, 3, "the one of holdEverything and the two of the fresh login")
}

// A password login says so in its tokens, and a refresh keeps saying it:
// neither is a login with a second factor.
func TestPasswordLoginIsSingleFactor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	pair, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	refreshed, err := r.Refresh(ctx, pair.RefreshToken.Reveal())
	require.NoError(t, err)
	for _, p := range []string{pair.AccessToken.Reveal(), refreshed.AccessToken.Reveal()} {
		s, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(p))
		require.NoError(t, err)
		assert.Equal(t, []string{authn.AMRPassword}, s.AMR)
		assert.Equal(t, authn.ACRSingleFactor, s.ACR)
		assert.ErrorIs(t, s.RequireMFA(), authn.ErrReauthenticationRequired)
	}
}

// A session begun with a password says so on every request, as the
// tokens of a password login do.
func TestPasswordSessionIsSingleFactor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	s, err := r.StartSession(ctx, bobEmail, bobPassword, "", "")
	require.NoError(t, err)
	assert.Equal(t, []string{authn.AMRPassword}, s.Methods)
	cookie := authntest.Request{Cookies: map[string]string{r.sessions.CookieName(): s.Token.Reveal()}}
	for _, a := range []authn.Authenticator{r.sessions, r.Authenticator()} {
		sub, err := a.Authenticate(ctx, cookie)
		require.NoError(t, err)
		assert.Equal(t, authn.MethodSession, sub.Method)
		assert.Equal(t, []string{authn.AMRPassword}, sub.AMR)
		assert.Equal(t, authn.ACRSingleFactor, sub.ACR)
		assert.ErrorIs(t, sub.RequireMFA(), authn.ErrReauthenticationRequired)
	}
}
