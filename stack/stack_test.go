package stack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn/users"
	usersmem "github.com/gatehouse-go/gatehouse/authn/users/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/internal/testredis"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/stack"
)

var secret = []byte("a test secret of at least 32 bytes!!")

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// server mounts the stack's API and one guarded route on net/http.
type server struct {
	t       *testing.T
	handler http.Handler
}

func newServer(t *testing.T, s *stack.Stack) *server {
	mw, err := httpadapter.New(httpadapter.Config{Guard: s.Guard()})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mw.Mount(mux, s.Routes()...)
	mux.Handle("GET /admin/users", mw.RequirePermission(permissions.UsersRead)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "the users\n")
	})))
	return &server{t: t, handler: mw.Authenticate(mux)}
}

// do sends a request with a JSON body (when body is not nil) and the
// bearer token (when not empty), and returns the status and decoded body.
func (s *server) do(method, path, bearer string, body any) (int, map[string]any, *http.Response) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(s.t, err)
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	out := map[string]any{}
	if rec.Body.Len() > 0 && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		require.NoError(s.t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	}
	return rec.Code, out, rec.Result()
}

func (s *server) login(email, password string) (access, refresh string) {
	status, body, _ := s.do("POST", "/auth/login", "", map[string]string{"email": email, "password": password})
	require.Equal(s.t, http.StatusOK, status, body)
	return body["access_token"].(string), body["refresh_token"].(string)
}

func TestInMemory(t *testing.T) {
	ctx := context.Background()
	s, err := stack.New(ctx, stack.Config{Secret: secret, Logger: quiet()})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ready(ctx))
	srv := newServer(t, s)

	status, body, _ := srv.do("POST", "/auth/register", "", map[string]string{"email": "dan@example.com", "password": "dan's long password", "name": "Dan"})
	require.Equal(t, http.StatusCreated, status, body)
	id := body["id"].(string)
	assert.True(t, users.IsID(id))
	access, refresh := srv.login("dan@example.com", "dan's long password")

	status, body, _ = srv.do("GET", "/me", access, nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []any{"user"}, body["roles"], "registered users hold NewUserRoles' default")

	status, _, _ = srv.do("GET", "/admin/users", access, nil)
	assert.Equal(t, http.StatusForbidden, status)
	require.NoError(t, s.Engine.AssignRole(ctx, id, "moderator"))
	status, _, _ = srv.do("GET", "/admin/users", access, nil)
	assert.Equal(t, http.StatusOK, status, "a runtime grant holds on the very next request")

	status, _, _ = srv.do("POST", "/auth/logout", access, map[string]string{"refresh_token": refresh})
	assert.Equal(t, http.StatusNoContent, status)
	status, _, _ = srv.do("GET", "/me", access, nil)
	assert.Equal(t, http.StatusUnauthorized, status, "logged out")
	status, _, _ = srv.do("POST", "/auth/refresh", "", map[string]string{"refresh_token": refresh})
	assert.Equal(t, http.StatusUnauthorized, status, "the refresh family ended with the logout")
}

func TestConfig(t *testing.T) {
	ctx := context.Background()
	_, err := stack.New(ctx, stack.Config{})
	assert.ErrorIs(t, err, stack.ErrConfig, "a signing secret is required")
	_, err = stack.New(ctx, stack.Config{Secret: []byte("short")})
	assert.ErrorIs(t, err, stack.ErrConfig, "a secret under 32 bytes is refused")
	_, err = stack.New(ctx, stack.Config{Secret: secret, NewUserRoles: []string{"has space"}, Logger: quiet()})
	assert.NoError(t, err, "roles are checked when a user registers")
	_, err = stack.New(ctx, stack.Config{Secret: secret, Authz: []authz.Option{authz.WithPolicyFile("no/such/file.csv")}, Logger: quiet()})
	assert.Error(t, err, "the engine's own options are checked")
}

// TestRestart shows that everything the stack keeps in its database
// outlives the process: accounts, roles, refresh tokens; on SQLite, and on
// PostgreSQL and MariaDB when their DSNs are set.
func TestRestart(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) { testRestart(t, b.New(t)) })
}

func testRestart(t *testing.T, database testdb.Database) {
	ctx := context.Background()
	first, err := stack.New(ctx, stack.Config{DB: database.Open(t), Secret: secret, Logger: quiet()})
	require.NoError(t, err)
	admin, err := first.EnsureUser(ctx, "admin@example.com", "the admin's password", "Admin", "admin")
	require.NoError(t, err)
	again, err := first.EnsureUser(ctx, "ADMIN@example.com", "the admin's password", "Admin", "admin", "moderator")
	require.NoError(t, err, "EnsureUser is idempotent and adds the roles that lack")
	assert.Equal(t, admin.ID, again.ID)
	_, refresh := newServer(t, first).login("admin@example.com", "the admin's password")
	first.Close()

	second, err := stack.New(ctx, stack.Config{DB: database.Open(t), Secret: secret, Logger: quiet()})
	require.NoError(t, err)
	defer second.Close()
	roles, err := second.Engine.Roles(ctx, admin.ID)
	require.NoError(t, err)
	assert.Subset(t, roles, []string{"admin", "moderator"})
	srv := newServer(t, second)
	status, body, _ := srv.do("POST", "/auth/refresh", "", map[string]string{"refresh_token": refresh})
	require.Equal(t, http.StatusOK, status, body)
	status, _, _ = srv.do("GET", "/admin/users", body["access_token"].(string), nil)
	assert.Equal(t, http.StatusOK, status)
}

// TestStoresOverride shows a store given in Config.Stores used instead of
// the database's.
func TestStoresOverride(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	accounts := usersmem.New()
	s, err := stack.New(ctx, stack.Config{DB: db, Secret: secret, Stores: stack.Stores{Users: accounts}, Logger: quiet()})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.EnsureUser(ctx, "eve@example.com", "eve's long password", "Eve")
	require.NoError(t, err)
	_, found, err := accounts.GetByEmail(ctx, "eve@example.com")
	require.NoError(t, err)
	assert.True(t, found, "the account is in the store given")
	assert.False(t, db.Migrator().HasTable("users"), "and the database has no user table")
}

func TestReadyReportsTheDatabase(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	s, err := stack.New(ctx, stack.Config{DB: db, Secret: secret, Logger: quiet()})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ready(ctx))
	sqlDB, err := db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	assert.Error(t, s.Ready(ctx))
}

// TestRedis shows the hot records kept in Redis under the prefix: a
// session, a failed login's count, a revocation.
func TestRedis(t *testing.T) {
	ctx := context.Background()
	client := testredis.Client(t)
	prefix := testredis.Prefix(t, client)
	s, err := stack.New(ctx, stack.Config{DB: testdb.Open(t), Redis: client, RedisPrefix: prefix, Secret: secret, Logger: quiet()})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.EnsureUser(ctx, "fay@example.com", "fay's long password", "Fay")
	require.NoError(t, err)
	srv := newServer(t, s)
	status, _, _ := srv.do("POST", "/auth/session", "", map[string]string{"email": "fay@example.com", "password": "fay's long password"})
	require.Equal(t, http.StatusOK, status)
	status, _, _ = srv.do("POST", "/auth/login", "", map[string]string{"email": "fay@example.com", "password": "wrong"})
	require.Equal(t, http.StatusUnauthorized, status)
	access, _ := srv.login("fay@example.com", "fay's long password")
	status, _, _ = srv.do("POST", "/auth/logout", access, nil)
	require.Equal(t, http.StatusNoContent, status)

	for _, kind := range []string{"session:", "throttle:", "token:"} {
		keys, err := client.Keys(ctx, prefix+kind+"*").Result()
		require.NoError(t, err)
		assert.NotEmpty(t, keys, "%s records are in Redis", kind)
	}
	require.NoError(t, s.Ready(ctx))
}

// TestNilRedisClient shows a nil *redis.Client taken for no Redis, as a
// configuration that opens the client only when a URL is set passes it.
func TestNilRedisClient(t *testing.T) {
	var client *redis.Client
	s, err := stack.New(context.Background(), stack.Config{Secret: secret, Redis: client, Logger: quiet()})
	require.NoError(t, err)
	defer s.Close()
	assert.NoError(t, s.Ready(context.Background()))
}

func TestCloseTwice(t *testing.T) {
	s, err := stack.New(context.Background(), stack.Config{Secret: secret, Logger: quiet()})
	require.NoError(t, err)
	s.Close()
	s.Close() // does nothing more
}
