package users_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

const goodPassword = "correct horse battery staple"

func TestRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, store, clock := newDirectory(t, users.Config{})

	u := register(t, s, "  Bob@Example.com ", goodPassword, "  Bob Smith ")
	assert.Regexp(t, regexp.MustCompile(`^usr_[0-9a-f]{32}$`), u.ID)
	assert.Equal(t, "bob@example.com", u.Email)
	assert.Equal(t, "Bob Smith", u.Name)
	assert.True(t, u.CreatedAt.Equal(clock.Now()))
	assert.True(t, u.UpdatedAt.Equal(clock.Now()))
	assert.Nil(t, u.EmailVerifiedAt)
	assert.Nil(t, u.LockedAt)
	assert.False(t, u.Verified())
	assert.False(t, u.Locked())

	got, err := s.Get(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u, got)
	got, err = s.GetByEmail(ctx, "BOB@example.COM")
	require.NoError(t, err)
	assert.Equal(t, u, got)

	// Only a hash is stored, and the User handed out has none.
	stored := storedHash(t, store, u.ID)
	assert.NotContains(t, stored, goodPassword)
	ok, err := password.Verify(stored, goodPassword)
	require.NoError(t, err)
	assert.True(t, ok)
	encoded, err := json.Marshal(u)
	require.NoError(t, err)
	for _, out := range []string{string(encoded), fmt.Sprintf("%+v", u)} {
		assert.NotContains(t, out, stored)
		assert.NotContains(t, out, goodPassword)
	}

	other := register(t, s, "alice@example.com", goodPassword, "Alice")
	assert.NotEqual(t, u.ID, other.ID)
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newDirectory(t, users.Config{Rules: password.Rules{MinLength: 10, MaxLength: 64}})

	tests := []struct {
		name                  string
		email, password, user string
		wantErrs              []error
	}{
		{"no @", "bob.example.com", goodPassword, "Bob", []error{users.ErrInvalidEmail}},
		{"display name in email", "Bob <bob@example.com>", goodPassword, "Bob", []error{users.ErrInvalidEmail}},
		{"password below custom minimum", "bob@example.com", "123456789", "Bob", []error{password.ErrTooShort, password.ErrInvalidPassword}},
		{"password above custom maximum", "bob@example.com", strings.Repeat("a", 65), "Bob", []error{password.ErrTooLong}},
		{"password not UTF-8", "bob@example.com", goodPassword + "\xff", "Bob", []error{password.ErrNotUTF8}},
		{"empty name", "bob@example.com", goodPassword, "", []error{users.ErrInvalidName}},
		{"blank name", "bob@example.com", goodPassword, " \t ", []error{users.ErrInvalidName}},
		{"101-character name", "bob@example.com", goodPassword, strings.Repeat("é", 101), []error{users.ErrInvalidName}},
		{"newline in name", "bob@example.com", goodPassword, "Bob\nAdmin: yes", []error{users.ErrInvalidName}},
		{"bell in name", "bob@example.com", goodPassword, "Bob\a", []error{users.ErrInvalidName}},
		{"DEL in name", "bob@example.com", goodPassword, "Bob\x7f", []error{users.ErrInvalidName}},
		{"line separator in name", "bob@example.com", goodPassword, "Bob\u2028Smith", []error{users.ErrInvalidName}},
		{"right-to-left override in name", "bob@example.com", goodPassword, "Bob\u202Egpj.exe", []error{users.ErrInvalidName}},
		{"name not UTF-8", "bob@example.com", goodPassword, "Bob\xc3", []error{users.ErrInvalidName}},
		{"zero-width space in name", "bob@example.com", goodPassword, "Bo\u200bb", []error{users.ErrInvalidName}},
		{"soft hyphen in name", "bob@example.com", goodPassword, "Bo\u00adb", []error{users.ErrInvalidName}},
		{"byte order mark in name", "bob@example.com", goodPassword, "\ufeffBob", []error{users.ErrInvalidName}},
		{"tag characters in name", "bob@example.com", goodPassword, "Bob\U000e0041\U000e0064", []error{users.ErrInvalidName}},
		{"Hangul filler for a name", "bob@example.com", goodPassword, "\u3164", []error{users.ErrInvalidName}},
		{"only joiners", "bob@example.com", goodPassword, "\u200d\u200c", []error{users.ErrInvalidName}},
		{"only a combining mark", "bob@example.com", goodPassword, "\u0301", []error{users.ErrInvalidName}},
		{"NUL in name", "bob@example.com", goodPassword, "Bob\x00", []error{users.ErrInvalidName}},
		{"email with zero-width space", "bob\u200b@example.com", goodPassword, "Bob", []error{users.ErrInvalidEmail}},
		{"email of megabytes", strings.Repeat("b", 1<<20) + "@example.com", goodPassword, "Bob", []error{users.ErrInvalidEmail}},
		{"password of megabytes", "bob@example.com", strings.Repeat("p", 1<<20), "Bob", []error{password.ErrTooLong}},
		{"name of megabytes", "bob@example.com", goodPassword, strings.Repeat("n", 1<<20), []error{users.ErrInvalidName}},
		{"everything wrong at once", "bob", "pw123", "", []error{users.ErrInvalidEmail, password.ErrTooShort, users.ErrInvalidName}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := s.Register(ctx, tt.email, tt.password, tt.user)
			require.Error(t, err)
			for _, want := range tt.wantErrs {
				assert.ErrorIs(t, err, want)
			}
			assert.Zero(t, u)
			if len(tt.password) > 0 {
				assert.NotContains(t, err.Error(), tt.password, "errors never repeat the password")
			}
		})
	}
	n, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "refused registrations change nothing")

	// The limits themselves are accepted.
	u := register(t, s, "bob@example.com", strings.Repeat("p", 10), strings.Repeat("é", 100))
	assert.Equal(t, strings.Repeat("é", 100), u.Name)
}

// TestRegisterNames checks the names that are kept, in the form they are
// stored: composed (NFC), with the joiners and variation selectors that
// scripts and emoji need, and the spaces of other scripts.
func TestRegisterNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newDirectory(t, users.Config{})
	tests := []struct{ name, given, stored string }{
		{"decomposed accent", "Rene\u0301e", "Ren\u00e9e"},
		{"Persian with a zero-width non-joiner", "\u0646\u06cc\u0645\u200c\u062c\u0627\u0646", "\u0646\u06cc\u0645\u200c\u062c\u0627\u0646"},
		{"emoji family with zero-width joiners", "\U0001f469\u200d\U0001f469\u200d\U0001f467", "\U0001f469\u200d\U0001f469\u200d\U0001f467"},
		{"emoji with a variation selector", "Bob \u2764\ufe0f", "Bob \u2764\ufe0f"},
		{"ideographic space", "\u5c71\u7530\u3000\u592a\u90ce", "\u5c71\u7530\u3000\u592a\u90ce"},
		{"fullwidth letters, not folded", "\uff21lice", "\uff21lice"},
	}
	for i, tt := range tests {
		u, err := s.Register(ctx, fmt.Sprintf("user-%d@example.com", i), goodPassword, tt.given)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.stored, u.Name, tt.name)
	}
}

func TestRegisterEmailIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newDirectory(t, users.Config{})
	first := register(t, s, "Bob@Example.com", goodPassword, "Bob")

	_, err := s.Register(ctx, "bob@example.com", "another password", "Impostor")
	assert.ErrorIs(t, err, users.ErrEmailTaken)

	n, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	got, err := s.GetByEmail(ctx, "bob@example.com")
	require.NoError(t, err)
	assert.Equal(t, first, got, "the first account is untouched")
}

// Registrations racing for one email all pass the check before hashing;
// the store lets one in, and the others must be told ErrEmailTaken, not a
// store failure. (users/storetest races them on two handles of every
// store, and gormstore's tests whether or not GORM translates the driver's
// error.)
func TestRegisterConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hasher := &gatedHasher{Hasher: cheapBcrypt{}}
	s, err := users.New(memstore.New(), users.Config{Hasher: hasher})
	require.NoError(t, err)
	emails := []string{"dup@example.com", "DUP@example.com", "Dup@Example.com", " dup@EXAMPLE.com "}
	hasher.arm(len(emails))

	errs := make([]error, len(emails))
	var wg sync.WaitGroup
	for i, email := range emails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Register(ctx, email, goodPassword, fmt.Sprintf("Racer %d", i))
		}()
	}
	wg.Wait()

	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		assert.ErrorIs(t, err, users.ErrEmailTaken)
	}
	assert.Equal(t, 1, wins)
	n, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}

func TestListAndCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, clock := newDirectory(t, users.Config{})

	list, err := s.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, list)
	n, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)

	var want []string
	for _, name := range []string{"Zed", "Amy", "Max"} {
		u := register(t, s, strings.ToLower(name)+"@example.com", goodPassword, name)
		want = append(want, u.ID)
		clock.Advance(time.Second)
	}
	list, err = s.List(ctx)
	require.NoError(t, err)
	var got []string
	for _, u := range list {
		got = append(got, u.ID)
	}
	assert.Equal(t, want, got, "oldest first, not by name or id")
	n, err = s.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
}

// Emails are compared exactly once normalized: folding as MySQL's default
// collations do, taking "á" for "a" and ignoring trailing spaces, would let
// the owner of bob@exámple.com be given bob's account, as by a password
// reset sent to the address typed. (users/storetest holds every store,
// gormstore on every database, to comparing bytes exactly.)
func TestEmailsAreComparedExactlyAfterNormalizing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newDirectory(t, users.Config{})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	for _, email := range []string{"bob@exámple.com", "böb@example.com", "bob@example.cöm"} {
		_, err := s.GetByEmail(ctx, email)
		assert.ErrorIs(t, err, users.ErrNotFound, email)
		_, err = s.Authenticate(ctx, email, goodPassword)
		assert.ErrorIs(t, err, authn.ErrInvalidCredentials, email)

		other := register(t, s, email, goodPassword, "Not Bob")
		assert.NotEqual(t, bob.ID, other.ID)
		got, err := s.GetByEmail(ctx, email)
		require.NoError(t, err)
		assert.Equal(t, other.ID, got.ID)
	}
	got, err := s.GetByEmail(ctx, "bob@example.com")
	require.NoError(t, err)
	assert.Equal(t, bob, got)
}

// The zero Rules are OWASP ASVS level 2's: at least 12 characters. The
// NIST floor of 8 can still be chosen explicitly.
func TestRegisterDefaultMinimumLength(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name  string
		rules password.Rules
		pw    string
		ok    bool
	}{
		{"default, 11 characters", password.Rules{}, "elevenchars", false},
		{"default, 12 characters", password.Rules{}, "twelve chars", true},
		{"default, 8 characters", password.Rules{}, "8 chars!", false},
		{"NIST floor, 8 characters", password.Rules{MinLength: 8}, "8 chars!", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _, _ := newDirectory(t, users.Config{Rules: tt.rules})
			_, err := s.Register(ctx, "bob@example.com", tt.pw, "Bob")
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, password.ErrTooShort)
		})
	}
}
