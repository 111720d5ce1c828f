package account_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	throttlegorm "github.com/gatehouse-go/gatehouse/authn/throttle/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/throttle/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// countingHasher counts the passwords it verifies: each is a guess that
// was actually checked.
type countingHasher struct {
	password.Hasher
	verified atomic.Int64
}

func (h *countingHasher) Verify(encoded, pw string) (bool, error) {
	h.verified.Add(1)
	return h.Hasher.Verify(encoded, pw)
}

// countedReplica is a rig over db whose Service verifies passwords with
// hasher: one replica of an application, with its own connection pool and
// throttle, sharing the database with the others. The throttle keeps its
// counts in the database, or in the store throttleStore opens when it is
// not nil.
func countedReplica(t *testing.T, db *gorm.DB, hasher password.Hasher, throttleStore func(t *testing.T) throttle.Store) *rig {
	t.Helper()
	r := newRigOn(t, db)
	u, err := users.New(usersStore(t, db), users.Config{Hasher: hasher, Now: r.clock.Now})
	require.NoError(t, err)
	r.cfg.Users = u
	r.users = u
	if throttleStore != nil {
		r.cfg.Throttle, err = throttle.New(throttleStore(t), throttle.Config{Now: r.clock.Now})
		require.NoError(t, err)
	}
	svc, err := account.New(r.cfg)
	require.NoError(t, err)
	r.Service = svc
	return r
}

// throttleStores are where TestConcurrentGuessesStopAtTheLimit keeps the
// counts: in the database (nil), and in Redis when GATEHOUSE_TEST_REDIS is
// set, each replica with a client of its own under one random prefix.
func throttleStores(t *testing.T) map[string]func(t *testing.T) func(t *testing.T) throttle.Store {
	stores := map[string]func(t *testing.T) func(t *testing.T) throttle.Store{
		"the database": func(*testing.T) func(*testing.T) throttle.Store { return nil },
	}
	url := os.Getenv("GATEHOUSE_TEST_REDIS")
	if url == "" {
		t.Log("GATEHOUSE_TEST_REDIS is not set: the throttle is not tested on Redis")
		return stores
	}
	stores["Redis"] = func(t *testing.T) func(t *testing.T) throttle.Store {
		prefix := "gatehouse-test:account:" + rand.Text() + ":"
		t.Cleanup(func() {
			client := redisClient(t, url)
			ctx := context.Background()
			for iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator(); iter.Next(ctx); {
				_ = client.Del(ctx, iter.Val()).Err()
			}
		})
		return func(t *testing.T) throttle.Store {
			s, err := redisstore.New(redisClient(t, url), redisstore.Config{Prefix: prefix})
			require.NoError(t, err)
			return s
		}
	}
	return stores
}

// redisClient opens a client on url, closed when t ends.
func redisClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	require.NoError(t, err)
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// TestConcurrentGuessesStopAtTheLimit sends many wrong passwords for one
// account at once, spread over two replicas on one database, with more
// threads than cores: exactly MaxFailures (5) of them are checked against
// the hash, and every other one is throttled before its password is
// looked at. Checking the count and recording the failure as two steps let
// every attempt that started before the fifth failure was written through.
//
// It raises GOMAXPROCS, which is process-wide, so it does not run in
// parallel.
func TestConcurrentGuessesStopAtTheLimit(t *testing.T) {
	previous := runtime.GOMAXPROCS(max(16, runtime.NumCPU()))
	t.Cleanup(func() { runtime.GOMAXPROCS(previous) })

	stores := throttleStores(t)
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for name, newStore := range stores {
			for _, n := range []int{20, 40} {
				t.Run(fmt.Sprintf("throttle in %s, %d guesses", name, n), func(t *testing.T) {
					ctx := context.Background()
					database := b.New(t)
					hasher := &countingHasher{Hasher: argon2idForTests(t)}
					openStore := newStore(t)
					replicas := []*rig{countedReplica(t, database.Open(t), hasher, openStore), countedReplica(t, database.Open(t), hasher, openStore)}
					replicas[0].register(t, bobEmail, bobPassword)
					hasher.verified.Store(0)

					start := make(chan struct{})
					errs := make([]error, n)
					var wg sync.WaitGroup
					for i := range n {
						wg.Add(1)
						go func() {
							defer wg.Done()
							<-start
							_, errs[i] = replicas[i%2].Login(ctx, bobEmail, "not-bobs-password", "192.0.2.1")
						}()
					}
					close(start)
					wg.Wait()

					var refused, throttled int
					for _, err := range errs {
						switch {
						case errors.Is(err, authn.ErrThrottled):
							throttled++
						case errors.Is(err, authn.ErrInvalidCredentials):
							refused++
						default:
							t.Errorf("unexpected error: %v", err)
						}
					}
					assert.EqualValues(t, throttle.DefaultMaxFailures, hasher.verified.Load(), "passwords checked")
					assert.Equal(t, throttle.DefaultMaxFailures, refused, "wrong passwords")
					assert.Equal(t, n-throttle.DefaultMaxFailures, throttled, "throttled")

					for i, r := range replicas {
						_, err := r.Login(ctx, bobEmail, bobPassword, "198.51.100.1")
						assert.ErrorIs(t, err, authn.ErrThrottled, "replica %d: the right password waits too", i)
					}
					assert.EqualValues(t, throttle.DefaultMaxFailures, hasher.verified.Load(), "and is not checked")
				})
			}
		}
	})
}

// TestLoginCountsTheAddressNotTheConnection checks that Login given
// http.Request.RemoteAddr as it stands, port included, counts failures
// per client IP: each connection has a port of its own, and counting them
// apart would let one client guess without limit across accounts.
func TestLoginCountsTheAddressNotTheConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	r := newRigOn(t, db)
	store, err := throttlegorm.New(ctx, db)
	require.NoError(t, err)
	limiter, err := throttle.New(store, throttle.Config{MaxFailuresPerAddress: 3, Now: r.clock.Now})
	require.NoError(t, err)
	cfg := r.cfg
	cfg.Throttle = limiter
	svc, err := account.New(cfg)
	require.NoError(t, err)
	r.register(t, bobEmail, bobPassword)

	for i, remoteAddr := range []string{"192.0.2.1:37198", "192.0.2.1:37199", "[::ffff:192.0.2.1]:40000"} {
		_, err := svc.Login(ctx, fmt.Sprintf("user-%d@example.com", i), "a-guess-at-it", remoteAddr)
		require.ErrorIs(t, err, authn.ErrInvalidCredentials)
	}
	_, err = svc.Login(ctx, bobEmail, bobPassword, "192.0.2.1:50000")
	assert.ErrorIs(t, err, authn.ErrThrottled, "a fourth connection from the same client")
	_, err = svc.Login(ctx, bobEmail, bobPassword, "198.51.100.7:50000")
	assert.NoError(t, err, "another client")
}
