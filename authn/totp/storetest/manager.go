package storetest

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp"
	pqtotp "github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// totp.Manager on the store, from two handles as two processes sharing a
// key: an enrolment started on one is confirmed on the other, a code
// accepted by one is refused by the other, of racing uses of one code
// exactly one is accepted, and turning the factor off on one is seen at
// once on the other.
func testManager(t *testing.T, fresh Fresh) {
	open := fresh(t)
	clock := authntest.NewClock(base)
	cfg := totp.Config{Issuer: "Example", Key: random(t, totp.KeySize), Now: clock.Now}
	a, err := totp.New(open(t), cfg)
	require.NoError(t, err)
	b, err := totp.New(open(t), cfg)
	require.NoError(t, err)
	user := newUserID(t)

	enrolment, err := a.Enroll(bg, user, "alice@example.com")
	require.NoError(t, err)
	secret := enrolment.Secret.Reveal()
	codeAt := func(at time.Time) string {
		t.Helper()
		c, err := pqtotp.GenerateCodeCustom(secret, at, pqtotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		require.NoError(t, err)
		return c
	}
	enabled, err := b.Enabled(bg, user)
	require.NoError(t, err)
	assert.False(t, enabled, "not before confirmation")
	require.NoError(t, b.Confirm(bg, user, codeAt(clock.Now())), "confirmed on the other process")
	enabled, err = a.Enabled(bg, user)
	require.NoError(t, err)
	assert.True(t, enabled)
	assert.ErrorIs(t, a.Verify(bg, user, codeAt(clock.Now())), totp.ErrCodeReused, "the confirmation's code does not log in")

	clock.Advance(totp.Period)
	now := codeAt(clock.Now())
	require.NoError(t, a.Verify(bg, user, now))
	assert.ErrorIs(t, b.Verify(bg, user, now), totp.ErrCodeReused, "replayed on the other process")

	// Sixteen uses of one code at once, half on each process.
	clock.Advance(totp.Period)
	now = codeAt(clock.Now())
	var wins atomic.Int64
	errs := make([]error, racers)
	managers := []*totp.Manager{a, b}
	race(t, open, func(i int, _ totp.Store) {
		err := managers[i%2].Verify(bg, user, now)
		if err == nil {
			wins.Add(1)
			return
		}
		if !errors.Is(err, totp.ErrCodeReused) {
			errs[i] = err
		}
	})
	for i, err := range errs {
		require.NoError(t, err, "use %d failed otherwise than as a replay", i)
	}
	assert.Equal(t, int64(1), wins.Load(), "exactly one use of one code is accepted")

	require.NoError(t, b.Disable(bg, user))
	clock.Advance(totp.Period)
	assert.ErrorIs(t, a.Verify(bg, user, codeAt(clock.Now())), totp.ErrNotEnrolled, "disabled on the other process")
	enabled, err = a.Enabled(bg, user)
	require.NoError(t, err)
	assert.False(t, enabled)
}
