package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

// DefaultPrefix starts the name of every key a Store writes, unless
// WithPrefix says otherwise.
const DefaultPrefix = "gatehouse:session:"

// Store is a session.Store on a Redis server. It is safe for concurrent
// use, and any number of Stores, in one process or many, may share a
// server and prefix.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ session.Store = (*Store)(nil)

// Option configures New.
type Option func(*Store)

// WithPrefix makes the Store name its keys prefix+"token:…", and so on,
// rather than DefaultPrefix+"token:…": for two applications sharing a
// server, for tests that must not meet, and, with a hash tag such as
// "{gatehouse:session}:", for Redis Cluster. Stores that are to share
// sessions use the same prefix. An empty prefix is refused: the keys
// would mix with anyone's.
func WithPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// New returns a Store on client, which the application keeps, shares with
// its other uses of the server, and closes. It neither connects nor
// checks the server: the first operation does. A nil client and an empty
// prefix are refused with an error matching session.ErrInvalidConfig.
func New(client redis.UniversalClient, opts ...Option) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("session/redisstore: %w: client is nil", session.ErrInvalidConfig)
	}
	s := &Store{client: client, prefix: DefaultPrefix}
	for _, opt := range opts {
		opt(s)
	}
	if s.prefix == "" {
		return nil, fmt.Errorf("session/redisstore: %w: empty key prefix", session.ErrInvalidConfig)
	}
	// The option's argument may share memory its caller reuses.
	s.prefix = strings.Clone(s.prefix)
	return s, nil
}

func (s *Store) tokenKey(hash string) string      { return s.prefix + "token:" + hash }
func (s *Store) idKey(id string) string           { return s.prefix + "id:" + id }
func (s *Store) subjectKey(subject string) string { return s.prefix + "subject:" + subject }

// Create implements session.Store in one script: the id and token hash are
// checked, the previous session deleted, the new one written with its
// times to live, and the subject's set pruned and extended, at once.
func (s *Store) Create(ctx context.Context, rec session.Record, idleTimeout time.Duration, replaceTokenHash string) error {
	keys := []string{s.tokenKey(rec.TokenHash), s.idKey(rec.ID), s.subjectKey(rec.Subject)}
	if replaceTokenHash != "" {
		keys = append(keys, s.tokenKey(replaceTokenHash))
	}
	created, err := createScript.Run(ctx, s.client, keys,
		s.prefix, rec.ID, rec.TokenHash, rec.Subject,
		millis(rec.CreatedAt), millis(rec.LastSeenAt), millis(rec.ExpiresAt), rec.Methods,
		ttl(rec.Expiry(idleTimeout).Sub(rec.CreatedAt)), ttl(rec.ExpiresAt.Sub(rec.CreatedAt)),
	).Int()
	if err != nil {
		return err
	}
	if created == 0 {
		return fmt.Errorf("%w: id %s or its token hash", session.ErrSessionExists, rec.ID)
	}
	return nil
}

// Touch implements session.Store in one script, one round trip.
func (s *Store) Touch(ctx context.Context, tokenHash string, use session.Use) (session.Record, bool, error) {
	seen := ""
	if !use.SeenAt.IsZero() {
		seen = millis(use.SeenAt)
	}
	fields, err := touchScript.Run(ctx, s.client, []string{s.tokenKey(tokenHash)},
		s.prefix, millis(use.Now), millis(use.Now.Add(-use.IdleTimeout)), millis(use.Now.Add(-use.TouchInterval)),
		seen, ttl(use.IdleTimeout),
	).StringSlice()
	if errors.Is(err, redis.Nil) {
		return session.Record{}, false, nil
	}
	if err != nil {
		return session.Record{}, false, err
	}
	rec, err := parse(fields, tokenHash)
	if err != nil {
		return session.Record{}, false, err
	}
	return rec, true, nil
}

// Destroy implements session.Store.
func (s *Store) Destroy(ctx context.Context, tokenHash string) error {
	return destroyScript.Run(ctx, s.client, []string{s.tokenKey(tokenHash)}, s.prefix).Err()
}

// DestroyByID implements session.Store.
func (s *Store) DestroyByID(ctx context.Context, subject, id string) (bool, error) {
	n, err := destroyByIDScript.Run(ctx, s.client, []string{s.idKey(id), s.subjectKey(subject)},
		s.prefix, id, subject).Int()
	return n == 1, err
}

// DestroySubject implements session.Store.
func (s *Store) DestroySubject(ctx context.Context, subject string) error {
	return destroySubjectScript.Run(ctx, s.client, []string{s.subjectKey(subject)}, s.prefix, subject).Err()
}

// List implements session.Store in one script, which also prunes the
// subject's set.
func (s *Store) List(ctx context.Context, subject string, now time.Time, idleTimeout time.Duration) ([]session.Record, error) {
	out, err := listScript.Run(ctx, s.client, []string{s.subjectKey(subject)},
		s.prefix, millis(now), millis(now.Add(-idleTimeout))).Slice()
	if err != nil {
		return nil, err
	}
	recs := make([]session.Record, 0, len(out))
	for _, item := range out {
		fields, ok := item.([]any)
		if !ok || len(fields) != 7 {
			return nil, fmt.Errorf("malformed session in the list of %d", len(out))
		}
		strs := make([]string, len(fields))
		for i, f := range fields {
			if strs[i], ok = f.(string); !ok {
				return nil, fmt.Errorf("malformed session in the list of %d", len(out))
			}
		}
		rec, err := parse(strs[:6], strs[6])
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// Cleanup implements session.Store. Redis has already deleted most dead
// sessions; Cleanup deletes those the Manager's clock says are dead before
// Redis's does, then prunes every subject's set of the ids of sessions
// that are gone. It scans the keyspace in batches of scanBatch keys, one
// script per batch.
func (s *Store) Cleanup(ctx context.Context, now time.Time, idleTimeout time.Duration) (int64, error) {
	var n int64
	err := s.scan(ctx, s.prefix+"token:", func(c redis.UniversalClient, keys []string) error {
		deleted, err := cleanupScript.Run(ctx, c, keys, s.prefix, millis(now), millis(now.Add(-idleTimeout))).Int64()
		n += deleted
		return err
	})
	if err != nil {
		return n, err
	}
	err = s.scan(ctx, s.prefix+"subject:", func(c redis.UniversalClient, keys []string) error {
		return pruneScript.Run(ctx, c, keys, s.prefix).Err()
	})
	return n, err
}

// scanBatch is how many keys Cleanup asks SCAN for at a time, and so the
// most one of its scripts handles.
const scanBatch = 200

// scan calls fn with the keys starting with prefix, a batch at a time, on
// every master of a cluster or on the one server.
func (s *Store) scan(ctx context.Context, prefix string, fn func(c redis.UniversalClient, keys []string) error) error {
	match := escapeGlob(prefix) + "*"
	each := func(ctx context.Context, c redis.UniversalClient) error {
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, match, scanBatch).Result()
			if err != nil {
				return err
			}
			if len(keys) > 0 {
				if err := fn(c, keys); err != nil {
					return err
				}
			}
			if cursor = next; cursor == 0 {
				return nil
			}
		}
	}
	if cluster, ok := s.client.(*redis.ClusterClient); ok {
		return cluster.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return each(ctx, c) })
	}
	return each(ctx, s.client)
}

// escapeGlob quotes the characters SCAN's MATCH gives a meaning to, so
// that a prefix matches only itself.
func escapeGlob(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parse makes a Record of a script's id, subject, created, seen, expires
// and methods.
func parse(fields []string, tokenHash string) (session.Record, error) {
	if len(fields) != 6 {
		return session.Record{}, fmt.Errorf("malformed session: %d fields", len(fields))
	}
	var times [3]time.Time
	for i, f := range fields[2:5] {
		ms, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return session.Record{}, fmt.Errorf("malformed session %s: %w", fields[0], err)
		}
		times[i] = time.UnixMilli(ms).UTC()
	}
	return session.Record{
		ID:         fields[0],
		TokenHash:  tokenHash,
		Subject:    fields[1],
		CreatedAt:  times[0],
		LastSeenAt: times[1],
		ExpiresAt:  times[2],
		Methods:    fields[5],
	}, nil
}

// millis is t in Unix milliseconds, rounded down: a time kept to the
// millisecond compares with it as it would with t.
func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// ttl is d as a time to live in milliseconds, rounded up, so that a key
// never dies before its session; at least 1, since Redis deletes a key
// given less.
func ttl(d time.Duration) string {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return strconv.FormatInt(int64(max(ms, 1)), 10)
}
