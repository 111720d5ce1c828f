package blog

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// TestReplicasStartTogether starts five replicas at once on an empty
// database, as a deployment does: every table is created, the policy and
// the demo users are seeded once, and every replica starts.
func TestReplicasStartTogether(t *testing.T) {
	t.Parallel()
	for _, env := range testdb.Servers {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			_, dsn := testdb.ServerDSN(t, env)
			cfg := Config{Database: dsn, JWTSecret: []byte("replicas-start-together-secret-0123456789"), JWTIssuer: "gatehouse"}
			var wg sync.WaitGroup
			apps := make([]*App, 5)
			errs := make([]error, 5)
			for i := range apps {
				wg.Go(func() {
					apps[i], errs[i] = Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
				})
			}
			wg.Wait()
			for i, err := range errs {
				require.NoError(t, err, "replica %d", i)
				t.Cleanup(apps[i].Close)
			}
			n, err := apps[0].Auth.Users.Count(context.Background())
			require.NoError(t, err)
			require.Equal(t, int64(len(demoUsers)), n)
			// Every replica comes to hold the default policy's two
			// inheritances and one role per demo user, once each.
			for _, app := range apps {
				require.Eventually(t, func() bool {
					p, err := app.Auth.Engine.Policy(context.Background())
					return err == nil && len(p.Roles) == 5
				}, 15*time.Second, 10*time.Millisecond)
			}
		})
	}
}
