package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/readmetest"
)

// TestREADME checks that the README shows this program as it is, so the
// program a reader pastes is the one these tests run.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	program, err := os.ReadFile("main.go")
	require.NoError(t, err)
	if !strings.Contains(string(readme), "```go\n"+string(program)+"```\n") {
		t.Error("README.md must show examples/minimal/main.go whole, in a go block: copy it there again")
	}
}

type client struct {
	t   *testing.T
	app http.Handler
}

func (c client) do(method, path, token, body string) (int, map[string]any) {
	c.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	c.app.ServeHTTP(rec, req)
	out := map[string]any{}
	if rec.Body.Len() > 0 {
		require.NoError(c.t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	}
	return rec.Code, out
}

func (c client) login(email, password string) string {
	c.t.Helper()
	status, body := c.do("POST", "/auth/login", "", `{"email":"`+email+`","password":"`+password+`"}`)
	require.Equal(c.t, http.StatusOK, status, body)
	return body["access_token"].(string)
}

func (c client) register(email, password, name string) string {
	c.t.Helper()
	status, body := c.do("POST", "/auth/register", "", `{"email":"`+email+`","password":"`+password+`","name":"`+name+`"}`)
	require.Equal(c.t, http.StatusCreated, status, body)
	return body["id"].(string)
}

// TestWalkthrough runs the README's walk through the program, across a
// restart on the same SQLite file.
func TestWalkthrough(t *testing.T) {
	t.Setenv("JWT_SECRET", "a test secret of at least 32 bytes!!")
	t.Setenv("ADMIN_PASSWORD", "the admin's long password")
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "minimal.db")
	app, err := newApp(ctx, dsn)
	require.NoError(t, err)
	c := client{t: t, app: app}

	c.register("bob@example.com", "bob's long password", "Bob")
	carol := c.register("carol@example.com", "carol's long password", "Carol")
	bobToken := c.login("bob@example.com", "bob's long password")
	carolToken := c.login("carol@example.com", "carol's long password")

	status, _ := c.do("PUT", "/posts/1", "", "")
	assert.Equal(t, http.StatusUnauthorized, status, "anonymous")
	status, _ = c.do("PUT", "/posts/1", bobToken, "")
	assert.Equal(t, http.StatusCreated, status, "users may post")
	status, body := c.do("DELETE", "/posts/1", carolToken, "")
	assert.Equal(t, http.StatusForbidden, status, "carol may not delete bob's post: %v", body)
	status, _ = c.do("DELETE", "/posts/2", carolToken, "")
	assert.Equal(t, http.StatusNotFound, status)

	admin := c.login("admin@example.com", "the admin's long password")
	status, _ = c.do("PUT", "/admin/users/"+carol+"/roles/moderator", carolToken, "")
	assert.Equal(t, http.StatusForbidden, status, "only administrators give roles")
	status, body = c.do("PUT", "/admin/users/"+carol+"/roles/moderator", admin, "")
	require.Equal(t, http.StatusNoContent, status, body)
	status, _ = c.do("DELETE", "/posts/1", carolToken, "")
	assert.Equal(t, http.StatusNoContent, status, "moderators delete any post, from their next request on")

	restarted, err := newApp(ctx, dsn)
	require.NoError(t, err, "a second start finds the administrator made")
	c.app = restarted
	status, body = c.do("GET", "/me", carolToken, "")
	require.Equal(t, http.StatusOK, status, "tokens outlive a restart with the same secret")
	assert.Contains(t, body["roles"], "moderator", "and so do roles")
	c.login("bob@example.com", "bob's long password")
}

// TestREADMEWalkthrough runs the README's curl walk-through of this
// program against it.
func TestREADMEWalkthrough(t *testing.T) {
	t.Setenv("JWT_SECRET", "a test secret of at least 32 bytes!!")
	t.Setenv("ADMIN_PASSWORD", "the-admin-password")
	app, err := newApp(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "minimal.db"))
	require.NoError(t, err)
	srv := httptest.NewServer(app)
	defer srv.Close()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	readmetest.Walk(t, readme, "Your own application", srv.URL)
}

// TestNoSecret shows the program refusing to start without a secret,
// rather than signing tokens with an empty key.
func TestNoSecret(t *testing.T) {
	t.Setenv("JWT_SECRET", "")
	_, err := newApp(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "minimal.db"))
	assert.ErrorContains(t, err, "Secret")
}
