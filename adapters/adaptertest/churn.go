package adaptertest

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// The churn run edits the policy at runtime through the application, with
// names its handlers take straight from the framework, and interleaves
// requests that make the framework reuse its buffers: large bodies, long
// paths and headers. Fiber's strings alias those buffers; an engine that
// kept one would find another name under its key a few requests later.
// After the run, the policy in memory, the policy in the store and every
// decision must be the ones the edits made, and every subject a handler
// kept must read as it did.

// churnRounds is how many edits a run makes, each followed by churn.
const churnRounds = 240

func runChurn(t *testing.T, build func(t *testing.T, f *Fixture) App) {
	f := NewFixture(t)
	app := build(t, f)
	rnd := rand.New(rand.NewPCG(42, 14))

	want := policySet(t, f.engine)
	subjects := []string{"mallory"}
	for len(subjects) < 10 {
		subjects = append(subjects, "usr_"+randomName(rnd, 1+rnd.IntN(60)))
	}
	roles := []string{"user", "moderator", "admin", "suspended"}
	perms := []string{"users:read", "users:delete", "posts:read", "policy:read", "posts:*"}
	pick := func(names []string) string { return names[rnd.IntN(len(names))] }

	for round := 0; round < churnRounds; round++ {
		sub := pick(subjects)
		var method, path, line string
		present := true
		switch rnd.IntN(5) {
		case 0, 1:
			role := pick(roles)
			method, path, line = "PUT", "/public/roles/"+sub+"/"+role, "g, "+sub+", "+role
		case 2:
			role := pick(roles)
			method, path, line, present = "DELETE", "/public/roles/"+sub+"/"+role, "g, "+sub+", "+role, false
		case 3:
			perm := pick(perms)
			method, path, line = "PUT", "/public/grants/"+sub+"/"+perm, "p, "+sub+", "+perm+", any, allow"
			if rnd.IntN(2) == 0 {
				method, present = "DELETE", false
			}
		default:
			if rnd.IntN(3) != 0 {
				continue // removals are rarer: they undo much
			}
			method, path = "DELETE", "/public/subjects/"+sub
		}
		status, body := send(t, app, method, path, nil, nil)
		switch {
		case line == "": // a removal
			if status != http.StatusNoContent {
				t.Fatalf("round %d: %s %s: %d %s", round, method, path, status, body)
			}
			for l := range want {
				if strings.HasPrefix(l, "p, "+sub+", ") || strings.HasPrefix(l, "g, "+sub+", ") {
					delete(want, l)
				}
			}
		case want[line] == present:
			// Already so: the edit is refused, as the client's mistake.
			wantStatus := map[bool]int{true: http.StatusConflict, false: http.StatusNotFound}[present]
			if status != wantStatus {
				t.Fatalf("round %d: %s %s: %d %s, want %d", round, method, path, status, body, wantStatus)
			}
		default:
			if status != http.StatusNoContent {
				t.Fatalf("round %d: %s %s: %d %s", round, method, path, status, body)
			}
			if present {
				want[line] = true
			} else {
				delete(want, line)
			}
		}
		churn(t, app, f, rnd)
		if round%20 == 0 || round == churnRounds-1 {
			checkChurn(t, app, f, want, round)
		}
	}

	checkStoreHolds(t, f, want)

	f.keptMu.Lock()
	defer f.keptMu.Unlock()
	if len(f.kept) == 0 {
		t.Fatal("no handler kept a subject: Remember is not called")
	}
	for _, k := range f.kept {
		if k.kept.ID != k.snapshot.ID || k.kept.CredentialID != k.snapshot.CredentialID || k.kept.Method != k.snapshot.Method {
			t.Fatalf("a subject kept after its request changed: %+v, was %+v", k.kept, k.snapshot)
		}
	}
}

// policySet returns the lines of e's policy, as a set.
func policySet(t *testing.T, e *authz.Engine) map[string]bool {
	t.Helper()
	p, err := e.Policy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	for _, line := range policyLines(p) {
		set[line] = true
	}
	return set
}

// checkStoreHolds checks that the fixture's policy store, opened anew by
// an engine on the fixture's model, holds exactly the lines of want.
func checkStoreHolds(t *testing.T, f *Fixture, want map[string]bool, opts ...authz.Option) {
	t.Helper()
	reopened, err := authz.New(context.Background(), append(opts, authz.WithStore(openPolicyStore(t, f.db)))...)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := reopened.Policy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, wantLines := policyLines(stored), sortedLines(want); !slices.Equal(got, wantLines) {
		t.Errorf("the store holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
}

// churn sends requests that fill and reuse the framework's buffers.
func churn(t *testing.T, app App, f *Fixture, rnd *rand.Rand) {
	big := bytes.Repeat([]byte(randomName(rnd, 64)), 256+rnd.IntN(1024))
	if status, body := send(t, app, "POST", "/me", bearer(f, "alice"), big); status != http.StatusOK {
		t.Fatalf("POST /me with %d bytes: %d %s", len(big), status, body)
	}
	missing := "/posts/p-" + randomName(rnd, 20+rnd.IntN(400))
	if status, body := send(t, app, "PUT", missing, bearer(f, "bob"), big[:rnd.IntN(len(big))]); status != http.StatusNotFound {
		t.Fatalf("PUT %s: %d %s", missing[:30], status, body)
	}
	if status, body := send(t, app, "GET", "/me", map[string]string{"X-API-Key": f.apiKey}, nil); status != http.StatusOK {
		t.Fatalf("GET /me with an API key: %d %s", status, body)
	}
	header := bearer(f, "carol")
	header["X-Padding"] = randomName(rnd, 100+rnd.IntN(2000)) // within Fiber's default 4 KiB of headers
	if status, body := send(t, app, "GET", "/feed", header, nil); status != http.StatusOK {
		t.Fatalf("GET /feed: %d %s", status, body)
	}
}

// checkChurn compares the engine's policy with want, and mallory's
// decisions through the application with an engine built from want.
func checkChurn(t *testing.T, app App, f *Fixture, want map[string]bool, round int) {
	t.Helper()
	ctx := context.Background()
	p, err := f.engine.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantLines := sortedLines(want)
	if got := policyLines(p); !slices.Equal(got, wantLines) {
		t.Fatalf("round %d: the engine holds\n%s\nwant\n%s", round, strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	reference, err := authz.New(ctx, authz.WithPolicy(strings.Join(wantLines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []struct {
		path  string
		perms []permissions.Permission // any of them
	}{
		{"/users", []permissions.Permission{permissions.UsersRead}},
		{"/reports", []permissions.Permission{permissions.PolicyRead, permissions.UsersRead}},
	} {
		allowed := false
		for _, perm := range route.perms {
			d, err := reference.Decide(ctx, authz.Request{Subject: "mallory", Permission: perm})
			if err != nil {
				t.Fatal(err)
			}
			allowed = allowed || d.Allowed
		}
		status, body := send(t, app, "GET", route.path, bearer(f, "mallory"), nil)
		if allowed != (status == http.StatusOK) {
			t.Fatalf("round %d: GET %s as mallory: %d %s, want allowed=%v", round, route.path, status, body, allowed)
		}
	}
}

func send(t *testing.T, app App, method, path string, header map[string]string, body []byte) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := app(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}

func policyLines(p authz.Policy) []string {
	lines := strings.Split(strings.TrimSpace(p.String()), "\n")
	slices.Sort(lines)
	return lines
}

func sortedLines(set map[string]bool) []string {
	lines := make([]string, 0, len(set))
	for line := range set {
		lines = append(lines, line)
	}
	slices.Sort(lines)
	return lines
}

const nameAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

func randomName(rnd *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = nameAlphabet[rnd.IntN(len(nameAlphabet))]
	}
	return string(b)
}
