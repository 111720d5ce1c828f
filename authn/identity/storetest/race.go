package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/internal/racetest"
)

// racers is how many goroutines race in each concurrency case, half on
// each of two handles.
const racers = 16

// race runs fn(i) for i in [0, racers) at once, on handles that alternate
// between two, and waits for them all.
func race(t *testing.T, open Open, fn func(i int, s identity.Store)) {
	t.Helper()
	racetest.Run(racers, []identity.Store{open(t), open(t)}, fn)
}

// Of many Creates of one identity, to four users, on two handles, exactly
// one succeeds; every other is ErrLinked and writes nothing.
func testRacingCreatesOneIdentity(t *testing.T, fresh Fresh) {
	open := fresh(t)
	userIDs := []string{newUserID(t), newUserID(t), newUserID(t), newUserID(t)}
	contested := newLink(t, userIDs[0])
	links := make([]identity.Link, racers)
	for i := range links {
		links[i] = contested
		links[i].UserID = userIDs[i%len(userIDs)]
		links[i].CreatedAt = base.Add(time.Duration(i) * time.Microsecond)
	}
	errs := make([]error, racers)
	race(t, open, func(i int, s identity.Store) { errs[i] = s.Create(bg, links[i]) })

	winner := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, winner, "Creates %d and %d both succeeded", winner, i)
			winner = i
			continue
		}
		assert.ErrorIs(t, err, identity.ErrLinked, "create %d", i)
	}
	require.NotEqual(t, -1, winner, "one Create succeeded")
	s := open(t)
	assertLinked(t, s, links[winner], "the winner's link, whole")
	assert.Equal(t, byKey(links[winner]), snapshot(t, s, userIDs...), "the losers wrote nothing")
}

// Many Creates of different identities at once, some to one user, all
// succeed: the uniqueness of identities refuses no other link.
func testRacingCreatesManyIdentities(t *testing.T, fresh Fresh) {
	open := fresh(t)
	userIDs := []string{newUserID(t), newUserID(t)}
	links := make([]identity.Link, racers)
	for i := range links {
		links[i] = newLink(t, userIDs[i%3/2])
		if i%4 == 0 {
			// Same issuer, different subjects.
			links[i].Issuer = links[0].Issuer
		}
	}
	errs := make([]error, racers)
	race(t, open, func(i int, s identity.Store) { errs[i] = s.Create(bg, links[i]) })
	for i, err := range errs {
		require.NoError(t, err, "create %d", i)
	}
	assert.Equal(t, byKey(links...), snapshot(t, open(t), userIDs...))
}

// Of many Deletes of one link, exactly one finds it; the other links stay.
func testRacingDeletes(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	owner := newUserID(t)
	l := create(t, s, newLink(t, owner))
	other := create(t, s, newLink(t, owner))
	found := make([]bool, racers)
	errs := make([]error, racers)
	race(t, open, func(i int, s identity.Store) { found[i], errs[i] = s.Delete(bg, l.Issuer, l.Subject) })
	wins := 0
	for i := range racers {
		require.NoError(t, errs[i], "delete %d", i)
		if found[i] {
			wins++
		}
	}
	assert.Equal(t, 1, wins, "exactly one Delete finds the link")
	assert.Equal(t, byKey(other), snapshot(t, s, owner))
}

// DeleteUsers racing Creates of new links for the same user: every link is
// counted by exactly one DeleteUser or left, and none is counted twice or
// lost. Another user's links stay.
func testRacingDeleteUser(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	owner, other := newUserID(t), newUserID(t)
	const initial = 4
	for range initial {
		create(t, s, newLink(t, owner))
	}
	kept := create(t, s, newLink(t, other))
	links := make([]identity.Link, racers)
	for i := range links {
		links[i] = newLink(t, owner)
	}
	counts := make([]int, racers)
	errs := make([]error, racers)
	race(t, open, func(i int, s identity.Store) {
		if i%2 == 0 {
			errs[i] = s.Create(bg, links[i])
			return
		}
		counts[i], errs[i] = s.DeleteUser(bg, owner)
	})
	deleted, created := 0, 0
	for i := range racers {
		require.NoError(t, errs[i], "call %d", i)
		if i%2 == 0 {
			created++
		}
		deleted += counts[i]
	}
	left := linksOf(t, s, owner)
	assert.Equal(t, initial+created, deleted+len(left), "every link deleted once or left: %d deleted, %d left", deleted, len(left))
	for i := 0; i < racers; i += 2 {
		if _, ok := left[keyOf(links[i])]; ok {
			assertLinked(t, s, links[i])
		} else {
			assertUnlinked(t, s, links[i].Issuer, links[i].Subject, "link %d, deleted", i)
		}
	}
	assert.Equal(t, byKey(kept), linksOf(t, s, other))
}

// Creates and Deletes of one identity, racing round after round: a Delete
// finds the link only after a Create made it, a Create succeeds only while
// it is not there, and the link left is a winner's, whole.
func testRacingRelinks(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	userIDs := make([]string, racers)
	for i := range userIDs {
		userIDs[i] = newUserID(t)
	}
	first := newLink(t, userIDs[0])
	var current *identity.Link // the link there after the last round
	for round := range 4 {
		links := make([]identity.Link, racers)
		for i := range links {
			links[i] = first
			links[i].UserID = userIDs[i]
			links[i].CreatedAt = base.Add(time.Duration(round*racers+i) * time.Second)
		}
		ok := make([]bool, racers)
		errs := make([]error, racers)
		race(t, open, func(i int, s identity.Store) {
			if i%2 == 0 {
				errs[i] = s.Create(bg, links[i])
				ok[i] = errs[i] == nil
				return
			}
			ok[i], errs[i] = s.Delete(bg, first.Issuer, first.Subject)
		})
		net := 0
		if current != nil {
			net++
		}
		var winners []identity.Link
		for i := range racers {
			switch {
			case i%2 == 1:
				require.NoError(t, errs[i], "round %d, delete %d", round, i)
				if ok[i] {
					net--
				}
			case errs[i] != nil:
				require.ErrorIs(t, errs[i], identity.ErrLinked, "round %d, create %d", round, i)
			default:
				net++
				winners = append(winners, links[i])
			}
		}
		require.Contains(t, []int{0, 1}, net, "round %d: as many links as were there and created, less those deleted", round)
		got, found, err := s.Find(bg, first.Issuer, first.Subject)
		require.NoError(t, err)
		require.Equal(t, net == 1, found, "round %d", round)
		total := 0
		for _, userID := range userIDs {
			total += len(linksOf(t, s, userID))
		}
		assert.Equal(t, net, total, "round %d: listed once or not at all", round)
		if !found {
			current = nil
			continue
		}
		// The link there is the last Create's to succeed, or, if none did,
		// the one there before.
		candidates := winners
		if len(candidates) == 0 {
			candidates = []identity.Link{*current}
		}
		var want identity.Link
		for _, c := range candidates {
			if c.UserID == got.UserID {
				want = c
			}
		}
		assert.Equal(t, normal(want), normal(got), "round %d: a winner's link, whole", round)
		current = &want
	}
}
