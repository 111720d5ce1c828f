package storetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/identity"
)

// Unknown identities and users are not found, and not errors; deletes of
// them report false or 0 and change nothing.
func testNotFound(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner := newUserID(t)
	held := create(t, s, newLink(t, owner))
	misses := []key{
		{"https://nobody.example.com", "nobody"},
		{held.Issuer, held.Subject + "x"},
		{held.Issuer + "x", held.Subject},
		{held.Issuer, held.Subject[:len(held.Subject)-1]},
		{held.Issuer[:len(held.Issuer)-1], held.Subject},
		{held.Subject, held.Issuer},
		{held.Issuer, held.Issuer},
	}
	for _, k := range misses {
		assertUnlinked(t, s, k.Issuer, k.Subject, "%+v", k)
		found, err := s.Delete(bg, k.Issuer, k.Subject)
		require.NoError(t, err, "%+v", k)
		assert.False(t, found, "Delete %+v", k)
	}
	for _, userID := range []string{newUserID(t), owner + "x", owner[:len(owner)-1], strings.ToUpper(owner)} {
		links, err := s.ByUser(bg, userID)
		require.NoError(t, err, userID)
		assert.Empty(t, links, userID)
		n, err := s.DeleteUser(bg, userID)
		require.NoError(t, err, userID)
		assert.Zero(t, n, userID)
	}
	assert.Equal(t, byKey(held), snapshot(t, s, owner), "the misses changed nothing")
}

// ByUser returns exactly a user's links: all of them, none of another's,
// each once; and a slice that is the caller's to change.
func testByUser(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	userIDs := []string{newUserID(t), newUserID(t), newUserID(t), newUserID(t)}
	want := map[string][]identity.Link{}
	for i, userID := range userIDs {
		for range i * 2 {
			want[userID] = append(want[userID], create(t, s, newLink(t, userID)))
		}
	}
	// Two links at one issuer, to two users.
	shared := newLink(t, userIDs[1])
	shared.Subject = "shared-issuer"
	want[userIDs[1]] = append(want[userIDs[1]], create(t, s, shared))
	other := newLink(t, userIDs[2])
	other.Issuer, other.Subject = shared.Issuer, "shared-issuer-too"
	want[userIDs[2]] = append(want[userIDs[2]], create(t, s, other))

	for _, userID := range userIDs {
		assert.Equal(t, byKey(want[userID]...), linksOf(t, s, userID), userID)
	}

	busiest := userIDs[3]
	links, err := s.ByUser(bg, busiest)
	require.NoError(t, err)
	require.NotEmpty(t, links)
	links[0].UserID = userIDs[0]
	links[0].Subject = "changed by the caller"
	links[len(links)-1] = identity.Link{}
	assert.Equal(t, byKey(want[busiest]...), linksOf(t, s, busiest), "the slice returned is the caller's")
	assert.Equal(t, byKey(want[userIDs[0]]...), linksOf(t, s, userIDs[0]))
}

// hostileArguments are strings a lookup may be handed, from a token or a
// request: none is linked, and each must be answered as not found, with
// no error, and change nothing. Some no link can have (empty, over-long,
// NUL, invalid UTF-8); some are SQL or pattern syntax; some are prefixes
// or case variants of what is linked.
func hostileArguments(held identity.Link) map[string]string {
	return map[string]string{
		"empty":                  "",
		"a space":                " ",
		"NUL only":               "\x00",
		"NUL inside":             held.Subject + "\x00",
		"invalid UTF-8":          "bad\xff\xfeutf8",
		"lone continuation":      "\x80",
		"cut rune":               "é"[:1],
		"just over 64 bytes":     strings.Repeat("u", identity.MaxUserIDLength+1),
		"just over 255 bytes":    strings.Repeat("s", identity.MaxSubjectLength+1),
		"10 kB":                  strings.Repeat("long-", 2000),
		"SQL":                    "' OR '1'='1",
		"SQL comment":            "'; DROP TABLE gatehouse_identities; --",
		"LIKE any":               "%",
		"LIKE one":               "_",
		"LIKE prefix of issuer":  held.Issuer[:len(held.Issuer)-1] + "%",
		"LIKE prefix of subject": held.Subject[:len(held.Subject)-1] + "_",
		"LIKE prefix of user":    held.UserID[:len(held.UserID)-1] + "%",
		"glob":                   "*",
		"upper-case issuer":      strings.ToUpper(held.Issuer),
		"upper-case subject":     strings.ToUpper(held.Subject),
		"upper-case user":        strings.ToUpper(held.UserID),
		"issuer and a space":     held.Issuer + " ",
		"subject and a space":    held.Subject + " ",
		"user and a space":       held.UserID + " ",
	}
}

// Every lookup and delete, given hostile strings as arguments, answers
// not found without an error or a panic, and changes nothing.
func testHostileArguments(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	held := create(t, s, identity.Link{Issuer: "https://idp.example.com", Subject: "subject-1", UserID: "usr_1", CreatedAt: base})
	for name, x := range hostileArguments(held) {
		require.NotPanics(t, func() {
			for _, k := range []key{{x, held.Subject}, {held.Issuer, x}, {x, x}} {
				_, found, err := s.Find(bg, k.Issuer, k.Subject)
				require.NoError(t, err, "%s: Find %+v", name, k)
				assert.False(t, found, "%s: Find %+v", name, k)
				found, err = s.Delete(bg, k.Issuer, k.Subject)
				require.NoError(t, err, "%s: Delete %+v", name, k)
				assert.False(t, found, "%s: Delete %+v", name, k)
			}
			links, err := s.ByUser(bg, x)
			require.NoError(t, err, "%s: ByUser", name)
			assert.Empty(t, links, "%s: ByUser", name)
			n, err := s.DeleteUser(bg, x)
			require.NoError(t, err, "%s: DeleteUser", name)
			assert.Zero(t, n, "%s: DeleteUser", name)
		}, name)
	}
	assert.Equal(t, byKey(held), snapshot(t, s, held.UserID), "nothing changed")
}
