package account_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	passkeymem "github.com/gatehouse-go/gatehouse/authn/passkey/memstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/webauthntest"
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

// TestPasskeyAsSecondFactor runs a real passkey (authn/passkey on memory
// stores, a software authenticator) as the second step of a password
// login: the challenge, the answer, and what a wrong answer does.
func TestPasskeyAsSecondFactor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMFARig(t)
	keys, err := passkey.New(passkeymem.New(), passkeymem.NewChallenges(), passkey.Config{
		RPID: "example.com", RPDisplayName: "Example", RPOrigins: []string{"https://example.com"}, Now: m.clock.Now})
	require.NoError(t, err)
	cfg := m.cfg
	cfg.MFATokens = m.mfaTokens
	cfg.SecondFactors = []account.Factor{
		{Name: "totp", AMR: []string{authn.AMROTP}, Enabled: m.totp.Enabled, Verify: m.totp.Verify},
		{Name: account.FactorPasskey, Enabled: keys.Enabled, Prove: keys.ProveSecondFactor, Challenge: keys.SecondFactorChallenge},
	}
	svc, err := account.New(cfg)
	require.NoError(t, err)
	bob := m.register(t, bobEmail, bobPassword)

	// A passkey registered, bob's password login takes two steps.
	device, err := webauthntest.New("example.com", "https://example.com", webauthntest.FlagUserPresent)
	require.NoError(t, err)
	id, options, err := keys.BeginRegistration(ctx, bob, bobEmail, "")
	require.NoError(t, err)
	created, err := device.Create(options)
	require.NoError(t, err)
	_, err = keys.FinishRegistration(ctx, bob, id, created, "key")
	require.NoError(t, err)

	login := func() string {
		_, err := svc.Login(ctx, bobEmail, bobPassword, "192.0.2.1")
		var mfa *account.MFARequiredError
		require.ErrorAs(t, err, &mfa)
		assert.Equal(t, []string{account.FactorPasskey}, mfa.Methods)
		return mfa.Token.Reveal()
	}
	answer := func(challenge []byte) string {
		var c passkey.Ceremony
		require.NoError(t, json.Unmarshal(challenge, &c))
		cred, err := device.Get(c.PublicKey)
		require.NoError(t, err)
		out, err := json.Marshal(passkey.Answer{CeremonyID: c.ID, Credential: cred})
		require.NoError(t, err)
		return string(out)
	}

	token := login()
	_, err = svc.ChallengeSecondFactor(ctx, token, "totp")
	assert.ErrorIs(t, err, account.ErrInvalidSecondFactor, "bob has no TOTP")
	_, err = svc.ChallengeSecondFactor(ctx, "not a token", account.FactorPasskey)
	assert.ErrorIs(t, err, authn.ErrInvalidToken)

	challenge, err := svc.ChallengeSecondFactor(ctx, token, account.FactorPasskey)
	require.NoError(t, err)
	_, err = svc.CompleteLogin(ctx, token, account.FactorPasskey, `{"ceremony_id": "x"}`, "")
	assert.ErrorIs(t, err, account.ErrInvalidSecondFactor, "a malformed answer is a wrong proof")
	proof := answer(challenge)
	pair, err := svc.CompleteLogin(ctx, token, account.FactorPasskey, proof, "")
	require.NoError(t, err)
	s, err := svc.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	require.NoError(t, err)
	assert.Equal(t, []string{"pwd", "hwk", "mfa"}, s.AMR)
	assert.Equal(t, authn.ACRMultiFactor, s.ACR)

	_, err = svc.CompleteLogin(ctx, login(), account.FactorPasskey, proof, "")
	assert.ErrorIs(t, err, account.ErrInvalidSecondFactor, "an answer works once, whatever the token")

	// The next login asks for a challenge of its own.
	other := login()
	challenge, err = svc.ChallengeSecondFactor(ctx, other, account.FactorPasskey)
	require.NoError(t, err)
	_, err = svc.CompleteLogin(ctx, other, account.FactorPasskey, answer(challenge), "")
	require.NoError(t, err)
}
