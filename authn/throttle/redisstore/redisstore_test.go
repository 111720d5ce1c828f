package redisstore_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/throttle/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testredis"
)

// TestMain silences go-redis's log of connections it cannot make, which
// the tests of a Redis that does not answer make on purpose.
func TestMain(m *testing.M) {
	redis.SetLogger(quiet{})
	os.Exit(m.Run())
}

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// TestConformance runs the conformance suite on the Redis of
// GATEHOUSE_TEST_REDIS: a random prefix per test, and a new client per
// handle, as each process has its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	testredis.URL(t) // skips without a server
	storetest.Run(t, func(t *testing.T) storetest.Open {
		prefix := testredis.Prefix(t, testredis.Client(t))
		return func(t *testing.T) throttle.Store {
			s, err := redisstore.New(testredis.Client(t), redisstore.Config{Prefix: prefix})
			require.NoError(t, err)
			return s
		}
	})
}

// TestOneRoundTripPerCall counts the round trips of each call a login
// makes, through the Limiter: one each, once the server has seen the
// scripts.
func TestOneRoundTripPerCall(t *testing.T) {
	t.Parallel()
	hook := &testredis.Commands{}
	store, err := redisstore.New(testredis.Client(t, hook), redisstore.Config{Prefix: testredis.Prefix(t, testredis.Client(t))})
	require.NoError(t, err)
	clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	limiter, err := throttle.New(store, throttle.Config{Now: clock.Now})
	require.NoError(t, err)
	ctx := context.Background()

	// reserved counts the round trips of the Reserve before each end.
	var reserved []string
	reserve := func(account string) (*throttle.Attempt, error) {
		a, err := limiter.Reserve(ctx, account, "192.0.2.1")
		reserved = hook.Take()
		return a, err
	}
	calls := []struct {
		name string
		call func() error
		want string
	}{
		{"Reserve, then Failed", func() error {
			a, err := reserve("alice")
			if err != nil {
				return err
			}
			return a.Failed(ctx)
		}, "evalsha"},
		{"Reserve, then Succeeded", func() error {
			a, err := reserve("bob")
			if err != nil {
				return err
			}
			return a.Succeeded(ctx)
		}, "evalsha"},
		{"Reserve, then Cancel", func() error {
			a, err := reserve("carol")
			if err != nil {
				return err
			}
			return a.Cancel(ctx)
		}, "evalsha"},
		{"Check", func() error { return limiter.Check(ctx, "alice", "192.0.2.1") }, "evalsha"},
		{"AddFailure, as RecordFailure calls it", func() error {
			return store.AddFailure(ctx, []string{"account:dave", "address:192.0.2.1"}, clock.Now(), throttle.DefaultWindow)
		}, "evalsha"},
		{"Reset", func() error { return limiter.Reset(ctx, "alice") }, "del"},
	}
	// The first calls open a connection and may find the scripts
	// unknown to the server, which Script.Run answers with an EVAL.
	for _, c := range calls {
		require.NoError(t, c.call(), "%s, the first time", c.name)
	}
	for _, c := range calls {
		hook.Reset()
		reserved = nil
		require.NoError(t, c.call(), c.name)
		assert.Equal(t, []string{c.want}, hook.Take(), "%s: one round trip", c.name)
		if reserved != nil {
			assert.Equal(t, []string{"evalsha"}, reserved, "%s: one round trip for Reserve", c.name)
		}
	}
}

// TestTimeToLiveIsTheWindow checks that what a call writes lives for the
// window it is given, from whenever the call is made: the times of the
// story, in 2001, do not shorten it, since they are not the server's.
func TestTimeToLiveIsTheWindow(t *testing.T) {
	t.Parallel()
	client := testredis.Client(t)
	prefix := testredis.Prefix(t, client)
	store, err := redisstore.New(client, redisstore.Config{Prefix: prefix})
	require.NoError(t, err)
	ctx := context.Background()
	long := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

	ttl := func(key string) time.Duration {
		t.Helper()
		d, err := client.PTTL(ctx, prefix+key).Result()
		require.NoError(t, err)
		return d
	}
	tests := []struct {
		name   string
		window time.Duration
	}{{"fifteen minutes", 15 * time.Minute}, {"a day", 24 * time.Hour}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "account:" + tt.name
			_, err := store.Reserve(ctx, "attempt-"+tt.name, []throttle.Limit{{Key: key, Max: 5}}, long, tt.window)
			require.NoError(t, err)
			assert.InDelta(t, tt.window, ttl("p:"+key), float64(time.Minute), "the pending set")
			require.NoError(t, store.Fail(ctx, "attempt-"+tt.name, []string{key}, long.Add(time.Minute), tt.window))
			assert.InDelta(t, tt.window, ttl("f:"+key), float64(time.Minute), "the failures set")
			require.NoError(t, store.AddFailure(ctx, []string{key + "2"}, long, tt.window))
			assert.InDelta(t, tt.window, ttl("f:"+key+"2"), float64(time.Minute), "a failure recorded without an attempt")
		})
	}
}

// TestFailsClosed checks that a Redis that does not answer fails the
// Limiter's calls with ErrStore, never as throttling nor as room.
func TestFailsClosed(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = client.Close() })
	store, err := redisstore.New(client, redisstore.Config{})
	require.NoError(t, err)
	limiter, err := throttle.New(store, throttle.Config{})
	require.NoError(t, err)
	ctx := context.Background()

	a, err := limiter.Reserve(ctx, "alice", "192.0.2.1")
	assert.Nil(t, a)
	assert.ErrorIs(t, err, throttle.ErrStore)
	assert.False(t, errors.Is(err, authn.ErrThrottled))
	assert.ErrorIs(t, limiter.Check(ctx, "alice", ""), throttle.ErrStore)
	assert.ErrorIs(t, limiter.Reset(ctx, "alice"), throttle.ErrStore)
	assert.Error(t, store.AddFailure(ctx, []string{"account:alice"}, time.Now(), time.Minute))
	_, err = limiter.Cleanup(ctx)
	assert.ErrorIs(t, err, throttle.ErrStore)
}

// TestPrefixesKeepApart checks that stores with prefixes that are
// patterns to SCAN count and clean up only their own keys.
func TestPrefixesKeepApart(t *testing.T) {
	t.Parallel()
	client := testredis.Client(t)
	base := testredis.Prefix(t, client)
	ctx := context.Background()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var stores []*redisstore.Store
	for _, p := range []string{"a*:", "a?:", "[ab]:", "ab:", "a\\:", "{tag}:"} {
		s, err := redisstore.New(client, redisstore.Config{Prefix: base + p})
		require.NoError(t, err)
		require.NoError(t, s.AddFailure(ctx, []string{"account:alice"}, now, time.Hour), p)
		stores = append(stores, s)
	}
	for i, s := range stores {
		u, err := s.Usage(ctx, []throttle.Limit{{Key: "account:alice", Max: 100}}, now, time.Hour)
		require.NoError(t, err)
		assert.Equal(t, 1, u[0].Count, "store %d counts its own failure only", i)
	}
	n, err := stores[0].Cleanup(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "the store with the prefix a* cleans up its own key only")
	for i, s := range stores[1:] {
		u, err := s.Usage(ctx, []throttle.Limit{{Key: "account:alice", Max: 100}}, now, time.Hour)
		require.NoError(t, err)
		assert.Equal(t, 1, u[0].Count, "store %d keeps its failure", i+1)
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	_, err := redisstore.New(nil, redisstore.Config{})
	assert.ErrorIs(t, err, throttle.ErrInvalidConfig)
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = client.Close() })

	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})
	t.Cleanup(func() { _ = cluster.Close() })
	ring := redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": "127.0.0.1:1", "b": "127.0.0.1:2"}})
	t.Cleanup(func() { _ = ring.Close() })
	for _, sharded := range []redis.UniversalClient{cluster, ring} {
		for _, prefix := range []string{"", "gatehouse:throttle:", "{}:throttle:", "{gatehouse:throttle:"} {
			_, err = redisstore.New(sharded, redisstore.Config{Prefix: prefix})
			assert.ErrorIs(t, err, throttle.ErrInvalidConfig, "%T, prefix %q", sharded, prefix)
		}
		_, err = redisstore.New(sharded, redisstore.Config{Prefix: "{gatehouse:throttle}:"})
		assert.NoError(t, err, "%T with a hash tag", sharded)
	}

	s, err := redisstore.New(client, redisstore.Config{})
	require.NoError(t, err)
	_, err = s.Reserve(context.Background(), "a", []throttle.Limit{{Key: "k", Max: 1}}, time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), time.Minute)
	assert.ErrorIs(t, err, throttle.ErrInvalidStoreCall, "a time Redis scores cannot hold to the microsecond")
}
