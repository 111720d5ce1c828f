package totp_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/memstore"
)

// install writes rec as user's record in a new memstore, pending or
// active as in rec, and returns the store.
func install(t *testing.T, recs map[string]totp.Record) *memstore.Store {
	t.Helper()
	s := memstore.New()
	for user, rec := range recs {
		if rec.Active != nil {
			require.NoError(t, s.SetPending(bg, user, rec.Active, rec.UpdatedAt))
			activated, err := s.Activate(bg, user, rec.Active, rec.ActivatedAt, rec.LastStep)
			require.NoError(t, err)
			require.True(t, activated)
		}
		if rec.Pending != nil {
			require.NoError(t, s.SetPending(bg, user, rec.Pending, rec.UpdatedAt))
		}
	}
	return s
}

// A sealed secret moved to another user's record does not open: with
// write access to the table alone, an attacker cannot give their own
// secret to a victim's account, nor swap two users' secrets.
func TestSealedSecretsAreBoundToTheirUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	aliceSecret := f.enrolled(t, "alice")
	bobSecret := f.enrolled(t, "bob")
	malloryPending := f.enrol(t, "mallory")
	alice, bob, mallory := f.record(t, "alice"), f.record(t, "bob"), f.record(t, "mallory")

	swapped := install(t, map[string]totp.Record{
		"alice": {Active: bob.Active, Pending: mallory.Pending, LastStep: bob.LastStep, ActivatedAt: start, UpdatedAt: start},
		"bob":   {Active: alice.Active, LastStep: alice.LastStep, ActivatedAt: start, UpdatedAt: start},
	})
	m, err := totp.New(swapped, f.cfg)
	require.NoError(t, err)
	f.clock.Advance(totp.Period)
	now := f.clock.Now()
	for user, secret := range map[string]string{"alice": aliceSecret, "bob": bobSecret} {
		for _, s := range []string{aliceSecret, bobSecret} {
			err := m.Verify(bg, user, codeAt(t, s, now))
			assert.ErrorIs(t, err, totp.ErrCorruptSecret, "%s with a code of %s", user, s == secret)
			assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "a fault, not a verdict on the code")
		}
	}
	err = m.Confirm(bg, "alice", codeAt(t, malloryPending, now))
	assert.ErrorIs(t, err, totp.ErrCorruptSecret, "mallory's enrolment confirmed as alice's")
	rec, _, err := swapped.Get(bg, "alice")
	require.NoError(t, err)
	assert.Equal(t, mallory.Pending, rec.Pending, "nothing activated")
	assert.Equal(t, bob.LastStep, rec.LastStep, "no step used")
}

// Another key opens nothing; a secret altered by one byte, or cut short,
// opens nothing.
func TestSealedSecretsNeedTheKeyAndTheirBytes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrolled(t, "alice")
	rec := f.record(t, "alice")
	f.clock.Advance(totp.Period)
	code := codeAt(t, secret, f.clock.Now())

	otherKey := bytes.Repeat([]byte{0x43}, totp.KeySize)
	other, err := totp.New(f.store, totp.Config{Issuer: "Example", Key: otherKey, Now: f.clock.Now})
	require.NoError(t, err)
	assert.ErrorIs(t, other.Verify(bg, "alice", code), totp.ErrCorruptSecret, "another key")

	for i := range rec.Active {
		altered := bytes.Clone(rec.Active)
		altered[i] ^= 0x01
		m, err := totp.New(install(t, map[string]totp.Record{"alice": {Active: altered, LastStep: rec.LastStep, ActivatedAt: start, UpdatedAt: start}}), f.cfg)
		require.NoError(t, err)
		assert.ErrorIs(t, m.Verify(bg, "alice", code), totp.ErrCorruptSecret, "byte %d altered", i)
	}
	for _, n := range []int{1, 13, 29, len(rec.Active) - 1} {
		m, err := totp.New(install(t, map[string]totp.Record{"alice": {Active: rec.Active[:n], LastStep: rec.LastStep, ActivatedAt: start, UpdatedAt: start}}), f.cfg)
		require.NoError(t, err)
		assert.ErrorIs(t, m.Verify(bg, "alice", code), totp.ErrCorruptSecret, "cut to %d bytes", n)
	}
	assert.NoError(t, f.m.Verify(bg, "alice", code), "the record as sealed still works")
}

// One secret sealed twice gives two different values (a nonce per seal),
// neither holding the secret.
func TestSealingIsRandomised(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.enrol(t, "alice")
	first := f.record(t, "alice").Pending
	f.enrol(t, "alice")
	second := f.record(t, "alice").Pending
	assert.NotEqual(t, first, second)
	assert.Equal(t, byte(1), first[0], "the format's version")
	assert.NotEqual(t, first[1:13], second[1:13], "nonces differ")
}
