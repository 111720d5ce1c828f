package gormstore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// countStatements counts every statement GORM sends on db from now on.
func countStatements(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	require.NoError(t, cb.Query().After("gorm:query").Register("count", count))
	require.NoError(t, cb.Create().After("gorm:create").Register("count", count))
	require.NoError(t, cb.Update().After("gorm:update").Register("count", count))
	require.NoError(t, cb.Delete().After("gorm:delete").Register("count", count))
	require.NoError(t, cb.Row().After("gorm:row").Register("count", count))
	require.NoError(t, cb.Raw().After("gorm:raw").Register("count", count))
	return &n
}

// The request path is one statement per call, counted as GORM sends them:
// a login looks the account up by email, a signed-in request by id; a
// login whose hash needs no rehashing writes nothing, and a rehash is one
// conditional UPDATE.
func TestHotPathIsOneStatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	d, err := users.New(open(t, db), users.Config{Hasher: cheapBcrypt{}})
	require.NoError(t, err)
	bob, err := d.Register(ctx, "bob@example.com", goodPassword, "Bob")
	require.NoError(t, err)
	rehashing, err := users.New(open(t, db), users.Config{Hasher: rehashingBcrypt{}})
	require.NoError(t, err)

	n := countStatements(t, db)
	tests := []struct {
		name string
		call func() error
		want int64
	}{
		{"Get", func() error { _, err := d.Get(ctx, bob.ID); return err }, 1},
		{"GetByEmail", func() error { _, err := d.GetByEmail(ctx, "Bob@Example.com"); return err }, 1},
		{"Authenticate", func() error { _, err := d.Authenticate(ctx, "bob@example.com", goodPassword); return err }, 1},
		{"Authenticate, unknown email", func() error {
			_, err := d.Authenticate(ctx, "nobody@example.com", goodPassword)
			if !errors.Is(err, authn.ErrInvalidCredentials) {
				return err
			}
			return nil
		}, 1},
		{"Authenticate with a rehash", func() error {
			_, err := rehashing.Authenticate(ctx, "bob@example.com", goodPassword)
			return err
		}, 2},
		{"SetLocked", func() error { return d.SetLocked(ctx, bob.ID, true) }, 1},
		// Not the hot path: the check for a taken email, then the insert.
		{"Register", func() error { _, err := d.Register(ctx, "alice@example.com", goodPassword, "Alice"); return err }, 2},
		{"MarkEmailVerified", func() error { return d.MarkEmailVerified(ctx, bob.ID) }, 1},
	}
	for _, tt := range tests {
		before := n.Load()
		require.NoError(t, tt.call(), tt.name)
		assert.Equal(t, tt.want, n.Load()-before, "%s: statements", tt.name)
	}
}

// rehashingBcrypt wants every hash replaced.
type rehashingBcrypt struct{ cheapBcrypt }

func (rehashingBcrypt) NeedsRehash(string) bool { return true }
