// Package redisstore keeps the used purpose-token ids of package purpose in
// Redis, where they expire by themselves once their token can no longer
// verify: the hot, short-lived data a deployment keeps out of its SQL
// database. Every process sharing the Redis server shares the used set.
//
//	client := redis.NewClient(opts) // or a cluster or ring client
//	store := redisstore.New(client, redisstore.Config{})
//	resets, err := purpose.New(store, purpose.Config{Purpose: purpose.PasswordReset, …})
//
// A used token is one key, set with SET NX, so that of any number of
// concurrent Consumes of one token exactly one succeeds; each check is
// one round trip. It passes the suite of package purpose/storetest, as
// every store does.
package redisstore

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
)

// DefaultPrefix starts every key the store writes.
const DefaultPrefix = "gatehouse:purpose:used:"

// Config configures a Store. The zero value is ready to use.
type Config struct {
	// Prefix starts every key the store writes. Default DefaultPrefix.
	Prefix string
}

// Store is a purpose.Store on Redis. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ purpose.Store = (*Store)(nil)

// New returns a Store on client, which stays the caller's to close.
func New(client redis.UniversalClient, cfg Config) *Store {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	return &Store{client: client, prefix: cfg.Prefix}
}

// IsUsed reports whether id's key exists: one EXISTS.
func (s *Store) IsUsed(ctx context.Context, id string) (bool, error) {
	n, err := s.client.Exists(ctx, s.prefix+id).Result()
	return n > 0, err
}

// MarkUsed sets id's key unless it exists: one SET NX, with an expiry a
// second past the moment the token stops verifying (Leeway after its
// expiry), counted from u.UsedAt.
func (s *Store) MarkUsed(ctx context.Context, u purpose.UsedToken) (bool, error) {
	ttl := u.ExpiresAt.Add(purpose.Leeway + time.Second).Sub(u.UsedAt)
	// A token consumed after its expiry (within the leeway) still keeps
	// its record for a whole leeway.
	ttl = max(ttl, purpose.Leeway)
	return s.client.SetNX(ctx, s.prefix+u.ID, u.Purpose, ttl).Result()
}

// Cleanup does nothing: keys expire by themselves. It returns 0.
func (s *Store) Cleanup(context.Context, string, time.Time) (int64, error) { return 0, nil }
