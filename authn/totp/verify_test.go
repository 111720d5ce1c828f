package totp_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// A code is accepted within Skew steps either side of now, and refused
// beyond. Each row enrols a user of its own, so that no row's code is a
// replay of another's.
func TestVerifyWindow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		skew     uint
		offset   time.Duration // of the app's clock from the server's
		accepted bool
	}{
		{0, 0, true}, // the default, 1
		{0, -totp.Period, true},
		{0, totp.Period, true},
		{0, -2 * totp.Period, false},
		{0, 2 * totp.Period, false},
		{1, -totp.Period, true},
		{1, totp.Period, true},
		{1, -2 * totp.Period, false},
		{1, 2 * totp.Period, false},
		{1, -10 * totp.Period, false},
		{1, time.Hour, false},
		{2, -2 * totp.Period, true},
		{2, 2 * totp.Period, true},
		{2, -3 * totp.Period, false},
		{2, 3 * totp.Period, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("skew %d, app %v off", c.skew, c.offset), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, func(cfg *totp.Config) { cfg.Skew = c.skew })
			secret := f.enrolled(t, "usr_1")
			// Five minutes on, so that the confirmation's step is far behind.
			f.clock.Advance(5 * time.Minute)
			err := f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now().Add(c.offset)))
			if c.accepted {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, totp.ErrInvalidCode)
			assert.NotErrorIs(t, err, totp.ErrCodeReused)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
		})
	}
}

// The window is counted in whole steps: at a step's first and last
// microsecond, the codes of the steps either side are accepted.
func TestVerifyWindowAtStepEdges(t *testing.T) {
	t.Parallel()
	stepStart := time.Unix(start.Unix()/30*30+30*100, 0).UTC()
	for _, now := range []time.Time{stepStart, stepStart.Add(totp.Period - time.Microsecond)} {
		for _, d := range []int{-1, 0, 1} {
			f := newFixture(t)
			secret := f.enrolled(t, "usr_1")
			f.clock.Set(now)
			app := stepStart.Add(time.Duration(d)*totp.Period + time.Second)
			assert.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, app)), "now %v, app at %v", now, app)
		}
		for _, d := range []int{-2, 2} {
			f := newFixture(t)
			secret := f.enrolled(t, "usr_1")
			f.clock.Set(now)
			app := stepStart.Add(time.Duration(d)*totp.Period + time.Second)
			assert.ErrorIs(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, app)), totp.ErrInvalidCode, "now %v, app at %v", now, app)
		}
	}
}

// A code is accepted once: again, even within its window, it is refused as
// a replay; the next step's code is accepted; an older step's code is
// refused once a later one was used.
func TestVerifyRefusesReplay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrolled(t, "usr_1")
	f.clock.Advance(totp.Period)
	now := f.clock.Now()

	code := codeAt(t, secret, now)
	require.NoError(t, f.m.Verify(bg, "usr_1", code))
	err := f.m.Verify(bg, "usr_1", code)
	assert.ErrorIs(t, err, totp.ErrCodeReused)
	assert.ErrorIs(t, err, totp.ErrInvalidCode, "a replay is a wrong code to the caller")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	f.clock.Advance(20 * time.Second)
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", " "+code+"\n"), totp.ErrCodeReused, "still in its window, trimmed alike")

	next := codeAt(t, secret, now.Add(totp.Period))
	require.NoError(t, f.m.Verify(bg, "usr_1", next), "the next step's code, from an app a little ahead")
	f.clock.Advance(totp.Period)
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", next), totp.ErrCodeReused, "the same code, in its own step now")
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, now)), totp.ErrCodeReused,
		"an older step's code, after a later one was used")
	f.clock.Advance(totp.Period)
	assert.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now())), "and on")
}

// The code of the confirmation does not log in: its step is used.
func TestConfirmationCodeIsUsed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrol(t, "usr_1")
	code := codeAt(t, secret, f.clock.Now())
	require.NoError(t, f.m.Confirm(bg, "usr_1", code))
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", code), totp.ErrCodeReused)
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now().Add(-totp.Period))), totp.ErrCodeReused,
		"nor the code before it")
	assert.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now().Add(totp.Period))))
}

// Codes that are not six ASCII digits are refused before the store is
// asked; white space around a code is not counted.
func TestVerifyMalformedCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrolled(t, "usr_1")
	f.clock.Advance(5 * time.Minute)
	good := codeAt(t, secret, f.clock.Now())
	before := f.record(t, "usr_1")
	malformed := map[string]string{
		"empty":              "",
		"spaces":             "      ",
		"five digits":        good[:5],
		"seven digits":       good + "0",
		"eight digits":       good + "00",
		"a letter":           good[:5] + "a",
		"a space inside":     good[:3] + " " + good[3:],
		"a dash inside":      good[:3] + "-" + good[3:],
		"a sign":             "+" + good[1:],
		"Arabic-Indic":       "٠١٢٣٤٥",
		"full-width digits":  "０１２３４５",
		"a NUL":              good[:5] + "\x00",
		"invalid UTF-8":      good[:5] + "\xff",
		"10 kB":              string(make([]byte, 10000)),
		"the code twice":     good + good,
		"a hex code":         "0x1e24",
		"a negative":         "-12345",
		"digits and newline": good[:5] + "\n" + good[5:],
	}
	for name, code := range malformed {
		calls := f.store.calls.Load()
		err := f.m.Verify(bg, "usr_1", code)
		assert.ErrorIs(t, err, totp.ErrInvalidCode, name)
		assert.Equal(t, calls, f.store.calls.Load(), "%s: the store was not asked", name)
		err = f.m.Confirm(bg, "usr_1", code)
		assert.ErrorIs(t, err, totp.ErrInvalidCode, name)
		assert.Equal(t, calls, f.store.calls.Load(), "%s: the store was not asked", name)
	}
	assert.Equal(t, before, f.record(t, "usr_1"), "nothing changed")

	// In the order of their steps, so that neither is a replay.
	assert.NoError(t, f.m.Verify(bg, "usr_1", "  "+good+"  "), "spaces around")
	next := codeAt(t, secret, f.clock.Now().Add(totp.Period))
	assert.NoError(t, f.m.Verify(bg, "usr_1", "\t"+next+"\r\n"), "a tab and a newline")
}

// A user with no active secret: ErrNotEnrolled, which the application
// can tell from a wrong code, but which answers as one to a caller that
// only asks whether the credentials were refused.
func TestVerifyNotEnrolled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.enrol(t, "usr_pending") // enrolled, not confirmed
	for name, user := range map[string]string{"unknown": "usr_unknown", "pending only": "usr_pending"} {
		err := f.m.Verify(bg, user, codeAt(t, secret, f.clock.Now()))
		assert.ErrorIs(t, err, totp.ErrNotEnrolled, name)
		assert.ErrorIs(t, err, authn.ErrInvalidCredentials, name)
		assert.NotErrorIs(t, err, totp.ErrInvalidCode, name)
		enabled, err := f.m.Enabled(bg, user)
		require.NoError(t, err)
		assert.False(t, enabled, name)
	}
}

// User ids no record can have are refused before the store is asked.
func TestInvalidUserID(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for name, id := range map[string]string{
		"empty":         "",
		"over 255":      string(make([]byte, totp.MaxUserIDLength+1)),
		"NUL":           "usr\x00",
		"invalid UTF-8": "usr\xff",
	} {
		_, err := f.m.Enroll(bg, id, "alice")
		assert.ErrorIs(t, err, totp.ErrInvalidUserID, "%s: Enroll", name)
		assert.ErrorIs(t, f.m.Confirm(bg, id, "123456"), totp.ErrInvalidUserID, "%s: Confirm", name)
		assert.ErrorIs(t, f.m.Verify(bg, id, "123456"), totp.ErrInvalidUserID, "%s: Verify", name)
		_, err = f.m.Enabled(bg, id)
		assert.ErrorIs(t, err, totp.ErrInvalidUserID, "%s: Enabled", name)
		assert.ErrorIs(t, f.m.Disable(bg, id), totp.ErrInvalidUserID, "%s: Disable", name)
	}
	assert.Zero(t, f.store.calls.Load(), "the store was not asked")
}

// Sixteen uses of one code at once, from two Managers on one store as two
// processes: exactly one is accepted, the others are replays.
func TestVerifyRacingUsesOfOneCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other, err := totp.New(f.store, f.cfg)
	require.NoError(t, err)
	managers := []*totp.Manager{f.m, other}
	secret := f.enrolled(t, "usr_1")
	for round := range 5 {
		f.clock.Advance(totp.Period)
		code := codeAt(t, secret, f.clock.Now())
		var wins, replays atomic.Int64
		var wg sync.WaitGroup
		ready := make(chan struct{})
		for i := range 16 {
			wg.Go(func() {
				<-ready
				err := managers[i%2].Verify(bg, "usr_1", code)
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, totp.ErrCodeReused):
					replays.Add(1)
				}
			})
		}
		close(ready)
		wg.Wait()
		assert.Equal(t, int64(1), wins.Load(), "round %d: one accepted", round)
		assert.Equal(t, int64(15), replays.Load(), "round %d: the others are replays", round)
	}
}

// A code that is the code of two steps of the window (one chance in a
// million) is taken for the later one, so that it is not accepted again
// when the clock reaches that step. The secret is RFC 6238's, whose codes
// at steps 65343997 and 65343998 coincide.
func TestVerifyCodeOfTwoStepsIsUsedOnce(t *testing.T) {
	t.Parallel()
	const first, code = 65343997, "896878"
	secret := []byte("12345678901234567890")
	encoded := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	stepStart := func(step int64) time.Time { return time.Unix(step*30, 0).UTC() }
	require.Equal(t, code, codeAt(t, encoded, stepStart(first)))
	require.Equal(t, code, codeAt(t, encoded, stepStart(first+1)))

	f := newFixture(t)
	f.clock.Set(stepStart(first).Add(5 * time.Second))
	sealed, err := f.m.Seal("usr_1", secret)
	require.NoError(t, err)
	require.NoError(t, f.store.SetPending(bg, "usr_1", sealed, f.clock.Now()))
	require.NoError(t, f.m.Confirm(bg, "usr_1", codeAt(t, encoded, stepStart(first-1))))

	require.NoError(t, f.m.Verify(bg, "usr_1", code))
	assert.Equal(t, int64(first+1), f.record(t, "usr_1").LastStep, "taken for the later step")
	f.clock.Set(stepStart(first + 1).Add(5 * time.Second))
	assert.ErrorIs(t, f.m.Verify(bg, "usr_1", code), totp.ErrCodeReused, "not accepted again in that step")
}
