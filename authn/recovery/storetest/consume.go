package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A code is consumed once, through any handle: the second Consume, at any
// time, is false, and changes nothing.
func testConsumeOnce(t *testing.T, fresh Fresh) {
	open := fresh(t)
	first, second := open(t), open(t)
	owner := newUserID(t)
	codes := replace(t, first, owner, newDigests(t, 5), base)
	require.True(t, consume(t, first, owner, codes[2], base.Add(time.Minute)))
	assert.False(t, consume(t, first, owner, codes[2], base.Add(time.Minute)), "at the same time")
	assert.False(t, consume(t, second, owner, codes[2], base.Add(time.Hour)), "later, through another handle")
	assert.False(t, consume(t, second, owner, codes[2], base.Add(-time.Hour)), "at an earlier time")
	assert.Equal(t, 4, remaining(t, second, owner))
	n, err := second.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Equal(t, 5, n, "a used code is kept until the set is replaced or deleted")
}

// Unknown users and codes are not found, and not errors; a code is not
// found under any digest but its own, nor under any user id but its own.
func testNotFound(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner := newUserID(t)
	codes := replace(t, s, owner, newDigests(t, 5), base)

	nearly := make([][32]byte, 0, 4)
	for _, flip := range []struct{ byte, bit int }{{0, 0}, {31, 7}, {16, 3}} {
		d := codes[0]
		d[flip.byte] ^= 1 << flip.bit
		nearly = append(nearly, d)
	}
	nearly = append(nearly, [32]byte{})
	assertUnusable(t, s, owner, nearly, "a digest a bit away from a code")
	assertUnusable(t, s, owner, newDigests(t, 3), "random digests")

	for _, userID := range []string{newUserID(t), owner + "x", owner[:len(owner)-1], strings.ToUpper(owner), " " + owner} {
		assert.Zero(t, remaining(t, s, userID), userID)
		assertUnusable(t, s, userID, codes, "under %q", userID)
		n, err := s.DeleteUser(bg, userID)
		require.NoError(t, err, userID)
		assert.Zero(t, n, userID)
	}
	assert.Equal(t, len(codes), remaining(t, s, owner), "the misses changed nothing")
	assertUsable(t, s, owner, codes)
}

// User ids are distinct whenever their bytes are: a store that folded
// letter case, accents, Unicode forms or spaces, as some database
// collations do, would let one user's codes count for another. One digest
// under two users is two codes.
func testComparesExactly(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	userIDs := []string{"usr_a", "usr_A", "USR_A", "usr_a ", " usr_a", "usr_a\t", "usr_á", "usr_a\u0301",
		"ｕｓｒ＿ａ", "straße", "strasse", "%", "_", "usr_%", "usr__"}
	shared := newDigests(t, 1)[0]
	sets := make(map[string][][32]byte, len(userIDs))
	for i, userID := range userIDs {
		sets[userID] = replace(t, s, userID, append(newDigests(t, i+1), shared), base)
	}
	for _, userID := range userIDs {
		assert.Equal(t, len(sets[userID]), remaining(t, s, userID), "%q counts only its own codes", userID)
	}

	// Consuming the shared digest of one user consumes it for no other.
	require.True(t, consume(t, s, "usr_A", shared, base.Add(time.Minute)))
	for _, userID := range userIDs {
		want := len(sets[userID])
		if userID == "usr_A" {
			want--
		}
		assert.Equal(t, want, remaining(t, s, userID), "%q after usr_A used the shared digest", userID)
	}
	assertUnusable(t, s, "usr_A", [][32]byte{shared})

	// A Replace and a DeleteUser touch only their own user id.
	replace(t, s, "usr_a", nil, base.Add(time.Hour))
	n, err := s.DeleteUser(bg, "usr_%")
	require.NoError(t, err)
	assert.Equal(t, len(sets["usr_%"]), n)
	for _, userID := range userIDs {
		switch userID {
		case "usr_a", "usr_%":
			assert.Zero(t, remaining(t, s, userID), userID)
		case "usr_A":
			assert.Equal(t, len(sets[userID])-1, remaining(t, s, userID), userID)
		default:
			assert.Equal(t, len(sets[userID]), remaining(t, s, userID), userID)
			assertUsable(t, s, userID, sets[userID], userID)
		}
	}
}
