package memstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/memstore"
	"github.com/gatehouse-go/gatehouse/authn/session/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Open {
		// One process, one store: every handle is the same.
		s := memstore.New()
		return func(*testing.T) session.Store { return s }
	})
}

// Expired sessions are dropped as the store grows, without Cleanup: a
// process that never runs it holds at most about twice its live sessions.
func TestCreateDropsExpiredSessionsAsItGrows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const idle = 30 * time.Minute
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s := memstore.New()
	record := func(i int, at time.Time) session.Record {
		return session.Record{
			ID: fmt.Sprintf("ses_%016x", i), TokenHash: fmt.Sprintf("%064x", i), Subject: fmt.Sprintf("user-%d", i%7),
			CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(24 * time.Hour),
		}
	}
	// Every hour, 500 logins that are never used again.
	for i := range 20_000 {
		at := start.Add(time.Duration(i/500) * time.Hour)
		require.NoError(t, s.Create(ctx, record(i, at), idle, ""))
		assert.LessOrEqual(t, s.Len(), 2*1024+500, "after %d logins", i+1)
	}
	held := s.Len()
	assert.Less(t, held, 20_000, "some were dropped without Cleanup")
	n, err := s.Cleanup(ctx, start.Add(40*time.Hour), idle)
	require.NoError(t, err)
	assert.Equal(t, int64(held), n, "Cleanup drops the rest")
	assert.Zero(t, s.Len())
}

func TestNewStartsEmpty(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	assert.Zero(t, s.Len())
	recs, err := s.List(context.Background(), "alice", time.Now(), time.Minute)
	require.NoError(t, err)
	assert.Empty(t, recs)
}
