package gormstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := gormstore.New(ctx, nil)
	assert.ErrorIs(t, err, throttle.ErrInvalidConfig)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = gormstore.New(cancelled, testdb.Open(t))
	assert.ErrorIs(t, err, context.Canceled)

	db := testdb.Open(t)
	_, err = gormstore.New(ctx, db)
	require.NoError(t, err)
	_, err = gormstore.New(ctx, db)
	assert.NoError(t, err, "the tables in place are used as they are")
}

// A database that does not answer fails the Limiter with ErrStore, which
// is not throttling: the caller cannot tell whether the attempt is
// allowed.
func TestFailsClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	store, err := gormstore.New(ctx, db)
	require.NoError(t, err)
	limiter, err := throttle.New(store, throttle.Config{})
	require.NoError(t, err)
	attempt, err := limiter.Reserve(ctx, "bob", "")
	require.NoError(t, err)

	sqlDB, err := db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	a, err := limiter.Reserve(ctx, "alice", "192.0.2.1")
	assert.Nil(t, a)
	assert.ErrorIs(t, err, throttle.ErrStore)
	assert.False(t, errors.Is(err, authn.ErrThrottled))
	assert.ErrorIs(t, limiter.Check(ctx, "alice", ""), throttle.ErrStore)
	assert.ErrorIs(t, attempt.Failed(ctx), throttle.ErrStore)

	_, err = store.Usage(ctx, []throttle.Limit{{Key: "account:alice", Max: 1}}, time.Now(), time.Minute)
	assert.Error(t, err)
	assert.NotErrorIs(t, err, throttle.ErrInvalidStoreCall)
}
