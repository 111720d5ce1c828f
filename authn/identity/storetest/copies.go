package storetest

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// view returns a string sharing memory with b, as a caller that parses
// requests into a reused buffer might pass, and which must not be kept.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// scribble overwrites every byte of bufs, as the caller's next request
// would.
func scribble(bufs ...[]byte) {
	for _, b := range bufs {
		for i := range b {
			b[i] = 'z'
		}
	}
}

// The store keeps copies of the strings it is given: changing the memory
// behind them after a call changes nothing it keeps.
func testKeepsCopies(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	owner := newUserID(t)
	want := newLink(t, owner)
	zissuer, zsubject, zuser := strings.Repeat("z", len(want.Issuer)), strings.Repeat("z", len(want.Subject)), strings.Repeat("z", len(owner))

	issuerBuf, subjectBuf, userBuf := []byte(want.Issuer), []byte(want.Subject), []byte(want.UserID)
	borrowed := want
	borrowed.Issuer, borrowed.Subject, borrowed.UserID = view(issuerBuf), view(subjectBuf), view(userBuf)
	require.NoError(t, s.Create(bg, borrowed))
	scribble(issuerBuf, subjectBuf, userBuf)
	assertLinked(t, s, want, "the store kept its own copies")
	assert.Equal(t, byKey(want), snapshot(t, s, owner))
	assertUnlinked(t, s, zissuer, zsubject)
	assert.Empty(t, linksOf(t, s, zuser))

	// Lookups keep nothing of their arguments.
	issuerBuf, subjectBuf, userBuf = []byte(want.Issuer), []byte(want.Subject), []byte(want.UserID)
	got, found, err := s.Find(bg, view(issuerBuf), view(subjectBuf))
	require.NoError(t, err)
	require.True(t, found)
	links, err := s.ByUser(bg, view(userBuf))
	require.NoError(t, err)
	require.Len(t, links, 1)
	scribble(issuerBuf, subjectBuf, userBuf)
	assert.Equal(t, normal(want), normal(got), "what Find returned is the caller's, and stays")
	assert.Equal(t, normal(want), normal(links[0]), "and so is what ByUser returned")
	assertLinked(t, s, want, "a lookup keeps nothing of its arguments")

	// Deletes through borrowed strings remove the link, and nothing else.
	other := create(t, s, newLink(t, owner))
	issuerBuf, subjectBuf = []byte(want.Issuer), []byte(want.Subject)
	found, err = s.Delete(bg, view(issuerBuf), view(subjectBuf))
	require.NoError(t, err)
	require.True(t, found)
	scribble(issuerBuf, subjectBuf)
	assertUnlinked(t, s, want.Issuer, want.Subject)
	assert.Equal(t, byKey(other), snapshot(t, s, owner))

	userBuf = []byte(owner)
	n, err := s.DeleteUser(bg, view(userBuf))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	scribble(userBuf)
	assert.Empty(t, snapshot(t, open(t), owner, zuser), "another handle finds nothing left")
}
