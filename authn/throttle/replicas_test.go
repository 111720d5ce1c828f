package throttle_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// Two replicas, each with its own connection pool on one database, share
// the counts: a guesser spreading attempts over them is throttled on the
// sum.
func TestReplicasShareTheCount(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		cfg := throttle.Config{MaxFailures: 4, MaxFailuresPerAddress: 6}
		f := newFixtureOn(t, b, cfg)
		cfg.Now = f.clock.Now
		other, err := throttle.New(ctx, f.database.Open(t), cfg)
		require.NoError(t, err)
		replicas := []*throttle.Limiter{f.limiter, other}

		tests := []struct {
			name             string
			account, address string
			failures         int // spread over the replicas, alternately
		}{
			{"account limit", "alice@example.com", "", cfg.MaxFailures},
			{"address limit", "", "192.0.2.7", cfg.MaxFailuresPerAddress},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for i := range tt.failures {
					account := tt.account
					if account == "" {
						account = string(rune('a'+i)) + "@example.com" // a new account each time
					}
					replica := replicas[i%2]
					require.NoError(t, replica.Check(ctx, account, tt.address), "failure %d is still allowed", i+1)
					require.NoError(t, replica.RecordFailure(ctx, account, tt.address))
				}
				account := tt.account
				if account == "" {
					account = "zed@example.com"
				}
				for i, replica := range replicas {
					err := replica.Check(ctx, account, tt.address)
					var throttled *authn.ThrottledError
					require.ErrorAs(t, err, &throttled, "replica %d counts both replicas' failures", i)
					assert.Equal(t, throttle.DefaultWindow, throttled.RetryAfter, "the clock has not moved")
				}
			})
		}
	})
}

// Accounts are counted exactly as given, whatever the database's
// collation: MySQL's default ones would add up the failures of "alice",
// "Alice" and "álice".
func TestAccountsAreComparedExactly(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		f := newFixtureOn(t, b, throttle.Config{MaxFailures: 2})
		accounts := []string{"alice", "Alice", "ALICE", "álice", "alice "}
		for _, account := range accounts {
			f.fail(t, 1, account, "")
		}
		for _, account := range accounts {
			assert.Zero(t, f.retryAfter(t, account, ""), "%q has one failure of its own", account)
		}
		f.fail(t, 1, "alice", "")
		assert.NotZero(t, f.retryAfter(t, "alice", ""))
		assert.Zero(t, f.retryAfter(t, "Alice", ""))
	})
}
