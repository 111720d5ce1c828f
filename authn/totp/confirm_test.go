package totp_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// Enrol, confirm with a wrong code and then the right one: only the right
// one turns the factor on, and a pending secret logs no one in.
func TestConfirmFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrol(t, "usr_1")
	enabled, err := f.m.Enabled(bg, "usr_1")
	require.NoError(t, err)
	assert.False(t, enabled, "not before confirmation")
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now())), totp.ErrNotEnrolled,
		"a pending secret logs no one in")

	pending := f.record(t, "usr_1")
	err = f.m.Confirm(bg, "usr_1", wrongCode(t, secret, f.clock.Now()))
	assert.ErrorIs(t, err, totp.ErrInvalidCode)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.Equal(t, pending, f.record(t, "usr_1"), "a wrong code changes nothing")

	// The user took a while to find the phone: the app's code of a step
	// ago is still good.
	f.clock.Advance(time.Minute)
	confirmedAt := f.clock.Now().UTC()
	require.NoError(t, f.m.Confirm(bg, "usr_1", codeAt(t, secret, f.clock.Now().Add(-totp.Period))))
	enabled, err = f.m.Enabled(bg, "usr_1")
	require.NoError(t, err)
	assert.True(t, enabled)
	rec := f.record(t, "usr_1")
	assert.Nil(t, rec.Pending)
	assert.Equal(t, pending.Pending, rec.Active, "the pending secret became the active one")
	assert.Equal(t, confirmedAt, rec.ActivatedAt)
	assert.Equal(t, confirmedAt, rec.UpdatedAt)
	assert.Equal(t, confirmedAt.Unix()/30-1, rec.LastStep, "the step of the code used")

	err = f.m.Confirm(bg, "usr_1", codeAt(t, secret, f.clock.Now()))
	assert.ErrorIs(t, err, totp.ErrNotEnrolled, "nothing left to confirm")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.NotErrorIs(t, err, totp.ErrInvalidCode)

	f.clock.Advance(totp.Period)
	assert.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now())))
}

// Confirm without an enrolment: ErrNotEnrolled.
func TestConfirmWithoutEnrolment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	err := f.m.Confirm(bg, "usr_1", "123456")
	assert.ErrorIs(t, err, totp.ErrNotEnrolled)
	_, found, getErr := f.store.Store.Get(bg, "usr_1")
	require.NoError(t, getErr)
	assert.False(t, found, "nothing created")
}

// Enrolling again keeps the active secret working until the new one is
// confirmed; then the old one stops.
func TestReenrolmentKeepsTheOldSecretUntilConfirmed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	old := f.enrolled(t, "usr_1")
	f.clock.Advance(totp.Period)

	renewal := f.enrol(t, "usr_1")
	require.NotEqual(t, old, renewal)
	enabled, err := f.m.Enabled(bg, "usr_1")
	require.NoError(t, err)
	assert.True(t, enabled, "still on")
	require.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, old, f.clock.Now())), "the old secret keeps working")
	f.clock.Advance(totp.Period)
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", codeAt(t, renewal, f.clock.Now())), totp.ErrInvalidCode,
		"the new one does not log in before its confirmation")

	// A user who gives up half way, and enrols again later: the second
	// enrolment replaces the first, whose codes no longer confirm.
	abandoned := renewal
	f.clock.Advance(totp.Period)
	renewal = f.enrol(t, "usr_1")
	assert.ErrorIs(t, f.m.Confirm(bg, "usr_1", codeAt(t, abandoned, f.clock.Now())), totp.ErrInvalidCode)
	require.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, old, f.clock.Now())), "the old secret still works")

	f.clock.Advance(totp.Period)
	require.NoError(t, f.m.Confirm(bg, "usr_1", codeAt(t, renewal, f.clock.Now())))
	f.clock.Advance(totp.Period)
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", codeAt(t, old, f.clock.Now())), totp.ErrInvalidCode, "the old secret stopped")
	assert.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, renewal, f.clock.Now())), "the new one works")
}

// An enrolment started again between Confirm's read and its write is not
// activated: the code was checked against the secret replaced, which the
// user's app may hold alone.
func TestConfirmRacingAnotherEnrolment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.enrol(t, "usr_1")
	code := codeAt(t, first, f.clock.Now())
	var second string
	hook := &hookStore{spyStore: f.store, beforeActivate: func() { second = f.enrol(t, "usr_1") }}
	m, err := totp.New(hook, f.cfg)
	require.NoError(t, err)

	err = m.Confirm(bg, "usr_1", code)
	assert.ErrorIs(t, err, totp.ErrInvalidCode)
	rec := f.record(t, "usr_1")
	assert.Nil(t, rec.Active, "nothing activated")
	require.NotNil(t, rec.Pending, "the second enrolment is pending")
	require.NoError(t, f.m.Confirm(bg, "usr_1", codeAt(t, second, f.clock.Now())), "and can be confirmed")
}

// hookStore runs beforeActivate once, before the first Activate reaches
// the store.
type hookStore struct {
	*spyStore
	beforeActivate func()
}

func (h *hookStore) Activate(ctx context.Context, userID string, pending []byte, at time.Time, step int64) (bool, error) {
	if h.beforeActivate != nil {
		h.beforeActivate()
		h.beforeActivate = nil
	}
	return h.spyStore.Activate(ctx, userID, pending, at, step)
}
