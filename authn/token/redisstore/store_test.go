package redisstore_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/token/revocationtest"
	"github.com/gatehouse-go/gatehouse/internal/testredis"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// start is a fake clock's start, years away from the server's clock.
var start = time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)

// TestConformance runs the suite on the server of GATEHOUSE_TEST_REDIS:
// each case under a key prefix of its own, each handle a Store on a
// client of its own, as another process has. Every handle sees every
// revocation at once, so the suite needs no Sync.
func TestConformance(t *testing.T) {
	t.Parallel()
	testredis.URL(t) // skips without a server
	revocationtest.Run(t, func(t *testing.T, now func() time.Time) revocationtest.Backend {
		prefix := testredis.Prefix(t, testredis.Client(t))
		return revocationtest.Backend{Open: func(t *testing.T) token.Revocations {
			return newStore(t, redisstore.Config{Prefix: prefix, Now: now})
		}}
	})
}

// newStore returns a Store on a client of its own.
func newStore(t testing.TB, cfg redisstore.Config) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(testredis.Client(t), cfg)
	require.NoError(t, err)
	return s
}

// Verifying a token costs exactly one round trip, an MGET, with a family
// or without, first seen or cached; so do Generation and the revocations,
// once the server knows the script.
func TestOneRoundTripPerCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	client := testredis.Client(t)
	require.NoError(t, client.Ping(ctx).Err(), "connected before counting")
	hook := &testredis.Commands{}
	client.AddHook(hook)
	s, err := redisstore.New(client, redisstore.Config{Prefix: testredis.Prefix(t, testredis.Client(t)), Now: clk.Now})
	require.NoError(t, err)
	key, err := token.HS256("k1", []byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	issuer, err := token.New(token.Config{Issuer: "https://auth.example.test", Keys: []token.Key{key}, Revocations: s, Now: clk.Now})
	require.NoError(t, err)
	// The server learns the script on the first revocation it sees (EVALSHA,
	// then EVAL): a second round trip, once per server.
	require.NoError(t, s.RevokeToken(ctx, "warm-up", "bob", clk.Now().Add(time.Hour)))
	hook.Take()

	for _, tt := range []struct {
		name string
		call func() error
		want []string
	}{
		{"Revoked", func() error { _, err := s.Revoked(ctx, "jti-1", "bob", "", 0); return err }, []string{"mget"}},
		{"Revoked with a family", func() error { _, err := s.Revoked(ctx, "jti-1", "bob", "fam-1", 0); return err }, []string{"mget"}},
		{"Generation", func() error { _, err := s.Generation(ctx, "bob"); return err }, []string{"get"}},
		{"RevokeSubject", func() error { return s.RevokeSubject(ctx, "bob") }, []string{"incr"}},
		{"RevokeToken", func() error { return s.RevokeToken(ctx, "jti-1", "bob", clk.Now().Add(time.Hour)) }, []string{"evalsha"}},
		{"RevokeFamily", func() error { return s.RevokeFamily(ctx, "fam-1", "bob", clk.Now().Add(time.Hour)) }, []string{"evalsha"}},
	} {
		require.NoError(t, tt.call(), tt.name)
		assert.Equal(t, tt.want, hook.Take(), tt.name)
	}

	tok, err := issuer.Issue(ctx, "carol", token.Family("fam-2"))
	require.NoError(t, err)
	assert.Equal(t, []string{"get"}, hook.Take(), "Issue reads the generation")
	for _, sight := range []string{"first", "cached"} {
		_, err := issuer.Verify(ctx, tok.Value.Reveal())
		require.NoError(t, err)
		assert.Equal(t, []string{"mget"}, hook.Take(), "Verify, %s sight: one round trip", sight)
	}
	require.NoError(t, s.RevokeFamily(ctx, "fam-2", "carol", issuer.LatestExpiry()))
	hook.Take()
	_, err = issuer.Verify(ctx, tok.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)
	assert.Equal(t, []string{"mget"}, hook.Take(), "a revoked token costs one too")
}

// Times to live come from the caller's times and the Store's clock, years
// off the server's: a revocation lives until MaxLeeway after its expiry,
// keeps the later of two, and a generation never expires.
func TestTimeToLiveFollowsTheGivenClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	admin := testredis.Client(t)
	prefix := testredis.Prefix(t, admin)
	s := newStore(t, redisstore.Config{Prefix: prefix, Now: clk.Now})
	ttl := func(key string) time.Duration {
		t.Helper()
		d, err := admin.PTTL(ctx, prefix+key).Result()
		require.NoError(t, err)
		return d
	}
	near := func(want, got time.Duration, msg string) {
		t.Helper()
		assert.InDelta(t, want.Seconds(), got.Seconds(), 2, "%s: time to live %v, want %v", msg, got, want)
	}
	now := clk.Now()
	for kind, revoke := range map[string]func(id string, exp time.Time) error{
		"jti:": func(id string, exp time.Time) error { return s.RevokeToken(ctx, id, "bob", exp) },
		"sid:": func(id string, exp time.Time) error { return s.RevokeFamily(ctx, id, "bob", exp) },
	} {
		require.NoError(t, revoke("a", now.Add(10*time.Minute)))
		near(10*time.Minute+token.MaxLeeway, ttl(kind+"a"), kind+" first revocation")
		require.NoError(t, revoke("a", now.Add(time.Minute)))
		near(10*time.Minute+token.MaxLeeway, ttl(kind+"a"), kind+" an earlier expiry changes nothing")
		require.NoError(t, revoke("a", now.Add(time.Hour)))
		near(time.Hour+token.MaxLeeway, ttl(kind+"a"), kind+" a later expiry extends it")

		require.NoError(t, revoke("dead", now.Add(-token.MaxLeeway)), "a token no Issuer accepts any more")
		assert.Equal(t, time.Duration(-2), ttl(kind+"dead"), kind+" leaves no key")
	}
	clk.Advance(50 * time.Minute)
	require.NoError(t, s.RevokeToken(ctx, "b", "bob", clk.Now().Add(time.Minute)))
	near(time.Minute+token.MaxLeeway, ttl("jti:b"), "measured from the clock's now")

	require.NoError(t, s.RevokeSubject(ctx, "bob"))
	assert.Equal(t, time.Duration(-1), ttl("gen:bob"), "a generation has no time to live")
}

// While the server does not answer, every call fails with token.ErrStore,
// and an Issuer on the Store refuses tokens as unavailable; once it is
// back, the Store answers again.
func TestFailsClosedWhileTheServerIsDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	u, err := url.Parse(testredis.URL(t))
	require.NoError(t, err)
	proxy := watchtest.NewProxy(t, u.Host)
	u.Host = proxy.Addr()
	opts, err := redis.ParseURL(u.String())
	require.NoError(t, err)
	opts.MaxRetries, opts.DialTimeout, opts.ReadTimeout = -1, time.Second, time.Second
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	s, err := redisstore.New(client, redisstore.Config{Prefix: testredis.Prefix(t, testredis.Client(t)), Now: clk.Now})
	require.NoError(t, err)
	key, err := token.HS256("k1", []byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	issuer, err := token.New(token.Config{Issuer: "https://auth.example.test", Keys: []token.Key{key}, Revocations: s, Now: clk.Now})
	require.NoError(t, err)
	tok, err := issuer.Issue(ctx, "bob")
	require.NoError(t, err)
	_, err = issuer.Verify(ctx, tok.Value.Reveal())
	require.NoError(t, err)

	proxy.Refuse()
	_, err = s.Revoked(ctx, tok.ID, "bob", "", 0)
	assert.ErrorIs(t, err, token.ErrStore)
	_, err = s.Generation(ctx, "bob")
	assert.ErrorIs(t, err, token.ErrStore)
	assert.ErrorIs(t, s.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt), token.ErrStore)
	assert.ErrorIs(t, s.RevokeFamily(ctx, "fam-1", "bob", tok.ExpiresAt), token.ErrStore)
	assert.ErrorIs(t, s.RevokeSubject(ctx, "bob"), token.ErrStore)
	assert.NoError(t, s.Err(), "Err does not ask the server")
	_, err = issuer.Verify(ctx, tok.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrUnavailable, "a cached token is not taken on trust")
	assert.ErrorIs(t, err, token.ErrStore)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	_, err = issuer.Issue(ctx, "bob")
	assert.ErrorIs(t, err, authn.ErrUnavailable)

	proxy.Restore()
	require.Eventually(t, func() bool {
		_, err := issuer.Verify(ctx, tok.Value.Reveal())
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, "answers again once the server is back")
}

// A generation that is not a count (a key written by something else)
// fails the check rather than passing the token.
func TestCorruptGenerationFailsClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin := testredis.Client(t)
	prefix := testredis.Prefix(t, admin)
	s := newStore(t, redisstore.Config{Prefix: prefix})
	require.NoError(t, admin.Set(ctx, prefix+"gen:bob", "many", 0).Err())
	_, err := s.Revoked(ctx, "jti-1", "bob", "", 0)
	assert.ErrorIs(t, err, token.ErrStore)
	_, err = s.Generation(ctx, "bob")
	assert.ErrorIs(t, err, token.ErrStore)
}

func TestNewRefusesWhatItCannotUse(t *testing.T) {
	t.Parallel()
	_, err := redisstore.New(nil, redisstore.Config{})
	assert.ErrorIs(t, err, token.ErrInvalidConfig)

	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})
	t.Cleanup(func() { _ = cluster.Close() })
	ring := redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": "127.0.0.1:1"}})
	t.Cleanup(func() { _ = ring.Close() })
	for _, client := range []redis.UniversalClient{cluster, ring} {
		for _, prefix := range []string{"", "gatehouse:token:", "{}:token:", "}{:"} {
			_, err := redisstore.New(client, redisstore.Config{Prefix: prefix})
			assert.ErrorIs(t, err, token.ErrInvalidConfig, "%T, prefix %q: no hash tag", client, prefix)
		}
		s, err := redisstore.New(client, redisstore.Config{Prefix: "{gatehouse:token}:"})
		assert.NoError(t, err, "%T with a hash tag", client)
		assert.NotNil(t, s)
	}
	single := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = single.Close() })
	_, err = redisstore.New(single, redisstore.Config{Prefix: strings.Repeat("p", 10)})
	assert.NoError(t, err, "a single server needs no hash tag")
}

func BenchmarkVerify(b *testing.B) {
	s := newStore(b, redisstore.Config{Prefix: testredis.Prefix(b, testredis.Client(b))})
	revocationtest.BenchmarkVerify(b, s)
}
