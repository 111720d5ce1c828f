package purpose_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/purpose/gormstore"
)

// Test keys, one per purpose, as the package asks.
var (
	resetKey  = bytes.Repeat([]byte("r"), purpose.MinKeyLength)
	verifyKey = bytes.Repeat([]byte("v"), purpose.MinKeyLength)
)

const issuer = "https://gatehouse.test"

// start is the fake clock's initial time, away from any second boundary so
// that truncation to whole seconds shows.
var start = time.Date(2030, 5, 1, 12, 0, 0, 400_000_000, time.UTC)

// newTokens builds Tokens for purpose p on db with the purpose's test key
// and clock c.
func newTokens(t *testing.T, db *gorm.DB, p string, c *authntest.Clock) *purpose.Tokens {
	t.Helper()
	key := verifyKey
	if p == purpose.PasswordReset {
		key = resetKey
	}
	tokens, err := purpose.New(usedStore(t, db), purpose.Config{Purpose: p, Key: key, Issuer: issuer, Now: c.Now})
	require.NoError(t, err)
	return tokens
}

// fixed returns a binding function that always returns v, and counts its
// calls.
func fixed(v string, calls *int) func(context.Context, string) (string, error) {
	return func(context.Context, string) (string, error) {
		if calls != nil {
			*calls++
		}
		return v, nil
	}
}

// usedStore keeps used token ids in db.
func usedStore(t testing.TB, db *gorm.DB) purpose.Store {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(t, err)
	return s
}
