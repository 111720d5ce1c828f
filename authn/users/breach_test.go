package users_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// breachedPassword passes the default Rules and is known to every test's
// checker; its SHA-1 (by sha1sum) splits as the range API splits it.
const (
	breachedPassword = "Password1234!"
	breachedPrefix   = "37804"
	breachedSuffix   = "F97BD9984F61610A4D11B1D1FF312D8E15D"
)

// fakeChecker is a BreachChecker that knows breachedPassword, or fails
// with err when it is set, and records what it is asked.
type fakeChecker struct {
	err   error
	mu    sync.Mutex
	asked []string
	ctxs  []context.Context
}

func (c *fakeChecker) Breached(ctx context.Context, pw string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked = append(c.asked, pw)
	c.ctxs = append(c.ctxs, ctx)
	if c.err != nil {
		return false, c.err
	}
	return pw == breachedPassword, nil
}

// calls returns how many times the checker was asked, and forgets.
func (c *fakeChecker) calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.asked)
	c.asked, c.ctxs = nil, nil
	return n
}

// errCheckerDown is what a checker that cannot answer returns.
var errCheckerDown = fmt.Errorf("checker down: %w", password.ErrBreachCheckUnavailable)

func TestRegisterRefusesBreachedPasswords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	checker := &fakeChecker{}
	s, _, _ := newDirectory(t, users.Config{BreachChecker: checker})

	u, err := s.Register(ctx, "bob@example.com", breachedPassword, "Bob")
	assert.ErrorIs(t, err, password.ErrBreached)
	assert.ErrorIs(t, err, password.ErrInvalidPassword, "adapters answer it as they answer a short password")
	assert.NotContains(t, err.Error(), breachedPassword)
	assert.Zero(t, u)
	assert.Equal(t, 1, checker.calls())
	n, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing was created")

	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	assert.Equal(t, 1, checker.calls())
	assert.Equal(t, "bob@example.com", bob.Email)
}

// A checker that cannot answer refuses the registration (fail closed), with
// its own error, which is not a password error: adapters answer it as a
// server error, not as the user's mistake.
func TestRegisterFailsClosedWhenTheCheckerFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _ := newDirectory(t, users.Config{BreachChecker: &fakeChecker{err: errCheckerDown}})

	u, err := s.Register(ctx, "bob@example.com", goodPassword, "Bob")
	assert.ErrorIs(t, err, password.ErrBreachCheckUnavailable)
	assert.ErrorIs(t, err, errCheckerDown, "the checker's error is wrapped, not replaced")
	assert.NotErrorIs(t, err, password.ErrInvalidPassword)
	assert.NotErrorIs(t, err, password.ErrBreached)
	assert.Zero(t, u)
	n, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing was created")
	_, err = s.GetByEmail(ctx, "bob@example.com")
	assert.ErrorIs(t, err, users.ErrNotFound)
}

// The checker, which may be a remote service, is asked only about a form
// that is otherwise acceptable, and with the caller's context.
func TestRegisterAsksTheCheckerLast(t *testing.T) {
	t.Parallel()
	checker := &fakeChecker{}
	s, _, _ := newDirectory(t, users.Config{BreachChecker: checker})
	register(t, s, "taken@example.com", goodPassword, "Taken")
	require.Equal(t, 1, checker.calls())

	tests := []struct {
		name, email, password, user string
		wantErrs                    []error
	}{
		{"bad email", "bob", breachedPassword, "Bob", []error{users.ErrInvalidEmail}},
		{"bad name", "bob@example.com", breachedPassword, "", []error{users.ErrInvalidName}},
		{"short password", "bob@example.com", "Pass1234!", "Bob", []error{password.ErrTooShort}},
		{"taken email", "taken@example.com", breachedPassword, "Bob", []error{users.ErrEmailTaken}},
	}
	for _, tt := range tests {
		_, err := s.Register(context.Background(), tt.email, tt.password, tt.user)
		for _, want := range tt.wantErrs {
			assert.ErrorIs(t, err, want, tt.name)
		}
		assert.NotErrorIs(t, err, password.ErrBreached, tt.name)
		assert.Zero(t, checker.calls(), "%s: checker not asked", tt.name)
	}

	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "request 42")
	_, err := s.Register(ctx, "bob@example.com", breachedPassword, "Bob")
	require.ErrorIs(t, err, password.ErrBreached)
	checker.mu.Lock()
	require.Len(t, checker.ctxs, 1)
	assert.Equal(t, "request 42", checker.ctxs[0].Value(key{}))
	checker.mu.Unlock()
}

func TestSetPasswordChecksBreaches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	checker := &fakeChecker{}
	s, _, _ := newDirectory(t, users.Config{BreachChecker: checker})
	bob := register(t, s, "bob@example.com", goodPassword, "Bob")
	before, err := s.PasswordFingerprint(ctx, bob.ID)
	require.NoError(t, err)
	unchanged := func() {
		t.Helper()
		now, err := s.PasswordFingerprint(ctx, bob.ID)
		require.NoError(t, err)
		assert.Equal(t, before, now, "the password did not change")
	}

	err = s.SetPassword(ctx, bob.ID, breachedPassword)
	assert.ErrorIs(t, err, password.ErrBreached)
	assert.ErrorIs(t, err, password.ErrInvalidPassword)
	unchanged()

	checker.err = errCheckerDown
	err = s.SetPassword(ctx, bob.ID, "a new and better passphrase")
	assert.ErrorIs(t, err, password.ErrBreachCheckUnavailable)
	assert.NotErrorIs(t, err, password.ErrInvalidPassword)
	unchanged()

	checker.err = nil
	require.NoError(t, s.SetPassword(ctx, bob.ID, "a new and better passphrase"))
	_, err = s.Authenticate(ctx, "bob@example.com", "a new and better passphrase")
	assert.NoError(t, err)
}

func TestCheckNewPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	checker := &fakeChecker{}
	s, _, _ := newDirectory(t, users.Config{BreachChecker: checker})

	tests := []struct {
		name      string
		pw        string
		checkErr  error
		wantErrs  []error
		notErrs   []error
		wantAsked int
	}{
		{"acceptable", goodPassword, nil, nil, nil, 1},
		{"breached", breachedPassword, nil, []error{password.ErrBreached, password.ErrInvalidPassword}, nil, 1},
		{"too short: the checker is not asked", "Pass1234!", nil, []error{password.ErrTooShort}, []error{password.ErrBreached}, 0},
		{"checker down", goodPassword, errCheckerDown, []error{password.ErrBreachCheckUnavailable, errCheckerDown}, []error{password.ErrInvalidPassword}, 1},
	}
	for _, tt := range tests {
		checker.err = tt.checkErr
		err := s.CheckNewPassword(ctx, tt.pw)
		if tt.wantErrs == nil {
			assert.NoError(t, err, tt.name)
		}
		for _, want := range tt.wantErrs {
			assert.ErrorIs(t, err, want, tt.name)
		}
		for _, not := range tt.notErrs {
			assert.NotErrorIs(t, err, not, tt.name)
		}
		assert.Equal(t, tt.wantAsked, checker.calls(), tt.name)
	}

	// CheckPassword, which takes no context, makes only the local checks:
	// it neither asks the checker nor fails with it.
	checker.err = errCheckerDown
	assert.NoError(t, s.CheckPassword(breachedPassword))
	assert.ErrorIs(t, s.CheckPassword("Pass1234!"), password.ErrTooShort)
	assert.Zero(t, checker.calls())
}

// Passwords are checked when they are chosen, not at login: a password
// that turns up in a breach later does not lock its owner out.
func TestLoginDoesNotAskTheChecker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	checker := &fakeChecker{}
	s, _, _ := newDirectory(t, users.Config{BreachChecker: checker})
	register(t, s, "bob@example.com", goodPassword, "Bob")
	checker.calls()

	checker.err = errCheckerDown
	_, err := s.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.Zero(t, checker.calls())
}

// The Directory with the Pwned Passwords client, against a local stand-in
// for the service.
func TestRegisterWithPwnedPasswords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var down bool
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if down {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path == "/range/"+breachedPrefix {
			fmt.Fprint(w, breachedSuffix+":27\r\n0000000000000000000000000000000000A:0\r\n")
			return
		}
		fmt.Fprint(w, "0000000000000000000000000000000000A:0\r\n")
	}))
	t.Cleanup(srv.Close)
	checker, err := password.NewPwnedPasswords(password.PwnedPasswordsConfig{BaseURL: srv.URL})
	require.NoError(t, err)
	s, _, _ := newDirectory(t, users.Config{BreachChecker: checker})

	_, err = s.Register(ctx, "bob@example.com", breachedPassword, "Bob")
	assert.ErrorIs(t, err, password.ErrBreached)
	register(t, s, "bob@example.com", goodPassword, "Bob")

	mu.Lock()
	down = true
	mu.Unlock()
	_, err = s.Register(ctx, "alice@example.com", goodPassword, "Alice")
	assert.ErrorIs(t, err, password.ErrBreachCheckUnavailable)
	assert.NotErrorIs(t, err, password.ErrInvalidPassword)
	_, err = s.GetByEmail(ctx, "alice@example.com")
	assert.ErrorIs(t, err, users.ErrNotFound)

	// Logins do not depend on the service.
	_, err = s.Authenticate(ctx, "bob@example.com", goodPassword)
	assert.NoError(t, err)
}
