package users_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// errDown is the failure of a store that does not answer.
var errDown = errors.New("store down")

// downStore is a Store whose methods fail, once down is set, except those
// named in up; the others answer from the Store it wraps.
type downStore struct {
	users.Store
	down bool
	up   map[string]bool
}

func (s *downStore) fail(method string) error {
	if s.down && !s.up[method] {
		return errDown
	}
	return nil
}

func (s *downStore) Create(ctx context.Context, rec users.Record) error {
	if err := s.fail("Create"); err != nil {
		return err
	}
	return s.Store.Create(ctx, rec)
}

func (s *downStore) Get(ctx context.Context, id string) (users.Record, bool, error) {
	if err := s.fail("Get"); err != nil {
		return users.Record{}, false, err
	}
	return s.Store.Get(ctx, id)
}

func (s *downStore) GetByEmail(ctx context.Context, email string) (users.Record, bool, error) {
	if err := s.fail("GetByEmail"); err != nil {
		return users.Record{}, false, err
	}
	return s.Store.GetByEmail(ctx, email)
}

func (s *downStore) List(ctx context.Context) ([]users.Record, error) {
	if err := s.fail("List"); err != nil {
		return nil, err
	}
	return s.Store.List(ctx)
}

func (s *downStore) Count(ctx context.Context) (int64, error) {
	if err := s.fail("Count"); err != nil {
		return 0, err
	}
	return s.Store.Count(ctx)
}

func (s *downStore) SetPasswordHash(ctx context.Context, id, hash string, at time.Time) (bool, error) {
	if err := s.fail("SetPasswordHash"); err != nil {
		return false, err
	}
	return s.Store.SetPasswordHash(ctx, id, hash, at)
}

func (s *downStore) ReplacePasswordHash(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	if err := s.fail("ReplacePasswordHash"); err != nil {
		return false, err
	}
	return s.Store.ReplacePasswordHash(ctx, id, oldHash, newHash)
}

func (s *downStore) SetLocked(ctx context.Context, id string, locked bool, at time.Time) (bool, error) {
	if err := s.fail("SetLocked"); err != nil {
		return false, err
	}
	return s.Store.SetLocked(ctx, id, locked, at)
}

func (s *downStore) MarkEmailVerified(ctx context.Context, id string, at time.Time) (bool, error) {
	if err := s.fail("MarkEmailVerified"); err != nil {
		return false, err
	}
	return s.Store.MarkEmailVerified(ctx, id, at)
}

func (s *downStore) Delete(ctx context.Context, id string) (bool, error) {
	if err := s.fail("Delete"); err != nil {
		return false, err
	}
	return s.Store.Delete(ctx, id)
}

// A store that fails is ErrStore, wrapping its error, from every method:
// never a verdict (not found, taken, wrong password) the failure does not
// support.
func TestStoreFailuresAreErrStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, inner, _ := newDirectory(t, users.Config{})
	store := &downStore{Store: inner}
	d, err := users.New(store, users.Config{Hasher: cheapBcrypt{}})
	require.NoError(t, err)
	bob := register(t, d, "bob@example.com", goodPassword, "Bob")
	store.down = true

	tests := []struct {
		name      string
		call      func() error
		notMatch  error
		upMethods []string
	}{
		{"Get", func() error { _, err := d.Get(ctx, bob.ID); return err }, users.ErrNotFound, nil},
		{"GetByEmail", func() error { _, err := d.GetByEmail(ctx, bob.Email); return err }, users.ErrNotFound, nil},
		{"List", func() error { _, err := d.List(ctx); return err }, nil, nil},
		{"UsersWithUnnormalizedEmail", func() error { _, err := d.UsersWithUnnormalizedEmail(ctx); return err }, nil, nil},
		{"Count", func() error { _, err := d.Count(ctx); return err }, nil, nil},
		{"Authenticate", func() error { _, err := d.Authenticate(ctx, bob.Email, goodPassword); return err }, authn.ErrInvalidCredentials, nil},
		{"Register, at the check", func() error { _, err := d.Register(ctx, "alice@example.com", goodPassword, "Alice"); return err }, users.ErrEmailTaken, nil},
		{"Register, at Create", func() error { _, err := d.Register(ctx, "alice@example.com", goodPassword, "Alice"); return err }, users.ErrEmailTaken, []string{"GetByEmail"}},
		{"RegisterOrFind", func() error {
			_, _, err := d.RegisterOrFind(ctx, "alice@example.com", goodPassword, "Alice")
			return err
		}, users.ErrEmailTaken, nil},
		{"RegisterOrFind, finding the account", func() error {
			_, _, err := d.RegisterOrFind(ctx, bob.Email, goodPassword, "Bob")
			return err
		}, users.ErrNotFound, []string{"Create"}},
		{"SetPassword", func() error { return d.SetPassword(ctx, bob.ID, "a new and better passphrase") }, users.ErrNotFound, nil},
		{"SetLocked", func() error { return d.SetLocked(ctx, bob.ID, true) }, users.ErrNotFound, nil},
		{"MarkEmailVerified", func() error { return d.MarkEmailVerified(ctx, bob.ID) }, users.ErrNotFound, nil},
		{"Delete", func() error { return d.Delete(ctx, bob.ID) }, users.ErrNotFound, nil},
		{"PasswordFingerprint", func() error { _, err := d.PasswordFingerprint(ctx, bob.ID); return err }, users.ErrNotFound, nil},
	}
	for _, tt := range tests {
		store.up = map[string]bool{}
		for _, m := range tt.upMethods {
			store.up[m] = true
		}
		err := tt.call()
		assert.ErrorIs(t, err, users.ErrStore, tt.name)
		assert.ErrorIs(t, err, errDown, tt.name)
		if tt.notMatch != nil {
			assert.NotErrorIs(t, err, tt.notMatch, tt.name)
		}
		if err != nil {
			assert.NotContains(t, err.Error(), goodPassword, tt.name)
		}
	}
	store.down = false
	got, err := d.Get(ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, bob, got, "nothing changed")
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}

// A rehash the store fails to keep does not fail the login; it is logged,
// naming the user by id alone, and the next login tries again.
func TestRehashStoreFailureIsLoggedNotFatal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var logs bytes.Buffer
	_, inner, _ := newDirectory(t, users.Config{})
	store := &downStore{Store: inner, up: map[string]bool{"GetByEmail": true}}
	d, err := users.New(store, users.Config{Hasher: &brokenRehasher{}, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	require.NoError(t, err)
	bob := register(t, d, "bob@example.com", goodPassword, "Bob")
	stored := storedHash(t, inner, bob.ID)

	store.down = true
	u, err := d.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.Equal(t, bob, u)
	assert.Equal(t, stored, storedHash(t, inner, bob.ID))
	out := logs.String()
	assert.Contains(t, out, "users: store rehashed password")
	assert.Contains(t, out, `"user_id":"`+bob.ID+`"`)
	assert.Contains(t, out, errDown.Error())
	assert.NotContains(t, out, goodPassword)
	assert.NotContains(t, out, "bob@example.com")

	store.down = false
	_, err = d.Authenticate(ctx, "bob@example.com", goodPassword)
	require.NoError(t, err)
	assert.NotEqual(t, stored, storedHash(t, inner, bob.ID), "the next login rehashes")
}
