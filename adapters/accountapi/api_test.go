package accountapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/accountapi"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/stack"
)

// world is an in-memory stack with its API mounted on net/http, and
// users alice (admin) and bob (user).
type world struct {
	t       *testing.T
	stack   *stack.Stack
	handler http.Handler
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, stack.Config{})
}

// newWorldWith is newWorld on a stack of cfg, whose Secret and Logger it
// sets.
func newWorldWith(t *testing.T, cfg stack.Config) *world {
	t.Helper()
	ctx := context.Background()
	cfg.Secret, cfg.Logger = []byte("a test secret of at least 32 bytes!!"), slog.New(slog.DiscardHandler)
	s, err := stack.New(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	_, err = s.EnsureUser(ctx, "alice@example.com", "alice's long password", "Alice", "admin")
	require.NoError(t, err)
	_, err = s.EnsureUser(ctx, "bob@example.com", "bob's long password", "Bob", "user")
	require.NoError(t, err)
	mw, err := httpadapter.New(httpadapter.Config{Guard: s.Guard()})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mw.Mount(mux, s.Routes()...)
	return &world{t: t, stack: s, handler: mw.Authenticate(mux)}
}

type call struct {
	method, path string
	body         string
	header       map[string]string
}

type answer struct {
	status int
	body   map[string]any
	header http.Header
	raw    string
}

func (w *world) do(c call) answer {
	w.t.Helper()
	req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), raw: rec.Body.String(), body: map[string]any{}}
	if rec.Body.Len() > 0 {
		require.NoError(w.t, json.Unmarshal(rec.Body.Bytes(), &a.body), rec.Body.String())
	}
	return a
}

func (w *world) login(email, password string) (access, refresh string) {
	w.t.Helper()
	a := w.do(call{method: "POST", path: "/auth/login", body: `{"email":"` + email + `","password":"` + password + `"}`})
	require.Equal(w.t, http.StatusOK, a.status, a.raw)
	return a.body["access_token"].(string), a.body["refresh_token"].(string)
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

func TestRefusals(t *testing.T) {
	w := newWorld(t)
	bob, _ := w.login("bob@example.com", "bob's long password")
	tests := []struct {
		name   string
		call   call
		status int
		code   string
	}{
		{"register without a name", call{method: "POST", path: "/auth/register", body: `{"email":"c@example.com","password":"a long password"}`}, 400, "invalid_request"},
		{"register with a short password", call{method: "POST", path: "/auth/register", body: `{"email":"c@example.com","password":"short","name":"C"}`}, 400, "invalid_request"},
		{"register an email that has an account", call{method: "POST", path: "/auth/register", body: `{"email":"Bob@Example.com","password":"a long password","name":"B"}`}, 409, "conflict"},
		{"register with an unknown field", call{method: "POST", path: "/auth/register", body: `{"email":"c@example.com","password":"a long password","name":"C","role":"admin"}`}, 400, "invalid_request"},
		{"login with a wrong password", call{method: "POST", path: "/auth/login", body: `{"email":"bob@example.com","password":"nope"}`}, 401, "invalid_credentials"},
		{"login with an unknown email", call{method: "POST", path: "/auth/login", body: `{"email":"nobody@example.com","password":"nope"}`}, 401, "invalid_credentials"},
		{"login without a password", call{method: "POST", path: "/auth/login", body: `{"email":"bob@example.com"}`}, 400, "invalid_request"},
		{"login with a form body", call{method: "POST", path: "/auth/login", body: `email=bob`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "unsupported_media_type"},
		{"refresh without a token", call{method: "POST", path: "/auth/refresh", body: `{}`}, 400, "invalid_request"},
		{"refresh with a forged token", call{method: "POST", path: "/auth/refresh", body: `{"refresh_token":"forged"}`}, 401, "invalid_token"},
		{"logout anonymously", call{method: "POST", path: "/auth/logout"}, 401, "unauthorized"},
		{"end a session with a bearer token", call{method: "DELETE", path: "/auth/session", header: bearer(bob)}, 400, "invalid_request"},
		{"me anonymously", call{method: "GET", path: "/me"}, 401, "unauthorized"},
		{"change the password without the current one", call{method: "POST", path: "/me/password", body: `{"new_password":"a new long password"}`, header: bearer(bob)}, 400, "invalid_request"},
		{"create a key without a name", call{method: "POST", path: "/api-keys", body: `{}`, header: bearer(bob)}, 400, "invalid_request"},
		{"revoke a key that does not exist", call{method: "DELETE", path: "/api-keys/nope", header: bearer(bob)}, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := w.do(tt.call)
			assert.Equal(t, tt.status, a.status, a.raw)
			assert.Equal(t, tt.code, a.body["error"], a.raw)
			assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
			if tt.status == 401 {
				assert.NotEmpty(t, a.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestRegisterLoginRefresh(t *testing.T) {
	w := newWorld(t)
	a := w.do(call{method: "POST", path: "/auth/register", body: `{"email":"dan@example.com","password":"dan's long password","name":"Dan"}`})
	require.Equal(t, http.StatusCreated, a.status, a.raw)
	assert.Equal(t, "dan@example.com", a.body["email"])
	access, refresh := w.login("dan@example.com", "dan's long password")
	me := w.do(call{method: "GET", path: "/me", header: bearer(access)})
	require.Equal(t, http.StatusOK, me.status)
	assert.Equal(t, a.body["id"], me.body["id"])
	assert.Equal(t, []any{"user"}, me.body["roles"])
	assert.Contains(t, me.body["permissions"], "posts:write")

	next := w.do(call{method: "POST", path: "/auth/refresh", body: `{"refresh_token":"` + refresh + `"}`})
	require.Equal(t, http.StatusOK, next.status)
	assert.Equal(t, "Bearer", next.body["token_type"])
	assert.EqualValues(t, 900, next.body["expires_in"])
	reuse := w.do(call{method: "POST", path: "/auth/refresh", body: `{"refresh_token":"` + refresh + `"}`})
	assert.Equal(t, http.StatusUnauthorized, reuse.status, "a refresh token is good once")
	again := w.do(call{method: "POST", path: "/auth/refresh", body: `{"refresh_token":"` + next.body["refresh_token"].(string) + `"}`})
	assert.Equal(t, http.StatusUnauthorized, again.status, "and its reuse ended the whole family")
}

func TestThrottle(t *testing.T) {
	w := newWorld(t)
	wrong := call{method: "POST", path: "/auth/login", body: `{"email":"bob@example.com","password":"wrong"}`}
	for range 5 {
		require.Equal(t, http.StatusUnauthorized, w.do(wrong).status)
	}
	a := w.do(call{method: "POST", path: "/auth/login", body: `{"email":"bob@example.com","password":"bob's long password"}`})
	assert.Equal(t, http.StatusTooManyRequests, a.status, "the right password does not pass once the account is throttled")
	assert.Equal(t, "too_many_requests", a.body["error"])
	assert.NotEmpty(t, a.header.Get("Retry-After"))
}

func TestSession(t *testing.T) {
	w := newWorld(t)
	a := w.do(call{method: "POST", path: "/auth/session", body: `{"email":"bob@example.com","password":"bob's long password"}`,
		header: map[string]string{"Cookie": w.stack.Sessions.CookieName() + "=a-stale-cookie"}})
	require.Equal(t, http.StatusOK, a.status, "a stale cookie does not stop a login: %s", a.raw)
	csrf := a.body["csrf_token"].(string)
	cookie, err := http.ParseSetCookie(a.header.Get("Set-Cookie"))
	require.NoError(t, err)
	assert.True(t, cookie.HttpOnly)
	withCookie := map[string]string{"Cookie": cookie.Name + "=" + cookie.Value}

	assert.Equal(t, http.StatusOK, w.do(call{method: "GET", path: "/me", header: withCookie}).status)
	assert.Equal(t, http.StatusForbidden, w.do(call{method: "DELETE", path: "/auth/session", header: withCookie}).status, "an unsafe method needs the CSRF token")
	withCookie[w.stack.Sessions.CSRFHeader()] = csrf
	end := w.do(call{method: "DELETE", path: "/auth/session", header: withCookie})
	require.Equal(t, http.StatusNoContent, end.status, end.raw)
	cleared, err := http.ParseSetCookie(end.header.Get("Set-Cookie"))
	require.NoError(t, err)
	assert.Equal(t, cookie.Name, cleared.Name)
	assert.Negative(t, cleared.MaxAge, "the cookie is cleared")
	assert.Equal(t, http.StatusUnauthorized, w.do(call{method: "GET", path: "/me", header: withCookie}).status)
}

func TestChangePassword(t *testing.T) {
	w := newWorld(t)
	access, _ := w.login("bob@example.com", "bob's long password")
	a := w.do(call{method: "POST", path: "/me/password", header: bearer(access),
		body: `{"current_password":"wrong","new_password":"bob's new long password"}`})
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.Equal(t, "invalid_credentials", a.body["error"])
	a = w.do(call{method: "POST", path: "/me/password", header: bearer(access),
		body: `{"current_password":"bob's long password","new_password":"short"}`})
	assert.Equal(t, http.StatusBadRequest, a.status)
	a = w.do(call{method: "POST", path: "/me/password", header: bearer(access),
		body: `{"current_password":"bob's long password","new_password":"bob's new long password"}`})
	require.Equal(t, http.StatusNoContent, a.status, a.raw)
	assert.Equal(t, http.StatusUnauthorized, w.do(call{method: "GET", path: "/me", header: bearer(access)}).status, "every credential held ends")
	w.login("bob@example.com", "bob's new long password")
}

func TestAPIKeys(t *testing.T) {
	w := newWorld(t)
	bob, _ := w.login("bob@example.com", "bob's long password")
	created := w.do(call{method: "POST", path: "/api-keys", header: bearer(bob), body: `{"name":"laptop"}`})
	require.Equal(t, http.StatusCreated, created.status, created.raw)
	key := created.body["key"].(string)
	withKey := map[string]string{"X-API-Key": key}

	me := w.do(call{method: "GET", path: "/me", header: withKey})
	require.Equal(t, http.StatusOK, me.status)
	assert.Equal(t, "bob@example.com", me.body["email"])
	list := w.do(call{method: "GET", path: "/api-keys", header: bearer(bob)})
	require.Equal(t, http.StatusOK, list.status)
	assert.NotContains(t, list.raw, key, "a list never shows a key")
	assert.Len(t, list.body["api_keys"], 1)

	minted := w.do(call{method: "POST", path: "/api-keys", header: withKey, body: `{"name":"another"}`})
	assert.Equal(t, http.StatusUnauthorized, minted.status, "a key does not mint keys")
	assert.Equal(t, "insufficient_user_authentication", minted.body["error"])

	id := created.body["id"].(string)
	carol := w.do(call{method: "POST", path: "/auth/register", body: `{"email":"carol@example.com","password":"carol's long password","name":"Carol"}`})
	require.Equal(t, http.StatusCreated, carol.status)
	carolToken, _ := w.login("carol@example.com", "carol's long password")
	assert.Equal(t, http.StatusForbidden, w.do(call{method: "DELETE", path: "/api-keys/" + id, header: bearer(carolToken)}).status)
	alice, _ := w.login("alice@example.com", "alice's long password")
	assert.Equal(t, http.StatusNoContent, w.do(call{method: "DELETE", path: "/api-keys/" + id, header: bearer(alice)}).status,
		"an administrator revokes anyone's key")
	assert.Equal(t, http.StatusUnauthorized, w.do(call{method: "GET", path: "/me", header: withKey}).status)
}

func TestRoutesFollowTheConfig(t *testing.T) {
	w := newWorld(t)
	s := w.stack
	api, err := accountapi.New(accountapi.Config{Accounts: s.Accounts, Users: s.Users, Engine: s.Engine})
	require.NoError(t, err)
	var patterns []string
	for _, r := range api.Routes() {
		patterns = append(patterns, r.Pattern())
	}
	assert.Equal(t, []string{"POST /auth/register", "POST /auth/login", "POST /auth/refresh", "POST /auth/logout", "GET /me", "POST /me/password"}, patterns,
		"no session or key routes without Sessions and APIKeys")
	assert.Equal(t, []string{"POST /auth/register", "POST /auth/login", "POST /auth/refresh", "POST /auth/session"}, s.API.PublicPaths())

	for _, cfg := range []accountapi.Config{
		{},
		{Accounts: s.Accounts},
		{Accounts: s.Accounts, Users: s.Users},
		{Accounts: s.Accounts, Users: s.Users, Engine: s.Engine, ManageKeys: "users:*"},
		{Accounts: s.Accounts, Users: s.Users, Engine: s.Engine, PasswordHashes: -1},
	} {
		_, err := accountapi.New(cfg)
		assert.ErrorIs(t, err, accountapi.ErrConfig)
	}
}

// TestPasswordHashesBounded shows a login that finds no turn to hash
// within PasswordWait answered 429 rather than queued without end.
func TestPasswordHashesBounded(t *testing.T) {
	w := newWorld(t)
	s := w.stack
	api, err := accountapi.New(accountapi.Config{Accounts: s.Accounts, Users: s.Users, Engine: s.Engine, PasswordHashes: 1, PasswordWait: time.Millisecond})
	require.NoError(t, err)
	var login func(context.Context, []byte) int
	for _, r := range api.Routes() {
		if r.Pattern() == "POST /auth/login" {
			h := r.Handler
			login = func(ctx context.Context, body []byte) int {
				resp := h(ctx, endpointRequest(body))
				if resp.Err != nil {
					return statusOf(resp.Err)
				}
				return resp.Status
			}
		}
	}
	require.NotNil(t, login)
	body := []byte(`{"email":"bob@example.com","password":"bob's long password"}`)
	results := make(chan int, 8)
	for range 8 {
		go func() { results <- login(context.Background(), body) }()
	}
	got := map[int]int{}
	for range 8 {
		got[<-results]++
	}
	assert.Positive(t, got[http.StatusOK], "some logins get their turn")
	assert.Positive(t, got[http.StatusTooManyRequests], "the others are told to retry: %v", got)
}
