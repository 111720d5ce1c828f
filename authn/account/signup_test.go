package account_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// notice is one call to a RegistrationNotifier.
type notice struct {
	kind         string // "registered" or "already registered"
	user         users.User
	verification string
}

// recordingNotifier records what SignUp tells owners, and fails with err
// when it is set.
type recordingNotifier struct {
	mu      sync.Mutex
	notices []notice
	err     error
}

func (n *recordingNotifier) Registered(_ context.Context, u users.User, verification purpose.Token) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.notices = append(n.notices, notice{"registered", u, verification.Value.Reveal()})
	return n.err
}

func (n *recordingNotifier) AlreadyRegistered(_ context.Context, u users.User) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.notices = append(n.notices, notice{"already registered", u, ""})
	return n.err
}

// take returns the notices so far and forgets them.
func (n *recordingNotifier) take() []notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	got := n.notices
	n.notices = nil
	return got
}

// hashingCounter counts the passwords a hasher hashes.
type hashingCounter struct {
	password.Hasher
	hashed atomic.Int64
}

func (h *hashingCounter) Hash(pw string) (string, error) {
	h.hashed.Add(1)
	return h.Hasher.Hash(pw)
}

// signUpRig is a rig whose Service signs up with a recording notifier and
// whose users' hasher counts its hashes.
func signUpRig(t *testing.T, r *rig) (*recordingNotifier, *hashingCounter) {
	t.Helper()
	hasher := &hashingCounter{Hasher: argon2idForTests(t)}
	u, err := users.New(usersStore(t, r.db), users.Config{Hasher: hasher, Now: r.clock.Now})
	require.NoError(t, err)
	notifier := &recordingNotifier{}
	r.cfg.Users, r.users, r.cfg.Registrations = u, u, notifier
	r.Service, err = account.New(r.cfg)
	require.NoError(t, err)
	hasher.hashed.Store(0)
	return notifier, hasher
}

// TestSignUpAnswersAlikeWhetherOrNotTheEmailIsTaken checks that SignUp
// returns the same for a new email and a taken one, after the same
// hashing work, and tells the owner instead: a welcome with a
// verification token for a new account, a warning for an existing one,
// whose password and name stay as they were.
func TestSignUpAnswersAlikeWhetherOrNotTheEmailIsTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	bobID := r.register(t, bobEmail, bobPassword)
	notifier, hasher := signUpRig(t, r)

	tests := []struct {
		name, email string
		want        string // the notice's kind
	}{
		{"new email", carolEmail, "registered"},
		{"taken email", bobEmail, "already registered"},
		{"taken email in another case", " BOB@Example.COM ", "already registered"},
		{"taken email in fullwidth letters", "\uff42ob@example.com", "already registered"},
	}
	for _, tt := range tests {
		err := r.SignUp(ctx, tt.email, "an-attackers-password", "Mallory")
		require.NoError(t, err, tt.name)
		assert.EqualValues(t, 1, hasher.hashed.Swap(0), "%s: the password is hashed either way", tt.name)
		got := notifier.take()
		require.Len(t, got, 1, tt.name)
		assert.Equal(t, tt.want, got[0].kind, tt.name)
		if tt.want == "already registered" {
			assert.Equal(t, bobID, got[0].user.ID, tt.name)
			assert.Empty(t, got[0].verification, "%s: no token for whoever typed the address", tt.name)
			continue
		}
		assert.Equal(t, carolEmail, got[0].user.Email)
		verified, err := r.VerifyEmail(ctx, got[0].verification)
		require.NoError(t, err, "the welcome carries a verification token")
		assert.Equal(t, got[0].user.ID, verified)
	}

	bob, err := r.users.Get(ctx, bobID)
	require.NoError(t, err)
	assert.Equal(t, "Test User", bob.Name, "bob's account is untouched")
	_, err = r.Login(ctx, bobEmail, "an-attackers-password", "")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "the attacker's password is not bob's")
	_, err = r.Login(ctx, bobEmail, bobPassword, "")
	assert.NoError(t, err)
	_, err = r.Login(ctx, carolEmail, "an-attackers-password", "")
	assert.NoError(t, err, "the new account works")
}

// A form refused is refused with the same error whether or not its email
// is taken, before any hashing or telling anyone.
func TestSignUpRefusesABadFormAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	notifier, hasher := signUpRig(t, r)

	forms := []struct{ name, password, displayName string }{
		{"weak password", "short", "Mallory"},
		{"empty name", "a-fine-long-password", ""},
		{"invisible name", "a-fine-long-password", "\u200b"},
	}
	for _, f := range forms {
		taken := r.SignUp(ctx, bobEmail, f.password, f.displayName)
		free := r.SignUp(ctx, "nobody@example.com", f.password, f.displayName)
		require.Error(t, taken, f.name)
		assert.Equal(t, taken.Error(), free.Error(), f.name)
	}
	err := r.SignUp(ctx, "bob\u200b@example.com", "a-fine-long-password", "Mallory")
	assert.ErrorIs(t, err, users.ErrInvalidEmail)
	assert.Zero(t, hasher.hashed.Load())
	assert.Empty(t, notifier.take())
}

// A notifier that fails makes SignUp fail the same way for a new email and
// a taken one; a new account whose owner could not be welcomed is removed,
// so that signing up again starts afresh.
func TestSignUpWhenTheNotifierFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	notifier, _ := signUpRig(t, r)
	notifier.err = errors.New("mail server down")

	taken := r.SignUp(ctx, bobEmail, "a-fine-long-password", "Mallory")
	free := r.SignUp(ctx, carolEmail, "a-fine-long-password", "Carol")
	require.Error(t, taken)
	assert.Equal(t, taken.Error(), free.Error())
	_, err := r.users.GetByEmail(ctx, carolEmail)
	assert.ErrorIs(t, err, users.ErrNotFound, "no account left behind")

	notifier.err = nil
	notifier.take()
	require.NoError(t, r.SignUp(ctx, carolEmail, "a-fine-long-password", "Carol"))
	got := notifier.take()
	require.Len(t, got, 1)
	assert.Equal(t, "registered", got[0].kind)
}

// Sign-ups racing for one new email, on every database, create one
// account: one owner is welcomed, and every other sign-up is reported to
// that owner.
func TestSignUpRacing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		r := newRigOn(t, b.Open(t))
		notifier, _ := signUpRig(t, r)
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = r.SignUp(ctx, carolEmail, "a-fine-long-password", "Carol")
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		kinds := map[string]int{}
		var ids []string
		for _, got := range notifier.take() {
			kinds[got.kind]++
			ids = append(ids, got.user.ID)
		}
		assert.Equal(t, map[string]int{"registered": 1, "already registered": n - 1}, kinds)
		for _, id := range ids {
			assert.Equal(t, ids[0], id, "one account")
		}
	})
}

func TestSignUpNeedsANotifier(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	err := r.SignUp(context.Background(), carolEmail, "a-fine-long-password", "Carol")
	assert.ErrorIs(t, err, account.ErrNotConfigured)
}
