package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DeleteUser removes every code of one user, used or not, and counts
// them; another user's codes stay, and the user's digests are free to be
// given again.
func testDeleteUser(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner, other, none := newUserID(t), newUserID(t), newUserID(t)
	codes := replace(t, s, owner, newDigests(t, 7), base)
	kept := replace(t, s, other, newDigests(t, 3), base)
	require.True(t, consume(t, s, owner, codes[0], base.Add(time.Minute)))
	require.True(t, consume(t, s, owner, codes[1], base.Add(time.Minute)))

	n, err := s.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Equal(t, len(codes), n, "used codes are counted too")
	assert.Zero(t, remaining(t, s, owner))
	assertUnusable(t, s, owner, codes)
	n, err = s.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Zero(t, n, "a second DeleteUser finds nothing")
	n, err = s.DeleteUser(bg, none)
	require.NoError(t, err)
	assert.Zero(t, n, "a user without codes has none to delete")

	replace(t, s, owner, codes[:1], base.Add(time.Hour))
	n, err = s.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "one code: a count of one")
	assert.Equal(t, len(kept), remaining(t, s, other))
	assertUsable(t, s, other, kept)
}

// Two handles on one backend, as two processes or one before and after a
// restart have, see each other's writes, whichever writes.
func testSecondHandle(t *testing.T, fresh Fresh) {
	open := fresh(t)
	first, second := open(t), open(t)
	owner := newUserID(t)
	codes := replace(t, first, owner, newDigests(t, 5), base)
	assert.Equal(t, 5, remaining(t, second, owner), "the second handle counts the first's codes")
	require.True(t, consume(t, second, owner, codes[0], base.Add(time.Minute)))
	assert.False(t, consume(t, first, owner, codes[0], base.Add(time.Minute)), "the first sees the second's Consume")
	assert.Equal(t, 4, remaining(t, first, owner))

	fresher := replace(t, second, owner, newDigests(t, 6), base.Add(time.Hour))
	assertUnusable(t, first, owner, codes, "the first sees the second's Replace")
	assert.Equal(t, 6, remaining(t, first, owner))
	n, err := first.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Equal(t, len(fresher), n)
	assert.Zero(t, remaining(t, open(t), owner), "a third handle sees nothing left")
}
