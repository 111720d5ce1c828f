package memstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// TestKeysNobodyAsksAboutAreFreed checks that the entries of keys never
// used again leave memory once they have left the window, without
// Cleanup: a client spraying accounts that do not exist must not grow the
// store for good.
func TestKeysNobodyAsksAboutAreFreed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := New()
	const window = 15 * time.Minute
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 1000 {
		_, err := s.Reserve(ctx, fmt.Sprintf("attempt-%d", i), []throttle.Limit{{Key: fmt.Sprintf("account:sprayed-%d", i), Max: 5}}, now, window)
		require.NoError(t, err)
	}
	assert.Len(t, s.entries, 1000)

	later := now.Add(window)
	_, err := s.Reserve(ctx, "attempt-late", []throttle.Limit{{Key: "account:alice", Max: 5}}, later, window)
	require.NoError(t, err)
	assert.Len(t, s.entries, 1, "only the key just used is left")

	cutoff := later.Add(time.Minute)
	s.mu.Lock()
	s.swept = cutoff // the clock set back, a little
	s.mu.Unlock()
	_, err = s.Reserve(ctx, "attempt-back", []throttle.Limit{{Key: "account:bob", Max: 5}}, later, window)
	require.NoError(t, err)
	assert.Equal(t, later, s.swept, "a clock set back restarts the wait")
}
