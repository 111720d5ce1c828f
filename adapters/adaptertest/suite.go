package adaptertest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/watch"
)

// App is the application an adapter's test built, as a round trip.
type App func(*http.Request) (*http.Response, error)

// WriteCustomError is what the custom error writer of a Fixture with
// CustomErrors must produce, written here once for net/http; adapters of
// other frameworks produce the same status, header and body.
func WriteCustomError(w http.ResponseWriter, e *guard.Error) {
	w.Header().Set("X-Custom-Error", e.Code)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	_, _ = w.Write(CustomErrorBody(e))
}

// CustomErrorBody is the body of a custom error: {"custom": code}.
func CustomErrorBody(e *guard.Error) []byte {
	b, _ := json.Marshal(map[string]string{"custom": e.Code})
	return b
}

// request is one case's request, built from the fixture.
type request struct {
	method, path string
	header       map[string]string
	// repeated are header lines added after header, repeats allowed.
	repeated [][2]string
	cookie   bool // carol's session cookie
	csrf     bool // carol's CSRF token
}

// want is what the response must be.
type want struct {
	status  int
	code    string            // error code, for refusals
	header  map[string]string // exact header values
	subject string            // for successes
	method  string
	post    string
	filter  string
	tenant  string
}

type testCase struct {
	name string
	req  func(f *Fixture) request
	want want
}

const (
	challenge        = `Bearer realm="` + Realm + `"`
	invalidChallenge = `Bearer realm="` + Realm + `", error="invalid_token"`
)

func bearer(f *Fixture, subject string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + f.bearer[subject]}
}

// mistype changes the last character of key, to one it certainly is not.
func mistype(key string) string {
	last := "A"
	if strings.HasSuffix(key, "A") {
		last = "B"
	}
	return key[:len(key)-1] + last
}

func get(path string, header map[string]string) request {
	return request{method: "GET", path: path, header: header}
}

var cases = []testCase{
	// Authentication.
	{"no credentials", func(f *Fixture) request { return get("/me", nil) },
		want{status: 401, code: "unauthorized", header: map[string]string{"WWW-Authenticate": challenge}}},
	{"malformed Authorization header", func(f *Fixture) request {
		return get("/me", map[string]string{"Authorization": "Bearer not a token"})
	}, want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"garbage bearer token", func(f *Fixture) request {
		return get("/me", map[string]string{"Authorization": "Bearer abc.def.ghi"})
	}, want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"other scheme is no credentials", func(f *Fixture) request {
		return get("/me", map[string]string{"Authorization": "Basic YWxpY2U6c2VjcmV0"})
	}, want{status: 401, code: "unauthorized", header: map[string]string{"WWW-Authenticate": challenge}}},
	{"an unknown method", func(f *Fixture) request { return request{method: "BREW", path: "/me"} },
		want{status: 501, code: "not_implemented"}},
	{"an unknown method on a public path, with credentials", func(f *Fixture) request {
		return request{method: "PURGE", path: "/healthz", header: bearer(f, "alice")}
	}, want{status: 501, code: "not_implemented"}},
	{"a token whose subject is a role", func(f *Fixture) request { return get("/users", bearer(f, "admin")) },
		want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"a token whose subject is an inherited role", func(f *Fixture) request { return get("/me", bearer(f, "moderator")) },
		want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"valid bearer", func(f *Fixture) request { return get("/me", bearer(f, "alice")) },
		want{status: 200, subject: "alice", method: "bearer"}},
	{"expired bearer", func(f *Fixture) request {
		return get("/me", map[string]string{"Authorization": "Bearer " + f.expired})
	}, want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"revoked bearer", func(f *Fixture) request {
		return get("/me", map[string]string{"Authorization": "Bearer " + f.revoked})
	}, want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"API key", func(f *Fixture) request { return get("/me", map[string]string{"X-API-Key": f.apiKey}) },
		want{status: 200, subject: "bob", method: "api_key"}},
	{"mistyped API key", func(f *Fixture) request {
		return get("/me", map[string]string{"X-API-Key": mistype(f.apiKey)})
	}, want{status: 401, code: "unauthorized", header: map[string]string{"WWW-Authenticate": challenge}}},
	{"session cookie, safe method", func(f *Fixture) request { return request{method: "GET", path: "/me", cookie: true} },
		want{status: 200, subject: "carol", method: "session"}},
	{"session cookie, unsafe method without CSRF token", func(f *Fixture) request {
		return request{method: "POST", path: "/me", cookie: true}
	}, want{status: 403, code: "csrf"}},
	{"session cookie, unsafe method with CSRF token", func(f *Fixture) request {
		return request{method: "POST", path: "/me", cookie: true, csrf: true}
	}, want{status: 200, subject: "carol", method: "session"}},
	{"bearer on an unsafe method needs no CSRF token", func(f *Fixture) request {
		return request{method: "POST", path: "/me", header: bearer(f, "bob")}
	}, want{status: 200, subject: "bob", method: "bearer"}},
	{"bad bearer is not passed over for a good cookie", func(f *Fixture) request {
		return request{method: "GET", path: "/me", cookie: true, header: map[string]string{"Authorization": "Bearer " + f.revoked}}
	}, want{status: 401, code: "invalid_token"}},
	{"two different bearer tokens are ambiguous", func(f *Fixture) request {
		return request{method: "GET", path: "/me", header: bearer(f, "bob"), repeated: [][2]string{{"Authorization", "Bearer " + f.bearer["alice"]}}}
	}, want{status: 400, code: "invalid_request"}},
	{"the same bearer token twice is one", func(f *Fixture) request {
		return request{method: "GET", path: "/me", header: bearer(f, "bob"), repeated: [][2]string{{"Authorization", "Bearer " + f.bearer["bob"]}}}
	}, want{status: 200, subject: "bob", method: "bearer"}},
	{"two different API keys are ambiguous", func(f *Fixture) request {
		return request{method: "GET", path: "/me", repeated: [][2]string{{"X-API-Key", mistype(f.apiKey)}, {"X-API-Key", f.apiKey}}}
	}, want{status: 400, code: "invalid_request"}},
	{"two different session cookies are ambiguous", func(f *Fixture) request {
		return request{method: "GET", path: "/me", cookie: true, repeated: [][2]string{{"Cookie", f.sessionName + "=" + mistype(f.session)}}}
	}, want{status: 400, code: "invalid_request"}},
	{"ambiguous credentials are refused on optional paths too", func(f *Fixture) request {
		return request{method: "GET", path: "/feed", header: bearer(f, "bob"), repeated: [][2]string{{"Authorization", "Bearer " + f.bearer["alice"]}}}
	}, want{status: 400, code: "invalid_request"}},

	// Access tokens of an external OpenID provider, beside the fixture's own.
	{"external provider's token", func(f *Fixture) request { return get("/me", externalBearer(f, "at+jwt")) },
		want{status: 200, subject: ExternalSubject, method: "external_token"}},
	{"external provider's token typed JWT", func(f *Fixture) request { return get("/me", externalBearer(f, "JWT")) },
		want{status: 200, subject: ExternalSubject, method: "external_token"}},
	{"external token expired", func(f *Fixture) request { return get("/me", externalBearer(f, "expired")) },
		want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"external token for another API", func(f *Fixture) request { return get("/me", externalBearer(f, "misdirected")) },
		want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"external token signed by another key under the provider's kid", func(f *Fixture) request {
		return get("/me", externalBearer(f, "forged"))
	}, want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"external token HS256 keyed with the provider's public key", func(f *Fixture) request {
		return get("/me", externalBearer(f, "confused"))
	}, want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"external token naming a made-up key", func(f *Fixture) request { return get("/me", externalBearer(f, "made-up kid")) },
		want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},

	// Optional authentication and public paths.
	{"optional, anonymous", func(f *Fixture) request { return get("/feed", nil) },
		want{status: 200, subject: ""}},
	{"optional, authenticated", func(f *Fixture) request { return get("/feed", bearer(f, "bob")) },
		want{status: 200, subject: "bob", method: "bearer"}},
	{"optional, bad token is still refused", func(f *Fixture) request {
		return get("/feed", map[string]string{"Authorization": "Bearer " + f.expired})
	}, want{status: 401, code: "invalid_token", header: map[string]string{"WWW-Authenticate": invalidChallenge}}},
	{"public path", func(f *Fixture) request { return get("/healthz", nil) }, want{status: 200}},
	{"public prefix", func(f *Fixture) request { return get("/public/info", nil) }, want{status: 200}},
	{"public path ignores a bad token", func(f *Fixture) request {
		return get("/healthz", map[string]string{"Authorization": "Bearer junk"})
	}, want{status: 200}},
	{"dot segments do not make a path public", func(f *Fixture) request { return get("/public/../me", nil) },
		want{status: 401, code: "unauthorized"}},

	// Permissions.
	{"permission allowed", func(f *Fixture) request { return get("/users", bearer(f, "carol")) },
		want{status: 200, subject: "carol", method: "bearer"}},
	{"permission denied", func(f *Fixture) request { return get("/users", bearer(f, "bob")) },
		want{status: 403, code: "forbidden"}},
	{"permission, anonymous", func(f *Fixture) request { return get("/users", nil) },
		want{status: 401, code: "unauthorized", header: map[string]string{"WWW-Authenticate": challenge}}},
	{"permission, unknown subject", func(f *Fixture) request { return get("/users", bearer(f, "mallory")) },
		want{status: 403, code: "forbidden"}},
	{"all of two, both held", func(f *Fixture) request {
		return request{method: "DELETE", path: "/users", header: bearer(f, "alice")}
	}, want{status: 200, subject: "alice", method: "bearer"}},
	{"all of two, one held", func(f *Fixture) request {
		return request{method: "DELETE", path: "/users", header: bearer(f, "carol")}
	}, want{status: 403, code: "forbidden"}},
	{"any of two, one held", func(f *Fixture) request { return get("/reports", bearer(f, "carol")) },
		want{status: 200, subject: "carol", method: "bearer"}},
	{"any of two, none held", func(f *Fixture) request { return get("/reports", bearer(f, "bob")) },
		want{status: 403, code: "forbidden"}},
	{"role held", func(f *Fixture) request { return get("/admin", bearer(f, "alice")) },
		want{status: 200, subject: "alice", method: "bearer"}},
	{"role not held", func(f *Fixture) request { return get("/admin", bearer(f, "carol")) },
		want{status: 403, code: "forbidden"}},
	{"role, API key of a user", func(f *Fixture) request { return get("/admin", map[string]string{"X-API-Key": f.apiKey}) },
		want{status: 403, code: "forbidden"}},
	{"any of two roles, one held", func(f *Fixture) request { return get("/staff", bearer(f, "carol")) },
		want{status: 200, subject: "carol", method: "bearer"}},
	{"any of two roles, none held", func(f *Fixture) request { return get("/staff", bearer(f, "bob")) },
		want{status: 403, code: "forbidden"}},

	// Ownership.
	{"owner", func(f *Fixture) request {
		return request{method: "PUT", path: "/posts/p-bob", header: bearer(f, "bob")}
	},
		want{status: 200, subject: "bob", method: "bearer", post: "p-bob"}},
	{"non-owner", func(f *Fixture) request {
		return request{method: "PUT", path: "/posts/p-carol", header: bearer(f, "bob")}
	},
		want{status: 403, code: "forbidden"}},
	{"admin on somebody else's", func(f *Fixture) request {
		return request{method: "PUT", path: "/posts/p-bob", header: bearer(f, "alice")}
	}, want{status: 200, subject: "alice", method: "bearer", post: "p-bob"}},
	{"moderator may not update another's post", func(f *Fixture) request {
		return request{method: "PUT", path: "/posts/p-bob", header: bearer(f, "carol")}
	}, want{status: 403, code: "forbidden"}},
	{"missing resource is 404 before 403", func(f *Fixture) request {
		return request{method: "PUT", path: "/posts/p-none", header: bearer(f, "mallory")}
	}, want{status: 404, code: "not_found"}},
	{"malformed id is 400", func(f *Fixture) request {
		return request{method: "PUT", path: "/posts/bad", header: bearer(f, "bob")}
	}, want{status: 400, code: "invalid_request"}},
	{"ownership, anonymous is 401 before 404", func(f *Fixture) request {
		return request{method: "PUT", path: "/posts/p-none"}
	}, want{status: 401, code: "unauthorized"}},

	// List filtering.
	{"filter, own posts", func(f *Fixture) request { return get("/posts", bearer(f, "bob")) },
		want{status: 200, subject: "bob", method: "bearer", filter: "own"}},
	{"filter, all posts", func(f *Fixture) request { return get("/posts", bearer(f, "carol")) },
		want{status: 200, subject: "carol", method: "bearer", filter: "all"}},
	{"filter, nothing", func(f *Fixture) request { return get("/posts", bearer(f, "mallory")) },
		want{status: 200, subject: "mallory", method: "bearer", filter: "none"}},

	// Errors written by handlers.
	{"throttled login", func(f *Fixture) request { return request{method: "POST", path: "/public/login"} },
		want{status: 429, code: "too_many_requests", header: map[string]string{"Retry-After": "90"}}},
}

// Run runs the suite against the application build makes from a Fixture,
// once with the default error writer and once with a custom one.
func Run(t *testing.T, build func(t *testing.T, f *Fixture) App) {
	t.Helper()
	f := NewFixture(t)
	app := build(t, f)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(t, app, f, tc.req(f))
			check(t, f, resp, tc.want, false)
		})
	}

	t.Run("requests join the caller's trace and are checked in its context", func(t *testing.T) {
		const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
		n, m := f.observer.seen()
		for _, path := range []string{"/users", "/reports", "/staff"} {
			header := bearer(f, "carol")
			header["traceparent"] = parent
			resp := do(t, app, f, request{method: "GET", path: path, header: header})
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d", path, resp.StatusCode)
			}
		}
		authenticating, authorizing := f.observer.marks(n, m)
		if len(authenticating) != 3 || len(authorizing) != 3 {
			t.Fatalf("want 3 authentications and 3 checks observed, got %d and %d", len(authenticating), len(authorizing))
		}
		for i := range 3 {
			if authenticating[i] != parent || authorizing[i] != parent {
				t.Errorf("request %d: authenticated in %q and checked in %q, want both in the context joined to %q",
					i, authenticating[i], authorizing[i], parent)
			}
		}
	})

	t.Run("denials are logged with their reason and without credentials", func(t *testing.T) {
		logs := f.Logs()
		if !strings.Contains(logs, `"access denied"`) || !strings.Contains(logs, "no rule grants") {
			t.Errorf("want denials with reasons in the log, got:\n%s", logs)
		}
		for _, secret := range []string{f.bearer["bob"], f.apiKey, f.session, f.csrf} {
			if strings.Contains(logs, secret) {
				t.Errorf("the log contains a credential")
			}
		}
	})

	t.Run("an engine that cannot vouch for its policy answers 503 and recovers", func(t *testing.T) {
		rf := NewFixture(t)
		hub := watch.NewLocal()
		t.Cleanup(func() { _ = hub.Close() })
		ctx := context.Background()
		engine, err := authz.New(ctx, authz.WithStore(openPolicyStore(t, rf.db)), authz.WithNotifier(hub),
			authz.WithSyncInterval(20*time.Millisecond), authz.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(engine.Close)
		rf.Guard.Engine = engine
		replica := build(t, rf)
		allowed := func(f *Fixture) request { return get("/users", bearer(f, "carol")) }
		check(t, rf, do(t, replica, rf, allowed(rf)), want{status: 200, subject: "carol", method: "bearer"}, false)

		hub.Disconnect()
		waitFor(t, func() bool { return engine.Err() != nil })
		for _, req := range []request{allowed(rf), get("/users", bearer(rf, "bob")), get("/admin", bearer(rf, "alice"))} {
			check(t, rf, do(t, replica, rf, req), want{status: 503, code: "unavailable",
				header: map[string]string{"Retry-After": "1", "Cache-Control": "no-store"}}, false)
		}
		// Requests that need no decision still work.
		check(t, rf, do(t, replica, rf, get("/me", bearer(rf, "bob"))), want{status: 200, subject: "bob", method: "bearer"}, false)

		hub.Reconnect()
		waitFor(t, func() bool { return engine.Err() == nil })
		check(t, rf, do(t, replica, rf, allowed(rf)), want{status: 200, subject: "carol", method: "bearer"}, false)
	})

	t.Run("runtime edits with the framework's own strings, under churn", func(t *testing.T) {
		runChurn(t, build)
	})

	t.Run("tenants", func(t *testing.T) {
		runTenants(t, build)
	})

	t.Run("framework-neutral endpoints, mounted", func(t *testing.T) {
		runEndpoints(t, build)
	})

	t.Run("custom error writer", func(t *testing.T) {
		cf := NewFixture(t)
		cf.CustomErrors = true
		custom := build(t, cf)
		for _, tc := range cases {
			if tc.want.status < 400 {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				check(t, cf, do(t, custom, cf, tc.req(cf)), tc.want, true)
			})
		}
	})
}

// waitFor waits, generously, for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never met")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func do(t *testing.T, app App, f *Fixture, r request) *http.Response {
	t.Helper()
	req := httptest.NewRequest(r.method, r.path, nil)
	if req.URL.IsAbs() {
		// A request to another host: in origin form, with that Host, as
		// clients send it.
		host := req.URL.Host
		req = httptest.NewRequest(r.method, req.URL.RequestURI(), nil)
		req.Host = host
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	for _, h := range r.repeated {
		req.Header.Add(h[0], h[1])
	}
	if r.cookie {
		req.AddCookie(&http.Cookie{Name: f.sessionName, Value: f.session})
	}
	if r.csrf {
		req.Header.Set("X-CSRF-Token", f.csrf)
	}
	resp, err := app(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func check(t *testing.T, f *Fixture, resp *http.Response, w want, custom bool) {
	t.Helper()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != w.status {
		t.Fatalf("status %d, want %d; body %s", resp.StatusCode, w.status, raw)
	}
	for name, value := range w.header {
		if got := resp.Header.Get(name); got != value {
			t.Errorf("header %s = %q, want %q", name, got, value)
		}
	}
	if w.status >= 400 {
		checkError(t, resp, raw, w, custom)
		return
	}
	var reply Reply
	if err := json.Unmarshal(raw, &reply); err != nil {
		t.Fatalf("body %s: %v", raw, err)
	}
	wantReply := Reply{Subject: w.subject, Method: w.method, Post: w.post, Filter: w.filter, Tenant: w.tenant}
	if reply != wantReply {
		t.Errorf("reply %+v, want %+v", reply, wantReply)
	}
}

func checkError(t *testing.T, resp *http.Response, raw []byte, w want, custom bool) {
	t.Helper()
	if custom {
		if got := resp.Header.Get("X-Custom-Error"); got != w.code {
			t.Errorf("X-Custom-Error = %q, want %q", got, w.code)
		}
		var body map[string]string
		if err := json.Unmarshal(raw, &body); err != nil || body["custom"] != w.code || len(body) != 1 {
			t.Errorf("custom body %s, want {\"custom\":%q}", raw, w.code)
		}
		return
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want JSON", ct)
	}
	var body map[string]string
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("error body %s: %v", raw, err)
	}
	if body["error"] != w.code || body["message"] == "" || len(body) != 2 {
		t.Errorf("error body %s, want {\"error\":%q,\"message\":…}", raw, w.code)
	}
	if w.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("a 401 without WWW-Authenticate")
	}
}
