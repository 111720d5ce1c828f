package account_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

var mfaKey = []byte("mfa-token-signing-key-0123456789abcdef-xyz")

// factors is a second factor of the tests: per user, whether it is set
// up, and its codes, each good once.
type factors struct {
	mu      sync.Mutex
	enabled map[string]bool
	codes   map[string]map[string]bool // user → unspent codes
	down    error
}

func newFactors() *factors {
	return &factors{enabled: map[string]bool{}, codes: map[string]map[string]bool{}}
}

func (f *factors) set(user string, codes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enabled[user] = true
	f.codes[user] = map[string]bool{}
	for _, c := range codes {
		f.codes[user][c] = true
	}
}

func (f *factors) Enabled(_ context.Context, user string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.enabled[user], f.down
}

func (f *factors) Verify(_ context.Context, user, code string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down != nil {
		return f.down
	}
	if !f.codes[user][code] {
		return authn.ErrInvalidCredentials
	}
	delete(f.codes[user], code)
	return nil
}

type mfaRig struct {
	*rig
	svc            *account.Service
	totp, recovery *factors
	mfaTokens      *purpose.Tokens
}

// newMFARig is the rig with TOTP and recovery codes as second factors.
func newMFARig(t *testing.T) *mfaRig {
	t.Helper()
	r := newRig(t)
	m := &mfaRig{rig: r, totp: newFactors(), recovery: newFactors()}
	tokens, err := purpose.New(purposeStore(t, r.db), purpose.Config{Purpose: "mfa", Key: mfaKey, Issuer: "gatehouse-test",
		TTL: 5 * time.Minute, Now: r.clock.Now})
	require.NoError(t, err)
	m.mfaTokens = tokens
	cfg := r.cfg
	cfg.MFATokens = tokens
	cfg.SecondFactors = []account.Factor{
		{Name: "totp", AMR: []string{authn.AMROTP}, Enabled: m.totp.Enabled, Verify: m.totp.Verify},
		{Name: "recovery_code", AMR: []string{authn.AMROTP}, Backup: true, Enabled: m.recovery.Enabled, Verify: m.recovery.Verify},
	}
	m.svc, err = account.New(cfg)
	require.NoError(t, err)
	return m
}

// mfaRequired logs bob in with his password and returns the second step's
// challenge.
func (m *mfaRig) mfaRequired(t *testing.T) *account.MFARequiredError {
	t.Helper()
	_, err := m.svc.Login(context.Background(), bobEmail, bobPassword, "192.0.2.1")
	var mfa *account.MFARequiredError
	require.ErrorAs(t, err, &mfa)
	return mfa
}

func TestLoginWithASecondFactor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMFARig(t)
	bob := m.register(t, bobEmail, bobPassword)

	// A password is all bob has: one step.
	pair, err := m.svc.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	assert.NotEmpty(t, pair.AccessToken.Reveal())

	// Recovery codes alone are no second factor.
	m.recovery.set(bob, "rec-1")
	_, err = m.svc.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)

	m.totp.set(bob, "111111", "222222")
	_, err = m.svc.Login(ctx, bobEmail, bobPassword, "")
	assert.ErrorIs(t, err, account.ErrMFARequired)
	_, err = m.svc.StartSession(ctx, bobEmail, bobPassword, "", "")
	assert.ErrorIs(t, err, account.ErrMFARequired, "a cookie session needs the second factor too")
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "a right password is not a refusal")
	mfa := m.mfaRequired(t)
	assert.Equal(t, []string{"totp", "recovery_code"}, mfa.Methods)
	assert.Equal(t, m.clock.Now().Add(5*time.Minute), mfa.ExpiresAt)

	_, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "999999", "")
	assert.ErrorIs(t, err, account.ErrInvalidSecondFactor)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)

	pair, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "111111", "")
	require.NoError(t, err, "a wrong code leaves the login open for another try")
	s, err := m.svc.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	require.NoError(t, err)
	assert.Equal(t, bob, s.ID)
	assert.Equal(t, []string{authn.AMRPassword, authn.AMROTP, authn.AMRMultiFactor}, s.AMR)
	assert.Equal(t, authn.ACRMultiFactor, s.ACR)
	assert.NoError(t, s.RequireMFA())

	refreshed, err := m.svc.Refresh(ctx, pair.RefreshToken.Reveal())
	require.NoError(t, err)
	s, err = m.svc.Authenticator().Authenticate(ctx, authntest.Bearer(refreshed.AccessToken.Reveal()))
	require.NoError(t, err)
	assert.Equal(t, authn.ACRMultiFactor, s.ACR, "a refresh keeps the login's strength")

	_, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "222222", "")
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "an MFA token works once")

	// A cookie session takes the same second step.
	_, err = m.svc.StartSession(ctx, bobEmail, bobPassword, "", "")
	var mfaSession *account.MFARequiredError
	require.ErrorAs(t, err, &mfaSession)
	m.totp.set(bob, "333333")
	sess, err := m.svc.CompleteSession(ctx, mfaSession.Token.Reveal(), "totp", "333333", "", "")
	require.NoError(t, err)
	s, err = m.svc.Authenticator().Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.sessions.CookieName(): sess.Token.Reveal()}})
	require.NoError(t, err)
	assert.Equal(t, authn.ACRMultiFactor, s.ACR)
	assert.Equal(t, []string{authn.AMRPassword, authn.AMROTP, authn.AMRMultiFactor}, s.AMR)

	// A recovery code completes a login too, once.
	mfa = m.mfaRequired(t)
	_, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "recovery_code", "rec-1", "")
	require.NoError(t, err)
	mfa = m.mfaRequired(t)
	_, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "recovery_code", "rec-1", "")
	assert.ErrorIs(t, err, account.ErrInvalidSecondFactor)
}

func TestSecondStepRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMFARig(t)
	bob := m.register(t, bobEmail, bobPassword)
	m.totp.set(bob, "111111")
	mfa := m.mfaRequired(t)
	token := mfa.Token.Reveal()

	tests := []struct {
		name          string
		token, method string
		want          error
	}{
		{"no token", "", "totp", authn.ErrInvalidToken},
		{"tampered token", token[:len(token)-2] + "xx", "totp", authn.ErrInvalidToken},
		{"unknown method", token, "sms", account.ErrInvalidSecondFactor},
		{"a backup bob has not set up", token, "recovery_code", account.ErrInvalidSecondFactor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.svc.CompleteLogin(ctx, tt.token, tt.method, "111111", "")
			assert.ErrorIs(t, err, tt.want)
		})
	}

	// The password changes: the MFA tokens issued after the old one die.
	require.NoError(t, m.users.SetPassword(ctx, bob, "bob's new passphrase"))
	_, err := m.svc.CompleteLogin(ctx, token, "totp", "111111", "")
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)

	// Expired.
	mfa2, err := func() (*account.MFARequiredError, error) {
		_, err := m.svc.Login(ctx, bobEmail, "bob's new passphrase", "")
		var e *account.MFARequiredError
		errors.As(err, &e)
		return e, err
	}()
	require.ErrorIs(t, err, account.ErrMFARequired)
	m.clock.Advance(10 * time.Minute) // past the TTL and the leeway
	_, err = m.svc.CompleteLogin(ctx, mfa2.Token.Reveal(), "totp", "111111", "")
	assert.ErrorIs(t, err, authn.ErrTokenExpired)
}

func TestWrongCodesAreThrottled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMFARig(t)
	bob := m.register(t, bobEmail, bobPassword)
	m.totp.set(bob, "111111")
	mfa := m.mfaRequired(t)
	var err error
	for range 5 {
		_, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "000000", "192.0.2.1")
		require.ErrorIs(t, err, account.ErrInvalidSecondFactor)
	}
	_, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "111111", "192.0.2.1")
	var throttled *authn.ThrottledError
	require.ErrorAs(t, err, &throttled, "the right code too, once throttled")
	assert.Positive(t, throttled.RetryAfter)

	// A right password does not reset the count of wrong codes.
	m.mfaRequired(t)
	_, err = m.svc.CompleteLogin(ctx, m.mfaRequired(t).Token.Reveal(), "totp", "111111", "192.0.2.1")
	assert.ErrorIs(t, err, authn.ErrThrottled)

	m.clock.Advance(time.Hour)
	_, err = m.svc.CompleteLogin(ctx, m.mfaRequired(t).Token.Reveal(), "totp", "111111", "192.0.2.1")
	assert.NoError(t, err)
}

func TestSecondStepOfALockedOrFailingAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMFARig(t)
	bob := m.register(t, bobEmail, bobPassword)
	m.totp.set(bob, "111111", "222222")
	mfa := m.mfaRequired(t)

	m.totp.down = errors.New("factor store down")
	_, err := m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "111111", "")
	require.Error(t, err)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "a failure proves nothing")
	m.totp.down = nil

	require.NoError(t, m.users.SetLocked(ctx, bob, true))
	_, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "111111", "")
	assert.ErrorIs(t, err, users.ErrLocked)
}

func TestSecondFactorConfigRefused(t *testing.T) {
	t.Parallel()
	m := newMFARig(t)
	f := newFactors()
	good := account.Factor{Name: "totp", AMR: []string{authn.AMROTP}, Enabled: f.Enabled, Verify: f.Verify}
	for name, change := range map[string]func(c *account.Config){
		"no MFA tokens":       func(c *account.Config) { c.MFATokens = nil },
		"no name":             func(c *account.Config) { c.SecondFactors[0].Name = "" },
		"a name twice":        func(c *account.Config) { c.SecondFactors = append(c.SecondFactors, good) },
		"no Verify":           func(c *account.Config) { c.SecondFactors[0].Verify = nil },
		"no AMR":              func(c *account.Config) { c.SecondFactors[0].AMR = nil },
		"AMR claiming mfa":    func(c *account.Config) { c.SecondFactors[0].AMR = []string{authn.AMRMultiFactor} },
		"AMR not RFC 8176ish": func(c *account.Config) { c.SecondFactors[0].AMR = []string{"One Time"} },
	} {
		cfg := m.cfg
		cfg.MFATokens, _ = purpose.New(purposeStore(t, m.db), purpose.Config{Purpose: "mfa", Key: mfaKey, Issuer: "x"})
		cfg.SecondFactors = []account.Factor{good}
		change(&cfg)
		_, err := account.New(cfg)
		assert.Error(t, err, name)
	}
}

// TestSecondFactorSecurityEvents shows a two-step login's security
// events: the factor asked for, a wrong code, the login with both.
func TestSecondFactorSecurityEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMFARig(t)
	bob := m.register(t, bobEmail, bobPassword)
	m.totp.set(bob, "111111")
	mfa := m.mfaRequired(t)
	_, err := m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "000000", "192.0.2.7")
	require.ErrorIs(t, err, account.ErrInvalidSecondFactor)
	_, err = m.svc.CompleteLogin(ctx, mfa.Token.Reveal(), "totp", "111111", "192.0.2.7")
	require.NoError(t, err)
	m.svc.RecordFactorChange(ctx, bob, account.FactorTOTP, "removed")

	logs := m.logs.String()
	for _, want := range []string{
		`"event":"mfa.required","user":"` + bob + `","methods":["totp"]`,
		`"event":"mfa.failed","user":"` + bob + `","factor":"totp","address":"192.0.2.7"`,
		`"event":"login.succeeded","user":"` + bob + `","amr":["pwd","otp","mfa"],"address":"192.0.2.7"`,
		`"event":"mfa.factor_changed","user":"` + bob + `","factor":"totp","change":"removed"`,
	} {
		assert.Contains(t, logs, want)
	}
	assert.NotContains(t, logs, "111111")
	assert.NotContains(t, logs, mfa.Token.Reveal())
}
