package identity_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/identity"
	identitymem "github.com/gatehouse-go/gatehouse/authn/identity/memstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	usersmem "github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

// start is where every test clock begins, in whole seconds as stores keep
// times.
var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

const (
	googleIssuer = "https://accounts.google.com"
	githubIssuer = "https://github.example.com"
)

// google is an identity at the provider the tests trust for emails.
func google(subject string) authn.ExternalIdentity {
	return authn.ExternalIdentity{Provider: "google", Issuer: googleIssuer, Subject: subject, Name: "Alice"}
}

// withEmail returns id with email, verified or not.
func withEmail(id authn.ExternalIdentity, email string, verified bool) authn.ExternalIdentity {
	id.Email, id.EmailVerified = email, verified
	return id
}

// noPasswords is the hasher of the tests' Directories, whose users sign in
// at providers: users.New hashes one random password with it, and the
// tests hash no other, so none needs a real hasher's cost.
type noPasswords struct{}

func (noPasswords) Hash(string) (string, error)         { return "$none$", nil }
func (noPasswords) Verify(string, string) (bool, error) { return false, nil }
func (noPasswords) NeedsRehash(string) bool             { return false }

// env is what the Linkers of a test share: a store of links, a Directory
// on a store of users, and a clock.
type env struct {
	links     *identitymem.Store
	userStore *usersmem.Store
	users     *users.Directory
	clock     *authntest.Clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{links: identitymem.New(), userStore: usersmem.New(), clock: authntest.NewClock(start)}
	e.users = e.directory(t, e.userStore)
	return e
}

// directory returns a Directory on store with the env's clock.
func (e *env) directory(t *testing.T, store users.Store) *users.Directory {
	t.Helper()
	d, err := users.New(store, users.Config{Hasher: noPasswords{}, Now: e.clock.Now})
	require.NoError(t, err)
	return d
}

// linker returns a Linker of cfg, on the env's stores and clock unless cfg
// names others, logging nothing.
func (e *env) linker(t *testing.T, cfg identity.Config) *identity.Linker {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = e.links
	}
	if cfg.Users == nil {
		cfg.Users = e.users
	}
	if cfg.Clock == nil {
		cfg.Clock = e.clock.Now
	}
	cfg.Logger = slog.New(slog.DiscardHandler)
	l, err := identity.New(cfg)
	require.NoError(t, err)
	return l
}

// count returns the number of users.
func (e *env) count(t *testing.T) int64 {
	t.Helper()
	n, err := e.users.Count(context.Background())
	require.NoError(t, err)
	return n
}

// linkedTo returns the user id is linked to in the store, or "".
func (e *env) linkedTo(t *testing.T, id authn.ExternalIdentity) string {
	t.Helper()
	link, found, err := e.links.Find(context.Background(), id.Issuer, id.Subject)
	require.NoError(t, err)
	if !found {
		return ""
	}
	return link.UserID
}

// register creates a local account with a password and a verified email,
// as an application's own sign-up does.
func (e *env) register(t *testing.T, email string) users.User {
	t.Helper()
	ctx := context.Background()
	u, err := e.users.Register(ctx, email, "correct horse battery staple", "Local")
	require.NoError(t, err)
	require.NoError(t, e.users.MarkEmailVerified(ctx, u.ID))
	return u
}

func TestNewRefusesConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name string
		cfg  identity.Config
	}{
		{"no Store", identity.Config{Users: e.users}},
		{"no Users", identity.Config{Store: e.links}},
		{"negative CacheTTL", identity.Config{Store: e.links, Users: e.users, CacheTTL: -time.Nanosecond}},
		{"blank FallbackName", identity.Config{Store: e.links, Users: e.users, FallbackName: "   "}},
		{"FallbackName with a line break", identity.Config{Store: e.links, Users: e.users, FallbackName: "User\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := identity.New(tt.cfg)
			assert.ErrorIs(t, err, identity.ErrConfig)
			assert.Nil(t, l)
		})
	}

	l, err := identity.New(identity.Config{Store: e.links, Users: e.users})
	require.NoError(t, err, "every other field has a default")
	assert.NotNil(t, l)
}

func TestLinkWithoutCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	l := e.linker(t, identity.Config{})
	alice, bob := e.register(t, "alice@example.com"), e.register(t, "bob@example.com")
	id := withEmail(google("1001"), "alice@example.com", true)

	_, err := l.LinkIdentity(ctx, id)
	assert.ErrorIs(t, err, identity.ErrNotLinked)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.Equal(t, int64(2), e.count(t), "no user is created")
	assert.Empty(t, e.linkedTo(t, id), "the email links nothing: no provider is trusted for it")

	require.NoError(t, l.Link(ctx, alice.ID, id))
	got, err := l.LinkIdentity(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, alice.ID, got)

	for _, owner := range []users.User{alice, bob} {
		err := l.Link(ctx, owner.ID, id)
		assert.ErrorIs(t, err, identity.ErrLinked, "linked already, to %s", alice.Name)
	}
	assert.Equal(t, alice.ID, e.linkedTo(t, id), "a refused Link changes nothing")

	other := google("1002")
	err = l.Link(ctx, "usr_0123456789abcdef0123456789abcdef", other)
	assert.ErrorIs(t, err, users.ErrNotFound)
	assert.Empty(t, e.linkedTo(t, other), "no link to a missing user")
	_, err = l.LinkIdentity(ctx, other)
	assert.ErrorIs(t, err, identity.ErrNotLinked)
	assert.Equal(t, int64(2), e.count(t))
}

func TestLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	l := e.linker(t, identity.Config{})
	alice, bob := e.register(t, "alice@example.com"), e.register(t, "bob@example.com")
	atGoogle := google("1001")
	atGitHub := authn.ExternalIdentity{Provider: "github", Issuer: githubIssuer, Subject: "1001"}
	require.NoError(t, l.Link(ctx, alice.ID, atGoogle))
	e.clock.Advance(time.Hour)
	require.NoError(t, l.Link(ctx, alice.ID, atGitHub))

	links, err := l.Links(ctx, alice.ID)
	require.NoError(t, err)
	assert.ElementsMatch(t, []identity.Link{
		{Issuer: googleIssuer, Subject: "1001", UserID: alice.ID, CreatedAt: start},
		{Issuer: githubIssuer, Subject: "1001", UserID: alice.ID, CreatedAt: start.Add(time.Hour)},
	}, links)

	links, err = l.Links(ctx, bob.ID)
	require.NoError(t, err)
	assert.Empty(t, links)

	found, err := l.Unlink(ctx, googleIssuer, "1001")
	require.NoError(t, err)
	assert.True(t, found)
	found, err = l.Unlink(ctx, googleIssuer, "1001")
	require.NoError(t, err)
	assert.False(t, found, "unlinked already")
	links, err = l.Links(ctx, alice.ID)
	require.NoError(t, err)
	assert.Len(t, links, 1)
}

func TestCreateOnFirstSight(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		fallbackName string
		id           authn.ExternalIdentity
		wantEmail    string
		wantName     string
	}{
		{"verified email", "", withEmail(google("1"), "Alice@Example.com", true), "alice@example.com", "Alice"},
		{"unverified email", "", withEmail(google("1"), "alice@example.com", false), "", "Alice"},
		{"no email", "", google("1"), "", "Alice"},
		{"verified email of another account", "", withEmail(google("1"), "taken@example.com", true), "", "Alice"},
		{"verified email that is none", "", withEmail(google("1"), "not an email", true), "", "Alice"},
		{"no name", "", authn.ExternalIdentity{Provider: "google", Issuer: googleIssuer, Subject: "1"}, "", identity.DefaultFallbackName},
		{"an invalid name", "", authn.ExternalIdentity{Provider: "google", Issuer: googleIssuer, Subject: "1", Name: "\x00"}, "", identity.DefaultFallbackName},
		{"no name, a fallback configured", "Member", authn.ExternalIdentity{Provider: "google", Issuer: googleIssuer, Subject: "1"}, "", "Member"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t)
			taken := e.register(t, "taken@example.com")
			l := e.linker(t, identity.Config{Create: true, FallbackName: tt.fallbackName})

			id, err := l.LinkIdentity(ctx, tt.id)
			require.NoError(t, err)
			assert.True(t, users.IsID(id), id)
			assert.NotEqual(t, taken.ID, id)
			u, err := e.users.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, tt.wantEmail, u.Email)
			if tt.wantEmail != "" {
				require.NotNil(t, u.EmailVerifiedAt, "the provider verified it")
				assert.Equal(t, start, *u.EmailVerifiedAt)
			} else {
				assert.Nil(t, u.EmailVerifiedAt)
			}
			assert.Equal(t, tt.wantName, u.Name)
			assert.False(t, u.Locked())
			assert.Equal(t, id, e.linkedTo(t, tt.id))
			assert.Equal(t, int64(2), e.count(t))

			e.clock.Advance(2 * identity.DefaultCacheTTL) // from the store, not memory
			again, err := l.LinkIdentity(ctx, tt.id)
			require.NoError(t, err)
			assert.Equal(t, id, again)
			assert.Equal(t, int64(2), e.count(t), "the second sight creates nobody")
		})
	}
}

func TestCreateKeepsIssuersApart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	l := e.linker(t, identity.Config{Create: true})
	atGoogle := google("1001")
	atGitHub := authn.ExternalIdentity{Provider: "github", Issuer: githubIssuer, Subject: "1001", Name: "Alice"}

	first, err := l.LinkIdentity(ctx, atGoogle)
	require.NoError(t, err)
	second, err := l.LinkIdentity(ctx, atGitHub)
	require.NoError(t, err)
	assert.NotEqual(t, first, second, "a subject is unique only within its issuer")
	assert.Equal(t, int64(2), e.count(t))

	again, err := l.LinkIdentity(ctx, atGoogle)
	require.NoError(t, err)
	assert.Equal(t, first, again)
}

func TestOnCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	type call struct {
		u  users.User
		id authn.ExternalIdentity
	}
	var calls []call
	l := e.linker(t, identity.Config{Create: true, OnCreate: func(ctx context.Context, u users.User, id authn.ExternalIdentity) error {
		calls = append(calls, call{u, id})
		return nil
	}})
	id := withEmail(google("1001"), "alice@example.com", true)

	userID, err := l.LinkIdentity(ctx, id)
	require.NoError(t, err)
	require.Len(t, calls, 1)
	u, err := e.users.Get(ctx, userID)
	require.NoError(t, err)
	assert.Equal(t, call{u, id}, calls[0])
	assert.Equal(t, userID, e.linkedTo(t, id), "the link is made before OnCreate")

	e.clock.Advance(2 * identity.DefaultCacheTTL)
	_, err = l.LinkIdentity(ctx, id)
	require.NoError(t, err)
	require.NoError(t, l.Link(ctx, userID, google("1002")))
	assert.Len(t, calls, 1, "called only for users created")
}

func TestOnCreateErrorUndoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	errRoles := errors.New("roles unavailable")
	var created []string
	l := e.linker(t, identity.Config{Create: true, OnCreate: func(ctx context.Context, u users.User, id authn.ExternalIdentity) error {
		created = append(created, u.ID)
		if len(created) == 1 {
			return errRoles
		}
		return nil
	}})
	id := withEmail(google("1001"), "alice@example.com", true)

	_, err := l.LinkIdentity(ctx, id)
	require.ErrorIs(t, err, errRoles)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "to be tried again")
	require.Len(t, created, 1)
	_, err = e.users.Get(ctx, created[0])
	assert.ErrorIs(t, err, users.ErrNotFound, "the user is undone")
	assert.Equal(t, int64(0), e.count(t))
	assert.Empty(t, e.linkedTo(t, id), "the link is undone")

	userID, err := l.LinkIdentity(ctx, id)
	require.NoError(t, err, "tried again, at once")
	require.Len(t, created, 2)
	assert.Equal(t, created[1], userID)
	assert.Equal(t, userID, e.linkedTo(t, id))
	u, err := e.users.Get(ctx, userID)
	require.NoError(t, err)
	assert.Equal(t, "alice@example.com", u.Email, "the undone user's email is free again")
	assert.Equal(t, int64(1), e.count(t))
}

func TestLinkByEmail(t *testing.T) {
	t.Parallel()
	const (
		existing = "existing" // the account registered with alice@example.com
		created  = "created"  // a user created for the identity
	)
	verified := withEmail(google("1001"), "alice@example.com", true)
	tests := []struct {
		name   string
		create bool
		id     authn.ExternalIdentity
		lock   bool
		// unverifiedHere: the local account's own address was never
		// verified, as an attacker preparing it for its owner leaves it.
		unverifiedHere bool
		want           string
		wantEmail      string // of the user created
		wantErr        []error
	}{
		{name: "verified", create: true, id: verified, want: existing},
		{name: "verified, in another letter case", create: true, id: withEmail(google("1001"), "ALICE@example.COM", true), want: existing},
		{name: "verified, not creating", id: verified, want: existing},
		{name: "unverified", create: true, id: withEmail(google("1001"), "alice@example.com", false), want: created, wantEmail: ""},
		{name: "unverified, not creating", id: withEmail(google("1001"), "alice@example.com", false), wantErr: []error{identity.ErrNotLinked}},
		{name: "provider not listed", create: true, id: authn.ExternalIdentity{Provider: "github", Issuer: githubIssuer, Subject: "1001", Email: "alice@example.com", EmailVerified: true}, want: created, wantEmail: ""},
		{name: "no account with the email", create: true, id: withEmail(google("1001"), "bob@example.com", true), want: created, wantEmail: "bob@example.com"},
		{name: "no account with the email, not creating", id: withEmail(google("1001"), "bob@example.com", true), wantErr: []error{identity.ErrNotLinked}},
		{name: "verified email that is none", create: true, id: withEmail(google("1001"), "alice", true), want: created, wantEmail: ""},
		{name: "account locked", create: true, id: verified, lock: true, wantErr: []error{users.ErrLocked, authn.ErrInvalidCredentials}},
		{name: "account locked, not creating", id: verified, lock: true, wantErr: []error{users.ErrLocked, authn.ErrInvalidCredentials}},
		{name: "account's address unverified here", create: true, id: verified, unverifiedHere: true, want: created, wantEmail: ""},
		{name: "account's address unverified here, not creating", id: verified, unverifiedHere: true, wantErr: []error{identity.ErrNotLinked}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t)
			var alice users.User
			if tt.unverifiedHere {
				var err error
				alice, err = e.users.Register(ctx, "alice@example.com", "correct horse battery staple", "Prepared")
				require.NoError(t, err)
			} else {
				alice = e.register(t, "alice@example.com")
			}
			if tt.lock {
				require.NoError(t, e.users.SetLocked(ctx, alice.ID, true))
			}
			onCreate := 0
			l := e.linker(t, identity.Config{Create: tt.create, LinkByEmail: []string{"google"},
				OnCreate: func(context.Context, users.User, authn.ExternalIdentity) error { onCreate++; return nil }})

			got, err := l.LinkIdentity(ctx, tt.id)
			if tt.wantErr != nil {
				for _, want := range tt.wantErr {
					assert.ErrorIs(t, err, want)
				}
				assert.Empty(t, got)
				assert.Empty(t, e.linkedTo(t, tt.id))
				assert.Equal(t, int64(1), e.count(t))
				assert.Zero(t, onCreate)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, got, e.linkedTo(t, tt.id))
			switch tt.want {
			case existing:
				assert.Equal(t, alice.ID, got)
				assert.Equal(t, int64(1), e.count(t), "no user created")
				assert.Zero(t, onCreate)
			case created:
				assert.NotEqual(t, alice.ID, got)
				assert.True(t, users.IsID(got))
				u, err := e.users.Get(ctx, got)
				require.NoError(t, err)
				assert.Equal(t, tt.wantEmail, u.Email)
				assert.Equal(t, int64(2), e.count(t))
				assert.Equal(t, 1, onCreate)
			}
		})
	}
}

func TestLockedUserRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		remember bool // whether the Linker has the link in memory when the user is locked
	}{
		{"link in the store", false},
		{"link in memory", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t)
			l := e.linker(t, identity.Config{Create: true})
			id := google("1001")
			userID, err := l.LinkIdentity(ctx, id)
			require.NoError(t, err)
			if !tt.remember {
				e.clock.Advance(identity.DefaultCacheTTL)
			}

			require.NoError(t, e.users.SetLocked(ctx, userID, true))
			got, err := l.LinkIdentity(ctx, id)
			assert.ErrorIs(t, err, users.ErrLocked)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
			assert.Empty(t, got)
			assert.Equal(t, int64(1), e.count(t), "a locked user is no reason to create another")
			assert.Equal(t, userID, e.linkedTo(t, id), "nor to unlink it")

			require.NoError(t, e.users.SetLocked(ctx, userID, false))
			got, err = l.LinkIdentity(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, userID, got)
		})
	}
}

func TestDeletedUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		create   bool
		remember bool // whether the Linker has the link in memory when the user is deleted
	}{
		{"creating, link in the store", true, false},
		{"creating, link in memory", true, true},
		{"not creating, link in the store", false, false},
		{"not creating, link in memory", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t)
			l := e.linker(t, identity.Config{Create: tt.create})
			id := google("1001")
			old := e.register(t, "alice@example.com")
			require.NoError(t, l.Link(ctx, old.ID, id))
			if !tt.remember {
				e.clock.Advance(identity.DefaultCacheTTL)
			}

			require.NoError(t, e.users.Delete(ctx, old.ID))
			got, err := l.LinkIdentity(ctx, id)
			if !tt.create {
				assert.ErrorIs(t, err, identity.ErrNotLinked)
				assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
				assert.Empty(t, got)
				assert.Empty(t, e.linkedTo(t, id), "the stale link is removed")
				assert.Equal(t, int64(0), e.count(t))
				return
			}
			require.NoError(t, err)
			assert.True(t, users.IsID(got))
			assert.NotEqual(t, old.ID, got)
			assert.Equal(t, got, e.linkedTo(t, id), "the stale link is replaced")
			assert.Equal(t, int64(1), e.count(t))
		})
	}
}

// A link to a deleted user that two Linkers remember is replaced once: the
// second does not remove the link the first made.
func TestDeletedUserOnTwoLinkers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	first := e.linker(t, identity.Config{Create: true})
	second := e.linker(t, identity.Config{Create: true})
	id := google("1001")
	old, err := first.LinkIdentity(ctx, id)
	require.NoError(t, err)
	got, err := second.LinkIdentity(ctx, id)
	require.NoError(t, err)
	require.Equal(t, old, got)

	require.NoError(t, e.users.Delete(ctx, old))
	replacement, err := first.LinkIdentity(ctx, id)
	require.NoError(t, err)
	require.NotEqual(t, old, replacement)

	got, err = second.LinkIdentity(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, replacement, got, "the link the first Linker made is kept")
	assert.Equal(t, replacement, e.linkedTo(t, id))
	assert.Equal(t, int64(1), e.count(t))
	got, err = first.LinkIdentity(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, replacement, got)
}

// countingStore counts the Finds it is asked.
type countingStore struct {
	identity.Store
	finds atomic.Int64
}

func (s *countingStore) Find(ctx context.Context, issuer, subject string) (identity.Link, bool, error) {
	s.finds.Add(1)
	return s.Store.Find(ctx, issuer, subject)
}

func TestCacheTTL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ttl  time.Duration
		want time.Duration
	}{
		{"default", 0, identity.DefaultCacheTTL},
		{"configured", 5 * time.Second, 5 * time.Second},
		{"an hour", time.Hour, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t)
			store := &countingStore{Store: e.links}
			l := e.linker(t, identity.Config{Store: store, CacheTTL: tt.ttl})
			id := google("1001")
			alice := e.register(t, "alice@example.com")
			require.NoError(t, e.linker(t, identity.Config{}).Link(ctx, alice.ID, id))

			signIn := func() {
				t.Helper()
				got, err := l.LinkIdentity(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, alice.ID, got)
			}
			signIn()
			assert.Equal(t, int64(1), store.finds.Load(), "found in the store")
			signIn()
			e.clock.Advance(tt.want - time.Nanosecond)
			signIn()
			assert.Equal(t, int64(1), store.finds.Load(), "remembered within the TTL")
			e.clock.Advance(time.Nanosecond)
			signIn()
			assert.Equal(t, int64(2), store.finds.Load(), "asked again once the TTL is over")
			signIn()
			assert.Equal(t, int64(2), store.finds.Load(), "and remembered again")
		})
	}
}

func TestLinkAndCreateRemember(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	store := &countingStore{Store: e.links}
	l := e.linker(t, identity.Config{Store: store, Create: true})
	alice := e.register(t, "alice@example.com")

	linked := google("1001")
	require.NoError(t, l.Link(ctx, alice.ID, linked))
	got, err := l.LinkIdentity(ctx, linked)
	require.NoError(t, err)
	assert.Equal(t, alice.ID, got)
	assert.Zero(t, store.finds.Load(), "Link remembers the link it makes")

	created := google("1002")
	first, err := l.LinkIdentity(ctx, created)
	require.NoError(t, err)
	finds := store.finds.Load()
	again, err := l.LinkIdentity(ctx, created)
	require.NoError(t, err)
	assert.Equal(t, first, again)
	assert.Equal(t, finds, store.finds.Load(), "a user created is remembered")
}

func TestUnlink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	here := e.linker(t, identity.Config{})
	elsewhere := e.linker(t, identity.Config{}) // another process on the same store
	alice := e.register(t, "alice@example.com")
	id := google("1001")
	require.NoError(t, here.Link(ctx, alice.ID, id))
	for _, l := range []*identity.Linker{here, elsewhere} {
		got, err := l.LinkIdentity(ctx, id)
		require.NoError(t, err)
		require.Equal(t, alice.ID, got)
	}

	found, err := here.Unlink(ctx, id.Issuer, id.Subject)
	require.NoError(t, err)
	assert.True(t, found)
	_, err = here.LinkIdentity(ctx, id)
	assert.ErrorIs(t, err, identity.ErrNotLinked, "forgotten at once here")

	e.clock.Advance(identity.DefaultCacheTTL - time.Nanosecond)
	got, err := elsewhere.LinkIdentity(ctx, id)
	require.NoError(t, err, "remembered elsewhere within the TTL")
	assert.Equal(t, alice.ID, got)
	e.clock.Advance(time.Nanosecond)
	_, err = elsewhere.LinkIdentity(ctx, id)
	assert.ErrorIs(t, err, identity.ErrNotLinked, "and forgotten after it")
}

func TestInvalidIdentityRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		id   authn.ExternalIdentity
	}{
		{"no issuer", authn.ExternalIdentity{Provider: "google", Subject: "1001"}},
		{"no subject", authn.ExternalIdentity{Provider: "google", Issuer: googleIssuer}},
		{"subject too long", google(strings.Repeat("1", identity.MaxSubjectLength+1))},
		{"subject not UTF-8", google("\xff")},
		{"subject with NUL", google("10\x0001")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t)
			onCreate := 0
			l := e.linker(t, identity.Config{Create: true,
				OnCreate: func(context.Context, users.User, authn.ExternalIdentity) error { onCreate++; return nil }})
			alice := e.register(t, "alice@example.com")

			got, err := l.LinkIdentity(ctx, tt.id)
			assert.ErrorIs(t, err, identity.ErrInvalidLink)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
			assert.Empty(t, got)
			assert.Equal(t, int64(1), e.count(t), "the user made for it is deleted")
			assert.Zero(t, onCreate)

			err = l.Link(ctx, alice.ID, tt.id)
			assert.ErrorIs(t, err, identity.ErrInvalidLink)
			links, err := l.Links(ctx, alice.ID)
			require.NoError(t, err)
			assert.Empty(t, links)
		})
	}
}

// errDown is the failure of the stores that fail.
var errDown = errors.New("database down")

// failingStore is an identity.Store whose method named fail fails.
type failingStore struct {
	identity.Store
	fail string
}

func (s failingStore) Create(ctx context.Context, l identity.Link) error {
	if s.fail == "Create" {
		return errDown
	}
	return s.Store.Create(ctx, l)
}

func (s failingStore) Find(ctx context.Context, issuer, subject string) (identity.Link, bool, error) {
	if s.fail == "Find" {
		return identity.Link{}, false, errDown
	}
	return s.Store.Find(ctx, issuer, subject)
}

func (s failingStore) ByUser(ctx context.Context, userID string) ([]identity.Link, error) {
	if s.fail == "ByUser" {
		return nil, errDown
	}
	return s.Store.ByUser(ctx, userID)
}

func (s failingStore) Delete(ctx context.Context, issuer, subject string) (bool, error) {
	if s.fail == "Delete" {
		return false, errDown
	}
	return s.Store.Delete(ctx, issuer, subject)
}

func TestStoreFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fail string
		call func(ctx context.Context, l *identity.Linker, alice users.User) error
	}{
		{"find at sign-in", "Find", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.LinkIdentity(ctx, google("linked"))
			return err
		}},
		{"find at first sight", "Find", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.LinkIdentity(ctx, google("new"))
			return err
		}},
		{"create at first sight", "Create", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.LinkIdentity(ctx, google("new"))
			return err
		}},
		{"create when linking by email", "Create", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.LinkIdentity(ctx, withEmail(google("new"), "alice@example.com", true))
			return err
		}},
		{"create at Link", "Create", func(ctx context.Context, l *identity.Linker, alice users.User) error {
			return l.Link(ctx, alice.ID, google("new"))
		}},
		{"delete of a link to a deleted user", "Delete", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.LinkIdentity(ctx, google("stale"))
			return err
		}},
		{"delete at Unlink", "Delete", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.Unlink(ctx, googleIssuer, "linked")
			return err
		}},
		{"by user at Links", "ByUser", func(ctx context.Context, l *identity.Linker, alice users.User) error {
			_, err := l.Links(ctx, alice.ID)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t)
			alice := e.register(t, "alice@example.com")
			healthy := e.linker(t, identity.Config{})
			require.NoError(t, healthy.Link(ctx, alice.ID, google("linked")))
			gone := e.register(t, "gone@example.com")
			require.NoError(t, healthy.Link(ctx, gone.ID, google("stale")))
			require.NoError(t, e.users.Delete(ctx, gone.ID))
			l := e.linker(t, identity.Config{Store: failingStore{Store: e.links, fail: tt.fail}, Create: true, LinkByEmail: []string{"google"}})

			err := tt.call(ctx, l, alice)
			assert.ErrorIs(t, err, identity.ErrStore)
			assert.ErrorIs(t, err, errDown)
			assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "no verdict on the identity")
			assert.Equal(t, int64(1), e.count(t), "no user left behind")
			assert.Empty(t, e.linkedTo(t, google("new")))
			assert.Equal(t, alice.ID, e.linkedTo(t, google("linked")))
		})
	}
}

// failingUsers is a users.Store whose method named fail fails.
type failingUsers struct {
	users.Store
	fail string
}

func (s failingUsers) Create(ctx context.Context, rec users.Record) error {
	if s.fail == "Create" {
		return errDown
	}
	return s.Store.Create(ctx, rec)
}

func (s failingUsers) Get(ctx context.Context, id string) (users.Record, bool, error) {
	if s.fail == "Get" {
		return users.Record{}, false, errDown
	}
	return s.Store.Get(ctx, id)
}

func (s failingUsers) GetByEmail(ctx context.Context, email string) (users.Record, bool, error) {
	if s.fail == "GetByEmail" {
		return users.Record{}, false, errDown
	}
	return s.Store.GetByEmail(ctx, email)
}

func TestUsersStoreFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fail string
		call func(ctx context.Context, l *identity.Linker, alice users.User) error
	}{
		{"get of the linked user", "Get", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.LinkIdentity(ctx, google("linked"))
			return err
		}},
		{"create at first sight", "Create", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.LinkIdentity(ctx, google("new"))
			return err
		}},
		{"get by email when linking by email", "GetByEmail", func(ctx context.Context, l *identity.Linker, _ users.User) error {
			_, err := l.LinkIdentity(ctx, withEmail(google("new"), "alice@example.com", true))
			return err
		}},
		{"get at Link", "Get", func(ctx context.Context, l *identity.Linker, alice users.User) error {
			return l.Link(ctx, alice.ID, google("new"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t)
			alice := e.register(t, "alice@example.com")
			require.NoError(t, e.linker(t, identity.Config{}).Link(ctx, alice.ID, google("linked")))
			failing := e.directory(t, failingUsers{Store: e.userStore, fail: tt.fail})
			l := e.linker(t, identity.Config{Users: failing, Create: true, LinkByEmail: []string{"google"}})

			err := tt.call(ctx, l, alice)
			assert.ErrorIs(t, err, users.ErrStore)
			assert.ErrorIs(t, err, errDown)
			assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "no verdict on the identity")
			assert.Equal(t, int64(1), e.count(t))
			assert.Empty(t, e.linkedTo(t, google("new")))
			assert.Equal(t, alice.ID, e.linkedTo(t, google("linked")), "a failure is no reason to unlink")
		})
	}
}

// Many first sights of one identity at once, on two Linkers (two
// processes) of one store, end with one user, whom they all return.
func TestConcurrentFirstSight(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	var onCreate atomic.Int64
	cfg := identity.Config{Create: true, OnCreate: func(context.Context, users.User, authn.ExternalIdentity) error {
		onCreate.Add(1)
		return nil
	}}
	linkers := []*identity.Linker{e.linker(t, cfg), e.linker(t, cfg)}
	id := google("1001")

	const callers = 32
	ids := make([]string, callers)
	errs := make([]error, callers)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			<-ready
			ids[i], errs[i] = linkers[i%len(linkers)].LinkIdentity(ctx, id)
		})
	}
	close(ready)
	wg.Wait()

	for i := range callers {
		require.NoError(t, errs[i], "caller %d", i)
		assert.Equal(t, ids[0], ids[i], "caller %d", i)
	}
	assert.True(t, users.IsID(ids[0]))
	assert.Equal(t, int64(1), e.count(t), "the losers' users are deleted")
	assert.Equal(t, ids[0], e.linkedTo(t, id))
	assert.Equal(t, int64(1), onCreate.Load(), "OnCreate is called for the user kept only")
	_, err := e.users.Get(ctx, ids[0])
	require.NoError(t, err)
}
