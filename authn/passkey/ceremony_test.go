package passkey_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
)

func TestRegisterThenLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		flags byte
		amr   []string
	}{
		{"synced, user verified", flagUP | flagUV | flagBE | flagBS, []string{"swk", "mfa"}},
		{"device-bound, user verified", flagUP | flagUV, []string{"hwk", "mfa"}},
		{"device-bound, presence only", flagUP, []string{"hwk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			a := newAuthenticator(t, tt.flags)
			c := f.register(t, "usr_alice", a)
			assert.Equal(t, a.CredentialID, c.ID)
			assert.Equal(t, "usr_alice", c.UserID)
			assert.Equal(t, "laptop", c.Name)
			assert.Equal(t, tt.flags&flagBE != 0, c.BackupEligible)
			assert.Equal(t, []string{"internal", "hybrid"}, c.Transports)
			assert.Len(t, a.UserHandle, 32)
			assert.NotContains(t, string(a.UserHandle), "usr_alice", "the user handle is opaque")

			f.register(t, "usr_bob", newAuthenticator(t, tt.flags))

			userID, amr, err := f.login(t, a)
			require.NoError(t, err)
			assert.Equal(t, "usr_alice", userID)
			assert.Equal(t, tt.amr, amr)

			list, err := f.p.List(bg, "usr_alice")
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.Equal(t, uint32(1), list[0].SignCount)
			assert.Equal(t, f.clock.Now(), list[0].LastUsedAt)
		})
	}
}

func TestRegistrationOptions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "usr_alice", newAuthenticator(t, flagUP|flagUV))
	_, options, err := f.p.BeginRegistration(bg, "usr_alice", "alice@example.com", "Alice")
	require.NoError(t, err)
	var opts struct {
		RP struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"rp"`
		User struct {
			Name        string `json:"name"`
			DisplayName string `json:"displayName"`
		} `json:"user"`
		Selection struct {
			ResidentKey      string `json:"residentKey"`
			UserVerification string `json:"userVerification"`
		} `json:"authenticatorSelection"`
		Exclude []json.RawMessage `json:"excludeCredentials"`
	}
	require.NoError(t, json.Unmarshal(options, &opts))
	assert.Equal(t, rpID, opts.RP.ID)
	assert.Equal(t, "Example", opts.RP.Name)
	assert.Equal(t, "alice@example.com", opts.User.Name)
	assert.Equal(t, "Alice", opts.User.DisplayName)
	assert.Equal(t, "required", opts.Selection.ResidentKey)
	assert.Equal(t, "preferred", opts.Selection.UserVerification)
	assert.Len(t, opts.Exclude, 1, "the user's credential is not registered twice")
}

func TestRefusedRegistrations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(a *authenticator)
	}{
		{"wrong origin", func(a *authenticator) { a.Origin = "https://evil.example.net" }},
		{"wrong RP ID", func(a *authenticator) { a.RPID = "evil.example.net" }},
		{"no user presence", func(a *authenticator) { a.Flags = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			a := newAuthenticator(t, flagUP|flagUV)
			tt.tamper(a)
			id, options, err := f.p.BeginRegistration(bg, "usr_alice", "alice@example.com", "")
			require.NoError(t, err)
			_, err = f.p.FinishRegistration(bg, "usr_alice", id, create(t, a, options), "laptop")
			assert.ErrorIs(t, err, passkey.ErrInvalidResponse)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
			on, err := f.p.Enabled(bg, "usr_alice")
			require.NoError(t, err)
			assert.False(t, on)
		})
	}
}

func TestRegistrationOfAnotherUsersCeremony(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := newAuthenticator(t, flagUP|flagUV)
	id, options, err := f.p.BeginRegistration(bg, "usr_alice", "alice@example.com", "")
	require.NoError(t, err)
	_, err = f.p.FinishRegistration(bg, "usr_mallory", id, create(t, a, options), "laptop")
	assert.ErrorIs(t, err, passkey.ErrInvalidResponse)
	_, err = f.p.FinishRegistration(bg, "usr_alice", id, create(t, a, options), "laptop")
	assert.ErrorIs(t, err, passkey.ErrChallengeNotFound, "spent by the failed attempt")
}

func TestCredentialRegisteredTwiceIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := newAuthenticator(t, flagUP|flagUV)
	f.register(t, "usr_alice", a)
	id, options, err := f.p.BeginRegistration(bg, "usr_bob", "bob@example.com", "")
	require.NoError(t, err)
	_, err = f.p.FinishRegistration(bg, "usr_bob", id, create(t, a, options), "stolen")
	assert.ErrorIs(t, err, passkey.ErrInvalidResponse)
}

func TestRefusedLogins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(t *testing.T, f *fixture, a *authenticator) []byte // returns a response to options, or nil to use a.get
	}{
		{"wrong origin", func(_ *testing.T, _ *fixture, a *authenticator) []byte {
			a.Origin = "https://evil.example.net"
			return nil
		}},
		{"wrong RP ID", func(_ *testing.T, _ *fixture, a *authenticator) []byte { a.RPID = "evil.example.net"; return nil }},
		{"unknown credential", func(t *testing.T, _ *fixture, a *authenticator) []byte {
			other := newAuthenticator(t, a.Flags)
			other.UserHandle = a.UserHandle // a real user's handle, a key never registered
			*a = *other
			return nil
		}},
		{"unknown user handle", func(_ *testing.T, _ *fixture, a *authenticator) []byte { a.UserHandle = []byte("nobody"); return nil }},
		{"counter going backwards", func(_ *testing.T, _ *fixture, a *authenticator) []byte { a.Counter = 2; return nil }},
		{"counter standing still", func(_ *testing.T, _ *fixture, a *authenticator) []byte { a.Counter = 4; return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			a := newAuthenticator(t, flagUP|flagUV)
			f.register(t, "usr_alice", a)
			a.Counter = 4
			_, _, err := f.login(t, a) // counter 5
			require.NoError(t, err)
			tt.tamper(t, f, a)
			_, _, err = f.login(t, a)
			assert.ErrorIs(t, err, passkey.ErrInvalidResponse)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
			list, err := f.p.List(bg, "usr_alice")
			require.NoError(t, err)
			assert.Equal(t, uint32(5), list[0].SignCount, "a refused login records no use")
		})
	}
}

func TestTamperedSignature(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := newAuthenticator(t, flagUP|flagUV)
	f.register(t, "usr_alice", a)
	id, options, err := f.p.BeginLogin(bg)
	require.NoError(t, err)
	var resp map[string]any
	require.NoError(t, json.Unmarshal(get(t, a, options), &resp))
	inner := resp["response"].(map[string]any)
	sig, err := b64.DecodeString(inner["signature"].(string))
	require.NoError(t, err)
	sig[len(sig)-1] ^= 1
	inner["signature"] = b64.EncodeToString(sig)
	tampered, err := json.Marshal(resp)
	require.NoError(t, err)
	_, _, err = f.p.FinishLogin(bg, id, tampered)
	assert.ErrorIs(t, err, passkey.ErrInvalidResponse)
}

func TestCeremonyIsSingleUse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := newAuthenticator(t, flagUP|flagUV)
	f.register(t, "usr_alice", a)
	id, options, err := f.p.BeginLogin(bg)
	require.NoError(t, err)
	_, _, err = f.p.FinishLogin(bg, id, get(t, a, options))
	require.NoError(t, err)
	_, _, err = f.p.FinishLogin(bg, id, get(t, a, options))
	assert.ErrorIs(t, err, passkey.ErrChallengeNotFound)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)

	// A failed finish spends the ceremony too.
	id, options, err = f.p.BeginLogin(bg)
	require.NoError(t, err)
	_, _, err = f.p.FinishLogin(bg, id, []byte("{}"))
	require.ErrorIs(t, err, passkey.ErrInvalidResponse)
	_, _, err = f.p.FinishLogin(bg, id, get(t, a, options))
	assert.ErrorIs(t, err, passkey.ErrChallengeNotFound)
}

func TestExpiredCeremony(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := newAuthenticator(t, flagUP|flagUV)
	f.register(t, "usr_alice", a)
	id, options, err := f.p.BeginLogin(bg)
	require.NoError(t, err)
	f.clock.Advance(passkey.DefaultChallengeTTL)
	_, _, err = f.p.FinishLogin(bg, id, get(t, a, options))
	assert.ErrorIs(t, err, passkey.ErrChallengeNotFound)

	id, options, err = f.p.BeginLogin(bg)
	require.NoError(t, err)
	f.clock.Advance(passkey.DefaultChallengeTTL - time.Second)
	_, _, err = f.p.FinishLogin(bg, id, get(t, a, options))
	assert.NoError(t, err, "within the TTL")
}

func TestCeremonyKindsDoNotMix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := newAuthenticator(t, flagUP|flagUV)
	f.register(t, "usr_alice", a)
	id, options, err := f.p.BeginSecondFactor(bg, "usr_alice")
	require.NoError(t, err)
	_, _, err = f.p.FinishLogin(bg, id, get(t, a, options))
	assert.ErrorIs(t, err, passkey.ErrInvalidResponse)
	_, _, err = f.p.FinishLogin(bg, "not a ceremony", get(t, a, options))
	assert.ErrorIs(t, err, passkey.ErrChallengeNotFound)
}

func TestSecondFactor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := newAuthenticator(t, flagUP|flagUV|flagBE)
	bob := newAuthenticator(t, flagUP|flagUV|flagBE)
	f.register(t, "usr_alice", alice)
	f.register(t, "usr_bob", bob)

	id, options, err := f.p.BeginSecondFactor(bg, "usr_alice")
	require.NoError(t, err)
	var opts struct {
		Allow []struct {
			ID string `json:"id"`
		} `json:"allowCredentials"`
	}
	require.NoError(t, json.Unmarshal(options, &opts))
	require.Len(t, opts.Allow, 1)
	assert.Equal(t, b64.EncodeToString(alice.CredentialID), opts.Allow[0].ID)

	_, err = f.p.FinishSecondFactor(bg, "usr_alice", id, get(t, bob, options))
	assert.ErrorIs(t, err, passkey.ErrInvalidResponse, "another user's passkey")

	id, options, err = f.p.BeginSecondFactor(bg, "usr_alice")
	require.NoError(t, err)
	_, err = f.p.FinishSecondFactor(bg, "usr_bob", id, get(t, bob, options))
	assert.ErrorIs(t, err, passkey.ErrInvalidResponse, "a ceremony begun for another user")

	id, options, err = f.p.BeginSecondFactor(bg, "usr_alice")
	require.NoError(t, err)
	amr, err := f.p.FinishSecondFactor(bg, "usr_alice", id, get(t, alice, options))
	require.NoError(t, err)
	assert.Equal(t, []string{"swk", "mfa"}, amr)

	_, _, err = f.p.BeginSecondFactor(bg, "usr_carol")
	assert.ErrorIs(t, err, passkey.ErrNotEnrolled)
}

func TestListRemoveEnabled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := newAuthenticator(t, flagUP|flagUV)
	c := f.register(t, "usr_alice", a)
	on, err := f.p.Enabled(bg, "usr_alice")
	require.NoError(t, err)
	assert.True(t, on)

	assert.ErrorIs(t, f.p.Remove(bg, "usr_bob", c.EncodedID()), passkey.ErrNotEnrolled, "not bob's")
	assert.ErrorIs(t, f.p.Remove(bg, "usr_alice", "!!"), passkey.ErrNotEnrolled)
	require.NoError(t, f.p.Remove(bg, "usr_alice", c.EncodedID()))
	on, err = f.p.Enabled(bg, "usr_alice")
	require.NoError(t, err)
	assert.False(t, on)
	_, _, err = f.login(t, a)
	assert.ErrorIs(t, err, passkey.ErrInvalidResponse, "a removed passkey logs in no more")

	_, err = f.p.List(bg, "")
	assert.ErrorIs(t, err, passkey.ErrInvalidInput)
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	good := passkey.Config{RPID: rpID, RPDisplayName: "Example", RPOrigins: []string{origin}}
	tests := []struct {
		name   string
		change func(c *passkey.Config)
	}{
		{"no RP ID", func(c *passkey.Config) { c.RPID = "" }},
		{"RP ID with a scheme", func(c *passkey.Config) { c.RPID = "https://example.com" }},
		{"no display name", func(c *passkey.Config) { c.RPDisplayName = " " }},
		{"no origins", func(c *passkey.Config) { c.RPOrigins = nil }},
		{"origin with a path", func(c *passkey.Config) { c.RPOrigins = []string{"https://example.com/login"} }},
		{"plain http", func(c *passkey.Config) { c.RPOrigins = []string{"http://example.com"} }},
		{"negative TTL", func(c *passkey.Config) { c.ChallengeTTL = -time.Second }},
		{"TTL too long", func(c *passkey.Config) { c.ChallengeTTL = time.Hour }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			tt.change(&cfg)
			p, err := passkey.New(nopStore{}, nopChallenges{}, cfg)
			assert.ErrorIs(t, err, passkey.ErrConfig)
			assert.Nil(t, p)
		})
	}
	_, err := passkey.New(nil, nopChallenges{}, good)
	assert.ErrorIs(t, err, passkey.ErrConfig)
	_, err = passkey.New(nopStore{}, nil, good)
	assert.ErrorIs(t, err, passkey.ErrConfig)
	good.RPOrigins = []string{"http://localhost:8080"}
	_, err = passkey.New(nopStore{}, nopChallenges{}, good)
	assert.NoError(t, err)
}
