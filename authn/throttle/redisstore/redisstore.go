package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/internal/storecall"
)

// DefaultPrefix starts every key the store writes unless Config.Prefix
// says otherwise.
const DefaultPrefix = "gatehouse:throttle:"

// Config configures a Store. The zero value is ready to use.
type Config struct {
	// Prefix starts every key the store writes; default DefaultPrefix
	// ("gatehouse:throttle:"). Give applications that share a Redis
	// prefixes of their own, so that neither counts or cleans up the
	// other's failures. On Redis Cluster, or a Ring of servers, put a hash
	// tag in it, such as "{gatehouse:throttle}:": Reserve's script reads
	// and writes the keys of an account and of an address together, which
	// must therefore be on one server, and New refuses a prefix without
	// one.
	Prefix string
}

// Store keeps a Limiter's counts in Redis. Build one with New; it is safe
// for concurrent use, and Stores on one Redis with one prefix share the
// counts.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ throttle.Store = (*Store)(nil)

// New returns a Store on client, which stays the caller's to close. It
// refuses a nil client, and a prefix without a hash tag on a
// *redis.ClusterClient or *redis.Ring, with an error matching
// throttle.ErrInvalidConfig. It does not contact Redis: a Redis that does
// not answer fails the Limiter's calls instead, with throttle.ErrStore.
func New(client redis.UniversalClient, cfg Config) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: redis client is nil", throttle.ErrInvalidConfig)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	switch client.(type) {
	case *redis.ClusterClient, *redis.Ring:
		if !hasHashTag(cfg.Prefix) {
			return nil, fmt.Errorf("%w: redis key prefix %q has no hash tag, such as {gatehouse:throttle}: a cluster or ring would spread an attempt's keys over servers",
				throttle.ErrInvalidConfig, cfg.Prefix)
		}
	}
	return &Store{client: client, prefix: cfg.Prefix}, nil
}

// hasHashTag reports whether prefix holds a hash tag ("{…}", not empty),
// which then decides the server of every key that starts with it.
func hasHashTag(prefix string) bool {
	_, after, ok := strings.Cut(prefix, "{")
	if !ok {
		return false
	}
	end := strings.IndexByte(after, '}')
	return end > 0
}

// Reserve implements throttle.Store in one script: one round trip.
func (s *Store) Reserve(ctx context.Context, id string, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	if err := storecall.Reserve(id, limits, window); err != nil {
		return nil, err
	}
	nowScore, err := score(now)
	if err != nil {
		return nil, err
	}
	since, err := score(now.Add(-window))
	if err != nil {
		return nil, err
	}
	args := []any{since, nowScore, id, ttl(window)}
	for _, l := range limits {
		args = append(args, l.Max)
	}
	res, err := reserveScript.Run(ctx, s.client, s.pairs(storecall.Keys(limits)), args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("throttle/redisstore: reserve: %w", err)
	}
	return usage(res, len(limits))
}

// Usage implements throttle.Store in one script: one round trip.
func (s *Store) Usage(ctx context.Context, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	if err := storecall.Usage(limits, window); err != nil {
		return nil, err
	}
	since, err := score(now.Add(-window))
	if err != nil {
		return nil, err
	}
	args := []any{since}
	for _, l := range limits {
		args = append(args, l.Max)
	}
	res, err := usageScript.Run(ctx, s.client, s.pairs(storecall.Keys(limits)), args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("throttle/redisstore: count: %w", err)
	}
	return usage(res, len(limits))
}

// usage reads the scripts' answer: count, pending and oldest for each of
// n keys.
func usage(res []any, n int) ([]throttle.Usage, error) {
	if len(res) != 3*n {
		return nil, fmt.Errorf("throttle/redisstore: script answered %d values for %d keys", len(res), n)
	}
	out := make([]throttle.Usage, n)
	for i := range out {
		count, ok1 := res[3*i].(int64)
		pending, ok2 := res[3*i+1].(int64)
		oldest, ok3 := res[3*i+2].(string)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("throttle/redisstore: unexpected script answer %v", res[3*i:3*i+3])
		}
		out[i] = throttle.Usage{Count: int(count), Pending: pending == 1}
		if count > 0 {
			us, err := strconv.ParseFloat(oldest, 64)
			if err != nil {
				return nil, fmt.Errorf("throttle/redisstore: score %q: %w", oldest, err)
			}
			out[i].Oldest = time.UnixMicro(int64(us)).UTC()
		}
	}
	return out, nil
}

// Fail implements throttle.Store in one script: one round trip.
func (s *Store) Fail(ctx context.Context, id string, keys []string, now time.Time, window time.Duration) error {
	if err := storecall.Fail(id, keys, window); err != nil {
		return err
	}
	nowScore, err := score(now)
	if err != nil {
		return err
	}
	if err := failScript.Run(ctx, s.client, s.pairs(keys), id, nowScore, ttl(window)).Err(); err != nil {
		return fmt.Errorf("throttle/redisstore: fail: %w", err)
	}
	return nil
}

// Succeed implements throttle.Store in one script: one round trip.
func (s *Store) Succeed(ctx context.Context, id string, keys []string, reset string) error {
	if err := storecall.Succeed(id, keys, reset); err != nil {
		return err
	}
	sets := append(s.pendingSets(keys), s.failures(reset))
	if err := succeedScript.Run(ctx, s.client, sets, id, "1").Err(); err != nil {
		return fmt.Errorf("throttle/redisstore: succeed: %w", err)
	}
	return nil
}

// Cancel implements throttle.Store in one script: one round trip.
func (s *Store) Cancel(ctx context.Context, id string, keys []string) error {
	if err := storecall.Cancel(id, keys); err != nil {
		return err
	}
	if err := succeedScript.Run(ctx, s.client, s.pendingSets(keys), id, "0").Err(); err != nil {
		return fmt.Errorf("throttle/redisstore: cancel: %w", err)
	}
	return nil
}

// AddFailure implements throttle.Store in one script: one round trip. The
// sets live for the window from the call, whatever at is.
func (s *Store) AddFailure(ctx context.Context, keys []string, at time.Time, window time.Duration) error {
	if err := storecall.AddFailure(keys, window); err != nil {
		return err
	}
	atScore, err := score(at)
	if err != nil {
		return err
	}
	member := make([]byte, 16)
	if _, err := rand.Read(member); err != nil {
		return fmt.Errorf("throttle/redisstore: failure id: %w", err)
	}
	sets := make([]string, len(keys))
	for i, key := range keys {
		sets[i] = s.failures(key)
	}
	if err := addFailureScript.Run(ctx, s.client, sets, atScore, hex.EncodeToString(member), ttl(window)).Err(); err != nil {
		return fmt.Errorf("throttle/redisstore: add failure: %w", err)
	}
	return nil
}

// Reset implements throttle.Store with one DEL.
func (s *Store) Reset(ctx context.Context, key string) error {
	if err := storecall.Reset(key); err != nil {
		return err
	}
	if err := s.client.Del(ctx, s.failures(key)).Err(); err != nil {
		return fmt.Errorf("throttle/redisstore: reset: %w", err)
	}
	return nil
}

// failures and pending name key's two sorted sets.
func (s *Store) failures(key string) string { return s.prefix + "f:" + key }
func (s *Store) pending(key string) string  { return s.prefix + "p:" + key }

// pairs returns the failures and the pending set of each key, in pairs,
// as the scripts take them.
func (s *Store) pairs(keys []string) []string {
	sets := make([]string, 0, 2*len(keys))
	for _, key := range keys {
		sets = append(sets, s.failures(key), s.pending(key))
	}
	return sets
}

// pendingSets returns the pending set of each key.
func (s *Store) pendingSets(keys []string) []string {
	sets := make([]string, len(keys))
	for i, key := range keys {
		sets[i] = s.pending(key)
	}
	return sets
}

// maxScore bounds the scores the store writes: a float64, which Redis
// scores are, holds every microsecond exactly up to 2^53, some 285 years
// either side of 1970.
const maxScore = 1 << 53

// score returns t as a score: microseconds since 1970, in decimal. It
// refuses a time too far from 1970 to be held exactly.
func score(t time.Time) (string, error) {
	us := t.UnixMicro()
	if us > maxScore || us < -maxScore {
		return "", fmt.Errorf("%w: time %v is too far from 1970 for a Redis score", throttle.ErrInvalidStoreCall, t)
	}
	return strconv.FormatInt(us, 10), nil
}

// ttl returns how long what is written now must live: the window, in
// milliseconds, which is what PEXPIRE takes.
func ttl(window time.Duration) int64 { return window.Milliseconds() }

// escapeGlob escapes the characters SCAN's MATCH gives a meaning to.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range []byte(s) {
		switch r {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(r)
	}
	return b.String()
}
