package storetest

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/internal/racetest"
)

// racers is how many goroutines race in each concurrency case, half on
// each of two handles.
const racers = 16

// race runs fn(i) for i in [0, racers) at once, on handles that alternate
// between two, and waits for them all.
func race(t *testing.T, open Open, fn func(i int, s totp.Store)) {
	t.Helper()
	racetest.Run(racers, []totp.Store{open(t), open(t)}, fn)
}

// Of racing uses of one step, as of one code sent twice at once to two
// processes, exactly one is accepted; then the step is used.
func testRacingUseStepOneStep(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user, sealed := enrolled(t, s, 100)
	// Several rounds: a store that lets two through now and then is
	// caught more often.
	for round := range int64(5) {
		step := 101 + round
		var wins atomic.Int64
		errs := make([]error, racers)
		race(t, open, func(i int, s totp.Store) {
			accepted, err := s.UseStep(bg, user, sealed, step)
			errs[i] = err
			if accepted {
				wins.Add(1)
			}
		})
		for i, err := range errs {
			require.NoError(t, err, "round %d, use %d", round, i)
		}
		assert.Equal(t, int64(1), wins.Load(), "round %d: exactly one of the uses of one step is accepted", round)
		rec, _ := get(t, s, user)
		assert.Equal(t, step, rec.LastStep, "round %d", round)
	}
}

// Of racing uses of different steps, each accepted one was after the
// LastStep it replaced, and LastStep ends at the latest step.
func testRacingUseStepManySteps(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user, sealed := enrolled(t, s, 1000)
	accepted := make([]bool, racers)
	errs := make([]error, racers)
	race(t, open, func(i int, s totp.Store) {
		// Two racers per step, steps in no particular order.
		step := 1001 + int64((i*5)%racers/2)
		accepted[i], errs[i] = s.UseStep(bg, user, sealed, step)
	})
	wins := map[int64]int{}
	for i := range racers {
		require.NoError(t, errs[i], "use %d", i)
		if accepted[i] {
			wins[1001+int64((i*5)%racers/2)]++
		}
	}
	for step, n := range wins {
		assert.Equal(t, 1, n, "step %d accepted once at most", step)
	}
	assert.Contains(t, wins, int64(1001+racers/2-1), "the latest step is always accepted")
	rec, _ := get(t, s, user)
	assert.Equal(t, int64(1001+racers/2-1), rec.LastStep)
}

// Of racing confirmations of one enrolment, exactly one activates it.
func testRacingActivate(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user, sealed := newUserID(t), newSealed(t)
	setPending(t, s, user, sealed, base)
	var wins atomic.Int64
	var winner atomic.Int64
	errs := make([]error, racers)
	race(t, open, func(i int, s totp.Store) {
		activated, err := s.Activate(bg, user, sealed, base.Add(time.Duration(i+1)*time.Second), int64(i+1))
		errs[i] = err
		if activated {
			wins.Add(1)
			winner.Store(int64(i + 1))
		}
	})
	for i, err := range errs {
		require.NoError(t, err, "activate %d", i)
	}
	require.Equal(t, int64(1), wins.Load(), "exactly one activation")
	w := winner.Load()
	at := base.Add(time.Duration(w) * time.Second)
	assertStored(t, s, totp.Record{UserID: user, Active: sealed, LastStep: w, ActivatedAt: at, UpdatedAt: at}, "the winner's step and time")
}

// Racing enrolments of a new user, as of a user clicking twice, all
// succeed, and one of their secrets is pending; enrolments racing with
// the confirmation of an earlier one never make an unconfirmed secret
// active.
func testRacingSetPending(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user := newUserID(t)
	secrets := make([][]byte, racers)
	for i := range secrets {
		secrets[i] = newSealed(t)
	}
	errs := make([]error, racers)
	race(t, open, func(i int, s totp.Store) {
		errs[i] = s.SetPending(bg, user, secrets[i], base.Add(time.Duration(i)*time.Second))
	})
	for i, err := range errs {
		require.NoError(t, err, "enrolment %d", i)
	}
	rec, found := get(t, s, user)
	require.True(t, found)
	last := -1
	for i, sealed := range secrets {
		if bytes.Equal(rec.Pending, sealed) {
			last = i
		}
	}
	require.GreaterOrEqual(t, last, 0, "the pending secret is one of the racers'")
	assert.True(t, rec.UpdatedAt.Equal(base.Add(time.Duration(last)*time.Second)), "with its time")
	assert.Nil(t, rec.Active)

	// Confirm the first of two enrolments while others replace it.
	confirmed := secrets[last]
	results := make([]bool, racers)
	race(t, open, func(i int, s totp.Store) {
		if i == 0 {
			results[i], errs[i] = s.Activate(bg, user, confirmed, base.Add(time.Hour), 7)
			return
		}
		errs[i] = s.SetPending(bg, user, secrets[(last+i)%racers], base.Add(time.Hour+time.Duration(i)*time.Second))
	})
	for i, err := range errs {
		require.NoError(t, err, "racer %d", i)
	}
	rec, _ = get(t, s, user)
	if results[0] {
		assert.Equal(t, confirmed, rec.Active, "the secret confirmed is active")
	} else {
		assert.Nil(t, rec.Active, "an enrolment replaced before its confirmation is not active")
	}
	assert.NotEqual(t, confirmed, rec.Pending, "the secret activated, or replaced, is not pending")
}
