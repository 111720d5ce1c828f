package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// refresh.Tokens on the store, from two handles as two processes: a token
// issued on one rotates on the other, racing refreshes have one winner
// and kill the family, reuse is caught across processes, Families lists
// the live logins, and Cleanup forgets what has ended.
func testTokens(t *testing.T, fresh Fresh) {
	open := fresh(t)
	now := base
	var mu sync.Mutex
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
	cfg := refresh.Config{TokenTTL: ttl, FamilyLifetime: familyLife, Now: clock}
	a, err := refresh.New(open(t), cfg)
	require.NoError(t, err)
	b, err := refresh.New(open(t), cfg)
	require.NoError(t, err)

	first, err := a.Issue(bg, "alice")
	require.NoError(t, err)
	advance(time.Minute)
	second, err := b.Rotate(bg, first.Value.Reveal())
	require.NoError(t, err, "issued on one handle, rotated on the other")
	assert.Equal(t, first.FamilyID, second.FamilyID)
	assert.True(t, second.LoginAt.Equal(base), "LoginAt %v", second.LoginAt)
	checked, err := a.Check(bg, second.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, second.FamilyID, checked.FamilyID)

	_, err = a.Rotate(bg, first.Value.Reveal())
	var reuse *refresh.ReuseError
	require.ErrorAs(t, err, &reuse, "the rotated token again, on the other handle")
	assert.Equal(t, first.FamilyID, reuse.FamilyID)
	_, err = b.Rotate(bg, second.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "the family died with the reuse")

	// Racing refreshes with one token: one winner, and the family dies.
	phone, err := a.Issue(bg, "alice")
	require.NoError(t, err)
	laptop, err := b.Issue(bg, "alice")
	require.NoError(t, err)
	advance(time.Minute)
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() { _, errs[i] = []*refresh.Tokens{a, b}[i%2].Rotate(bg, phone.Value.Reveal()) })
	}
	wg.Wait()
	wins, reuses := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, authn.ErrTokenReused):
			reuses++
		default:
			assert.ErrorIs(t, err, authn.ErrTokenRevoked, "refresh %d", i)
		}
	}
	assert.Equal(t, 1, wins, "exactly one refresh wins")
	assert.Positive(t, reuses, "a loser is reuse")

	families, err := b.Families(bg, "alice")
	require.NoError(t, err)
	require.Len(t, families, 1, "only the laptop's login is live")
	assert.Equal(t, laptop.FamilyID, families[0].ID)

	require.NoError(t, a.RevokeSubject(bg, "alice"))
	_, err = b.Rotate(bg, laptop.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked, "a password reset ends every login")

	advance(familyLife + 25*time.Hour)
	n, err := b.Cleanup(bg)
	require.NoError(t, err)
	assert.Equal(t, int64(2+2+1), n, "every family has ended: the first two tokens, the phone and its one successor, the laptop")
	_, err = a.Check(bg, laptop.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrInvalidToken, "forgotten")
}
