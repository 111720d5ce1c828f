package redisstore_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/purpose/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/purpose/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testredis"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	storetest.Run(t, func(t *testing.T) storetest.Open {
		p := testredis.Prefix(t, c)
		return func(*testing.T) purpose.Store { return redisstore.New(c, redisstore.Config{Prefix: p}) }
	})
}

// TestOneRoundTripEach shows that the check Verify makes and the record
// Consume writes each cost one round trip to Redis, and that the record
// expires a second past the end of the token's leeway.
func TestOneRoundTripEach(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	trips := &testredis.Commands{}
	counted := testredis.Client(t, trips)
	p := testredis.Prefix(t, c)
	s := redisstore.New(counted, redisstore.Config{Prefix: p})
	ctx := context.Background()
	now := time.Now()
	require.NoError(t, counted.Ping(ctx).Err(), "connect first: a new connection's handshake is no request's cost")

	trips.Reset()
	used, err := s.IsUsed(ctx, "jti-1")
	require.NoError(t, err)
	assert.False(t, used)
	assert.EqualValues(t, 1, trips.RoundTrips(), "IsUsed is one round trip")

	trips.Reset()
	first, err := s.MarkUsed(ctx, purpose.UsedToken{ID: "jti-1", Purpose: purpose.PasswordReset, Subject: "alice",
		UsedAt: now, ExpiresAt: now.Add(10 * time.Minute)})
	require.NoError(t, err)
	assert.True(t, first)
	assert.EqualValues(t, 1, trips.RoundTrips(), "MarkUsed is one round trip")

	ttl, err := c.PTTL(ctx, p+"jti-1").Result()
	require.NoError(t, err)
	want := 10*time.Minute + purpose.Leeway + time.Second
	assert.InDelta(t, want.Seconds(), ttl.Seconds(), 5, "the record lives until a second past the leeway")
}

// TestServerDownIsAnError shows that a store that cannot reach Redis
// answers an error, which Tokens turn into a refusal, never "unused".
func TestServerDownIsAnError(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	s := redisstore.New(c, redisstore.Config{})
	_, err = s.IsUsed(context.Background(), "jti")
	require.Error(t, err)
	_, err = s.MarkUsed(context.Background(), purpose.UsedToken{ID: "jti", Purpose: "p", UsedAt: time.Now(), ExpiresAt: time.Now()})
	require.Error(t, err)
}
