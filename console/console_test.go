package console_test

import (
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
	sessionmem "github.com/gatehouse-go/gatehouse/authn/session/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/console"
)

const testPolicy = `
p, user, posts:read, own, allow
p, editor, posts:update, any, allow
p, admin, policy:*, any, allow
p, auditor, policy:read, any, allow
g, editor, user
g, alice, admin
g, carol, editor
g, olga, auditor
`

// rig is a console on an in-memory engine, and a session for each of
// alice (admin: reads and writes the policy), olga (auditor: reads it)
// and bob (nothing).
type rig struct {
	t        *testing.T
	engine   *authz.Engine
	sessions *session.Manager
	console  *console.Console
	cookies  map[string]*http.Cookie
	csrf     map[string]string
}

func newRig(t *testing.T, cfg console.Config) *rig {
	t.Helper()
	ctx := context.Background()
	engine, err := authz.New(ctx, authz.WithPolicy(testPolicy), authz.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	sessions, err := session.New(sessionmem.New(), session.Config{})
	require.NoError(t, err)
	cfg.Engine, cfg.Sessions, cfg.Logger = engine, sessions, slog.New(slog.DiscardHandler)
	c, err := console.New(cfg)
	require.NoError(t, err)
	r := &rig{t: t, engine: engine, sessions: sessions, console: c, cookies: map[string]*http.Cookie{}, csrf: map[string]string{}}
	for _, who := range []string{"alice", "olga", "bob"} {
		s, err := sessions.Create(ctx, who, "")
		require.NoError(t, err)
		r.cookies[who] = sessions.Cookie(s, false)
		r.csrf[who] = s.CSRFToken.Reveal()
	}
	return r
}

type answer struct {
	status int
	header http.Header
	body   string
}

// get asks for path as who ("" for nobody).
func (r *rig) get(who, path string) answer {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	return r.serve(who, req)
}

// post sends form to path as who, with who's CSRF token unless the form
// sets one.
func (r *rig) post(who, path string, form url.Values) answer {
	if _, set := form["csrf_token"]; !set && who != "" {
		form.Set("csrf_token", r.csrf[who])
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r.serve(who, req)
}

func (r *rig) serve(who string, req *http.Request) answer {
	if who != "" {
		req.AddCookie(r.cookies[who])
	}
	rec := httptest.NewRecorder()
	r.console.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	return answer{status: rec.Code, header: rec.Header(), body: string(body)}
}

func (r *rig) grants() []string {
	p, err := r.engine.Policy(context.Background())
	require.NoError(r.t, err)
	var out []string
	for _, g := range p.Grants {
		out = append(out, g.String())
	}
	return out
}

func TestWhoMayUseIt(t *testing.T) {
	r := newRig(t, console.Config{})
	tests := []struct {
		name, who, path string
		status          int
		contains        string
	}{
		{"anonymous", "", "/console/", 401, "Log in to use the policy console."},
		{"without policy:read", "bob", "/console/", 403, "policy:read"},
		{"an admin", "alice", "/console/", 200, "Add a grant"},
		{"an auditor looks", "olga", "/console/", 200, "You may look, not change"},
		{"an auditor's subjects", "olga", "/console/subjects", 200, "carol"},
		{"an unknown page", "alice", "/console/nope", 404, "There is no such page."},
		{"outside the prefix", "alice", "/elsewhere", 404, "There is no such page."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := r.get(tt.who, tt.path)
			assert.Equal(t, tt.status, a.status, a.body)
			assert.Contains(t, a.body, tt.contains)
			assert.Contains(t, a.header.Get("Content-Security-Policy"), "default-src 'none'")
			assert.Contains(t, a.header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
			assert.Equal(t, "DENY", a.header.Get("X-Frame-Options"))
			assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
		})
	}
	assert.NotContains(t, r.get("olga", "/console/").body, "Add grant", "readers see no editor")

	a := r.post("olga", "/console/grants", url.Values{"subject": {"olga"}, "permission": {"policy:write"}, "scope": {"any"}, "effect": {"allow"}})
	assert.Equal(t, http.StatusForbidden, a.status, "a reader may not change the policy")
	assert.NotContains(t, r.grants(), "p, olga, policy:write, any, allow")

	withLogin := newRig(t, console.Config{LoginURL: "/login"})
	a = withLogin.get("", "/console/why?subject=x")
	assert.Equal(t, http.StatusSeeOther, a.status)
	assert.Equal(t, "/login?return_to=%2Fconsole%2Fwhy%3Fsubject%3Dx", a.header.Get("Location"))
}

func TestGrantEditor(t *testing.T) {
	r := newRig(t, console.Config{})
	add := url.Values{"subject": {"editor"}, "permission": {"posts:delete"}, "scope": {"own"}, "effect": {"allow"}}

	for _, csrf := range []string{"", "forged", r.csrf["olga"]} {
		form := url.Values{"csrf_token": {csrf}}
		for k, v := range add {
			form[k] = v
		}
		a := r.post("alice", "/console/grants", form)
		assert.Equal(t, http.StatusForbidden, a.status, "CSRF token %q: %s", csrf, a.body)
		assert.Contains(t, a.body, "CSRF")
	}
	assert.NotContains(t, r.grants(), "p, editor, posts:delete, own, allow", "no form without alice's CSRF token changes anything")

	a := r.post("alice", "/console/grants", add)
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	assert.Equal(t, "/console/?done=grant-added", a.header.Get("Location"))
	assert.Contains(t, r.grants(), "p, editor, posts:delete, own, allow")
	page := r.get("alice", a.header.Get("Location"))
	assert.Contains(t, page.body, "The grant was added.")
	assert.Contains(t, page.body, "p, editor, posts:delete, own, allow")

	a = r.post("alice", "/console/grants", add)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "a grant the policy has")
	assert.Contains(t, a.body, "Not changed")
	assert.Contains(t, a.body, `value="posts:delete"`, "the form is filled again")

	a = r.post("alice", "/console/grants", url.Values{"subject": {"editor"}, "permission": {"posts"}, "scope": {"any"}})
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "a malformed permission: %s", a.body)

	a = r.post("alice", "/console/grants/remove", url.Values{"line": {"p, editor, posts:delete, own, allow"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	assert.NotContains(t, r.grants(), "p, editor, posts:delete, own, allow")
	a = r.post("alice", "/console/grants/remove", url.Values{"line": {"g, carol, editor"}})
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "not a grant")
}

func TestRoleEditor(t *testing.T) {
	r := newRig(t, console.Config{})
	a := r.post("alice", "/console/assignments", url.Values{"subject": {"dave"}, "role": {"editor"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	roles, err := r.engine.Roles(context.Background(), "dave")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"editor", "user"}, roles)
	assert.Contains(t, r.get("alice", "/console/subjects?q=DAV").body, "dave")
	assert.NotContains(t, r.get("alice", "/console/subjects?q=dav").body, "carol", "the search narrows the list")

	a = r.post("alice", "/console/assignments", url.Values{"subject": {"user"}, "role": {"editor"}})
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)
	assert.Contains(t, a.body, "cycle", "the engine's reason is shown")

	a = r.post("alice", "/console/assignments/remove", url.Values{"line": {"g, dave, editor"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	roles, err = r.engine.Roles(context.Background(), "dave")
	require.NoError(t, err)
	assert.Empty(t, roles)
}

func TestHostileNamesAreEscaped(t *testing.T) {
	r := newRig(t, console.Config{})
	ctx := context.Background()
	hostile := `<script>alert(1)</script>`
	require.NoError(t, r.engine.AssignRole(ctx, "x<img src=x onerror=alert(1)>", "editor"))
	require.NoError(t, r.engine.AddGrant(ctx, authz.Grant{Subject: hostile, Permission: "posts:read", Scope: "any"}))
	for _, path := range []string{"/console/", "/console/subjects", "/console/graph", "/console/why?subject=" + url.QueryEscape(hostile) + "&permission=posts:read"} {
		a := r.get("alice", path)
		assert.Equal(t, http.StatusOK, a.status, path)
		assert.NotContains(t, a.body, "<script>", path)
		assert.NotContains(t, a.body, "<img src=x", path)
	}
	a := r.post("alice", "/console/assignments", url.Values{"subject": {hostile}, "role": {hostile}})
	assert.NotContains(t, a.body, "<script>")
	a = r.get("alice", "/console/?done="+url.QueryEscape(hostile))
	assert.NotContains(t, a.body, `class="notice"`, "a link cannot make the console say anything")
}

func TestWhy(t *testing.T) {
	r := newRig(t, console.Config{})
	a := r.get("alice", "/console/why?subject=carol&permission=posts:update")
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.Contains(t, a.body, "Allowed")
	assert.Contains(t, a.body, "p, editor, posts:update, any, allow")
	assert.Contains(t, a.body, "<li>carol</li><li>editor</li>")

	a = r.get("alice", "/console/why?subject=carol&permission=posts:read&owner=carol")
	assert.Contains(t, a.body, "<li>carol</li><li>editor</li><li>user</li>", "the chain through two roles")
	a = r.get("alice", "/console/why?subject=bob&permission=posts:update")
	assert.Contains(t, a.body, "Denied")
	assert.Contains(t, a.body, "no rule matched")
	a = r.get("alice", "/console/why?subject=bob&permission=posts")
	assert.Equal(t, http.StatusBadRequest, a.status, "a malformed permission")
	assert.Contains(t, a.body, "No decision")
}

func TestDecisionTables(t *testing.T) {
	r := newRig(t, console.Config{})
	table := `name: editors
roles:
  erin: [editor]
cases:
  - subject: erin
    permission: posts:update
    want: allow
    rule: p, editor, posts:update, any, allow
  - subject: erin
    permission: policy:write
    want: allow
`
	// As olga, who may only read: running a table changes nothing.
	var body strings.Builder
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("csrf_token", r.csrf["olga"]))
	file, err := mw.CreateFormFile("file", "table.yaml")
	require.NoError(t, err)
	_, err = file.Write([]byte(table))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req := httptest.NewRequest(http.MethodPost, "/console/tables", strings.NewReader(body.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	a := r.serve("olga", req)
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.Contains(t, a.body, "editors: 1 passed, 1 failed")
	assert.Contains(t, a.body, "p, admin, policy:*, any, allow", "an uncovered line")
	roles, err := r.engine.Roles(context.Background(), "erin")
	require.NoError(t, err)
	assert.Empty(t, roles, "the table's fixtures never reach the policy")

	a = r.post("olga", "/console/tables", url.Values{"table": {"cases: [nonsense"}})
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)
	assert.Contains(t, a.body, "The table did not run")
	a = r.post("olga", "/console/tables", url.Values{"table": {""}})
	assert.Equal(t, http.StatusBadRequest, a.status)
}

func TestBadRequests(t *testing.T) {
	r := newRig(t, console.Config{})
	req := httptest.NewRequest(http.MethodPost, "/console/grants", strings.NewReader(`{"subject":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	assert.Equal(t, http.StatusUnsupportedMediaType, r.serve("alice", req).status)

	big := url.Values{"subject": {strings.Repeat("x", console.MaxFormBytes)}}
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.post("alice", "/console/grants", big).status)

	req = httptest.NewRequest(http.MethodPost, "/console/grants", strings.NewReader("subject=a&subject=b&csrf_token="+r.csrf["alice"]))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	assert.Equal(t, http.StatusBadRequest, r.serve("alice", req).status, "a field given twice")

	req = httptest.NewRequest(http.MethodPut, "/console/grants", nil)
	a := r.serve("alice", req)
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	assert.Equal(t, "POST", a.header.Get("Allow"))
	assert.Equal(t, http.StatusMethodNotAllowed, r.get("alice", "/console/grants").status)

	csv := r.get("alice", "/console/policy.csv")
	assert.Equal(t, http.StatusOK, csv.status)
	assert.Contains(t, csv.body, "p, editor, posts:update, any, allow")
	assert.Contains(t, csv.header.Get("Content-Disposition"), "attachment")
	assert.Equal(t, http.StatusForbidden, r.get("bob", "/console/policy.csv").status)

	css := r.get("", "/console/console.css")
	assert.Equal(t, http.StatusOK, css.status)
	assert.Equal(t, "text/css; charset=utf-8", css.header.Get("Content-Type"))
}

func TestConfigRefused(t *testing.T) {
	engine, err := authz.New(context.Background())
	require.NoError(t, err)
	sessions, err := session.New(sessionmem.New(), session.Config{})
	require.NoError(t, err)
	for _, cfg := range []console.Config{
		{},
		{Engine: engine},
		{Engine: engine, Sessions: sessions, Prefix: "console"},
		{Engine: engine, Sessions: sessions, LoginURL: "https://evil.example/login"},
		{Engine: engine, Sessions: sessions, LoginURL: "//evil.example/login"},
		{Engine: engine, Sessions: sessions, Read: "policy"},
	} {
		_, err := console.New(cfg)
		assert.ErrorIs(t, err, console.ErrConfig)
	}
}

func TestRequireMFA(t *testing.T) {
	r := newRig(t, console.Config{RequireMFA: true})
	a := r.get("alice", "/console/")
	require.Equal(t, http.StatusOK, a.status)
	assert.Contains(t, a.body, "changes need a login with a second factor")
	assert.NotContains(t, a.body, "Add grant")
	a = r.post("alice", "/console/grants", url.Values{"subject": {"editor"}, "permission": {"posts:delete"}, "scope": {"any"}})
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.NotContains(t, r.grants(), "p, editor, posts:delete, any, allow")

	s, err := r.sessions.Create(context.Background(), "alice", "", "pwd", "otp", "mfa")
	require.NoError(t, err)
	r.cookies["alice"], r.csrf["alice"] = r.sessions.Cookie(s, false), s.CSRFToken.Reveal()
	a = r.post("alice", "/console/grants", url.Values{"subject": {"editor"}, "permission": {"posts:delete"}, "scope": {"any"}})
	assert.Equal(t, http.StatusSeeOther, a.status, "a login with a second factor: %s", a.body)
	assert.Contains(t, r.grants(), "p, editor, posts:delete, any, allow")
}

func TestSubjectAndWhoCan(t *testing.T) {
	r := newRig(t, console.Config{})
	a := r.get("alice", "/console/subject?name=carol")
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.Contains(t, a.body, "Held, directly or not: editor, user.")
	assert.Contains(t, a.body, "<code>p, user, posts:read, own, allow</code>", "a grant carol holds through user")
	assert.Equal(t, http.StatusBadRequest, r.get("alice", "/console/subject").status)
	assert.Contains(t, r.get("alice", "/console/subjects").body, `href="/console/subject?name=carol"`)

	a = r.get("alice", "/console/who?permission=posts:update&id=42")
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.Contains(t, a.body, "<td>editor</td>")
	assert.Contains(t, a.body, "p, editor, posts:update, any, allow")
	a = r.get("alice", "/console/who?permission=posts")
	assert.Equal(t, http.StatusBadRequest, a.status, "a malformed permission")
	assert.Contains(t, a.body, "No answer")
}

func TestHistory(t *testing.T) {
	r := newRig(t, console.Config{})
	a := r.get("alice", "/console/history")
	require.Equal(t, http.StatusOK, a.status)
	assert.Contains(t, a.body, "keeps no history", "an engine without a store")

	// The same console on an engine whose store keeps the history.
	ctx := context.Background()
	store, err := authz.NewMemoryStore()
	require.NoError(t, err)
	engine, err := authz.New(ctx, authz.WithStore(store), authz.WithPolicy(testPolicy), authz.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	c, err := console.New(console.Config{Engine: engine, Sessions: r.sessions, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	r.engine, r.console = engine, c
	a = r.post("alice", "/console/grants", url.Values{"subject": {"editor"}, "permission": {"posts:delete"}, "scope": {"any"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	require.NoError(t, engine.AssignRole(authz.WithActor(ctx, authz.Actor{ID: "ops", Source: authz.SourceCLI}), "dave", "editor"))

	a = r.get("alice", "/console/history")
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.Contains(t, a.body, "<code>p, editor, posts:delete, any, allow</code>")
	assert.Contains(t, a.body, "<td>console</td>")
	assert.Contains(t, a.body, `href="/console/history?actor=alice"`)
	assert.Contains(t, a.body, "<td>seed</td>")
	a = r.get("alice", "/console/history?actor=ops")
	assert.Contains(t, a.body, "g, dave, editor")
	assert.NotContains(t, a.body, "posts:delete")
	a = r.get("alice", "/console/history?subject=dave")
	assert.Contains(t, a.body, "g, dave, editor")
	assert.NotContains(t, a.body, "<td>seed</td>")
	a = r.get("alice", "/console/history?since=2027-13-01")
	assert.Equal(t, http.StatusBadRequest, a.status)
	a = r.get("alice", "/console/history?since=2030-01-03&until=2030-01-01")
	assert.Equal(t, http.StatusBadRequest, a.status)
}
