package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/authn/token"
)

// DefaultPrefix is what every key starts with when Config.Prefix is empty.
const DefaultPrefix = "gatehouse:token:"

// The kinds of key under the prefix, named after the claims they match.
const (
	tokenKey      = "jti:"
	familyKey     = "sid:"
	generationKey = "gen:"
)

// Config configures a Store. The zero value is ready to use.
type Config struct {
	// Prefix starts every key the Store writes, so that several
	// applications, or several lists, can share one server. Default
	// DefaultPrefix. On Redis Cluster or a redis.Ring it must hold a hash
	// tag ("{…}") so that every key is on one shard.
	Prefix string
	// Now returns the current time, from which the time to live of each
	// revocation is computed. Default time.Now; tests inject a clock.
	Now func() time.Time
}

// Store is a token.Revocations kept on a Redis server. It is safe for
// concurrent use, and every Store on the same server and prefix, in any
// process, sees every revocation as soon as it is made.
type Store struct {
	client redis.UniversalClient
	prefix string
	now    func() time.Time
}

var _ token.Revocations = (*Store)(nil)

// keepLater stores a revocation until ARGV[1] (Unix microseconds, by the
// caller's clock), to expire by itself after ARGV[2] milliseconds, unless
// the key already holds a later expiry: a revocation made twice keeps the
// later of its two expiry times, atomically.
var keepLater = redis.NewScript(`
local kept = tonumber(redis.call('GET', KEYS[1]) or '')
if kept and kept >= tonumber(ARGV[1]) then
	return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)

// New returns a Store on client, which it shares: closing the client is
// the caller's business. It does not contact the server. An argument it
// cannot use is an error matching token.ErrInvalidConfig: a nil client,
// or a cluster or ring client whose prefix has no hash tag.
func New(client redis.UniversalClient, cfg Config) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("redisstore: New: nil client: %w", token.ErrInvalidConfig)
	}
	s := &Store{client: client, prefix: cfg.Prefix, now: cfg.Now}
	if s.prefix == "" {
		s.prefix = DefaultPrefix
	}
	if s.now == nil {
		s.now = time.Now
	}
	switch client.(type) {
	case *redis.ClusterClient, *redis.Ring:
		if !hasHashTag(s.prefix) {
			return nil, fmt.Errorf("redisstore: Prefix %q: a cluster or ring client needs a hash tag, such as \"{gatehouse:token}:\", to keep a token's keys on one shard: %w",
				s.prefix, token.ErrInvalidConfig)
		}
	}
	return s, nil
}

// hasHashTag reports whether Redis Cluster would place every key starting
// with prefix by the same hash tag: a "{" followed, later in the prefix,
// by a "}" with something between.
func hasHashTag(prefix string) bool {
	open := strings.IndexByte(prefix, '{')
	if open < 0 {
		return false
	}
	end := strings.IndexByte(prefix[open+1:], '}')
	return end > 0
}

// key returns the key of a revocation of kind for id.
func (s *Store) key(kind, id string) string {
	return s.prefix + kind + id
}

// Revoked asks, in one round trip (one MGET), whether the token's id or
// family is revoked and what its subject's generation is. An error means
// the server did not answer, or holds a generation that is not a number;
// it matches token.ErrStore.
func (s *Store) Revoked(ctx context.Context, jti, subject, family string, generation int64) (bool, error) {
	keys := []string{s.key(generationKey, subject), s.key(tokenKey, jti)}
	if family != "" {
		keys = append(keys, s.key(familyKey, family))
	}
	values, err := s.client.MGet(ctx, keys...).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: read revocations: %w: %w", token.ErrStore, err)
	}
	if len(values) != len(keys) {
		return false, fmt.Errorf("redisstore: read revocations: %d values for %d keys: %w", len(values), len(keys), token.ErrStore)
	}
	for _, v := range values[1:] {
		if v != nil {
			return true, nil
		}
	}
	current, err := parseGeneration(values[0])
	if err != nil {
		return false, err
	}
	return generation < current, nil
}

// Generation reads subject's generation, in one round trip.
func (s *Store) Generation(ctx context.Context, subject string) (int64, error) {
	v, err := s.client.Get(ctx, s.key(generationKey, subject)).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redisstore: read generation: %w: %w", token.ErrStore, err)
	}
	return parseGeneration(v)
}

// parseGeneration reads a generation key's value: nil for a subject never
// revoked.
func parseGeneration(v any) (int64, error) {
	if v == nil {
		return 0, nil
	}
	str, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("redisstore: generation of type %T: %w", v, token.ErrStore)
	}
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("redisstore: generation %q is not a count: %w", str, token.ErrStore)
	}
	return n, nil
}

// RevokeToken revokes the token named by jti until token.MaxLeeway after
// expiresAt, in one round trip (two the first time a server runs the
// script); revoked again, it keeps the later expiry.
// A token whose time is already over by then leaves nothing to store. On
// an error matching token.ErrStore the revocation may or may not have been
// made; making it again is safe.
func (s *Store) RevokeToken(ctx context.Context, jti, subject string, expiresAt time.Time) error {
	if err := token.ValidateTokenRevocation(jti, subject, expiresAt); err != nil {
		return err
	}
	if err := s.keep(ctx, s.key(tokenKey, jti), expiresAt); err != nil {
		return fmt.Errorf("redisstore: revoke token: %w: %w", token.ErrStore, err)
	}
	return nil
}

// RevokeFamily revokes the tokens of the refresh family familyID until
// token.MaxLeeway after expiresAt, in one round trip, as RevokeToken does.
func (s *Store) RevokeFamily(ctx context.Context, familyID, subject string, expiresAt time.Time) error {
	if err := token.ValidateFamilyRevocation(familyID, subject, expiresAt); err != nil {
		return err
	}
	if err := s.keep(ctx, s.key(familyKey, familyID), expiresAt); err != nil {
		return fmt.Errorf("redisstore: revoke family: %w: %w", token.ErrStore, err)
	}
	return nil
}

// keep runs keepLater on key for a revocation until expiresAt.
func (s *Store) keep(ctx context.Context, key string, expiresAt time.Time) error {
	ttl := expiresAt.Add(token.MaxLeeway).Sub(s.now())
	if ttl <= 0 {
		return nil // no Issuer accepts the token any more
	}
	millis := (ttl + time.Millisecond - 1) / time.Millisecond
	return keepLater.Run(ctx, s.client, []string{key}, expiresAt.UnixMicro(), int64(millis)).Err()
}

// RevokeSubject raises subject's generation by one with INCR, in one round
// trip: atomic on the server, so concurrent revocations from every process
// are all counted. On an error matching token.ErrStore the generation may
// or may not have been raised.
func (s *Store) RevokeSubject(ctx context.Context, subject string) error {
	if err := token.ValidateSubjectRevocation(subject); err != nil {
		return err
	}
	if err := s.client.Incr(ctx, s.key(generationKey, subject)).Err(); err != nil {
		return fmt.Errorf("redisstore: revoke subject: %w: %w", token.ErrStore, err)
	}
	return nil
}

// Err is always nil: every call asks the server, and says itself when the
// server does not answer.
func (s *Store) Err() error { return nil }
