package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/identity"
)

// A link is found as it was stored, whatever its bytes, and listed under
// its user, who may have any number of links.
func testCreateAndFind(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	alice, bob := newUserID(t), newUserID(t)
	links := []identity.Link{
		newLink(t, alice),
		{Issuer: "https://login.example.com/tenant/7c2e/v2.0", Subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", UserID: alice, CreatedAt: base.Add(time.Second)},
		{Issuer: "https://accounts.example.com", Subject: "Zoë 山田 \U0001F469\u200d\U0001F467", UserID: bob, CreatedAt: base.Add(time.Minute)},
		{Issuer: "https://accounts.example.com", Subject: "a subject with spaces", UserID: "user id with spaces", CreatedAt: base.Add(time.Hour)},
		{Issuer: "urn:example:issuer", Subject: "line\nbreak\r\n\ttab", UserID: bob, CreatedAt: base.Add(time.Microsecond)},
		{Issuer: `https://q.example.com/'";--`, Subject: `%_\*?[`, UserID: `'; DROP TABLE gatehouse_identities; --`, CreatedAt: base},
		{
			Issuer:    "https://" + strings.Repeat("i", identity.MaxIssuerLength-len("https://")),
			Subject:   strings.Repeat("s", identity.MaxSubjectLength),
			UserID:    strings.Repeat("u", identity.MaxUserIDLength),
			CreatedAt: base,
		},
	}
	for i, l := range links {
		create(t, s, l)
		assertLinked(t, s, l, "link %d", i)
	}
	for i, l := range links {
		assertLinked(t, s, l, "link %d, after the others", i)
	}
	assert.Equal(t, byKey(links[0], links[1]), linksOf(t, s, alice))
	assert.Equal(t, byKey(links[2], links[4]), linksOf(t, s, bob))
}

// A linked identity is ErrLinked, to another user or the same, and the
// refused Create writes nothing; the same subject at another issuer, or
// another subject at the same issuer, is another identity.
func testCreateRefusesLinked(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner, other := newUserID(t), newUserID(t)
	held := create(t, s, newLink(t, owner))
	tests := []struct {
		name string
		l    identity.Link
	}{
		{"to another user", identity.Link{Issuer: held.Issuer, Subject: held.Subject, UserID: other, CreatedAt: base.Add(time.Minute)}},
		{"to the same user", identity.Link{Issuer: held.Issuer, Subject: held.Subject, UserID: owner, CreatedAt: base.Add(time.Minute)}},
		{"the same link again", held},
	}
	for _, tt := range tests {
		err := s.Create(bg, tt.l)
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, identity.ErrLinked, tt.name)
		assert.NotErrorIs(t, err, identity.ErrInvalidLink, tt.name)
		assertLinked(t, s, held, "%s: the first link is untouched", tt.name)
		assert.Empty(t, linksOf(t, s, other), "%s: nothing written", tt.name)
		assert.Equal(t, byKey(held), linksOf(t, s, owner), "%s: nothing written", tt.name)
	}

	others := []identity.Link{
		{Issuer: held.Issuer + "/other", Subject: held.Subject, UserID: other, CreatedAt: base},
		{Issuer: held.Issuer, Subject: held.Subject + "0", UserID: other, CreatedAt: base},
		{Issuer: held.Subject, Subject: held.Issuer, UserID: other, CreatedAt: base},
	}
	for i, l := range others {
		create(t, s, l)
		assertLinked(t, s, l, "identity %d is another", i)
	}
	assert.Equal(t, byKey(held, others[0], others[1], others[2]), snapshot(t, s, owner, other))
}

// Issuers, subjects and user ids are distinct whenever their bytes are: a
// store that folded letter case, accents, Unicode forms or spaces, as some
// database collations do, would hand one person's account to another.
func testComparesExactly(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	issuers := []string{"https://id.example.com", "https://ID.example.com", "https://id.example.com/",
		"https://id.example.com ", " https://id.example.com", "https://íd.example.com"}
	subjects := []string{"alice", "Alice", "ALICE", "alice ", " alice", "alice\t", "álice", "a\u0301lice",
		"ａｌｉｃｅ", "straße", "strasse", "alic", "%", "_"}
	userIDs := []string{"usr_a", "usr_A", "usr_a ", "usr_á", "%", "_"}

	var all []identity.Link
	for i, issuer := range issuers {
		for j, subject := range subjects {
			l := identity.Link{Issuer: issuer, Subject: subject, UserID: userIDs[(i+j)%len(userIDs)], CreatedAt: base.Add(time.Duration(len(all)) * time.Second)}
			require.NoError(t, s.Create(bg, l), "%q at %q is an identity of its own", subject, issuer)
			all = append(all, l)
		}
	}
	for _, l := range all {
		assertLinked(t, s, l, "%q at %q matches only itself", l.Subject, l.Issuer)
	}
	assert.Equal(t, byKey(all...), snapshot(t, s, userIDs...), "each user id lists only its own links")

	// A Delete and a DeleteUser remove only their own, byte for byte.
	found, err := s.Delete(bg, "https://id.example.com", "Alice")
	require.NoError(t, err)
	require.True(t, found)
	n, err := s.DeleteUser(bg, "usr_A")
	require.NoError(t, err)
	var left []identity.Link
	deleted := 0
	for _, l := range all {
		switch {
		case l.Issuer == "https://id.example.com" && l.Subject == "Alice":
		case l.UserID == "usr_A":
			deleted++
		default:
			left = append(left, l)
		}
	}
	assert.Equal(t, deleted, n, "DeleteUser counts only usr_A's links")
	assert.Equal(t, byKey(left...), snapshot(t, s, userIDs...))
}

// CreatedAt is kept to the microsecond, in any location: a store may give
// it back in another location, and drops what is finer than a microsecond
// (truncating it or rounding it).
func testKeepsTimes(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	userID := newUserID(t)
	times := []time.Time{
		base,
		time.Date(2001, 3, 4, 5, 6, 7, 1000, time.UTC),
		time.Date(2150, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2030, 6, 1, 12, 0, 0, 123456000, time.FixedZone("UTC+5", 5*3600)),
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.FixedZone("UTC-8", -8*3600)),
		time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.UTC),
		time.Date(2030, 1, 2, 3, 4, 5, 999999999, time.FixedZone("UTC+1", 3600)),
		time.Now(), // with a monotonic clock reading
	}
	for i, at := range times {
		name := fmt.Sprintf("%d: %s", i, at.Format(time.RFC3339Nano))
		l := newLink(t, userID)
		l.CreatedAt = at
		require.NoError(t, s.Create(bg, l), name)
		got, found, err := s.Find(bg, l.Issuer, l.Subject)
		require.NoError(t, err, name)
		require.True(t, found, name)
		truncated, rounded := at.Truncate(time.Microsecond), at.Round(time.Microsecond)
		assert.True(t, got.CreatedAt.Equal(truncated) || got.CreatedAt.Equal(rounded),
			"%s: got %s", name, got.CreatedAt.Format(time.RFC3339Nano))
		assert.Equal(t, l.UserID, got.UserID, name)
	}
}
