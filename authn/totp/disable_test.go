package totp_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// Disable removes the active secret and any pending one; logins then have
// no second factor to check, and enrolling starts afresh.
func TestDisable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrolled(t, "usr_1")
	pending := f.enrol(t, "usr_1")
	f.enrolled(t, "usr_2")

	require.NoError(t, f.m.Disable(bg, "usr_1"))
	enabled, err := f.m.Enabled(bg, "usr_1")
	require.NoError(t, err)
	assert.False(t, enabled)
	f.clock.Advance(totp.Period)
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now())), totp.ErrNotEnrolled)
	assert.ErrorIs(t, f.m.Confirm(bg, "usr_1", codeAt(t, pending, f.clock.Now())), totp.ErrNotEnrolled,
		"the pending enrolment went too")
	enabled, err = f.m.Enabled(bg, "usr_2")
	require.NoError(t, err)
	assert.True(t, enabled, "another user keeps theirs")

	assert.ErrorIs(t, f.m.Disable(bg, "usr_1"), totp.ErrNotEnrolled, "nothing left to disable")
	assert.ErrorIs(t, f.m.Disable(bg, "usr_never"), totp.ErrNotEnrolled)

	// Enrolling again: a new secret; the old one's codes are not accepted.
	f.clock.Advance(time.Minute)
	renewed := f.enrolled(t, "usr_1")
	f.clock.Advance(totp.Period)
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now())), totp.ErrInvalidCode)
	assert.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, renewed, f.clock.Now())))
}

// An enrolment never confirmed can be cancelled with Disable.
func TestDisableCancelsAnEnrolment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrol(t, "usr_1")
	require.NoError(t, f.m.Disable(bg, "usr_1"))
	assert.ErrorIs(t, f.m.Confirm(bg, "usr_1", codeAt(t, secret, f.clock.Now())), totp.ErrNotEnrolled)
}
