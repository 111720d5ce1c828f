package testredis_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/testredis"
)

// Commands records one name per round trip, and Prefix's keys are gone
// once its test ends. A new connection's handshake reaches the hooks too,
// so the calls are counted the second time, on connections already open.
func TestCommandsAndPrefix(t *testing.T) {
	ctx := context.Background()
	admin := testredis.Client(t)
	var key string
	t.Run("inner", func(t *testing.T) {
		cmds := &testredis.Commands{}
		c := testredis.Client(t, cmds)
		prefix := testredis.Prefix(t, c)
		key = prefix + "k"
		calls := func() {
			require.NoError(t, c.Set(ctx, key, "v", 0).Err())
			_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
				p.Get(ctx, key)
				p.Get(ctx, key)
				return nil
			})
			require.NoError(t, err)
		}
		calls()
		cmds.Reset()
		assert.Zero(t, cmds.RoundTrips())
		calls()
		assert.Equal(t, 2, cmds.RoundTrips())
		assert.Equal(t, []string{"set", "pipeline"}, cmds.Take())
		assert.Zero(t, cmds.RoundTrips())
	})
	n, err := admin.Exists(ctx, key).Result()
	require.NoError(t, err)
	assert.Zero(t, n, "the prefix's keys are deleted at cleanup")
}
