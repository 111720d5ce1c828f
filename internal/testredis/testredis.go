// Package testredis gives gatehouse's own tests of its Redis stores a
// server to run on: a client of the test's own, a key prefix of the test's
// own, and a log of the commands that reach the server.
//
// The server is the one whose URL is in GATEHOUSE_TEST_REDIS; without it,
// the tests that need one are skipped. Tests share the server, so each
// works under a random key prefix whose keys are deleted when it ends.
package testredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Env names the environment variable with the URL of the Redis server the
// tests run on, such as redis://127.0.0.1:6379/0.
const Env = "GATEHOUSE_TEST_REDIS"

// URL returns the server's URL, or skips the test when Env is not set.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		t.Skipf("%s is not set: no Redis server to test against (redis://127.0.0.1:6379/0, say)", Env)
	}
	return u
}

// Client opens a client of the test's own on the server, as a process of
// its own would, with hooks added, and closes it when the test ends. It
// skips the test when Env is not set.
func Client(t testing.TB, hooks ...redis.Hook) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(URL(t))
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	c := redis.NewClient(opts)
	for _, h := range hooks {
		c.AddHook(h)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Prefix returns a random key prefix of the test's own, ending in a colon,
// and deletes every key under it through c when the test ends. It holds
// no characters that SCAN takes as a pattern, nor a hash tag, so a store
// may add either after it.
func Prefix(t testing.TB, c redis.UniversalClient) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	prefix := "gatehouse-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("listing the keys under %q: %v", prefix, err)
			return
		}
		if len(keys) > 0 {
			if err := c.Del(ctx, keys...).Err(); err != nil {
				t.Errorf("deleting the keys under %q: %v", prefix, err)
			}
		}
	})
	return prefix
}

// Commands is a redis.Hook that records the names of the commands a
// client sends the server, in lower case, one per round trip: a pipeline
// or a transaction is recorded once, as "pipeline". Its zero value is
// ready to use, and it is safe for concurrent use.
type Commands struct {
	mu    sync.Mutex
	names []string
}

var _ redis.Hook = (*Commands)(nil)

// DialHook leaves dialling as it is.
func (c *Commands) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook records each command.
func (c *Commands) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.record(cmd.Name())
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook records each pipeline as one round trip.
func (c *Commands) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.record("pipeline")
		return next(ctx, cmds)
	}
}

func (c *Commands) record(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names = append(c.names, name)
}

// Take returns what was recorded since the last Take or Reset, and
// forgets it.
func (c *Commands) Take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := c.names
	c.names = nil
	return names
}

// Reset forgets what was recorded.
func (c *Commands) Reset() { c.Take() }

// RoundTrips returns how many round trips were recorded since the last
// Take or Reset.
func (c *Commands) RoundTrips() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.names)
}
