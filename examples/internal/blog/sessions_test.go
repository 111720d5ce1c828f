package blog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Sessions are kept in the database, or in Redis when GATEHOUSE_REDIS is
// set, on the app's one Redis client.
func TestSessionStore(t *testing.T) {
	t.Parallel()
	redisURL := os.Getenv("GATEHOUSE_TEST_REDIS")
	for _, tt := range []struct {
		name  string
		redis string
	}{
		{"database", ""},
		{"redis", redisURL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.name == "redis" && redisURL == "" {
				t.Skip("GATEHOUSE_TEST_REDIS is not set: no Redis server to keep sessions in")
			}
			ctx := context.Background()
			cfg := Config{Database: "sqlite:" + filepath.Join(t.TempDir(), "blog.db"), Redis: tt.redis,
				RedisPrefix: "gatehouse-test:",
				JWTSecret:   []byte("session-store-test-secret-0123456789"), JWTIssuer: "gatehouse"}
			a, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			require.NoError(t, err)
			t.Cleanup(a.Close)

			s, err := a.Auth.Sessions.Create(ctx, "user-1", "")
			require.NoError(t, err)
			t.Cleanup(func() { _ = a.Auth.Sessions.Destroy(context.Background(), s.Token.Reveal()) })
			sum := sha256.Sum256([]byte(s.Token.Reveal()))
			hash := hex.EncodeToString(sum[:])

			var rows int64
			tableErr := a.db.Table("gatehouse_sessions").Where("token_hash = ?", hash).Count(&rows).Error
			if tt.redis == "" {
				require.NoError(t, tableErr)
				assert.Equal(t, int64(1), rows, "in the database")
				assert.Nil(t, a.redis, "no Redis client without GATEHOUSE_REDIS")
				return
			}
			assert.True(t, tableErr != nil || rows == 0, "not in the database")
			require.NotNil(t, a.redis)
			n, err := a.redis.Exists(ctx, "gatehouse-test:session:token:"+hash).Result()
			require.NoError(t, err)
			assert.Equal(t, int64(1), n, "in Redis, on the app's client")
		})
	}
}
