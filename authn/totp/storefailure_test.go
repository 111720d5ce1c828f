package totp_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// A failing store is no verdict on the code: every method reports
// ErrStore, wrapping the store's error, which matches neither
// ErrInvalidCode nor authn.ErrInvalidCredentials; and nothing is accepted.
func TestStoreFailure(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrolled(t, "usr_1")
	pending := f.enrol(t, "usr_1")
	f.clock.Advance(totp.Period)
	code := codeAt(t, secret, f.clock.Now())
	before := f.record(t, "usr_1")

	calls := map[string]func() error{
		"Enroll":  func() error { _, err := f.m.Enroll(bg, "usr_1", "alice"); return err },
		"Confirm": func() error { return f.m.Confirm(bg, "usr_1", codeAt(t, pending, f.clock.Now())) },
		"Verify":  func() error { return f.m.Verify(bg, "usr_1", code) },
		"Enabled": func() error { _, err := f.m.Enabled(bg, "usr_1"); return err },
		"Disable": func() error { return f.m.Disable(bg, "usr_1") },
	}
	for _, failure := range []error{assert.AnError, context.DeadlineExceeded} {
		f.store.failWith(failure)
		for name, call := range calls {
			err := call()
			assert.ErrorIs(t, err, totp.ErrStore, name)
			assert.ErrorIs(t, err, failure, name)
			assert.NotErrorIs(t, err, totp.ErrInvalidCode, name)
			assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, name)
		}
	}
	f.store.fail.Store(nil)
	assert.Equal(t, before, f.record(t, "usr_1"), "nothing changed")
	require.NoError(t, f.m.Verify(bg, "usr_1", code), "the code was never used")
}

// A store that fails only when asked to record the step: the code is not
// accepted, and not used either.
func TestStoreFailureRecordingTheStep(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrolled(t, "usr_1")
	f.clock.Advance(totp.Period)
	code := codeAt(t, secret, f.clock.Now())
	failing := &failUseStep{spyStore: f.store}
	m, err := totp.New(failing, f.cfg)
	require.NoError(t, err)
	err = m.Verify(bg, "usr_1", code)
	assert.ErrorIs(t, err, totp.ErrStore)
	assert.ErrorIs(t, err, assert.AnError)
	require.NoError(t, f.m.Verify(bg, "usr_1", code))
}

type failUseStep struct{ *spyStore }

func (failUseStep) UseStep(context.Context, string, []byte, int64) (bool, error) {
	return false, assert.AnError
}
