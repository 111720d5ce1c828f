package account_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

const (
	bobEmail    = "bob@example.com"
	bobPassword = "bob-password"
)

func TestLoginThenBearer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	id := r.register(t, bobEmail, bobPassword)

	pair, err := r.Login(ctx, "  Bob@Example.com ", bobPassword, "192.0.2.1")
	require.NoError(t, err)
	assert.Equal(t, "Bearer", pair.TokenType)
	assert.Equal(t, 15*time.Minute, pair.ExpiresIn)
	assert.Equal(t, id, pair.Subject)

	s, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	require.NoError(t, err)
	assert.Equal(t, id, s.ID)
	assert.Equal(t, authn.MethodBearer, s.Method)
	assert.NotContains(t, s.Claims, "roles", "roles never travel in tokens")
}

func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)

	_, unknown := r.Login(ctx, "nobody@example.com", bobPassword, "192.0.2.1")
	_, wrong := r.Login(ctx, bobEmail, "not-bobs-password", "192.0.2.1")
	_, malformed := r.Login(ctx, "not an email", bobPassword, "192.0.2.1")
	for _, err := range []error{unknown, wrong, malformed} {
		require.ErrorIs(t, err, authn.ErrInvalidCredentials)
		assert.Equal(t, wrong.Error(), err.Error(), "no message tells which part was wrong")
	}
}

func TestLoginThrottleKicksInAndLifts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)

	for i := 0; i < 5; i++ {
		_, err := r.Login(ctx, bobEmail, "wrong-password", "192.0.2.1")
		require.ErrorIs(t, err, authn.ErrInvalidCredentials)
	}
	// From another address, with the right password: still refused.
	_, err := r.Login(ctx, "BOB@example.com", bobPassword, "198.51.100.7")
	var throttled *authn.ThrottledError
	require.ErrorAs(t, err, &throttled)
	assert.Equal(t, 15*time.Minute, throttled.RetryAfter)
	_, err = r.StartSession(ctx, bobEmail, bobPassword, "198.51.100.7", "")
	assert.ErrorIs(t, err, authn.ErrThrottled, "sessions share the throttle")

	r.clock.Advance(15 * time.Minute)
	_, err = r.Login(ctx, bobEmail, bobPassword, "198.51.100.7")
	require.NoError(t, err, "the window has passed")

	// A success resets the account's count.
	for i := 0; i < 4; i++ {
		_, _ = r.Login(ctx, bobEmail, "wrong-password", "192.0.2.1")
	}
	_, err = r.Login(ctx, bobEmail, bobPassword, "192.0.2.1")
	require.NoError(t, err)
	_, err = r.Login(ctx, bobEmail, "wrong-password", "192.0.2.1")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "not throttled: the count started again")
}

func TestRefreshRotatesAndDetectsReuse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	first, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)

	second, err := r.Refresh(ctx, first.RefreshToken.Reveal())
	require.NoError(t, err)
	assert.NotEqual(t, first.RefreshToken.Reveal(), second.RefreshToken.Reveal())
	assert.NotEqual(t, first.AccessToken.Reveal(), second.AccessToken.Reveal())

	_, err = r.Refresh(ctx, first.RefreshToken.Reveal())
	require.ErrorIs(t, err, authn.ErrTokenReused, "a used refresh token is theft")
	_, err = r.Refresh(ctx, second.RefreshToken.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "and the whole family is dead")
}

// TestRefreshedTokensRememberTheLogin checks that an access token says when
// its holder logged in (auth_time), and that refreshing does not make the
// login look newer: a stolen refresh token kept alive for days still
// cannot pass a check for a recent login.
func TestRefreshedTokensRememberTheLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	loggedIn := r.clock.Now()
	pair, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	for range 3 {
		r.clock.Advance(10 * time.Minute)
		pair, err = r.Refresh(ctx, pair.RefreshToken.Reveal())
		require.NoError(t, err)
	}
	s, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	require.NoError(t, err)
	assert.Equal(t, loggedIn.Truncate(time.Second).UTC(), s.AuthenticatedAt, "the login's time, not the refresh's")
	assert.NoError(t, s.RequireRecentLogin(r.clock.Now(), time.Hour))
	assert.ErrorIs(t, s.RequireRecentLogin(r.clock.Now(), 15*time.Minute), authn.ErrReauthenticationRequired)
}

func TestTokensCannotStandInForEachOther(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	id := r.register(t, bobEmail, bobPassword)
	pair, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	reset, err := r.RequestPasswordReset(ctx, bobEmail)
	require.NoError(t, err)
	verify, err := r.RequestEmailVerification(ctx, id)
	require.NoError(t, err)
	_, apiKey, err := r.apiKeys.Create(ctx, id, "ci", nil)
	require.NoError(t, err)

	bearer := func(tok string) error {
		_, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(tok))
		return err
	}
	tests := []struct {
		name string
		use  func() error
	}{
		{"access token as refresh token", func() error { _, err := r.Refresh(ctx, pair.AccessToken.Reveal()); return err }},
		{"refresh token as access token", func() error { return bearer(pair.RefreshToken.Reveal()) }},
		{"reset token as access token", func() error { return bearer(reset.Value.Reveal()) }},
		{"verification token as access token", func() error { return bearer(verify.Value.Reveal()) }},
		{"API key as access token", func() error { return bearer(apiKey.Reveal()) }},
		{"access token as reset token", func() error { return r.ResetPassword(ctx, pair.AccessToken.Reveal(), "new-password-1") }},
		{"verification token as reset token", func() error { return r.ResetPassword(ctx, verify.Value.Reveal(), "new-password-1") }},
		{"reset token as verification token", func() error { _, err := r.VerifyEmail(ctx, reset.Value.Reveal()); return err }},
		{"reset token as refresh token", func() error { _, err := r.Refresh(ctx, reset.Value.Reveal()); return err }},
	}
	for _, tt := range tests {
		err := tt.use()
		assert.ErrorIs(t, err, authn.ErrInvalidToken, tt.name)
	}
	// None of the refusals spent anything.
	require.NoError(t, r.ResetPassword(ctx, reset.Value.Reveal(), "new-password-1"))
}

func TestLogoutRevokesAccessAndRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	pair, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	other, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)

	s, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	require.NoError(t, err)
	require.NoError(t, r.Logout(ctx, s, pair.RefreshToken.Reveal()))

	_, err = r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)
	_, err = r.Refresh(ctx, pair.RefreshToken.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)

	_, err = r.Authenticator().Authenticate(ctx, authntest.Bearer(other.AccessToken.Reveal()))
	assert.NoError(t, err, "another login of the same user is untouched")
	_, err = r.Refresh(ctx, other.RefreshToken.Reveal())
	assert.NoError(t, err)

	assert.ErrorIs(t, r.Logout(ctx, authn.Subject{ID: "x", Method: authn.MethodSession, CredentialID: "ses_1"}, ""), authn.ErrInvalidToken,
		"logout revokes bearer tokens only")
}

// A logout with somebody else's refresh token revokes that family, which
// is in the wrong hands, and the access tokens it obtained.
func TestLogoutWithAnotherUsersRefreshToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	r.register(t, "carol@example.com", "carol-password")
	bob, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	carol, err := r.Login(ctx, "carol@example.com", "carol-password", "")
	require.NoError(t, err)

	s, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(bob.AccessToken.Reveal()))
	require.NoError(t, err)
	err = r.Logout(ctx, s, carol.RefreshToken.Reveal())
	require.ErrorIs(t, err, authn.ErrInvalidToken)
	_, err = r.Refresh(ctx, carol.RefreshToken.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "a refresh token in the wrong hands is revoked")
	assert.ErrorIs(t, r.authenticate(carol.AccessToken), authn.ErrTokenRevoked, "and so are the access tokens it obtained")
	_, err = r.Authenticator().Authenticate(ctx, authntest.Bearer(bob.AccessToken.Reveal()))
	assert.NoError(t, err, "bob's own token is not revoked by a failed logout")
}

func TestSessionFlow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	id := r.register(t, bobEmail, bobPassword)

	planted, err := r.sessions.Create(ctx, "attacker", "")
	require.NoError(t, err)
	s, err := r.StartSession(ctx, bobEmail, bobPassword, "192.0.2.1", planted.Token.Reveal())
	require.NoError(t, err)
	assert.Equal(t, id, s.Subject)

	cookie := map[string]string{r.sessions.CookieName(): s.Token.Reveal()}
	_, err = r.Authenticator().Authenticate(ctx, authntest.Request{Cookies: map[string]string{r.sessions.CookieName(): planted.Token.Reveal()}})
	assert.ErrorIs(t, err, authn.ErrInvalidSession, "the cookie planted before login is dead")

	got, err := r.Authenticator().Authenticate(ctx, authntest.Request{Cookies: cookie})
	require.NoError(t, err)
	assert.Equal(t, authn.MethodSession, got.Method)
	_, err = r.Authenticator().Authenticate(ctx, authntest.Request{HTTPMethod: "POST", Cookies: cookie})
	assert.ErrorIs(t, err, authn.ErrCSRF)
	_, err = r.Authenticator().Authenticate(ctx, authntest.Request{HTTPMethod: "POST", Cookies: cookie,
		Headers: map[string]string{r.sessions.CSRFHeader(): s.CSRFToken.Reveal()}})
	require.NoError(t, err)

	require.NoError(t, r.EndSession(ctx, s.Token.Reveal()))
	_, err = r.Authenticator().Authenticate(ctx, authntest.Request{Cookies: cookie})
	assert.ErrorIs(t, err, authn.ErrInvalidSession)
	_, err = r.StartSession(ctx, bobEmail, "wrong-password", "192.0.2.1", "")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
}

// held is every credential one user can hold at once.
type held struct {
	pair    account.TokenPair
	cookie  string
	apiKey  string
	subject string
}

func (r *rig) holdEverything(t *testing.T, email, password string) held {
	t.Helper()
	ctx := context.Background()
	pair, err := r.Login(ctx, email, password, "")
	require.NoError(t, err)
	s, err := r.StartSession(ctx, email, password, "", "")
	require.NoError(t, err)
	_, key, err := r.apiKeys.Create(ctx, pair.Subject, "laptop", nil)
	require.NoError(t, err)
	return held{pair: pair, cookie: s.Token.Reveal(), apiKey: key.Reveal(), subject: pair.Subject}
}

// assertAllDead checks that no credential in h works any more.
func (r *rig) assertAllDead(t *testing.T, h held) {
	t.Helper()
	ctx := context.Background()
	chain := r.Authenticator()
	_, err := chain.Authenticate(ctx, authntest.Bearer(h.pair.AccessToken.Reveal()))
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "access token")
	_, err = r.Refresh(ctx, h.pair.RefreshToken.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "refresh token")
	_, err = chain.Authenticate(ctx, authntest.Request{Cookies: map[string]string{r.sessions.CookieName(): h.cookie}})
	assert.ErrorIs(t, err, authn.ErrInvalidSession, "session")
	_, err = chain.Authenticate(ctx, authntest.Request{Headers: map[string]string{"X-API-Key": h.apiKey}})
	assert.ErrorIs(t, err, authn.ErrInvalidAPIKey, "API key")
}

func TestPasswordResetRevokesEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	before := r.holdEverything(t, bobEmail, bobPassword)

	reset, err := r.RequestPasswordReset(ctx, "BOB@example.com")
	require.NoError(t, err)
	_, err = r.RequestPasswordReset(ctx, "nobody@example.com")
	assert.ErrorIs(t, err, users.ErrNotFound)

	err = r.ResetPassword(ctx, reset.Value.Reveal(), "short")
	require.Error(t, err, "a weak password is refused...")
	require.NoError(t, r.ResetPassword(ctx, reset.Value.Reveal(), "bobs-new-password"), "...without spending the token")

	r.assertAllDead(t, before)
	_, err = r.Login(ctx, bobEmail, bobPassword, "")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "the old password is gone")
	_, err = r.Login(ctx, bobEmail, "bobs-new-password", "")
	assert.NoError(t, err)
	assert.ErrorIs(t, r.ResetPassword(ctx, reset.Value.Reveal(), "another-password"), authn.ErrTokenRevoked, "single use")
}

func TestResetTokenDiesWhenThePasswordChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	id := r.register(t, bobEmail, bobPassword)
	first, err := r.RequestPasswordReset(ctx, bobEmail)
	require.NoError(t, err)
	second, err := r.RequestPasswordReset(ctx, bobEmail)
	require.NoError(t, err)
	require.NoError(t, r.users.SetPassword(ctx, id, "changed-elsewhere"))

	assert.ErrorIs(t, r.ResetPassword(ctx, first.Value.Reveal(), "bobs-new-password"), authn.ErrTokenRevoked)
	assert.ErrorIs(t, r.ResetPassword(ctx, second.Value.Reveal(), "bobs-new-password"), authn.ErrTokenRevoked)
	r.clock.Advance(31 * time.Minute)
	third, err := r.RequestPasswordReset(ctx, bobEmail)
	require.NoError(t, err)
	r.clock.Advance(31 * time.Minute)
	assert.ErrorIs(t, r.ResetPassword(ctx, third.Value.Reveal(), "bobs-new-password"), authn.ErrTokenExpired)
}

func TestEmailVerification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	id := r.register(t, bobEmail, bobPassword)
	tok, err := r.RequestEmailVerification(ctx, id)
	require.NoError(t, err)

	got, err := r.VerifyEmail(ctx, tok.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, id, got)
	u, err := r.users.Get(ctx, id)
	require.NoError(t, err)
	assert.NotNil(t, u.EmailVerifiedAt)
	_, err = r.VerifyEmail(ctx, tok.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "single use")
}

func TestLockAndDeleteUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	bobID := r.register(t, bobEmail, bobPassword)
	carolID := r.register(t, "carol@example.com", "carol-password")
	bob := r.holdEverything(t, bobEmail, bobPassword)
	carol := r.holdEverything(t, "carol@example.com", "carol-password")

	require.NoError(t, r.LockUser(ctx, bobID))
	r.assertAllDead(t, bob)
	_, err := r.Login(ctx, bobEmail, bobPassword, "")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "a locked account cannot log in")

	require.NoError(t, r.DeleteUser(ctx, carolID))
	r.assertAllDead(t, carol)
	_, err = r.users.Get(ctx, carolID)
	assert.ErrorIs(t, err, users.ErrNotFound)
	assert.ErrorIs(t, r.DeleteUser(ctx, carolID), users.ErrNotFound)
}

func TestRefreshRefusedForLockedOrDeletedUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	id := r.register(t, bobEmail, bobPassword)
	pair, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	// Lock the account behind the Service's back: Refresh must still notice.
	require.NoError(t, r.users.SetLocked(ctx, id, true))
	_, err = r.Refresh(ctx, pair.RefreshToken.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)
}

func TestFlowsNeedTheirParts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := newRig(t).cfg
	cfg.APIKeys, cfg.Sessions, cfg.PasswordResets, cfg.EmailVerifications = nil, nil, nil, nil
	bare, err := account.New(cfg)
	require.NoError(t, err)

	_, err = bare.StartSession(ctx, bobEmail, bobPassword, "", "")
	assert.ErrorIs(t, err, account.ErrNotConfigured)
	assert.ErrorIs(t, bare.EndSession(ctx, "x"), account.ErrNotConfigured)
	_, err = bare.RequestPasswordReset(ctx, bobEmail)
	assert.ErrorIs(t, err, account.ErrNotConfigured)
	assert.ErrorIs(t, bare.ResetPassword(ctx, "x", "new-password-1"), account.ErrNotConfigured)
	_, err = bare.RequestEmailVerification(ctx, "usr_1")
	assert.ErrorIs(t, err, account.ErrNotConfigured)
	_, err = bare.VerifyEmail(ctx, "x")
	assert.ErrorIs(t, err, account.ErrNotConfigured)
	assert.Len(t, bare.Authenticator(), 1, "bearer only")

	for _, drop := range []func(*account.Config){
		func(c *account.Config) { c.Users = nil },
		func(c *account.Config) { c.Tokens = nil },
		func(c *account.Config) { c.Revocations = nil },
		func(c *account.Config) { c.Refresh = nil },
		func(c *account.Config) { c.Throttle = nil },
	} {
		c := cfg
		drop(&c)
		_, err := account.New(c)
		assert.Error(t, err)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	id := r.register(t, bobEmail, bobPassword)
	const newPassword = "bobs-brand-new-password"
	held := r.holdEverything(t, bobEmail, bobPassword)

	tests := []struct {
		name             string
		user, current, n string
		want             error
	}{
		{"wrong current password", id, "not-bobs-password", newPassword, authn.ErrInvalidCredentials},
		{"weak new password", id, bobPassword, "short", password.ErrTooShort},
		{"unknown user", "no-such-user", bobPassword, newPassword, users.ErrNotFound},
	}
	for _, tc := range tests {
		err := r.ChangePassword(ctx, tc.user, tc.current, tc.n, "192.0.2.7")
		assert.ErrorIs(t, err, tc.want, tc.name)
	}
	_, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(held.pair.AccessToken.Reveal()))
	require.NoError(t, err, "a refused change revokes nothing")
	_, err = r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err, "and leaves the password as it was")

	require.NoError(t, r.ChangePassword(ctx, id, bobPassword, newPassword, "192.0.2.7"))
	r.assertAllDead(t, held)
	_, err = r.Login(ctx, bobEmail, bobPassword, "")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "the old password is gone")
	_, err = r.Login(ctx, bobEmail, newPassword, "")
	assert.NoError(t, err)
}

// TestChangePasswordIsThrottled checks that a stolen session cannot guess
// the current password: wrong guesses count as failed logins.
func TestChangePasswordIsThrottled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	id := r.register(t, bobEmail, bobPassword)
	var err error
	for range 10 {
		err = r.ChangePassword(ctx, id, "a-wrong-guess-at-it", "bobs-brand-new-password", "192.0.2.7")
		if errors.Is(err, authn.ErrThrottled) {
			break
		}
		require.ErrorIs(t, err, authn.ErrInvalidCredentials)
	}
	require.ErrorIs(t, err, authn.ErrThrottled)
	err = r.ChangePassword(ctx, id, bobPassword, "bobs-brand-new-password", "192.0.2.7")
	assert.ErrorIs(t, err, authn.ErrThrottled, "even the right password waits")
	_, err = r.Login(ctx, bobEmail, bobPassword, "192.0.2.8")
	assert.ErrorIs(t, err, authn.ErrThrottled, "the account itself is throttled")
}

// countingChecker is a password.BreachChecker that knows one breached
// password and counts the questions it is asked.
type countingChecker struct {
	breached string
	asked    atomic.Int64
}

func (c *countingChecker) Breached(_ context.Context, pw string) (bool, error) {
	c.asked.Add(1)
	return pw == c.breached, nil
}

// TestChangePasswordAsksTheBreachCheckerOnce checks that a password change
// makes one breached-password check, which may be a request to a remote
// service, and refuses a breached password without changing anything.
func TestChangePasswordAsksTheBreachCheckerOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	r := newRigOn(t, db)
	checker := &countingChecker{breached: "password1234"}
	checked, err := users.New(usersStore(t, db), users.Config{BreachChecker: checker})
	require.NoError(t, err)
	cfg := r.cfg
	cfg.Users = checked
	svc, err := account.New(cfg)
	require.NoError(t, err)
	id := r.register(t, bobEmail, bobPassword)

	err = svc.ChangePassword(ctx, id, bobPassword, "password1234", "")
	assert.ErrorIs(t, err, password.ErrBreached)
	assert.EqualValues(t, 1, checker.asked.Load())
	_, err = r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err, "a refused change changes nothing")

	require.NoError(t, svc.ChangePassword(ctx, id, bobPassword, "bobs-brand-new-password", ""))
	assert.EqualValues(t, 2, checker.asked.Load(), "one question per change")
}
