package storetest

import (
	"bytes"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// view returns a string sharing memory with b, as a caller that parses
// requests into a reused buffer might pass, and which must not be kept.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// scribble overwrites bufs, as a caller reusing them for the next request.
func scribble(bufs ...[]byte) {
	for _, b := range bufs {
		for i := range b {
			b[i] = 'z'
		}
	}
}

// The store keeps copies of the ids and secrets it is given, and gives
// back copies of what it keeps.
func testKeepsCopies(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user := newUserID(t)
	sealed := newSealed(t)
	idBuf, sealedBuf := []byte(user), bytes.Clone(sealed)
	require.NoError(t, s.SetPending(bg, view(idBuf), sealedBuf, base))
	scribble(idBuf, sealedBuf)
	want := totp.Record{UserID: user, Pending: sealed, UpdatedAt: base}
	assertStored(t, s, want, "SetPending kept copies")
	assertAbsent(t, s, string(idBuf), "the scribbled id is no user")

	// Updates through borrowed ids and secrets, too: a store that re-keys
	// its data with the caller's string would lose the record now.
	idBuf, sealedBuf = []byte(user), bytes.Clone(sealed)
	activated, err := s.Activate(bg, view(idBuf), sealedBuf, base, 5)
	require.NoError(t, err)
	require.True(t, activated)
	scribble(idBuf, sealedBuf)
	want = totp.Record{UserID: user, Active: sealed, LastStep: 5, ActivatedAt: base, UpdatedAt: base}
	assertStored(t, s, want, "Activate kept copies")

	idBuf, sealedBuf = []byte(user), bytes.Clone(sealed)
	accepted, err := s.UseStep(bg, view(idBuf), sealedBuf, 6)
	require.NoError(t, err)
	require.True(t, accepted)
	scribble(idBuf, sealedBuf)
	want.LastStep = 6
	assertStored(t, s, want, "UseStep kept nothing of the caller's")

	renewal := newSealed(t)
	idBuf = []byte(user)
	setPending(t, s, view(idBuf), renewal, base.Add(time.Minute))
	scribble(idBuf)
	want.Pending, want.UpdatedAt = renewal, base.Add(time.Minute)
	assertStored(t, s, want, "SetPending on a record kept its key")

	// What Get returns is the caller's to change.
	got, found := get(t, s, user)
	require.True(t, found)
	scribble(got.Pending, got.Active)
	assertStored(t, s, want, "changing what Get returned changed nothing stored")
	assertStored(t, open(t), want, "another handle reads the same")
}
