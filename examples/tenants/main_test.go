package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testSecret signs the tests' access tokens; the same secret across a
// restart keeps tokens valid, as in production.
var testSecret = []byte("a test secret of at least 32 bytes!!")

// world is the API on a SQLite file, with a token and the id of each demo
// user, named by first name in lower case.
type world struct {
	t     *testing.T
	app   *app
	token map[string]string
	id    map[string]string
}

// start opens the API on the SQLite file path, seeding it on first use,
// and logs the demo users in.
func start(t *testing.T, path string) *world {
	t.Helper()
	a, err := newApp(context.Background(), "sqlite:"+path, testSecret, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(a.Close)
	w := &world{t: t, app: a, token: map[string]string{}, id: map[string]string{}}
	for _, u := range demoUsers {
		name := strings.ToLower(u.name)
		w.token[name] = w.login(u.email, u.password)
		account, err := a.auth.Users.GetByEmail(context.Background(), u.email)
		require.NoError(t, err)
		w.id[name] = account.ID
	}
	return w
}

// fresh is start on a new SQLite file.
func fresh(t *testing.T) *world {
	t.Helper()
	return start(t, filepath.Join(t.TempDir(), "tenants.db"))
}

// send serves req and returns the status and the decoded JSON body (empty
// for a response without one).
func (w *world) send(req *http.Request) (int, map[string]any) {
	w.t.Helper()
	rec := httptest.NewRecorder()
	w.app.ServeHTTP(rec, req)
	out := map[string]any{}
	if rec.Body.Len() > 0 {
		require.NoError(w.t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	}
	return rec.Code, out
}

// do sends a request as who (a demo user's name, "" for anonymous) with
// body as JSON ("" for none).
func (w *world) do(who, method, path, body string) (int, map[string]any) {
	w.t.Helper()
	return w.send(w.request(who, method, path, body))
}

// request builds the request do sends.
func (w *world) request(who, method, path, body string) *http.Request {
	w.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		token, ok := w.token[who]
		require.True(w.t, ok, "no token for %q", who)
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// login logs in and returns the access token.
func (w *world) login(email, password string) string {
	w.t.Helper()
	status, body := w.send(w.request("", "POST", "/auth/login", jsonOf(w.t, map[string]string{"email": email, "password": password})))
	require.Equal(w.t, http.StatusOK, status, body)
	return body["access_token"].(string)
}

// projects returns the names of the projects who lists in org, and the
// status of the list.
func (w *world) projects(who, org string) (int, []string) {
	w.t.Helper()
	status, body := w.do(who, "GET", "/orgs/"+org+"/projects", "")
	return status, field(body, "projects", "name")
}

// projectID returns the id of the project named name in org, as the
// operator, who reads every project, finds it.
func (w *world) projectID(org, name string) string {
	w.t.Helper()
	status, body := w.do("ops", "GET", "/orgs/"+org+"/projects", "")
	require.Equal(w.t, http.StatusOK, status, body)
	for _, p := range body["projects"].([]any) {
		if p := p.(map[string]any); p["name"] == name {
			return string(mustJSON(w.t, p["id"]))
		}
	}
	w.t.Fatalf("no project %q in %s", name, org)
	return ""
}

// orgs returns the organizations GET /orgs lists for who, each as
// "name:role,role".
func (w *world) orgs(who string) []string {
	w.t.Helper()
	status, body := w.do(who, "GET", "/orgs", "")
	require.Equal(w.t, http.StatusOK, status, body)
	out := []string{}
	for _, o := range body["orgs"].([]any) {
		o := o.(map[string]any)
		var roles []string
		for _, r := range o["roles"].([]any) {
			roles = append(roles, r.(string))
		}
		out = append(out, o["name"].(string)+":"+strings.Join(roles, ","))
	}
	return out
}

// field returns the string key of every object in body's list.
func field(body map[string]any, list, key string) []string {
	out := []string{}
	items, _ := body[list].([]any)
	for _, item := range items {
		if v, ok := item.(map[string]any)[key].(string); ok {
			out = append(out, v)
		}
	}
	return out
}

// jsonOf encodes v.
func jsonOf(t *testing.T, v any) string { return string(mustJSON(t, v)) }

// mustJSON encodes v.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// step is one request and the status it must get.
type step struct {
	name, who, method, path, body string
	want                          int
}

// run makes the steps in order.
func (w *world) run(steps []step) {
	w.t.Helper()
	for _, s := range steps {
		status, body := w.do(s.who, s.method, s.path, s.body)
		assert.Equal(w.t, s.want, status, "%s: %s %s as %q: %v", s.name, s.method, s.path, s.who, body)
	}
}

// TestDecisions asks, for each role, what it may do in each organization:
// the demo's owner, admin, member, guest, viewer and operator, members of
// one organization facing another, and anonymous callers.
func TestDecisions(t *testing.T) {
	w := fresh(t)
	roadmap := w.projectID("acme", "Roadmap")    // carol's
	website := w.projectID("acme", "Website")    // bob's
	notes := w.projectID("acme", "Dave's notes") // dave's
	launch := w.projectID("globex", "Launch")    // bob's, in globex
	rename := `{"name":"Renamed"}`
	w.run([]step{
		{"anonymous callers log in first", "", "GET", "/orgs", "", 401},
		{"even for an organization's projects", "", "GET", "/orgs/acme/projects", "", 401},
		{"even where the organization does not exist", "", "GET", "/orgs/nope/projects", "", 401},

		{"an owner reads the members", "carol", "GET", "/orgs/acme/members", "", 200},
		{"an admin too", "alice", "GET", "/orgs/acme/members", "", 200},
		{"a member too", "bob", "GET", "/orgs/acme/members", "", 200},
		{"a guest does not", "dave", "GET", "/orgs/acme/members", "", 403},
		{"a viewer reads them", "alice", "GET", "/orgs/globex/members", "", 200},

		{"a guest reads its own project", "dave", "GET", "/orgs/acme/projects/" + notes, "", 200},
		{"not another's", "dave", "GET", "/orgs/acme/projects/" + website, "", 403},
		{"a guest renames its own project", "dave", "PATCH", "/orgs/acme/projects/" + notes, rename, 200},
		{"not another's", "dave", "PATCH", "/orgs/acme/projects/" + roadmap, rename, 403},
		{"a member reads every project", "bob", "GET", "/orgs/acme/projects/" + roadmap, "", 200},
		{"but renames its own only", "bob", "PATCH", "/orgs/acme/projects/" + roadmap, rename, 403},
		{"an admin renames any", "alice", "PATCH", "/orgs/acme/projects/" + roadmap, rename, 200},
		{"a viewer reads", "alice", "GET", "/orgs/globex/projects/" + launch, "", 200},
		{"and does nothing else", "alice", "PATCH", "/orgs/globex/projects/" + launch, rename, 403},
		{"nor creates projects", "alice", "POST", "/orgs/globex/projects", `{"name":"Mine"}`, 403},
		{"a guest creates projects", "dave", "POST", "/orgs/acme/projects", `{"name":"Sketch"}`, 201},

		{"an admin of acme manages acme's members", "alice", "POST", "/orgs/acme/members", `{"email":"ops@example.com","role":"viewer"}`, 201},
		{"not globex's, where she only views", "alice", "POST", "/orgs/globex/members", `{"email":"carol@example.com","role":"viewer"}`, 403},
		{"nor gives herself more there", "alice", "PUT", "/orgs/globex/members/" + w.id["alice"], `{"roles":["owner"]}`, 403},
		{"an admin does not delete the organization", "alice", "DELETE", "/orgs/acme", "", 403},

		{"acme's projects are not reached by id from globex", "bob", "GET", "/orgs/globex/projects/" + roadmap, "", 404},
		{"nor globex's from acme", "bob", "GET", "/orgs/acme/projects/" + launch, "", 404},
		{"a non-member gets 404, not 403", "carol", "GET", "/orgs/globex/projects", "", 404},
		{"on every route", "carol", "DELETE", "/orgs/globex", "", 404},
		{"as for an organization that does not exist", "carol", "GET", "/orgs/nope/projects", "", 404},
		{"and a project id in the organization changes nothing", "dave", "GET", "/orgs/globex/projects/" + launch, "", 404},

		{"the operator reads any organization", "ops", "GET", "/orgs/globex/projects/" + launch, "", 200},
		{"and its members", "ops", "GET", "/orgs/globex/members", "", 200},
		{"but writes no projects", "ops", "PATCH", "/orgs/globex/projects/" + launch, rename, 403},
		{"and finds no organization that does not exist", "ops", "GET", "/orgs/nope/projects", "", 404},
		{"the operator lists every organization", "ops", "GET", "/admin/orgs", "", 200},
		{"nobody else does", "carol", "GET", "/admin/orgs", "", 403},
	})
}

// TestLists checks that each list of projects holds the organization's
// rows only, and of those only the caller's own for a guest, whose grant
// has scope own.
func TestLists(t *testing.T) {
	w := fresh(t)
	all := []string{"Roadmap", "Website", "Dave's notes"}
	for _, tc := range []struct {
		who, org string
		want     []string
	}{
		{"carol", "acme", all},
		{"alice", "acme", all},
		{"bob", "acme", all},
		{"dave", "acme", []string{"Dave's notes"}},
		{"alice", "globex", []string{"Launch"}},
		{"bob", "globex", []string{"Launch"}},
		{"ops", "acme", all},
		{"ops", "globex", []string{"Launch"}},
	} {
		status, names := w.projects(tc.who, tc.org)
		assert.Equal(t, http.StatusOK, status, "%s in %s", tc.who, tc.org)
		assert.Equal(t, tc.want, names, "%s in %s", tc.who, tc.org)
	}
	status, names := w.projects("carol", "globex")
	assert.Equal(t, http.StatusNotFound, status, "carol is no member of globex")
	assert.Empty(t, names)

	for who, want := range map[string][]string{
		"alice": {"acme:admin", "globex:viewer"},
		"bob":   {"acme:member", "globex:owner"},
		"carol": {"acme:owner"},
		"dave":  {"acme:guest"},
		"ops":   {}, // an operator of every organization, a member of none
	} {
		assert.Equal(t, want, w.orgs(who), who)
	}
	status, body := w.do("ops", "GET", "/admin/orgs", "")
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, []string{"acme", "globex"}, field(body, "orgs", "name"))
}

// TestMembership changes members' roles at runtime: each change holds from
// the member's next request, with the token already held, and admins
// cannot raise anyone to owner nor touch owners.
func TestMembership(t *testing.T) {
	w := fresh(t)
	dave, bob, carol, alice := w.id["dave"], w.id["bob"], w.id["carol"], w.id["alice"]

	status, names := w.projects("dave", "acme")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, []string{"Dave's notes"}, names, "a guest sees its own projects")
	w.run([]step{
		{"an admin makes the guest a member", "alice", "PUT", "/orgs/acme/members/" + dave, `{"roles":["member"]}`, 200},
	})
	_, names = w.projects("dave", "acme")
	assert.Equal(t, []string{"Roadmap", "Website", "Dave's notes"}, names, "a member sees every project, from its next request")

	// Someone new joins by email and leaves.
	status, body := w.send(w.request("", "POST", "/auth/register", `{"email":"erin@example.com","password":"erin-password","name":"Erin"}`))
	require.Equal(t, http.StatusCreated, status, body)
	erin := body["id"].(string)
	w.token["erin"] = w.login("erin@example.com", "erin-password")
	assert.Equal(t, []string{}, w.orgs("erin"), "a new account belongs nowhere")
	w.run([]step{
		{"before joining, acme does not exist for erin", "erin", "GET", "/orgs/acme/projects", "", 404},
		{"an admin adds erin as a viewer", "alice", "POST", "/orgs/acme/members", `{"email":"erin@example.com","role":"viewer"}`, 201},
		{"erin now reads acme", "erin", "GET", "/orgs/acme/projects", "", 200},
		{"adding a member twice", "alice", "POST", "/orgs/acme/members", `{"email":"erin@example.com","role":"admin"}`, 409},
		{"an account that does not exist", "alice", "POST", "/orgs/acme/members", `{"email":"nobody@example.com","role":"viewer"}`, 404},
		{"an admin removes erin", "alice", "DELETE", "/orgs/acme/members/" + erin, "", 204},
		{"erin no longer sees acme", "erin", "GET", "/orgs/acme/projects", "", 404},
		{"removing a member twice", "alice", "DELETE", "/orgs/acme/members/" + erin, "", 404},
	})
	assert.Equal(t, []string{}, w.orgs("erin"))

	// Owners are made and unmade by owners only, and one always remains.
	w.run([]step{
		{"an admin makes no owner", "alice", "PUT", "/orgs/acme/members/" + dave, `{"roles":["owner"]}`, 403},
		{"not by adding one either", "alice", "POST", "/orgs/acme/members", `{"email":"erin@example.com","role":"owner"}`, 403},
		{"nor herself", "alice", "PUT", "/orgs/acme/members/" + alice, `{"roles":["admin","owner"]}`, 403},
		{"an admin does not demote an owner", "alice", "PUT", "/orgs/acme/members/" + carol, `{"roles":["admin"]}`, 403},
		{"nor remove one", "alice", "DELETE", "/orgs/acme/members/" + carol, "", 403},
		{"the last owner stays", "carol", "PUT", "/orgs/acme/members/" + carol, `{"roles":["admin"]}`, 409},
		{"and does not leave", "carol", "DELETE", "/orgs/acme/members/" + carol, "", 409},
		{"an owner makes another", "carol", "PUT", "/orgs/acme/members/" + alice, `{"roles":["owner"]}`, 200},
		{"then may leave", "carol", "DELETE", "/orgs/acme/members/" + carol, "", 204},
		{"and acme is gone for her", "carol", "GET", "/orgs/acme/projects", "", 404},
		{"the new owner removes bob", "alice", "DELETE", "/orgs/acme/members/" + bob, "", 204},
		{"who no longer reaches acme", "bob", "GET", "/orgs/acme/members", "", 404},
		{"but still owns globex", "bob", "GET", "/orgs/globex/members", "", 200},
	})
	assert.Equal(t, []string{"acme:owner", "globex:viewer"}, w.orgs("alice"))
	assert.Equal(t, []string{"globex:owner"}, w.orgs("bob"))
	status, body = w.do("alice", "GET", "/orgs/acme/members", "")
	require.Equal(t, http.StatusOK, status, body)
	assert.ElementsMatch(t, []string{"alice@example.com", "dave@example.com"}, field(body, "members", "email"))
}

// TestOrganizations creates organizations, whose creator is the owner, and
// removes them: an owner its own, the operator any, with every rule of the
// organization gone at once and its rows with them.
func TestOrganizations(t *testing.T) {
	w := fresh(t)
	ctx := context.Background()
	status, body := w.do("dave", "POST", "/orgs", `{"name":"initech"}`)
	require.Equal(t, http.StatusCreated, status, body)
	assert.Equal(t, []any{"owner"}, body["roles"])
	w.run([]step{
		{"the creator owns the organization", "dave", "GET", "/orgs/initech/members", "", 200},
		{"and works in it", "dave", "POST", "/orgs/initech/projects", `{"name":"TPS reports"}`, 201},
		{"others are not members", "alice", "GET", "/orgs/initech/projects", "", 404},
		{"names are unique", "alice", "POST", "/orgs", `{"name":"initech"}`, 409},
	})
	assert.Equal(t, []string{"acme:guest", "initech:owner"}, w.orgs("dave"))

	// The operator removes globex: rules, projects and the organization.
	w.run([]step{
		{"a viewer does not delete an organization", "alice", "DELETE", "/orgs/globex", "", 403},
		{"the operator does", "ops", "DELETE", "/orgs/globex", "", 204},
		{"its owner no longer finds it", "bob", "GET", "/orgs/globex/projects", "", 404},
		{"nor its viewer", "alice", "GET", "/orgs/globex/members", "", 404},
		{"nor the operator", "ops", "GET", "/orgs/globex/projects", "", 404},
		{"removing it twice", "ops", "DELETE", "/orgs/globex", "", 404},
	})
	assert.Equal(t, []string{"acme:member"}, w.orgs("bob"))
	policy, err := w.app.auth.Engine.Policy(ctx)
	require.NoError(t, err)
	for _, rule := range policyLines(policy.Grants, policy.Roles) {
		assert.NotContains(t, rule, "globex", "RemoveTenant removed every rule of globex")
	}
	var rows int64
	require.NoError(t, w.app.store.db.Model(&project{}).Where("org = ?", "globex").Count(&rows).Error)
	assert.Zero(t, rows, "globex's projects went with it")

	// The name is free again, and nobody keeps a role under it.
	w.run([]step{
		{"the name can be taken again", "alice", "POST", "/orgs", `{"name":"globex"}`, 201},
		{"whose creator is its only owner", "alice", "DELETE", "/orgs/globex/members/" + w.id["alice"], "", 409},
		{"the old owner is no member of the new globex", "bob", "GET", "/orgs/globex/projects", "", 404},
		{"an owner deletes its own organization", "dave", "DELETE", "/orgs/initech", "", 204},
		{"and it is gone", "dave", "GET", "/orgs/initech/members", "", 404},
	})
	status, names := w.projects("alice", "globex")
	require.Equal(t, http.StatusOK, status)
	assert.Empty(t, names, "the new globex has none of the old one's projects")
}

// policyLines returns the rules as policy lines, sorted.
func policyLines[G, R interface{ String() string }](grants []G, roles []R) []string {
	var out []string
	for _, g := range grants {
		out = append(out, g.String())
	}
	for _, r := range roles {
		out = append(out, r.String())
	}
	slices.Sort(out)
	return out
}

// TestRestart stops the API after runtime changes and starts it again on
// the same SQLite file: the policy, the organizations and the projects are
// as they were, tokens issued before still work, and the demo data is not
// seeded again.
func TestRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tenants.db")
	w := start(t, path)
	w.run([]step{
		{"a new organization", "dave", "POST", "/orgs", `{"name":"initech"}`, 201},
		{"with a project", "dave", "POST", "/orgs/initech/projects", `{"name":"TPS reports"}`, 201},
		{"a promotion", "alice", "PUT", "/orgs/acme/members/" + w.id["dave"], `{"roles":["admin"]}`, 200},
		{"a removal", "alice", "DELETE", "/orgs/acme/members/" + w.id["bob"], "", 204},
		{"a removed organization", "ops", "DELETE", "/orgs/globex", "", 204},
	})
	before := w.state()
	w.app.Close()

	again := start(t, path)
	assert.Equal(t, before, again.state(), "policy and rows after the restart")
	again.token = w.token // tokens issued before the restart
	assert.Equal(t, []string{"acme:admin", "initech:owner"}, again.orgs("dave"))
	assert.Equal(t, []string{}, again.orgs("bob"), "bob's removal from acme and globex's removal stay")
	status, names := again.projects("dave", "initech")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, []string{"TPS reports"}, names)
	again.run([]step{
		{"globex is not seeded again", "ops", "GET", "/orgs/globex/projects", "", 404},
		{"the promotion holds", "dave", "GET", "/orgs/acme/members", "", 200},
	})
}

// state returns the policy's lines and the rows of organizations and
// projects.
func (w *world) state() []string {
	w.t.Helper()
	policy, err := w.app.auth.Engine.Policy(context.Background())
	require.NoError(w.t, err)
	out := policyLines(policy.Grants, policy.Roles)
	var orgs []org
	require.NoError(w.t, w.app.store.db.Order("name").Find(&orgs).Error)
	for _, o := range orgs {
		out = append(out, "org "+o.Name)
	}
	var projects []project
	require.NoError(w.t, w.app.store.db.Order("id").Find(&projects).Error)
	for _, p := range projects {
		out = append(out, "project "+jsonOf(w.t, []any{p.ID, p.Org, p.OwnerID, p.Name}))
	}
	return out
}

// TestRun starts the program as go run does, on a new SQLite file and a
// port of the system's choosing, logs in over HTTP and stops it.
func TestRun(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var logs bytes.Buffer
	args := []string{"-db", filepath.Join(t.TempDir(), "tenants.db"), "-addr", "127.0.0.1:0"}
	noEnv := func(string) string { return "" }
	go func() { done <- run(ctx, args, noEnv, &logs, func(a string) { addr <- a }) }()

	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
	resp, err := http.Post(base+"/auth/login", "application/json",
		strings.NewReader(`{"email":"alice@example.com","password":"alice-password"}`))
	require.NoError(t, err)
	var pair struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&pair))
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)

	req, err := http.NewRequest("GET", base+"/orgs", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+pair.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"name":"acme"`)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))

	stop()
	require.NoError(t, <-done)
	assert.Contains(t, logs.String(), "JWT_SECRET is not set", "an unset secret is reported")
}

// TestRunBadFlags shows run refusing flags it does not know, before
// opening anything.
func TestRunBadFlags(t *testing.T) {
	var logs bytes.Buffer
	err := run(context.Background(), []string{"-port", "8080"}, func(string) string { return "" }, &logs, nil)
	assert.ErrorContains(t, err, "flag provided but not defined")
}
