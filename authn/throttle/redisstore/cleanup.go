package redisstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// scanBatch is how many keys Cleanup asks SCAN for at a time.
const scanBatch = 500

// Cleanup implements throttle.Store. Redis needs no cleaning up, since
// every set expires a window after its last write and Reserve drops the
// entries of its keys that have left the window; Cleanup deletes, with
// SCAN over the prefix's keys, the entries of keys that are still alive
// but were not used since, one round trip per batch of keys. On Redis
// Cluster it visits every master, on a Ring every shard.
func (s *Store) Cleanup(ctx context.Context, before time.Time) (int64, error) {
	cutoff, err := score(before)
	if err != nil {
		return 0, err
	}
	var (
		mu      sync.Mutex // ForEachMaster visits the masters at once
		deleted int64
	)
	clean := func(ctx context.Context, client redis.UniversalClient) error {
		n, err := s.cleanNode(ctx, client, cutoff)
		mu.Lock()
		deleted += n
		mu.Unlock()
		return err
	}
	switch c := s.client.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return clean(ctx, node)
		})
	case *redis.Ring:
		err = c.ForEachShard(ctx, func(ctx context.Context, shard *redis.Client) error {
			return clean(ctx, shard)
		})
	default:
		err = clean(ctx, s.client)
	}
	if err != nil {
		return deleted, fmt.Errorf("throttle/redisstore: clean up: %w", err)
	}
	return deleted, nil
}

// cleanNode cleans up the keys of one server.
func (s *Store) cleanNode(ctx context.Context, client redis.UniversalClient, cutoff string) (int64, error) {
	var deleted int64
	match := escapeGlob(s.prefix) + "[fp]:*"
	var cursor uint64
	for {
		keys, next, err := client.Scan(ctx, cursor, match, scanBatch).Result()
		if err != nil {
			return deleted, err
		}
		if len(keys) > 0 {
			cmds, err := client.Pipelined(ctx, func(p redis.Pipeliner) error {
				for _, key := range keys {
					p.ZRemRangeByScore(ctx, key, "-inf", cutoff)
				}
				return nil
			})
			if err != nil {
				return deleted, err
			}
			for _, cmd := range cmds {
				deleted += cmd.(*redis.IntCmd).Val()
			}
		}
		if next == 0 {
			return deleted, nil
		}
		cursor = next
	}
}
