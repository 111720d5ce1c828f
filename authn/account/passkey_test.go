package account_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// passkeys finish the ceremonies they were told of: ceremony id → the
// user and methods its assertion proves.
type passkeys map[string]struct {
	user string
	amr  []string
}

func (p passkeys) FinishLogin(_ context.Context, ceremonyID string, _ []byte) (string, []string, error) {
	c, ok := p[ceremonyID]
	if !ok {
		return "", nil, authn.ErrInvalidCredentials
	}
	delete(p, ceremonyID) // single use
	return c.user, c.amr, nil
}

func TestLoginWithPasskey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	bob := r.register(t, bobEmail, bobPassword)
	keys := passkeys{
		"synced":   {bob, []string{authn.AMRSoftwareKey, authn.AMRMultiFactor}},
		"presence": {bob, []string{authn.AMRHardwareKey}},
		"session":  {bob, []string{authn.AMRSoftwareKey, authn.AMRMultiFactor}},
		"bad":      {bob, []string{"NOT VALID"}},
	}
	cfg := r.cfg
	cfg.Passkeys = keys
	svc, err := account.New(cfg)
	require.NoError(t, err)

	pair, err := svc.LoginWithPasskey(ctx, "synced", nil)
	require.NoError(t, err)
	s, err := svc.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	require.NoError(t, err)
	assert.Equal(t, bob, s.ID)
	assert.Equal(t, []string{"swk", "mfa"}, s.AMR)
	assert.Equal(t, authn.ACRMultiFactor, s.ACR, "a user-verified passkey is two factors by itself")

	pair, err = svc.LoginWithPasskey(ctx, "presence", nil)
	require.NoError(t, err)
	s, err = svc.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	require.NoError(t, err)
	assert.Equal(t, authn.ACRSingleFactor, s.ACR, "presence alone is one factor")

	sess, err := svc.SessionWithPasskey(ctx, "session", nil, "")
	require.NoError(t, err)
	s, err = svc.Authenticator().Authenticate(ctx, authntest.Request{Cookies: map[string]string{r.sessions.CookieName(): sess.Token.Reveal()}})
	require.NoError(t, err)
	assert.Equal(t, authn.ACRMultiFactor, s.ACR)

	_, err = svc.LoginWithPasskey(ctx, "synced", nil)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "a ceremony works once")
	_, err = svc.LoginWithPasskey(ctx, "bad", nil)
	require.Error(t, err)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "a passkey store that proves nonsense is a failure")

	keys["locked"] = struct {
		user string
		amr  []string
	}{bob, []string{authn.AMRSoftwareKey}}
	require.NoError(t, r.users.SetLocked(ctx, bob, true))
	_, err = svc.LoginWithPasskey(ctx, "locked", nil)
	assert.ErrorIs(t, err, users.ErrLocked)

	_, err = r.LoginWithPasskey(ctx, "x", nil)
	assert.ErrorIs(t, err, account.ErrNotConfigured)
}

// A factor whose methods depend on the proof (a passkey after a password)
// adds them to the password's.
func TestSecondFactorThatProvesItsMethods(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMFARig(t)
	bob := m.register(t, bobEmail, bobPassword)
	cfg := m.cfg
	cfg.MFATokens = m.mfaTokens
	cfg.SecondFactors = []account.Factor{{Name: "webauthn",
		Enabled: func(context.Context, string) (bool, error) { return true, nil },
		Prove: func(_ context.Context, user, proof string) ([]string, error) {
			switch proof {
			case "hardware":
				return []string{authn.AMRHardwareKey, authn.AMRMultiFactor}, nil
			case "nonsense":
				return []string{"Not Valid"}, nil
			}
			return nil, authn.ErrInvalidCredentials
		}}}
	svc, err := account.New(cfg)
	require.NoError(t, err)
	mfa := func() string {
		_, err := svc.Login(ctx, bobEmail, bobPassword, "")
		var e *account.MFARequiredError
		require.ErrorAs(t, err, &e)
		return e.Token.Reveal()
	}
	_, err = svc.CompleteLogin(ctx, mfa(), "webauthn", "nonsense", "")
	require.Error(t, err)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	_, err = svc.CompleteLogin(ctx, mfa(), "webauthn", "wrong", "")
	assert.ErrorIs(t, err, account.ErrInvalidSecondFactor)

	pair, err := svc.CompleteLogin(ctx, mfa(), "webauthn", "hardware", "")
	require.NoError(t, err)
	s, err := svc.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	require.NoError(t, err)
	assert.Equal(t, bob, s.ID)
	assert.Equal(t, []string{"pwd", "hwk", "mfa"}, s.AMR, "mfa once")

	bad := cfg
	bad.SecondFactors = []account.Factor{{Name: "both", Enabled: cfg.SecondFactors[0].Enabled,
		Prove: cfg.SecondFactors[0].Prove, Verify: func(context.Context, string, string) error { return errors.New("x") }}}
	_, err = account.New(bad)
	assert.Error(t, err, "Verify or Prove, not both")
}

// authn/passkey's Passkeys is what Config.Passkeys takes.
var _ account.PasskeyLogins = (*passkey.Passkeys)(nil)
