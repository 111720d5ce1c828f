package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/token/redisstore"
)

// envURL names the environment variable with the URL of the Redis server
// the tests run against.
const envURL = "GATEHOUSE_TEST_REDIS"

// serverURL returns the server's URL, or skips the test without one.
func serverURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(envURL)
	if u == "" {
		t.Skipf("%s is not set: no Redis server to test against", envURL)
	}
	return u
}

// newClient opens a client on rawURL, as a process of its own would, and
// closes it when the test ends.
func newClient(t testing.TB, rawURL string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(rawURL)
	require.NoError(t, err)
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newPrefix returns a key prefix of the test's own on the shared server,
// and deletes every key under it when the test ends.
func newPrefix(t testing.TB, rawURL string) string {
	t.Helper()
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	prefix := "gatehouse-test:token:" + hex.EncodeToString(b) + ":"
	admin := newClient(t, rawURL)
	t.Cleanup(func() {
		ctx := context.Background()
		iter := admin.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		require.NoError(t, iter.Err())
		if len(keys) > 0 {
			require.NoError(t, admin.Del(ctx, keys...).Err())
		}
	})
	return prefix
}

// newStore returns a Store on a client of its own under prefix.
func newStore(t testing.TB, rawURL string, cfg redisstore.Config) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(newClient(t, rawURL), cfg)
	require.NoError(t, err)
	return s
}
