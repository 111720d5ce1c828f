package adaptertest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	apikeygorm "github.com/gatehouse-go/gatehouse/authn/apikey/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/external"
	"github.com/gatehouse-go/gatehouse/authn/session"
	sessiongorm "github.com/gatehouse-go/gatehouse/authn/session/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testprovider"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Fixture is the world the suite's requests run in.
type Fixture struct {
	// Guard configures the adapter under test: authenticator chain, engine,
	// realm "gatehouse-test", public paths /healthz and /public/*, optional
	// path /feed, trusted proxies 192.0.2.0/28 and 0.0.0.0, and a logger
	// writing to Logs; with tenants (NewTenantFixture), the tenant read
	// from the path parameter {org}. Its access tokens may carry the
	// custom claim TenantClaim.
	Guard guard.Config
	// CustomErrors asks the adapter to install an error writer that answers
	// every refusal with status e.Status, header "X-Custom-Error: <code>"
	// and the body {"custom": "<code>"} (see WriteCustomError).
	CustomErrors bool

	logs        *lockedBuffer
	observer    *recordingObserver           // Guard.Observer
	posts       map[string]string            // post id → owner
	tenantPosts map[string]map[string]string // tenant → post id → owner
	routes      []Route
	db          *gorm.DB
	engine      *authz.Engine

	// kept are the subjects handlers saw, with a copy taken at the time,
	// to check that nothing gatehouse handed out changes afterwards.
	keptMu      sync.Mutex
	kept        []keptSubject
	keptTenants [][2]string // as handed out, and a copy taken at the time

	// credentials, by name, for the cases
	bearer      map[string]string // subject → valid access token
	external    map[string]string // an external provider's tokens, by what they are
	expired     string
	revoked     string
	apiKey      string // bob's
	session     string // carol's cookie value
	csrf        string // carol's CSRF token
	sessionName string
}

// Realm is the realm the fixture configures.
const Realm = "gatehouse-test"

// LoadPost is the loader of the ownership route: posts p-bob (owned by
// bob) and p-carol (owned by carol) exist; "bad" is a malformed id (400);
// anything else is not found (404). In a fixture with tenants it loads
// the posts of the tenant ctx carries (guard.TenantFrom): p-1 (carol's)
// in acme, p-bob and p-carol in acme/eu; the loader must be handed a
// context carrying it.
func (f *Fixture) LoadPost(ctx context.Context, id string) (guard.Loaded, error) {
	if id == "bad" {
		return guard.Loaded{}, guard.BadRequest("post ids start with p-")
	}
	posts := f.posts
	if f.tenantPosts != nil {
		tenant, ok := guard.TenantFrom(ctx)
		if !ok {
			return guard.Loaded{}, fmt.Errorf("post %q: the loader was not handed the tenant", id)
		}
		posts = f.tenantPosts[tenant]
	}
	owner, ok := posts[id]
	if !ok {
		return guard.Loaded{}, fmt.Errorf("post %q: %w", id, guard.ErrNotFound)
	}
	return guard.Loaded{Resource: authz.Resource{Type: "posts", ID: id, Owner: owner}, Value: Post{ID: id, Owner: owner}}, nil
}

// Post is the value LoadPost hands to the handler.
type Post struct {
	ID    string
	Owner string
}

// Edit makes the policy edit of kind (see Route.Edit) with tenant (the
// route's {org} parameter, "" when it has none), subject and name as the
// handler got them from the framework. With a tenant, roles and grants are
// edited in that tenant.
func (f *Fixture) Edit(ctx context.Context, kind, tenant, subject, name string) error {
	grant := authz.Grant{Subject: subject, Permission: permissions.Permission(name), Scope: permissions.Any}
	in := f.engine.Tenant(tenant)
	switch kind {
	case EditAssign:
		return in.AssignRole(ctx, subject, name)
	case EditUnassign:
		return in.UnassignRole(ctx, subject, name)
	case EditGrant:
		return in.AddGrant(ctx, grant)
	case EditRevoke:
		return in.RemoveGrant(ctx, grant)
	case EditRemove:
		return f.engine.RemoveSubject(ctx, subject)
	}
	return fmt.Errorf("adaptertest: unknown edit %q", kind)
}

// Remember keeps s, as an application may keep the subject of a request
// beyond it (in a log queue, a cache); the suite checks later that it has
// not changed. Handlers call it for every authenticated request.
func (f *Fixture) Remember(s authn.Subject) {
	snapshot := s
	snapshot.ID, snapshot.CredentialID = strings.Clone(s.ID), strings.Clone(s.CredentialID)
	snapshot.Method = authn.Method(strings.Clone(string(s.Method)))
	f.keptMu.Lock()
	defer f.keptMu.Unlock()
	f.kept = append(f.kept, keptSubject{kept: s, snapshot: snapshot})
}

type keptSubject struct{ kept, snapshot authn.Subject }

// RememberTenant keeps tenant, the tenant the adapter handed a handler, as
// an application may keep it beyond the request; the suite checks later
// that it has not changed. Handlers of TenantRoutes call it whenever the
// adapter names a tenant.
func (f *Fixture) RememberTenant(tenant string) {
	f.keptMu.Lock()
	defer f.keptMu.Unlock()
	f.keptTenants = append(f.keptTenants, [2]string{tenant, strings.Clone(tenant)})
}

// Bearer returns the Authorization header value of an access token of
// subject ("alice", "ops", …; see TenantPolicy), for an adapter's tests of
// its own: what its framework's settings change, or what its framework
// lets through where net/http refuses it.
func (f *Fixture) Bearer(subject string) string { return "Bearer " + f.bearer[subject] }

// Logs returns what the Guard's logger has written so far.
func (f *Fixture) Logs() string { return f.logs.String() }

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Routes returns the routes an adapter's test mounts for f: Routes, or
// TenantRoutes for a fixture with tenants.
func (f *Fixture) Routes() []Route { return f.routes }

// NewFixture builds a Fixture over a new SQLite file: alice holds admin,
// carol moderator, bob user.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	return newFixture(t, false)
}

// TenantPolicy is the policy of a fixture with tenants: alice administers
// acme (and so acme/eu below it), bob and carol are members of acme/eu,
// dave of globex, and ops is an operator in every tenant.
const TenantPolicy = `p, admin, *, posts:*, any, allow
p, member, *, posts:read, any, allow
p, member, *, posts:delete, own, allow
p, operator, *, posts:read, any, allow
g, alice, admin, acme
g, bob, member, acme/eu
g, carol, member, acme/eu
g, dave, member, globex
g, ops, operator, *`

// NewTenantFixture builds a Fixture whose engine has gatehouse's model with
// tenants and TenantPolicy, stored in a new SQLite file, and whose Guard
// reads the tenant from the path parameter {org} of TenantRoutes.
func NewTenantFixture(t testing.TB) *Fixture {
	t.Helper()
	return newFixture(t, true)
}

func newFixture(t testing.TB, tenants bool) *Fixture {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	db, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "adapter.db")+"?_pragma=busy_timeout(5000)"),
		&gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	must(err)
	if sqlDB, err := db.DB(); err == nil {
		t.Cleanup(func() { _ = sqlDB.Close() })
	}

	var engine *authz.Engine
	if tenants {
		engine, err = authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithStore(openPolicyStore(t, db)))
		must(err)
		p, err := authz.ParsePolicy("TenantPolicy", TenantPolicy)
		must(err)
		for _, g := range p.Grants {
			must(engine.AddGrant(ctx, g))
		}
		for _, a := range p.Roles {
			must(engine.Tenant(a.Tenant).AssignRole(ctx, a.Member, a.Role))
		}
	} else {
		engine, err = authz.New(ctx, authz.WithStore(openPolicyStore(t, db)))
		must(err)
		for subject, role := range map[string]string{"alice": "admin", "carol": "moderator", "bob": "user"} {
			must(engine.AssignRole(ctx, subject, role))
		}
	}

	revocations := memstore.New(memstore.Config{})
	key, err := token.HS256("test", []byte("adapter-conformance-signing-key-0123456789"))
	must(err)
	issuer, err := token.New(token.Config{Issuer: "gatehouse-test", Keys: []token.Key{key}, Revocations: revocations,
		CustomClaims: []string{TenantClaim}})
	must(err)
	past, err := token.New(token.Config{Issuer: "gatehouse-test", Keys: []token.Key{key},
		Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	must(err)
	apikeyStore, err := apikeygorm.New(ctx, db)
	must(err)
	keys, err := apikey.New(apikeyStore, apikey.Config{})
	must(err)
	sessionStore, err := sessiongorm.New(ctx, db)
	must(err)
	sessions, err := session.New(sessionStore, session.Config{})
	must(err)

	provider := testprovider.Start(t)
	verifier, err := external.New(external.Config{Providers: []external.Provider{{Name: "idp", Issuer: provider.Issuer,
		Audience: []string{testprovider.Audience}}}, PassOtherIssuers: true, Logger: slog.New(slog.DiscardHandler)})
	must(err)
	t.Cleanup(verifier.Close)
	must(verifier.Refresh(ctx))

	logs := &lockedBuffer{}
	observer := &recordingObserver{}
	f := &Fixture{
		Guard: guard.Config{
			// The provider's tokens first, passing the fixture's own on.
			Authenticator: authn.Chain{verifier, issuer.Authenticator(), keys.Authenticator(), sessions},
			Engine:        engine,
			Realm:         Realm,
			PublicPaths:   []string{"/healthz", "/public/*"},
			OptionalPaths: []string{"/feed"},
			// The suite's requests come from 192.0.2.7 (net/http and Gin)
			// or 0.0.0.0 (Fiber's in-memory connection), both proxies
			// whose X-Forwarded-For is read.
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/28"), netip.MustParsePrefix("0.0.0.0/32")},
			Logger:         slog.New(slog.NewJSONHandler(logs, nil)),
			Observer:       observer,
		},
		observer:    observer,
		logs:        logs,
		db:          db,
		engine:      engine,
		posts:       map[string]string{"p-bob": "bob", "p-carol": "carol"},
		routes:      Routes,
		bearer:      map[string]string{},
		external:    externalTokens(t, provider),
		sessionName: sessions.CookieName(),
	}
	if tenants {
		f.Guard.Tenant = guard.TenantFromPath("org")
		f.routes = TenantRoutes
		f.tenantPosts = map[string]map[string]string{"acme": {"p-1": "carol"}, "acme/eu": {"p-bob": "bob", "p-carol": "carol"}}
	}
	// "admin" and "moderator" are roles: tokens naming them are refused.
	for _, subject := range []string{"alice", "bob", "carol", "dave", "ops", "mallory", "admin", "moderator"} {
		tok, err := issuer.Issue(ctx, subject)
		must(err)
		f.bearer[subject] = tok.Value.Reveal()
	}
	if tenants {
		// Tokens whose claim TenantClaim names a tenant, under the names
		// bearer finds them by: "alice org=acme".
		for _, c := range claimedTokens {
			tok, err := issuer.Issue(ctx, c.subject, token.Claim(TenantClaim, c.tenant))
			must(err)
			f.bearer[claimed(c.subject, c.tenant)] = tok.Value.Reveal()
		}
	}
	old, err := past.Issue(ctx, "alice")
	must(err)
	f.expired = old.Value.Reveal()
	gone, err := issuer.Issue(ctx, "alice")
	must(err)
	must(revocations.RevokeToken(ctx, gone.ID, "alice", gone.ExpiresAt))
	f.revoked = gone.Value.Reveal()
	_, plain, err := keys.Create(ctx, "bob", "conformance", nil)
	must(err)
	f.apiKey = plain.Reveal()
	s, err := sessions.Create(ctx, "carol", "")
	must(err)
	f.session, f.csrf = s.Token.Reveal(), s.CSRFToken.Reveal()
	return f
}

// openPolicyStore opens a handle on the policy kept in db, as a restarted
// process would.
func openPolicyStore(t testing.TB, db *gorm.DB) authz.Store {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
