package refresh_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/refresh/memstore"
)

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		store refresh.Store
		cfg   refresh.Config
	}{
		{"nil store", nil, refresh.Config{}},
		{"negative token TTL", memstore.New(), refresh.Config{TokenTTL: -time.Second}},
		{"negative family lifetime", memstore.New(), refresh.Config{FamilyLifetime: -time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := refresh.New(tt.store, tt.cfg)
			assert.ErrorIs(t, err, refresh.ErrInvalidConfig)
			assert.Nil(t, s)
		})
	}
}

func TestSurvivesANewStore(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		ctx := context.Background()
		open := backend.new(t)
		c := authntest.NewClock(start)
		first, err := refresh.New(open(t), refresh.Config{Now: c.Now})
		require.NoError(t, err)
		a, err := first.Issue(ctx, "alice")
		require.NoError(t, err)
		b, err := first.Rotate(ctx, a.Value.Reveal())
		require.NoError(t, err)
		bob, err := first.Issue(ctx, "bob")
		require.NoError(t, err)
		c.Advance(time.Hour)

		second, err := refresh.New(open(t), refresh.Config{Now: c.Now})
		require.NoError(t, err)
		next, err := second.Rotate(ctx, b.Value.Reveal())
		require.NoError(t, err, "a token issued before the restart rotates after it")
		assert.Equal(t, a.FamilyID, next.FamilyID)
		assert.Equal(t, "alice", next.Subject)
		assert.Equal(t, start.Add(time.Hour+refresh.DefaultTokenTTL), next.ExpiresAt)

		_, err = second.Rotate(ctx, a.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenReused, "use before the restart is remembered")
		_, err = second.Rotate(ctx, next.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)
		_, err = second.Rotate(ctx, bob.Value.Reveal())
		assert.NoError(t, err, "another subject's family is untouched")
	})
}

// A refresh is one call of the store.
func TestRotateIsOneStoreCall(t *testing.T) {
	t.Parallel()
	f := newFixture(t, refresh.Config{})
	tok := f.issue(t, "alice")
	for _, value := range []string{tok.Value.Reveal(), tok.Value.Reveal()} {
		before := f.rec.rotates
		_, _ = f.tokens.Rotate(context.Background(), value)
		assert.Equal(t, 1, f.rec.rotates-before)
	}
}

// failingStore fails every call with err.
type failingStore struct{ err error }

func (s failingStore) Insert(context.Context, refresh.Record) error { return s.err }
func (s failingStore) Find(context.Context, string) (refresh.Record, bool, error) {
	return refresh.Record{}, false, s.err
}

func (s failingStore) Rotate(context.Context, string, refresh.Record, time.Time) (refresh.Rotation, error) {
	return refresh.Rotation{}, s.err
}

func (s failingStore) RevokeFamily(context.Context, string, string, time.Time) (bool, error) {
	return false, s.err
}

func (s failingStore) RevokeSubject(context.Context, string, time.Time) (int64, error) {
	return 0, s.err
}

func (s failingStore) LiveTokens(context.Context, string, time.Time) ([]refresh.Record, error) {
	return nil, s.err
}
func (s failingStore) Cleanup(context.Context, time.Time) (int64, error) { return 0, s.err }

// A failing store is ErrStore, wrapping the store's own error, from every
// method, and never a verdict on the token.
func TestStoreFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	valid := newFixture(t, refresh.Config{}).issue(t, "alice")
	down := errors.New("connection refused")
	s, err := refresh.New(failingStore{err: down}, refresh.Config{})
	require.NoError(t, err)

	_, err = s.Issue(ctx, "alice")
	assert.ErrorIs(t, err, refresh.ErrStore)
	assert.ErrorIs(t, err, down)
	for name, call := range map[string]func() error{
		"Rotate":         func() error { _, err := s.Rotate(ctx, valid.Value.Reveal()); return err },
		"Check":          func() error { _, err := s.Check(ctx, valid.Value.Reveal()); return err },
		"Revoke":         func() error { _, err := s.Revoke(ctx, valid.Value.Reveal()); return err },
		"RevokeFamily":   func() error { return s.RevokeFamily(ctx, valid.FamilyID) },
		"RevokeFamilyOf": func() error { return s.RevokeFamilyOf(ctx, "alice", valid.FamilyID) },
		"RevokeSubject":  func() error { return s.RevokeSubject(ctx, "alice") },
		"Families":       func() error { _, err := s.Families(ctx, "alice"); return err },
		"Cleanup":        func() error { _, err := s.Cleanup(ctx); return err },
	} {
		err := call()
		assert.ErrorIs(t, err, refresh.ErrStore, name)
		assert.ErrorIs(t, err, down, name)
		assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "%s: a failing store is no verdict on the token", name)
	}
}
