package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
)

// Codes stored are counted, consumed each once in any order, and counted
// down; another user's are neither counted nor consumable by this one.
func testRoundTrip(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	alice, bob := newUserID(t), newUserID(t)
	codes := replace(t, s, alice, newDigests(t, recovery.DefaultCount), base)
	others := replace(t, s, bob, newDigests(t, recovery.MaxCount), base.Add(time.Second))
	assert.Equal(t, len(codes), remaining(t, s, alice))
	assert.Equal(t, len(others), remaining(t, s, bob))

	assertUnusable(t, s, alice, others, "bob's codes are not alice's")
	assertUnusable(t, s, bob, codes, "alice's codes are not bob's")
	for i, j := range []int{3, 0, 9, 1, 8, 2, 7, 4, 6, 5} {
		require.True(t, consume(t, s, alice, codes[j], base.Add(time.Duration(i)*time.Minute)), "code %d", j)
		assert.Equal(t, len(codes)-i-1, remaining(t, s, alice), "after code %d", j)
	}
	assertUnusable(t, s, alice, codes, "each code works once")
	assert.Zero(t, remaining(t, s, alice))
	assert.Equal(t, len(others), remaining(t, s, bob), "bob's codes are untouched")
	assertUsable(t, s, bob, others)
}

// Replace drops every earlier code of the user, used or not, and stores
// the new ones unused, even a digest the user had and used; another
// user's codes stay. A Replace with no digests leaves the user none.
func testReplaceDropsOldCodes(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner, other := newUserID(t), newUserID(t)
	old := replace(t, s, owner, newDigests(t, 10), base)
	kept := replace(t, s, other, newDigests(t, 5), base)
	require.True(t, consume(t, s, owner, old[0], base.Add(time.Minute)))

	fresher := replace(t, s, owner, newDigests(t, 12), base.Add(time.Hour))
	assert.Equal(t, len(fresher), remaining(t, s, owner))
	assertUnusable(t, s, owner, old, "the old codes, used or not, are gone")
	n, err := s.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Equal(t, len(fresher), n, "nothing of the old set is left to delete")

	// The same digests again, one of them used: all unused again.
	again := append([][32]byte{old[0]}, old[5:]...)
	require.True(t, consume(t, s, owner, replace(t, s, owner, again, base.Add(2*time.Hour))[0], base.Add(3*time.Hour)))
	assert.Equal(t, len(again)-1, remaining(t, s, owner))
	replace(t, s, owner, again, base.Add(4*time.Hour))
	assert.Equal(t, len(again), remaining(t, s, owner), "a Replace makes its codes unused")

	for _, none := range [][][32]byte{nil, {}} {
		replace(t, s, owner, none, base.Add(5*time.Hour))
		assert.Zero(t, remaining(t, s, owner))
		n, err = s.DeleteUser(bg, owner)
		require.NoError(t, err)
		assert.Zero(t, n, "no digests leave no codes")
	}
	replace(t, s, owner, nil, base.Add(6*time.Hour))
	assertUnusable(t, s, owner, again)
	assert.Equal(t, len(kept), remaining(t, s, other), "another user's codes stay")
	assertUsable(t, s, other, kept)
}

// A Replace whose digests repeat one is refused, and changes nothing: the
// user's codes stay as they were, used ones used.
func testReplaceRefusesRepeats(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner := newUserID(t)
	held := replace(t, s, owner, newDigests(t, 6), base)
	require.True(t, consume(t, s, owner, held[0], base))
	fresher := newDigests(t, 5)
	tests := []struct {
		name    string
		digests [][32]byte
	}{
		{"twice in a row", [][32]byte{fresher[0], fresher[0]}},
		{"first and last", append(append([][32]byte{}, fresher...), fresher[0])},
		{"a held code twice", [][32]byte{held[1], fresher[1], held[1]}},
		{"the zero digest twice", [][32]byte{{}, {}}},
	}
	for _, tt := range tests {
		var err error
		require.NotPanics(t, func() { err = s.Replace(bg, owner, tt.digests, base.Add(time.Hour)) }, tt.name)
		assert.Error(t, err, tt.name)
		assert.Equal(t, len(held)-1, remaining(t, s, owner), "%s: nothing changed", tt.name)
	}
	assertUnusable(t, s, owner, fresher, "the refused codes were not stored")
	assertUnusable(t, s, owner, held[:1], "the used code is still used")
	assertUsable(t, s, owner, held[1:], "the held codes still work")
}
