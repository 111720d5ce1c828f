package storetest

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// view returns a string sharing memory with b, as a caller that parses
// requests into a reused buffer might pass, and which must not be kept.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// scribble overwrites every byte of b, as the caller's next request would.
func scribble(b []byte) {
	for i := range b {
		b[i] = 'z'
	}
}

// The store keeps copies of the user id and digests it is given: changing
// the memory behind them after a call changes nothing it keeps.
func testKeepsCopies(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	owner := newUserID(t)
	zowner := strings.Repeat("z", len(owner)) // the user id once scribbled over
	want := newDigests(t, 5)

	userBuf := []byte(owner)
	digests := append([][32]byte(nil), want...)
	require.NoError(t, s.Replace(bg, view(userBuf), digests, base))
	scribble(userBuf)
	for i := range digests {
		digests[i] = [32]byte{}
	}
	assert.Zero(t, remaining(t, s, zowner), "the store kept its own copy of the user id")
	assert.Equal(t, len(want), remaining(t, s, owner))
	assertUnusable(t, s, owner, [][32]byte{{}}, "the store kept its own copies of the digests")

	// Lookups keep nothing of their arguments.
	userBuf = []byte(owner)
	require.True(t, consume(t, s, view(userBuf), want[0], base.Add(time.Minute)))
	n, err := s.Remaining(bg, view(userBuf))
	require.NoError(t, err)
	assert.Equal(t, len(want)-1, n)
	scribble(userBuf)
	assert.Equal(t, len(want)-1, remaining(t, open(t), owner), "a lookup keeps nothing of its arguments")
	assert.Zero(t, remaining(t, s, zowner))

	// A delete through a borrowed user id removes the user's codes.
	userBuf = []byte(owner)
	n, err = s.DeleteUser(bg, view(userBuf))
	require.NoError(t, err)
	assert.Equal(t, len(want), n)
	scribble(userBuf)
	assert.Zero(t, remaining(t, open(t), owner), "another handle finds nothing left")
	assertUnusable(t, s, owner, want)
}
