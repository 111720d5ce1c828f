// Package storetest is the conformance suite of passkey.Store and
// passkey.ChallengeStore: a store that passes Run or RunChallenges keeps
// the contract Passkeys relies on. Each store's tests call it once per
// backend.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/passkey"
)

// Open returns a handle on one test's data. Every call returns a new
// handle on the same data, as another process would have.
type Open[S any] func(t *testing.T) S

// Fresh returns the Open of new, empty data that only the calling case
// uses.
type Fresh[S any] func(t *testing.T) Open[S]

var (
	bg = context.Background()
	t0 = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)
)

// Run runs the Store suite.
func Run(t *testing.T, fresh Fresh[passkey.Store]) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, open Open[passkey.Store])
	}{
		{"UserHandleRoundTrip", userHandleRoundTrip},
		{"CredentialRoundTrip", credentialRoundTrip},
		{"NotFound", notFound},
		{"UpdateUse", updateUse},
		{"Copies", copies},
		{"InvalidArguments", invalidArguments},
		{"CanceledContext", canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, fresh(t))
		})
	}
}

func credential(user string, id byte) passkey.Credential {
	return passkey.Credential{
		ID: []byte{id, 0, 0xff}, UserID: user, PublicKey: []byte{0xa5, 1, 2, id},
		AttestationType: "none", AAGUID: bytes.Repeat([]byte{id}, 16), SignCount: 7,
		Transports: []string{"internal", "hybrid"}, BackupEligible: true, BackupState: true,
		Name: "laptop " + string(rune('a'+id)), CreatedAt: t0.Add(time.Duration(id) * time.Second),
	}
}

func assertCredential(t *testing.T, want, got passkey.Credential) {
	t.Helper()
	assert.True(t, want.CreatedAt.Equal(got.CreatedAt), "CreatedAt %s, not %s", got.CreatedAt, want.CreatedAt)
	assert.True(t, want.LastUsedAt.Equal(got.LastUsedAt), "LastUsedAt %s, not %s", got.LastUsedAt, want.LastUsedAt)
	want.CreatedAt, got.CreatedAt, want.LastUsedAt, got.LastUsedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	assert.Equal(t, want, got)
}

func userHandleRoundTrip(t *testing.T, open Open[passkey.Store]) {
	s := open(t)
	h := bytes.Repeat([]byte{1}, 32)
	kept, err := s.EnsureUserHandle(bg, "usr_1", h)
	require.NoError(t, err)
	assert.Equal(t, h, kept)
	kept, err = open(t).EnsureUserHandle(bg, "usr_1", bytes.Repeat([]byte{2}, 32))
	require.NoError(t, err)
	assert.Equal(t, h, kept, "the first handle stays")
	got, found, err := open(t).UserHandle(bg, "usr_1")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, h, got)
	user, found, err := open(t).UserByHandle(bg, h)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "usr_1", user)
	_, err = s.EnsureUserHandle(bg, "usr_2", h)
	assert.Error(t, err, "a handle kept for another user")

	// Racing first registrations of one user agree on one handle.
	var wg sync.WaitGroup
	results := make([][]byte, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handle := bytes.Repeat([]byte{byte(10 + i)}, 32)
			results[i], _ = open(t).EnsureUserHandle(bg, "usr_race", handle)
		}()
	}
	wg.Wait()
	for _, r := range results {
		assert.Equal(t, results[0], r)
	}
	assert.Len(t, results[0], 32)
}

func credentialRoundTrip(t *testing.T, open Open[passkey.Store]) {
	s := open(t)
	a, b, other := credential("usr_1", 2), credential("usr_1", 1), credential("usr_2", 3)
	b.Transports, b.BackupEligible, b.BackupState, b.Name = nil, false, false, ""
	for _, c := range []passkey.Credential{a, b, other} {
		require.NoError(t, s.AddCredential(bg, c))
	}
	dup := credential("usr_2", 2)
	assert.ErrorIs(t, open(t).AddCredential(bg, dup), passkey.ErrCredentialExists)

	got, err := open(t).Credentials(bg, "usr_1")
	require.NoError(t, err)
	require.Len(t, got, 2)
	assertCredential(t, b, got[0]) // oldest first
	assertCredential(t, a, got[1])

	found, err := open(t).DeleteCredential(bg, "usr_2", a.ID)
	require.NoError(t, err)
	assert.False(t, found, "another user's credential")
	found, err = open(t).DeleteCredential(bg, "usr_1", a.ID)
	require.NoError(t, err)
	assert.True(t, found)
	found, err = open(t).DeleteCredential(bg, "usr_1", a.ID)
	require.NoError(t, err)
	assert.False(t, found)
	got, err = open(t).Credentials(bg, "usr_1")
	require.NoError(t, err)
	require.Len(t, got, 1)
}

func notFound(t *testing.T, open Open[passkey.Store]) {
	s := open(t)
	_, found, err := s.UserHandle(bg, "usr_none")
	require.NoError(t, err)
	assert.False(t, found)
	_, found, err = s.UserByHandle(bg, []byte("none"))
	require.NoError(t, err)
	assert.False(t, found)
	creds, err := s.Credentials(bg, "usr_none")
	require.NoError(t, err)
	assert.Empty(t, creds)
	updated, err := s.UpdateUse(bg, "usr_none", []byte{1}, 0, 1, false, t0)
	require.NoError(t, err)
	assert.False(t, updated)
}

func updateUse(t *testing.T, open Open[passkey.Store]) {
	c := credential("usr_1", 1)
	require.NoError(t, open(t).AddCredential(bg, c))
	at := t0.Add(time.Hour)
	updated, err := open(t).UpdateUse(bg, "usr_1", c.ID, 6, 8, false, at)
	require.NoError(t, err)
	assert.False(t, updated, "the count is not 6")
	updated, err = open(t).UpdateUse(bg, "usr_2", c.ID, 7, 8, false, at)
	require.NoError(t, err)
	assert.False(t, updated, "another user")

	// Of racers with one count on two handles, exactly one passes.
	var wins atomic.Int32
	var wg sync.WaitGroup
	handles := []passkey.Store{open(t), open(t)}
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := handles[i%2].UpdateUse(bg, "usr_1", c.ID, 7, 8, false, at)
			assert.NoError(t, err)
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
	got, err := open(t).Credentials(bg, "usr_1")
	require.NoError(t, err)
	require.Len(t, got, 1)
	c.SignCount, c.BackupState, c.LastUsedAt = 8, false, at
	assertCredential(t, c, got[0])
}

func copies(t *testing.T, open Open[passkey.Store]) {
	s := open(t)
	c := credential("usr_1", 1)
	require.NoError(t, s.AddCredential(bg, c))
	want := credential("usr_1", 1)
	c.ID[0], c.PublicKey[0], c.AAGUID[0], c.Transports[0] = 9, 9, 9, "usb"
	got, err := s.Credentials(bg, "usr_1")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assertCredential(t, want, got[0])
	got[0].ID[0], got[0].PublicKey[0], got[0].Transports[0] = 9, 9, "usb"
	again, err := s.Credentials(bg, "usr_1")
	require.NoError(t, err)
	assertCredential(t, want, again[0])

	h := bytes.Repeat([]byte{1}, 32)
	_, err = s.EnsureUserHandle(bg, "usr_1", h)
	require.NoError(t, err)
	h[0] = 2
	got1, _, err := s.UserHandle(bg, "usr_1")
	require.NoError(t, err)
	assert.Equal(t, bytes.Repeat([]byte{1}, 32), got1)
}

func invalidArguments(t *testing.T, open Open[passkey.Store]) {
	s := open(t)
	long := string(bytes.Repeat([]byte{'u'}, passkey.MaxUserIDLength+1))
	for _, id := range []string{"", long, "usr\x00", "\xff"} {
		_, err := s.EnsureUserHandle(bg, id, []byte{1})
		assert.Error(t, err, "user id %q", id)
		assert.Error(t, s.AddCredential(bg, credential(id, 1)), "user id %q", id)
		creds, err := s.Credentials(bg, id)
		require.NoError(t, err)
		assert.Empty(t, creds)
	}
	for _, h := range [][]byte{nil, make([]byte, passkey.MaxUserHandleLength+1)} {
		_, err := s.EnsureUserHandle(bg, "usr_1", h)
		assert.Error(t, err)
	}
	c := credential("usr_1", 1)
	c.ID = make([]byte, passkey.MaxCredentialIDLength+1)
	assert.Error(t, s.AddCredential(bg, c))
	c.ID = nil
	assert.Error(t, s.AddCredential(bg, c))
	c = credential("usr_1", 1)
	c.Name = string(bytes.Repeat([]byte{'n'}, passkey.MaxNameLength+1))
	assert.Error(t, s.AddCredential(bg, c))
	creds, err := s.Credentials(bg, "usr_1")
	require.NoError(t, err)
	assert.Empty(t, creds, "nothing written")
}

func canceled(t *testing.T, open Open[passkey.Store]) {
	s := open(t)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	assert.ErrorIs(t, s.AddCredential(ctx, credential("usr_1", 1)), context.Canceled)
	_, err := s.EnsureUserHandle(ctx, "usr_1", []byte{1})
	assert.ErrorIs(t, err, context.Canceled)
	creds, err := s.Credentials(bg, "usr_1")
	require.NoError(t, err)
	assert.Empty(t, creds)
}

// RunChallenges runs the ChallengeStore suite.
func RunChallenges(t *testing.T, fresh Fresh[passkey.ChallengeStore]) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, open Open[passkey.ChallengeStore])
	}{
		{"RoundTrip", challengeRoundTrip},
		{"TakeOnce", takeOnce},
		{"Expiry", expiry},
		{"InvalidIDs", invalidIDs},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, fresh(t))
		})
	}
}

func challenge(id string) passkey.Challenge {
	return passkey.Challenge{ID: id, UserID: "usr_1", Kind: "login", Session: []byte(`{"challenge":"abc"}`), ExpiresAt: t0.Add(5 * time.Minute)}
}

func challengeRoundTrip(t *testing.T, open Open[passkey.ChallengeStore]) {
	s := open(t)
	c := challenge("c1")
	require.NoError(t, s.Put(bg, c))
	assert.Error(t, open(t).Put(bg, challenge("c1")), "an id kept already")
	c.Session[0] = 'X'
	got, found, err := open(t).Take(bg, "c1", t0)
	require.NoError(t, err)
	require.True(t, found)
	want := challenge("c1")
	assert.True(t, want.ExpiresAt.Equal(got.ExpiresAt))
	got.ExpiresAt = want.ExpiresAt
	assert.Equal(t, want, got)
	_, found, err = open(t).Take(bg, "c1", t0)
	require.NoError(t, err)
	assert.False(t, found, "taken")
	_, found, err = s.Take(bg, "C1", t0)
	require.NoError(t, err)
	assert.False(t, found)
}

func takeOnce(t *testing.T, open Open[passkey.ChallengeStore]) {
	require.NoError(t, open(t).Put(bg, challenge("race")))
	handles := []passkey.ChallengeStore{open(t), open(t)}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, found, err := handles[i%2].Take(bg, "race", t0)
			assert.NoError(t, err)
			if found {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())
}

func expiry(t *testing.T, open Open[passkey.ChallengeStore]) {
	s := open(t)
	for i := range 3 {
		require.NoError(t, s.Put(bg, challenge(fmt.Sprint("e", i))))
	}
	exp := challenge("x").ExpiresAt
	_, found, err := s.Take(bg, "e0", exp)
	require.NoError(t, err)
	assert.False(t, found, "expired at ExpiresAt")
	_, found, err = s.Take(bg, "e1", exp.Add(-time.Microsecond))
	require.NoError(t, err)
	assert.True(t, found, "still good just before")
	n, err := s.DeleteExpired(bg, exp.Add(-time.Second))
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = s.DeleteExpired(bg, exp)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	_, found, err = s.Take(bg, "e2", t0)
	require.NoError(t, err)
	assert.False(t, found, "deleted")
}

func invalidIDs(t *testing.T, open Open[passkey.ChallengeStore]) {
	s := open(t)
	for _, id := range []string{"", "with space", "\x00", string(bytes.Repeat([]byte{'a'}, passkey.MaxChallengeIDLength+1))} {
		assert.Error(t, s.Put(bg, challenge(id)), "id %q", id)
		_, found, err := s.Take(bg, id, t0)
		require.NoError(t, err)
		assert.False(t, found)
	}
}
