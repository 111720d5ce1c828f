package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/purpose/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/purpose/storetest"
)

// client connects to the Redis server of GATEHOUSE_TEST_REDIS, or skips.
func client(t *testing.T) *redis.Client {
	t.Helper()
	url := os.Getenv("GATEHOUSE_TEST_REDIS")
	if url == "" {
		t.Skip("set GATEHOUSE_TEST_REDIS (redis://host:port/db) to run the Redis store against a server")
	}
	opts, err := redis.ParseURL(url)
	require.NoError(t, err)
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// prefix returns a key prefix of the test's own, whose keys are deleted
// when it ends: tests share the server.
func prefix(t *testing.T, c *redis.Client) string {
	t.Helper()
	random := make([]byte, 8)
	_, _ = rand.Read(random)
	p := "gatehouse-test:" + hex.EncodeToString(random) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := c.Keys(ctx, p+"*").Result()
		if err == nil && len(keys) > 0 {
			_ = c.Del(ctx, keys...).Err()
		}
	})
	return p
}

func TestConformance(t *testing.T) {
	t.Parallel()
	c := client(t)
	storetest.Run(t, func(t *testing.T) storetest.Open {
		p := prefix(t, c)
		return func(*testing.T) purpose.Store { return redisstore.New(c, redisstore.Config{Prefix: p}) }
	})
}

// roundTrips counts the commands that reach the server.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.n.Add(1); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.n.Add(1); return next(ctx, cmds) }
}

var _ redis.Hook = (*roundTrips)(nil)

// TestOneRoundTripEach shows that the check Verify makes and the record
// Consume writes each cost one round trip to Redis, and that the record
// expires a second past the end of the token's leeway.
func TestOneRoundTripEach(t *testing.T) {
	t.Parallel()
	c := client(t)
	counted := redis.NewClient(c.Options())
	t.Cleanup(func() { _ = counted.Close() })
	trips := &roundTrips{}
	counted.AddHook(trips)
	p := prefix(t, c)
	s := redisstore.New(counted, redisstore.Config{Prefix: p})
	ctx := context.Background()
	now := time.Now()
	require.NoError(t, counted.Ping(ctx).Err(), "connect first: a new connection's handshake is no request's cost")

	before := trips.n.Load()
	used, err := s.IsUsed(ctx, "jti-1")
	require.NoError(t, err)
	assert.False(t, used)
	assert.EqualValues(t, 1, trips.n.Load()-before, "IsUsed is one round trip")

	before = trips.n.Load()
	first, err := s.MarkUsed(ctx, purpose.UsedToken{ID: "jti-1", Purpose: purpose.PasswordReset, Subject: "alice",
		UsedAt: now, ExpiresAt: now.Add(10 * time.Minute)})
	require.NoError(t, err)
	assert.True(t, first)
	assert.EqualValues(t, 1, trips.n.Load()-before, "MarkUsed is one round trip")

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
