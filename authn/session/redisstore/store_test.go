package redisstore_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/session/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testredis"
)

func newStore(t *testing.T, c redis.UniversalClient, p string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(c, redisstore.WithPrefix(p))
	require.NoError(t, err)
	return s
}

// TestConformance runs the store suite when GATEHOUSE_TEST_REDIS names a
// server. Each case gets a key prefix of its own; each handle is a client
// of its own, as another process would have.
func TestConformance(t *testing.T) {
	t.Parallel()
	testredis.URL(t) // skips without a server
	storetest.Run(t, func(t *testing.T) storetest.Open {
		p := testredis.Prefix(t, testredis.Client(t))
		return func(t *testing.T) session.Store { return newStore(t, testredis.Client(t), p) }
	})
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	s, err := redisstore.New(nil)
	assert.ErrorIs(t, err, session.ErrInvalidConfig)
	assert.Nil(t, s)

	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	t.Cleanup(func() { _ = c.Close() })
	s, err = redisstore.New(c, redisstore.WithPrefix(""))
	assert.ErrorIs(t, err, session.ErrInvalidConfig)
	assert.Nil(t, s)
}

// keyTTLs returns the time to live of every key under p, by name.
func keyTTLs(t *testing.T, c *redis.Client, p string) map[string]time.Duration {
	t.Helper()
	ctx := context.Background()
	keys, err := c.Keys(ctx, p+"*").Result()
	require.NoError(t, err)
	out := map[string]time.Duration{}
	for _, k := range keys {
		d, err := c.PTTL(ctx, k).Result()
		require.NoError(t, err)
		out[k[len(p):]] = d
	}
	return out
}

// Keys live as long as the Manager's times say, whatever the server's
// clock: a session's until its Expiry, moved on by each recorded use; its
// id's and its subject's set until its absolute expiry.
func TestTimesToLiveFollowTheCallersClock(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	p := testredis.Prefix(t, testredis.Client(t))
	s := newStore(t, c, p)
	ctx := context.Background()
	// Years away from the server's clock: only the durations count.
	at := time.Date(2040, 1, 2, 3, 4, 5, 0, time.UTC)
	rec := session.Record{
		ID: "ses_0123456789abcdef", TokenHash: strings.Repeat("ab", 32),
		Subject: "alice", CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(2 * time.Hour),
	}
	require.NoError(t, s.Create(ctx, rec, 30*time.Minute, ""))

	near := func(want, got time.Duration, what string) {
		t.Helper()
		assert.True(t, got <= want && got > want-10*time.Second, "%s: time to live %v, want %v", what, got, want)
	}
	ttls := keyTTLs(t, c, p)
	require.Len(t, ttls, 3, "token, id and subject keys: %v", ttls)
	near(30*time.Minute, ttls["token:"+rec.TokenHash], "session, idle first")
	near(2*time.Hour, ttls["id:"+rec.ID], "id")
	near(2*time.Hour, ttls["subject:alice"], "subject")

	// A use 20 minutes on extends the session to 20+30 minutes from its
	// creation: 30 minutes from that use.
	use := session.Use{Now: at.Add(20 * time.Minute), IdleTimeout: 30 * time.Minute, SeenAt: at.Add(20 * time.Minute), TouchInterval: time.Minute}
	_, found, err := s.Touch(ctx, rec.TokenHash, use)
	require.NoError(t, err)
	require.True(t, found)
	near(30*time.Minute, keyTTLs(t, c, p)["token:"+rec.TokenHash], "session after a use")

	// Near its lifetime, the absolute expiry comes first.
	use = session.Use{Now: at.Add(110 * time.Minute), IdleTimeout: 30 * time.Minute, SeenAt: at.Add(110 * time.Minute), TouchInterval: time.Minute}
	require.NoError(t, touchEach(ctx, s, rec, at.Add(45*time.Minute), at.Add(70*time.Minute), at.Add(95*time.Minute)))
	_, found, err = s.Touch(ctx, rec.TokenHash, use)
	require.NoError(t, err)
	require.True(t, found)
	near(10*time.Minute, keyTTLs(t, c, p)["token:"+rec.TokenHash], "session near its lifetime")

	// A use not due (and a refused request) leaves the time to live.
	before := keyTTLs(t, c, p)["token:"+rec.TokenHash]
	_, _, err = s.Touch(ctx, rec.TokenHash, session.Use{Now: at.Add(110 * time.Minute), IdleTimeout: 30 * time.Minute})
	require.NoError(t, err)
	assert.LessOrEqual(t, keyTTLs(t, c, p)["token:"+rec.TokenHash], before)
}

// touchEach records uses at each time.
func touchEach(ctx context.Context, s session.Store, rec session.Record, times ...time.Time) error {
	for _, at := range times {
		if _, _, err := s.Touch(ctx, rec.TokenHash, session.Use{Now: at, IdleTimeout: 30 * time.Minute, SeenAt: at, TouchInterval: time.Minute}); err != nil {
			return err
		}
	}
	return nil
}

// Every operation but Cleanup is one round trip, once the server holds the
// scripts; authenticating a request, the hot path, above all.
func TestOneRoundTripPerOperation(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	p := testredis.Prefix(t, testredis.Client(t))
	counter := &testredis.Commands{}
	c.AddHook(counter)
	clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	m, err := session.New(newStore(t, c, p), session.Config{Now: clock.Now})
	require.NoError(t, err)
	ctx := context.Background()

	// Load every script once: the first run of each is EVALSHA, refused,
	// then EVAL.
	warm, err := m.Create(ctx, "warm", "")
	require.NoError(t, err)
	cookie := func(s session.Session) authntest.Request {
		return authntest.Request{Cookies: map[string]string{m.CookieName(): s.Token.Reveal()}}
	}
	_, err = m.Authenticate(ctx, cookie(warm))
	require.NoError(t, err)
	_, err = m.List(ctx, "warm")
	require.NoError(t, err)
	require.ErrorIs(t, m.DestroyByID(ctx, "warm", "ses_0000000000000000"), session.ErrSessionNotFound)
	require.NoError(t, m.DestroySubject(ctx, "nobody"))
	require.NoError(t, m.Destroy(ctx, warm.Token.Reveal()))
	counter.Reset()

	s, err := m.Create(ctx, "alice", "")
	require.NoError(t, err)
	cmds := counter.Take()
	assert.Len(t, cmds, 1, "Create: %v", cmds)

	for _, step := range []struct {
		name    string
		advance time.Duration
		req     authntest.Request
		wantErr error
	}{
		{"a read, not due", time.Second, cookie(s), nil},
		{"a read that records its use", 2 * time.Minute, cookie(s), nil},
		{"a write with its CSRF token", time.Second, authntest.Request{HTTPMethod: "POST", Cookies: cookie(s).Cookies,
			Headers: map[string]string{m.CSRFHeader(): s.CSRFToken.Reveal()}}, nil},
		{"a write without", time.Second, authntest.Request{HTTPMethod: "POST", Cookies: cookie(s).Cookies}, authn.ErrCSRF},
		{"an unknown token", 0, authntest.Request{Cookies: map[string]string{m.CookieName(): "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}, authn.ErrInvalidSession},
	} {
		clock.Advance(step.advance)
		_, err := m.Authenticate(ctx, step.req)
		if step.wantErr == nil {
			require.NoError(t, err, step.name)
		} else {
			require.ErrorIs(t, err, step.wantErr, step.name)
		}
		cmds := counter.Take()
		assert.Len(t, cmds, 1, "Authenticate, %s: %v", step.name, cmds)
	}

	other, err := m.Create(ctx, "alice", s.Token.Reveal())
	require.NoError(t, err)
	cmds = counter.Take()
	assert.Len(t, cmds, 1, "Create replacing a session: %v", cmds)

	_, err = m.List(ctx, "alice")
	require.NoError(t, err)
	cmds = counter.Take()
	assert.Len(t, cmds, 1, "List: %v", cmds)

	require.NoError(t, m.DestroyByID(ctx, "alice", other.ID))
	cmds = counter.Take()
	assert.Len(t, cmds, 1, "DestroyByID: %v", cmds)

	require.NoError(t, m.Destroy(ctx, other.Token.Reveal()))
	cmds = counter.Take()
	assert.Len(t, cmds, 1, "Destroy: %v", cmds)

	require.NoError(t, m.DestroySubject(ctx, "alice"))
	cmds = counter.Take()
	assert.Len(t, cmds, 1, "DestroySubject: %v", cmds)
}

// The per-subject sets do not grow forever: ids of sessions Redis expired
// by itself are pruned by the next login, by List, and by Cleanup.
func TestSubjectSetsArePruned(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	p := testredis.Prefix(t, testredis.Client(t))
	s := newStore(t, c, p)
	ctx := context.Background()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	members := func(subject string) []string {
		t.Helper()
		ids, err := c.SMembers(ctx, p+"subject:"+subject).Result()
		require.NoError(t, err)
		return ids
	}
	newRec := func(id, subject string) session.Record {
		return session.Record{ID: id, TokenHash: hex.EncodeToString([]byte(id + "................"))[:64], Subject: subject,
			CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(time.Hour)}
	}
	// expire drops a session's keys as Redis does when they time out.
	expire := func(rec session.Record) {
		t.Helper()
		require.NoError(t, c.Del(ctx, p+"token:"+rec.TokenHash).Err())
	}

	tests := []struct {
		name  string
		prune func(subject string)
	}{
		{"by a login", func(subject string) {
			require.NoError(t, s.Create(ctx, newRec("ses_ffffffffffffff00", subject), time.Minute, ""))
			require.NoError(t, s.Destroy(ctx, newRec("ses_ffffffffffffff00", subject).TokenHash))
		}},
		{"by List", func(subject string) {
			_, err := s.List(ctx, subject, at, time.Minute)
			require.NoError(t, err)
		}},
		{"by Cleanup", func(string) {
			_, err := s.Cleanup(ctx, at, time.Minute)
			require.NoError(t, err)
		}},
	}
	for i, tt := range tests {
		subject := "user-" + tt.name
		gone := newRec("ses_000000000000000"+string(rune('a'+i)), subject)
		kept := newRec("ses_100000000000000"+string(rune('a'+i)), subject)
		require.NoError(t, s.Create(ctx, gone, time.Minute, ""))
		require.NoError(t, s.Create(ctx, kept, time.Minute, ""))
		expire(gone)
		require.ElementsMatch(t, []string{gone.ID, kept.ID}, members(subject))

		tt.prune(subject)
		assert.Equal(t, []string{kept.ID}, members(subject), tt.name)
		ttls := keyTTLs(t, c, p)
		assert.NotContains(t, ttls, "id:"+gone.ID, "%s: the dead id's key goes too", tt.name)
	}
}

// A server that does not answer is an error, never "not found".
func TestUnreachableServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = c.Close() })
	m, err := session.New(newStore(t, c, "gatehouse-test:unreachable:"), session.Config{})
	require.NoError(t, err)
	ctx := context.Background()

	_, err = m.Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.CookieName(): "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}})
	assert.ErrorIs(t, err, session.ErrStore)
	assert.NotErrorIs(t, err, authn.ErrInvalidSession, "a failure is never taken for a dead session")
	_, err = m.Create(ctx, "alice", "")
	assert.ErrorIs(t, err, session.ErrStore)
	_, err = m.List(ctx, "alice")
	assert.ErrorIs(t, err, session.ErrStore)
	assert.ErrorIs(t, m.DestroyByID(ctx, "alice", "ses_0123456789abcdef"), session.ErrStore)
	_, err = m.Cleanup(ctx)
	assert.ErrorIs(t, err, session.ErrStore)
}

// A session written before sessions kept their login's methods, whose hash
// has no methods field, reads as of unknown methods from every script that
// returns it; and Create writes the field.
func TestSessionsWithoutMethods(t *testing.T) {
	t.Parallel()
	c := testredis.Client(t)
	p := testredis.Prefix(t, testredis.Client(t))
	ctx := context.Background()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := authntest.NewClock(at)
	m, err := session.New(newStore(t, c, p), session.Config{Now: clock.Now, TouchInterval: time.Minute})
	require.NoError(t, err)

	// The keys of a session as the store wrote them before.
	raw := make([]byte, 32)
	_, err = rand.Read(raw)
	require.NoError(t, err)
	token := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	hash, id := hex.EncodeToString(sum[:]), "ses_0123456789abcdef"
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	require.NoError(t, c.HSet(ctx, p+"token:"+hash, "id", id, "subject", "alice",
		"created", ms(at), "seen", ms(at), "expires", ms(at.Add(24*time.Hour))).Err())
	require.NoError(t, c.Set(ctx, p+"id:"+id, hash, time.Hour).Err())
	require.NoError(t, c.SAdd(ctx, p+"subject:alice", id).Err())

	cookie := authntest.Request{Cookies: map[string]string{m.CookieName(): token}}
	for _, advance := range []time.Duration{0, 2 * time.Minute} { // a look, then a recorded use
		clock.Advance(advance)
		sub, err := m.Authenticate(ctx, cookie)
		require.NoError(t, err, "the session lives on")
		assert.Equal(t, "alice", sub.ID)
		assert.Nil(t, sub.AMR)
		assert.Empty(t, sub.ACR)
	}
	infos, err := m.List(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, infos, 1)
	assert.Equal(t, id, infos[0].ID)
	assert.Equal(t, at.Add(2*time.Minute), infos[0].LastSeenAt, "the use was recorded")
	assert.Nil(t, infos[0].Methods)

	s, err := m.Create(ctx, "alice", token, authn.AMRPassword)
	require.NoError(t, err)
	_, err = m.Authenticate(ctx, cookie)
	assert.ErrorIs(t, err, authn.ErrInvalidSession, "the new login replaced it")
	var written []string
	for key := range keyTTLs(t, c, p) {
		if strings.HasPrefix(key, "token:") {
			v, err := c.HGet(ctx, p+key, "methods").Result()
			require.NoError(t, err)
			written = append(written, v)
		}
	}
	assert.Equal(t, []string{"pwd"}, written, "Create writes the field")
	sub, err := m.Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.CookieName(): s.Token.Reveal()}})
	require.NoError(t, err)
	assert.Equal(t, []string{authn.AMRPassword}, sub.AMR)
	assert.Equal(t, authn.ACRSingleFactor, sub.ACR)
}
