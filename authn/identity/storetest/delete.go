package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/identity"
)

// Delete removes one link, once, and frees its identity to be linked
// again, to anyone.
func testDelete(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner, other := newUserID(t), newUserID(t)
	l := create(t, s, newLink(t, owner))
	sibling := create(t, s, newLink(t, owner))
	neighbour := newLink(t, other)
	neighbour.Issuer = l.Issuer
	create(t, s, neighbour)

	found, err := s.Delete(bg, l.Issuer, l.Subject)
	require.NoError(t, err)
	assert.True(t, found)
	assertUnlinked(t, s, l.Issuer, l.Subject)
	found, err = s.Delete(bg, l.Issuer, l.Subject)
	require.NoError(t, err)
	assert.False(t, found, "a second delete finds nothing")
	assert.Equal(t, byKey(sibling, neighbour), snapshot(t, s, owner, other), "only the one link is gone")

	again := identity.Link{Issuer: l.Issuer, Subject: l.Subject, UserID: other, CreatedAt: base.Add(time.Minute)}
	create(t, s, again)
	assertLinked(t, s, again, "the identity is free again")
	assert.Equal(t, byKey(sibling, neighbour, again), snapshot(t, s, owner, other))
}

// DeleteUser removes every link of one user and counts them; the links of
// others stay, and the identities are free again.
func testDeleteUser(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner, other, none := newUserID(t), newUserID(t), newUserID(t)
	var owned []identity.Link
	for range 5 {
		owned = append(owned, create(t, s, newLink(t, owner)))
	}
	kept := create(t, s, newLink(t, other))

	n, err := s.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Equal(t, len(owned), n)
	for _, l := range owned {
		assertUnlinked(t, s, l.Issuer, l.Subject)
	}
	assert.Equal(t, byKey(kept), snapshot(t, s, owner, other, none))
	n, err = s.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Zero(t, n, "a second DeleteUser finds nothing")
	n, err = s.DeleteUser(bg, none)
	require.NoError(t, err)
	assert.Zero(t, n, "a user without links has none to delete")

	// One link left: a count of one, not a found flag.
	single := create(t, s, newLink(t, owner))
	relinked := owned[0]
	relinked.UserID = other
	create(t, s, relinked)
	n, err = s.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assertUnlinked(t, s, single.Issuer, single.Subject)
	assert.Equal(t, byKey(kept, relinked), snapshot(t, s, owner, other))
}

// Two handles on one backend, as two processes or one before and after a
// restart have, see each other's writes, whichever writes.
func testSecondHandle(t *testing.T, fresh Fresh) {
	open := fresh(t)
	first, second := open(t), open(t)
	owner := newUserID(t)
	l := create(t, first, newLink(t, owner))
	assertLinked(t, second, l, "the second handle finds the first's link")

	err := second.Create(bg, identity.Link{Issuer: l.Issuer, Subject: l.Subject, UserID: newUserID(t), CreatedAt: base})
	assert.ErrorIs(t, err, identity.ErrLinked, "the second handle knows the identity is linked")

	more := create(t, second, newLink(t, owner))
	assert.Equal(t, byKey(l, more), linksOf(t, first, owner), "the first handle lists the second's link")

	found, err := second.Delete(bg, l.Issuer, l.Subject)
	require.NoError(t, err)
	require.True(t, found)
	assertUnlinked(t, first, l.Issuer, l.Subject, "the first handle sees the delete")
	n, err := first.DeleteUser(bg, owner)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Empty(t, snapshot(t, open(t), owner), "a third handle sees nothing left")
}
