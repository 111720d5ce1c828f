package adaptertest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authz"
)

// The tenant part of the suite runs TenantRoutes over a NewTenantFixture,
// with the tenant in the path ({org}, nested tenants percent-encoded), in
// the header X-Tenant, in the host's subdomain, and in the claim "org" of
// the caller's access token.

// TenantDomain is the domain whose subdomains the suite's third
// application with tenants reads the tenant from: acme.example.test.
const TenantDomain = "example.test"

// TenantHeader is the header the suite's second application with tenants
// reads the tenant from.
const TenantHeader = "X-Tenant"

// TenantClaim is the custom claim of the fixture's access tokens
// (token.Config.CustomClaims) that the suite's fourth application with
// tenants reads the tenant from.
const TenantClaim = "org"

// The applications of the tenant cases, by where they read the tenant.
const (
	byPath   = iota // {org}
	byHeader        // X-Tenant
	byHost          // the subdomain of TenantDomain
	byClaim         // the claim TenantClaim of the caller's token
)

// claimedTokens are the tokens the fixture with tenants issues with the
// claim TenantClaim, besides the plain ones.
var claimedTokens = []struct{ subject, tenant string }{
	{"alice", "acme"}, {"alice", "acme/eu"}, {"alice", "initech"},
	{"bob", "acme/eu"}, {"bob", "acme"},
	{"dave", "acme"}, {"ops", "globex"}, {"ops", "*"}, {"carol", "acme//eu"},
}

// claimed names, in Fixture.bearer, the token of subject whose claim
// TenantClaim is tenant: bearer(f, claimed("alice", "acme")).
func claimed(subject, tenant string) string { return subject + " " + TenantClaim + "=" + tenant }

type tenantCase struct {
	name string
	via  int // byPath, byHeader or byHost
	req  func(f *Fixture) request
	want want
}

// inTenant adds the tenant header to bearer(f, subject).
func inTenant(f *Fixture, subject, tenant string) map[string]string {
	h := bearer(f, subject)
	h[TenantHeader] = tenant
	return h
}

// malformedTenant is no tenant's name: longer than authz.MaxNameLength,
// whether or not the framework unescapes path parameters.
var malformedTenant = strings.Repeat("a", 101)

var tenantCases = []tenantCase{
	{"member", byPath, func(f *Fixture) request { return get("/orgs/acme/posts", bearer(f, "alice")) },
		want{status: 200, subject: "alice", method: "bearer", tenant: "acme"}},
	{"member, role in the tenant", byPath, func(f *Fixture) request { return get("/orgs/acme/admin", bearer(f, "alice")) },
		want{status: 200, subject: "alice", method: "bearer", tenant: "acme"}},
	{"member without the role", byPath, func(f *Fixture) request { return get("/orgs/globex/admin", bearer(f, "dave")) },
		want{status: 403, code: "forbidden"}},
	{"member of another tenant is 404", byPath, func(f *Fixture) request { return get("/orgs/acme/posts", bearer(f, "dave")) },
		want{status: 404, code: "not_found"}},
	{"unknown tenant is 404", byPath, func(f *Fixture) request { return get("/orgs/initech/posts", bearer(f, "alice")) },
		want{status: 404, code: "not_found"}},
	{"no rules at all is 404", byPath, func(f *Fixture) request { return get("/orgs/acme/posts", bearer(f, "mallory")) },
		want{status: 404, code: "not_found"}},
	{"anonymous is 401", byPath, func(f *Fixture) request { return get("/orgs/acme/posts", nil) },
		want{status: 401, code: "unauthorized", header: map[string]string{"WWW-Authenticate": challenge}}},
	{"anonymous, unknown tenant, is 401 too", byPath, func(f *Fixture) request { return get("/orgs/initech/posts", nil) },
		want{status: 401, code: "unauthorized"}},
	{"malformed tenant is 404", byPath, func(f *Fixture) request {
		return get("/orgs/"+malformedTenant+"/posts", bearer(f, "ops"))
	}, want{status: 404, code: "not_found"}},
	{"platform operator, a tenant", byPath, func(f *Fixture) request { return get("/orgs/globex/posts", bearer(f, "ops")) },
		want{status: 200, subject: "ops", method: "bearer", tenant: "globex"}},
	{"platform operator, any tenant", byPath, func(f *Fixture) request { return get("/orgs/initech/posts", bearer(f, "ops")) },
		want{status: 200, subject: "ops", method: "bearer", tenant: "initech"}},
	{"ownership, admin of the tenant", byPath, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/acme/posts/p-1", header: bearer(f, "alice")}
	}, want{status: 200, subject: "alice", method: "bearer", post: "p-1", tenant: "acme"}},
	{"ownership, non-member is 404 before loading", byPath, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/acme/posts/p-1", header: bearer(f, "dave")}
	}, want{status: 404, code: "not_found"}},
	{"ownership, anonymous is 401", byPath, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/acme/posts/p-1"}
	}, want{status: 401, code: "unauthorized"}},
	{"filter, in the tenant", byPath, func(f *Fixture) request { return get("/orgs/acme/feed", bearer(f, "alice")) },
		want{status: 200, subject: "alice", method: "bearer", filter: "all", tenant: "acme"}},
	{"filter, non-member is 404", byPath, func(f *Fixture) request { return get("/orgs/acme/feed", bearer(f, "dave")) },
		want{status: 404, code: "not_found"}},
	{"every tenant is no tenant", byPath, func(f *Fixture) request { return get("/orgs/*/posts", bearer(f, "ops")) },
		want{status: 404, code: "not_found"}},

	// A nested tenant in a path parameter has its "/" percent-encoded; the
	// tenant is the parameter decoded once, as net/http's ServeMux decodes
	// it, on every framework.
	{"path, nested: a role in acme holds in acme/eu", byPath, func(f *Fixture) request {
		return get("/orgs/acme%2Feu/admin", bearer(f, "alice"))
	}, want{status: 200, subject: "alice", method: "bearer", tenant: "acme/eu"}},
	{"path, nested: member", byPath, func(f *Fixture) request { return get("/orgs/acme%2Feu/posts", bearer(f, "bob")) },
		want{status: 200, subject: "bob", method: "bearer", tenant: "acme/eu"}},
	{"path, nested, the escape in lower case", byPath, func(f *Fixture) request {
		return get("/orgs/acme%2feu/posts", bearer(f, "bob"))
	}, want{status: 200, subject: "bob", method: "bearer", tenant: "acme/eu"}},
	{"path, nested, every letter escaped", byPath, func(f *Fixture) request {
		return get("/orgs/%61%63%6D%65%2F%65%75/posts", bearer(f, "bob"))
	}, want{status: 200, subject: "bob", method: "bearer", tenant: "acme/eu"}},
	{"path, nested: a member of acme/eu is no member of acme", byPath, func(f *Fixture) request {
		return get("/orgs/acme/posts", bearer(f, "bob"))
	}, want{status: 404, code: "not_found"}},
	{"path, nested: nor of a tenant beside it", byPath, func(f *Fixture) request {
		return get("/orgs/acme%2Fus/posts", bearer(f, "bob"))
	}, want{status: 404, code: "not_found"}},
	{"path, nested: non-member is 404", byPath, func(f *Fixture) request {
		return get("/orgs/acme%2Feu/posts", bearer(f, "dave"))
	}, want{status: 404, code: "not_found"}},
	{"path, nested: anonymous is 401", byPath, func(f *Fixture) request { return get("/orgs/acme%2Feu/posts", nil) },
		want{status: 401, code: "unauthorized", header: map[string]string{"WWW-Authenticate": challenge}}},
	{"path, nested: own post", byPath, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/acme%2Feu/posts/p-bob", header: bearer(f, "bob")}
	}, want{status: 200, subject: "bob", method: "bearer", post: "p-bob", tenant: "acme/eu"}},
	{"path, nested: another member's post", byPath, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/acme%2Feu/posts/p-carol", header: bearer(f, "bob")}
	}, want{status: 403, code: "forbidden"}},
	{"path, nested: a post of the tenant below, by its admin above", byPath, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/acme%2Feu/posts/p-carol", header: bearer(f, "alice")}
	}, want{status: 200, subject: "alice", method: "bearer", post: "p-carol", tenant: "acme/eu"}},
	{"path, nested: filter", byPath, func(f *Fixture) request { return get("/orgs/acme%2Feu/feed", bearer(f, "bob")) },
		want{status: 200, subject: "bob", method: "bearer", filter: "all", tenant: "acme/eu"}},
	{"path, decoded once: acme%252Feu names the tenant acme%2Feu", byPath, func(f *Fixture) request {
		return get("/orgs/acme%252Feu/posts", bearer(f, "ops"))
	}, want{status: 200, subject: "ops", method: "bearer", tenant: "acme%2Feu"}},
	{"path, decoded once: acme%252Feu is not acme/eu", byPath, func(f *Fixture) request {
		return get("/orgs/acme%252Feu/posts", bearer(f, "bob"))
	}, want{status: 404, code: "not_found"}},
	{"path, a plus is a plus", byPath, func(f *Fixture) request { return get("/orgs/r+d/posts", bearer(f, "ops")) },
		want{status: 200, subject: "ops", method: "bearer", tenant: "r+d"}},
	{"path, an escaped space is a space", byPath, func(f *Fixture) request { return get("/orgs/r%20d/posts", bearer(f, "ops")) },
		want{status: 200, subject: "ops", method: "bearer", tenant: "r d"}},

	{"header, member", byHeader, func(f *Fixture) request { return get("/orgs/x/posts", inTenant(f, "bob", "acme/eu")) },
		want{status: 200, subject: "bob", method: "bearer", tenant: "acme/eu"}},
	{"header, nested: a role in acme holds in acme/eu", byHeader, func(f *Fixture) request {
		return get("/orgs/x/admin", inTenant(f, "alice", "acme/eu"))
	}, want{status: 200, subject: "alice", method: "bearer", tenant: "acme/eu"}},
	{"header, nested: a member of acme/eu is no member of acme", byHeader, func(f *Fixture) request {
		return get("/orgs/x/posts", inTenant(f, "bob", "acme"))
	}, want{status: 404, code: "not_found"}},
	{"header, missing is 404", byHeader, func(f *Fixture) request { return get("/orgs/x/posts", bearer(f, "ops")) },
		want{status: 404, code: "not_found"}},
	{"header, every tenant is no tenant", byHeader, func(f *Fixture) request { return get("/orgs/x/posts", inTenant(f, "ops", "*")) },
		want{status: 404, code: "not_found"}},
	{"header, empty level", byHeader, func(f *Fixture) request { return get("/orgs/x/posts", inTenant(f, "alice", "acme//eu")) },
		want{status: 404, code: "not_found"}},
	{"header, twice with different values", byHeader, func(f *Fixture) request {
		return request{method: "GET", path: "/orgs/x/posts", header: inTenant(f, "ops", "acme"), repeated: [][2]string{{TenantHeader, "globex"}}}
	}, want{status: 404, code: "not_found"}},
	{"header, own post", byHeader, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/x/posts/p-bob", header: inTenant(f, "bob", "acme/eu")}
	}, want{status: 200, subject: "bob", method: "bearer", post: "p-bob", tenant: "acme/eu"}},
	{"header, another member's post", byHeader, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/x/posts/p-carol", header: inTenant(f, "bob", "acme/eu")}
	}, want{status: 403, code: "forbidden"}},
	{"header, a post of the tenant above", byHeader, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/x/posts/p-carol", header: inTenant(f, "alice", "acme/eu")}
	}, want{status: 200, subject: "alice", method: "bearer", post: "p-carol", tenant: "acme/eu"}},
	{"header, missing post is 404", byHeader, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/x/posts/p-none", header: inTenant(f, "bob", "acme/eu")}
	}, want{status: 404, code: "not_found"}},
	{"header, filter in a nested tenant", byHeader, func(f *Fixture) request { return get("/orgs/x/feed", inTenant(f, "bob", "acme/eu")) },
		want{status: 200, subject: "bob", method: "bearer", filter: "all", tenant: "acme/eu"}},

	{"host, member", byHost, func(f *Fixture) request {
		return get("http://acme."+TenantDomain+"/orgs/x/admin", bearer(f, "alice"))
	}, want{status: 200, subject: "alice", method: "bearer", tenant: "acme"}},
	{"host, with a port, in capitals", byHost, func(f *Fixture) request {
		return get("http://GLOBEX."+TenantDomain+":8080/orgs/x/posts", bearer(f, "dave"))
	}, want{status: 200, subject: "dave", method: "bearer", tenant: "globex"}},
	{"host, non-member", byHost, func(f *Fixture) request {
		return get("http://acme."+TenantDomain+"/orgs/x/posts", bearer(f, "dave"))
	}, want{status: 404, code: "not_found"}},
	{"host, the bare domain", byHost, func(f *Fixture) request {
		return get("http://"+TenantDomain+"/orgs/x/posts", bearer(f, "ops"))
	}, want{status: 404, code: "not_found"}},
	{"host, another domain", byHost, func(f *Fixture) request {
		return get("http://acme.example.org/orgs/x/posts", bearer(f, "ops"))
	}, want{status: 404, code: "not_found"}},

	// The claim's tenant comes from a token authn/token issued and
	// verified; the caller must still be a member there.
	{"claim, member", byClaim, func(f *Fixture) request { return get("/orgs/x/posts", bearer(f, claimed("alice", "acme"))) },
		want{status: 200, subject: "alice", method: "bearer", tenant: "acme"}},
	{"claim, a role in the tenant", byClaim, func(f *Fixture) request { return get("/orgs/x/admin", bearer(f, claimed("alice", "acme"))) },
		want{status: 200, subject: "alice", method: "bearer", tenant: "acme"}},
	{"claim, nested: a role in acme holds in acme/eu", byClaim, func(f *Fixture) request {
		return get("/orgs/x/admin", bearer(f, claimed("alice", "acme/eu")))
	}, want{status: 200, subject: "alice", method: "bearer", tenant: "acme/eu"}},
	{"claim, member of a nested tenant", byClaim, func(f *Fixture) request {
		return get("/orgs/x/posts", bearer(f, claimed("bob", "acme/eu")))
	}, want{status: 200, subject: "bob", method: "bearer", tenant: "acme/eu"}},
	{"claim, nested: a member of acme/eu is no member of acme", byClaim, func(f *Fixture) request {
		return get("/orgs/x/posts", bearer(f, claimed("bob", "acme")))
	}, want{status: 404, code: "not_found"}},
	{"claim, a tenant one is not a member of is 404", byClaim, func(f *Fixture) request {
		return get("/orgs/x/posts", bearer(f, claimed("dave", "acme")))
	}, want{status: 404, code: "not_found"}},
	{"claim, an unknown tenant is 404", byClaim, func(f *Fixture) request {
		return get("/orgs/x/posts", bearer(f, claimed("alice", "initech")))
	}, want{status: 404, code: "not_found"}},
	{"claim, platform operator", byClaim, func(f *Fixture) request { return get("/orgs/x/posts", bearer(f, claimed("ops", "globex"))) },
		want{status: 200, subject: "ops", method: "bearer", tenant: "globex"}},
	{"claim, every tenant is no tenant", byClaim, func(f *Fixture) request { return get("/orgs/x/posts", bearer(f, claimed("ops", "*"))) },
		want{status: 404, code: "not_found"}},
	{"claim, malformed tenant", byClaim, func(f *Fixture) request {
		return get("/orgs/x/posts", bearer(f, claimed("carol", "acme//eu")))
	}, want{status: 404, code: "not_found"}},
	{"claim, a token without it is 404", byClaim, func(f *Fixture) request { return get("/orgs/x/posts", bearer(f, "alice")) },
		want{status: 404, code: "not_found"}},
	{"claim, an API key has no claims: 404", byClaim, func(f *Fixture) request {
		return get("/orgs/x/posts", map[string]string{"X-API-Key": f.apiKey})
	}, want{status: 404, code: "not_found"}},
	{"claim, a session has no claims: 404", byClaim, func(f *Fixture) request {
		return request{method: "GET", path: "/orgs/x/posts", cookie: true}
	}, want{status: 404, code: "not_found"}},
	{"claim, anonymous is 401", byClaim, func(f *Fixture) request { return get("/orgs/x/posts", nil) },
		want{status: 401, code: "unauthorized", header: map[string]string{"WWW-Authenticate": challenge}}},
	{"claim, own post in a nested tenant", byClaim, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/x/posts/p-bob", header: bearer(f, claimed("bob", "acme/eu"))}
	}, want{status: 200, subject: "bob", method: "bearer", post: "p-bob", tenant: "acme/eu"}},
	{"claim, another member's post", byClaim, func(f *Fixture) request {
		return request{method: "DELETE", path: "/orgs/x/posts/p-carol", header: bearer(f, claimed("bob", "acme/eu"))}
	}, want{status: 403, code: "forbidden"}},
	{"claim, filter", byClaim, func(f *Fixture) request { return get("/orgs/x/feed", bearer(f, claimed("alice", "acme"))) },
		want{status: 200, subject: "alice", method: "bearer", filter: "all", tenant: "acme"}},
}

// malformedPathTenants are path parameters, well-formed percent-encodings
// all, that decode to no tenant's name. The platform operator, admitted to
// every tenant, asks for each: only a 404 shows the name refused.
var malformedPathTenants = map[string]string{
	"an escaped empty level":      "acme%2F%2Feu",
	"an escaped trailing slash":   "acme%2F",
	"an escaped leading slash":    "%2Facme",
	"a level with a space":        "acme%2F%20eu",
	"an escaped NUL":              "acme%00",
	"an escaped line break":       "acme%0Aeu",
	"escaped bytes not UTF-8":     "acme%FF",
	"an escaped comma":            "acme%2Cglobex",
	"every tenant, escaped":       "%2A",
	"every tenant below one":      "acme%2F%2A",
	"deeper than MaxTenantDepth":  strings.Repeat("a%2F", authz.MaxTenantDepth) + "a",
	"longer than a name, escaped": strings.Repeat("%61", authz.MaxNameLength+1),
}

// runTenants runs the tenant part of the suite.
func runTenants(t *testing.T, build func(t *testing.T, f *Fixture) App) {
	f := NewTenantFixture(t)
	apps := map[int]App{byPath: build(t, f)}
	f.Guard.Tenant = guard.TenantFromHeader(TenantHeader)
	apps[byHeader] = build(t, f)
	f.Guard.Tenant = guard.TenantFromSubdomain(TenantDomain)
	apps[byHost] = build(t, f)
	f.Guard.Tenant = guard.TenantFromClaim(TenantClaim)
	apps[byClaim] = build(t, f)
	f.Guard.Tenant = guard.TenantFromPath("org")
	for _, tc := range tenantCases {
		t.Run(tc.name, func(t *testing.T) {
			check(t, f, do(t, apps[tc.via], f, tc.req(f)), tc.want, false)
		})
	}
	for name, tenant := range malformedPathTenants {
		t.Run("path, malformed: "+name, func(t *testing.T) {
			for _, path := range []string{"/orgs/" + tenant + "/posts", "/orgs/" + tenant + "/posts/p-1"} {
				method := map[bool]string{true: "DELETE", false: "GET"}[strings.HasSuffix(path, "p-1")]
				resp := do(t, apps[byPath], f, request{method: method, path: path, header: bearer(f, "ops")})
				check(t, f, resp, want{status: 404, code: "not_found"}, false)
			}
		})
	}

	t.Run("a tenant one is not in reads as one that does not exist", func(t *testing.T) {
		body := func(path, subject string) []byte {
			status, b := send(t, apps[byPath], "GET", path, bearer(f, subject), nil)
			if status != http.StatusNotFound {
				t.Fatalf("GET %s as %s: %d %s", path, subject, status, b)
			}
			return b
		}
		notMember, unknown := body("/orgs/acme/posts", "dave"), body("/orgs/initech/posts", "dave")
		missingPost := func() []byte {
			status, b := send(t, apps[byHeader], "DELETE", "/orgs/x/posts/p-none", inTenant(f, "bob", "acme/eu"), nil)
			if status != http.StatusNotFound {
				t.Fatalf("a missing post: %d %s", status, b)
			}
			return b
		}()
		if !bytes.Equal(notMember, unknown) || !bytes.Equal(notMember, missingPost) {
			t.Errorf("404 bodies differ: not a member %s, unknown tenant %s, missing post %s", notMember, unknown, missingPost)
		}
		logs := f.Logs()
		if !strings.Contains(logs, "not a member of the tenant") {
			t.Errorf("want the refusal of a non-member logged with its reason, got:\n%s", logs)
		}
	})

	t.Run("runtime edits in tenants with the framework's own strings, under churn", func(t *testing.T) {
		runTenantChurn(t, build)
	})
}

// tenantChurnRounds is how many edits the tenant churn makes.
const tenantChurnRounds = 120

// runTenantChurn assigns and unassigns roles in tenants named by the
// request's path, interleaved with requests that reuse the framework's
// buffers, and checks that the engine keeps the strings the edits named
// and that mallory is admitted to exactly the tenants she was given a
// role in.
func runTenantChurn(t *testing.T, build func(t *testing.T, f *Fixture) App) {
	ctx := context.Background()
	f := NewTenantFixture(t)
	app := build(t, f)
	rnd := rand.New(rand.NewPCG(17, 4))

	want := policySet(t, f.engine)
	orgs := []string{"acme", "globex"}
	for len(orgs) < 8 {
		orgs = append(orgs, "org-"+randomName(rnd, 1+rnd.IntN(60)))
	}
	subjects := []string{"mallory", "usr_" + randomName(rnd, 40), "usr_" + randomName(rnd, 7)}
	roles := []string{"member", "admin"}
	pick := func(names []string) string { return names[rnd.IntN(len(names))] }

	for round := 0; round < tenantChurnRounds; round++ {
		org, sub, role := pick(orgs), pick(subjects), pick(roles)
		method, present := "PUT", true
		if rnd.IntN(3) == 0 {
			method, present = "DELETE", false
		}
		line := "g, " + sub + ", " + role + ", " + org
		status, body := send(t, app, method, "/public/orgs/"+org+"/roles/"+sub+"/"+role, nil, nil)
		switch {
		case want[line] == present:
			wantStatus := map[bool]int{true: http.StatusConflict, false: http.StatusNotFound}[present]
			if status != wantStatus {
				t.Fatalf("round %d: %s %s: %d %s, want %d", round, method, line, status, body, wantStatus)
			}
		case status != http.StatusNoContent:
			t.Fatalf("round %d: %s %s: %d %s", round, method, line, status, body)
		case present:
			want[line] = true
		default:
			delete(want, line)
		}

		// Churn: a large body, a long header, a request in another tenant.
		big := bytes.Repeat([]byte(randomName(rnd, 64)), 256+rnd.IntN(1024))
		if status, body := send(t, app, "POST", "/me", bearer(f, "alice"), big); status != http.StatusOK {
			t.Fatalf("POST /me with %d bytes: %d %s", len(big), status, body)
		}
		header := bearer(f, "ops")
		header["X-Padding"] = randomName(rnd, 100+rnd.IntN(2000))
		other := "org-" + randomName(rnd, 1+rnd.IntN(80))
		if status, body := send(t, app, "GET", "/orgs/"+other+"/posts", header, nil); status != http.StatusOK {
			t.Fatalf("GET /orgs/%s/posts as ops: %d %s", other, status, body)
		}

		if round%20 == 0 || round == tenantChurnRounds-1 {
			checkKeptTenants(t, f, round)
			p, err := f.engine.Policy(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, wantLines := policyLines(p), sortedLines(want); !slices.Equal(got, wantLines) {
				t.Fatalf("round %d: the engine holds\n%s\nwant\n%s", round, strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
			}
			for _, org := range orgs {
				member := want["g, mallory, member, "+org] || want["g, mallory, admin, "+org]
				status, body := send(t, app, "GET", "/orgs/"+org+"/posts", bearer(f, "mallory"), nil)
				if member != (status == http.StatusOK) || !member && status != http.StatusNotFound {
					t.Fatalf("round %d: GET /orgs/%s/posts as mallory: %d %s, want member=%v", round, org, status, body, member)
				}
			}
		}
	}
	// The store holds what memory holds, tenants in Casbin's columns.
	checkStoreHolds(t, f, want, authz.WithModel(gatehouse.TenantModel()))
}

// checkKeptTenants checks that every tenant a handler kept reads as it did.
func checkKeptTenants(t *testing.T, f *Fixture, round int) {
	t.Helper()
	f.keptMu.Lock()
	defer f.keptMu.Unlock()
	if len(f.keptTenants) == 0 {
		t.Fatal("no handler kept a tenant: RememberTenant is not called")
	}
	for _, k := range f.keptTenants {
		if k[0] != k[1] {
			t.Fatalf("round %d: a tenant kept after its request changed: %q, was %q", round, k[0], k[1])
		}
	}
}
