package authz_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// tenantPolicy is a small organization chart: alice administers acme and
// views globex, bob is a member of acme's European branch, ops operates
// every tenant, and the roles' grants are written once for every tenant.
const tenantPolicy = `
p, admin, *, users:*, any, allow
p, admin, *, posts:*, any, allow
p, member, *, posts:read, any, allow
p, member, *, posts:write, own, allow
p, viewer, *, posts:read, any, allow
p, operator, *, billing:read, any, allow
p, auditor, acme, billing:read, any, allow
p, suspended, *, posts:write, any, deny
g, admin, member, *
g, alice, admin, acme
g, alice, viewer, globex
g, bob, member, acme/eu
g, ops, operator, *
`

func newTenantEngine(t *testing.T, opts ...authz.Option) *authz.Engine {
	t.Helper()
	e, err := authz.New(context.Background(),
		append([]authz.Option{authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(tenantPolicy)}, opts...)...)
	require.NoError(t, err)
	require.True(t, e.Tenanted())
	require.True(t, e.Indexed())
	return e
}

func decideIn(t *testing.T, e *authz.Engine, tenant, subject string, perm permissions.Permission, owner string) authz.Decision {
	t.Helper()
	d, err := e.Decide(context.Background(), authz.Request{Subject: subject, Tenant: tenant, Permission: perm,
		Resource: authz.Resource{Owner: owner}})
	require.NoError(t, err)
	return d
}

func TestTenantDecisions(t *testing.T) {
	t.Parallel()
	e := newTenantEngine(t)
	tests := []struct {
		name                    string
		tenant, subject, permit string
		owner                   string
		allowed                 bool
	}{
		{"an admin of acme manages acme's users", "acme", "alice", "users:delete", "", true},
		{"and not globex's, where she only views", "globex", "alice", "users:delete", "", false},
		{"she reads globex's posts", "globex", "alice", "posts:read", "", true},
		{"a role held in acme holds in acme/eu below it", "acme/eu", "alice", "users:invite", "", true},
		{"and two levels below", "acme/eu/paris", "alice", "users:invite", "", true},
		{"but not in a tenant that only shares a prefix", "acme-corp", "alice", "users:invite", "", false},
		{"a member of acme/eu is no member of acme above it", "acme", "bob", "posts:read", "", false},
		{"a member of acme/eu reads there", "acme/eu", "bob", "posts:read", "", true},
		{"and writes his own posts", "acme/eu", "bob", "posts:write", "bob", true},
		{"but not others'", "acme/eu", "bob", "posts:write", "carol", false},
		{"an admin is a member everywhere she is admin", "acme", "alice", "posts:write", "alice", true},
		{"a platform-wide role holds in every tenant", "globex", "ops", "billing:read", "", true},
		{"and at the platform's level", "", "ops", "billing:read", "", true},
		{"a tenant's roles do not hold at the platform's level", "", "alice", "users:delete", "", false},
		{"a stranger gets nothing", "acme", "mallory", "posts:read", "", false},
		{"a tenant nobody mentions grants nothing", "initech", "alice", "posts:read", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decideIn(t, e, tt.tenant, tt.subject, permissions.Permission(tt.permit), tt.owner)
			assert.Equal(t, tt.allowed, d.Allowed, d.Reason())
		})
	}
}

func TestTenantReasonsNameTheTenant(t *testing.T) {
	t.Parallel()
	e := newTenantEngine(t)
	d := decideIn(t, e, "acme/eu", "alice", permissions.UsersDelete, "")
	assert.Equal(t, `allowed by rule "p, admin, *, users:*, any, allow"`, d.Reason())
	d = decideIn(t, e, "globex", "bob", permissions.PostsRead, "")
	assert.Equal(t, `denied: no rule grants "posts:read" to "bob" in tenant "globex"`, d.Reason())

	ctx := context.Background()
	require.NoError(t, e.Tenant("acme").AssignRole(ctx, "alice", "suspended"))
	d = decideIn(t, e, "acme/eu", "alice", permissions.PostsWrite, "alice")
	assert.False(t, d.Allowed)
	assert.Equal(t, `denied by rule "p, suspended, *, posts:write, any, deny"`, d.Reason())
	assert.True(t, decideIn(t, e, "globex", "alice", permissions.PostsRead, "").Allowed, "suspended in acme only")
}

func TestTenantEdits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newTenantEngine(t)
	acme := e.Tenant("acme")

	require.NoError(t, acme.AssignRole(ctx, "carol", "member"))
	assert.True(t, decideIn(t, e, "acme", "carol", permissions.PostsRead, "").Allowed)
	assert.False(t, decideIn(t, e, "globex", "carol", permissions.PostsRead, "").Allowed)
	require.ErrorIs(t, acme.AssignRole(ctx, "carol", "member"), authz.ErrExists)
	require.ErrorIs(t, e.Tenant("globex").UnassignRole(ctx, "carol", "member"), authz.ErrNotFound)

	require.NoError(t, acme.SetRoles(ctx, "carol", []string{"viewer", "auditor"}))
	roles, err := acme.AssignedRoles(ctx, "carol")
	require.NoError(t, err)
	assert.Equal(t, []string{"auditor", "viewer"}, roles)
	require.NoError(t, e.Tenant("globex").AssignRole(ctx, "carol", "admin"))
	require.NoError(t, acme.SetRoles(ctx, "carol", nil))
	roles, err = e.Tenant("globex").AssignedRoles(ctx, "carol")
	require.NoError(t, err)
	assert.Equal(t, []string{"admin"}, roles, "SetRoles in acme leaves globex alone")

	require.NoError(t, acme.AddGrant(ctx, authz.Grant{Subject: "viewer", Permission: "docs:read", Scope: permissions.Any}))
	p, err := e.Policy(ctx)
	require.NoError(t, err)
	assert.Contains(t, p.String(), "p, viewer, acme, docs:read, any, allow\n")
	require.NoError(t, acme.RemoveGrant(ctx, authz.Grant{Subject: "viewer", Permission: "docs:read", Scope: permissions.Any}))

	// Inheritance per tenant, and cycles refused across tenants.
	require.NoError(t, acme.AddInheritance(ctx, "auditor", "viewer"))
	require.ErrorIs(t, e.Tenant("globex").AddInheritance(ctx, "viewer", "auditor"), authz.ErrCycle)
	require.NoError(t, acme.RemoveInheritance(ctx, "auditor", "viewer"))
}

func TestTenantQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newTenantEngine(t)

	roles, err := e.Tenant("acme/eu").Roles(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, []string{"admin", "member"}, roles, "held in acme, inherited in every tenant")
	roles, err = e.Tenant("globex").Roles(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, []string{"viewer"}, roles)
	roles, err = e.Roles(ctx, "ops")
	require.NoError(t, err)
	assert.Equal(t, []string{"operator"}, roles, "the platform's level")

	members, err := e.Tenant("acme").Members(ctx, "admin")
	require.NoError(t, err)
	assert.Equal(t, []string{"alice"}, members)
	members, err = e.Tenant(authz.AllTenants).Members(ctx, "member")
	require.NoError(t, err)
	assert.Equal(t, []string{"admin"}, members)

	grants, err := e.Tenant("acme").Permissions(ctx, "bob")
	require.NoError(t, err)
	assert.Empty(t, grants, "bob is a member of acme/eu only")
	grants, err = e.Tenant("acme/eu").Permissions(ctx, "bob")
	require.NoError(t, err)
	var lines []string
	for _, g := range grants {
		lines = append(lines, g.String())
	}
	assert.Equal(t, []string{"p, member, *, posts:read, any, allow", "p, member, *, posts:write, own, allow"}, lines)

	tenants, err := e.Tenants(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, []string{"acme", "globex"}, tenants)
	tenants, err = e.Tenants(ctx, "ops")
	require.NoError(t, err)
	assert.Equal(t, []string{authz.AllTenants}, tenants)
	tenants, err = e.Tenants(ctx, "nobody")
	require.NoError(t, err)
	assert.Equal(t, []string{}, tenants)

	for _, tt := range []struct {
		tenant, subject string
		member          bool
	}{
		{"acme", "alice", true},
		{"acme/eu", "alice", true},
		{"acme", "bob", false},
		{"acme/eu", "bob", true},
		{"initech", "ops", true},
		{"initech", "alice", false},
		{"", "ops", true},
		{"", "alice", false},
	} {
		member, err := e.Tenant(tt.tenant).IsMember(ctx, tt.subject)
		require.NoError(t, err)
		assert.Equal(t, tt.member, member, "%s in %q", tt.subject, tt.tenant)
	}

	require.NoError(t, e.Tenant("acme").AssignRole(ctx, "bob", "viewer"))
	memberships, err := e.Tenant("acme").Memberships(ctx)
	require.NoError(t, err)
	assert.Equal(t, []authz.Membership{{Subject: "alice", Roles: []string{"admin"}}, {Subject: "bob", Roles: []string{"viewer"}}},
		memberships)
	memberships, err = e.Tenant(authz.AllTenants).Memberships(ctx)
	require.NoError(t, err)
	assert.Equal(t, []authz.Membership{{Subject: "ops", Roles: []string{"operator"}}}, memberships,
		"admin holds member, but admin is a role")
}

func TestRemoveTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newTenantEngine(t)
	require.NoError(t, e.Tenant("acme/eu").AddGrant(ctx, authz.Grant{Subject: "member", Permission: "docs:read", Scope: permissions.Any}))
	require.NoError(t, e.Tenant("acme-corp").AssignRole(ctx, "dave", "admin"))

	require.NoError(t, e.RemoveTenant(ctx, "acme"))
	p, err := e.Policy(ctx)
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(p.String()), "\n") {
		assert.NotContains(t, line, ", acme,", "acme's lines are gone")
		assert.NotContains(t, line, "acme/", "and those of the tenants below it")
	}
	assert.Contains(t, p.String(), "g, dave, admin, acme-corp", "a tenant that only shares a prefix stays")
	assert.Contains(t, p.String(), "g, alice, viewer, globex")
	assert.Contains(t, p.String(), "p, admin, *, users:*, any, allow", "rules for every tenant stay")
	assert.False(t, decideIn(t, e, "acme", "alice", permissions.UsersDelete, "").Allowed)
	assert.False(t, decideIn(t, e, "acme/eu", "bob", permissions.PostsRead, "").Allowed)

	require.NoError(t, e.RemoveTenant(ctx, "never-was"), "removing an unknown tenant is not an error")
	require.ErrorIs(t, e.RemoveTenant(ctx, authz.AllTenants), authz.ErrInvalidTenant)
}

func TestTenantNamesAndShapesAreChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newTenantEngine(t)
	plain := newEngine(t)
	for _, tt := range []struct {
		name string
		call func() error
	}{
		{"a grant without a tenant", func() error {
			return e.AddGrant(ctx, authz.Grant{Subject: "x", Permission: "posts:read", Scope: permissions.Any})
		}},
		{"a role without a tenant", func() error { return e.AssignRole(ctx, "x", "admin") }},
		{"assigned roles without a tenant", func() error { _, err := e.AssignedRoles(ctx, "alice"); return err }},
		{"an empty level", func() error { return e.Tenant("acme//eu").AssignRole(ctx, "x", "admin") }},
		{"a trailing slash", func() error { return e.Tenant("acme/").AssignRole(ctx, "x", "admin") }},
		{"a leading slash", func() error { _, err := e.Tenant("/acme").Roles(ctx, "x"); return err }},
		{"a star inside a name", func() error { return e.Tenant("ac*me").AssignRole(ctx, "x", "admin") }},
		{"a request in every tenant", func() error {
			_, err := e.Tenant(authz.AllTenants).Decide(ctx, authz.Request{Subject: "x", Permission: "posts:read"})
			return err
		}},
		{"a level with spaces", func() error { return e.Tenant("acme/ eu").AssignRole(ctx, "x", "admin") }},
		{"too many levels", func() error { return e.Tenant("a/b/c/d/e/f/g/h/i").AssignRole(ctx, "x", "admin") }},
		{"a comma", func() error { return e.Tenant("acme,globex").AssignRole(ctx, "x", "admin") }},
		{"an invisible character", func() error { return e.Tenant("ac\u200bme").AssignRole(ctx, "x", "admin") }},
		{"a tenant under the plain model", func() error { return plain.Tenant("acme").AssignRole(ctx, "x", "user") }},
		{"a request in a tenant under the plain model", func() error {
			_, err := plain.Decide(ctx, authz.Request{Subject: "bob", Tenant: "acme", Permission: "posts:read"})
			return err
		}},
		{"tenants of a subject under the plain model", func() error { _, err := plain.Tenants(ctx, "bob"); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.call(), authz.ErrInvalidTenant)
		})
	}
	p, err := e.Policy(ctx)
	require.NoError(t, err)
	want, err := authz.ParsePolicy("policy", tenantPolicy)
	require.NoError(t, err)
	assert.Equal(t, want.String(), p.String(), "nothing changed")

	// A request that fails a check is a denial.
	d, err := e.Decide(ctx, authz.Request{Subject: "alice", Tenant: "acme//", Permission: permissions.UsersDelete})
	require.ErrorIs(t, err, authz.ErrInvalidTenant)
	assert.False(t, d.Allowed)
}

func TestPoliciesOfTheOtherShapeAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy("p, admin, users:*, any, allow\n"))
	var perr *authz.PolicyError
	require.ErrorAs(t, err, &perr)
	assert.Equal(t, 1, perr.Line)
	require.ErrorIs(t, err, authz.ErrInvalidTenant)

	_, err = authz.New(ctx, authz.WithPolicy("g, alice, admin, acme\n"))
	require.ErrorAs(t, err, &perr)
	require.ErrorIs(t, err, authz.ErrInvalidTenant)

	_, err = authz.ParsePolicy("policy", "p, admin, , users:*, any, allow\n")
	require.ErrorIs(t, err, authz.ErrInvalidTenant, "an empty tenant is not every tenant")

	e, err := authz.New(ctx, authz.WithModel(gatehouse.TenantModel()))
	require.NoError(t, err)
	p, err := e.Policy(ctx)
	require.NoError(t, err)
	assert.Empty(t, p.String(), "a model with tenants starts empty: the default policy has none")
	require.ErrorIs(t, e.Import(ctx, authz.Policy{Roles: []authz.RoleAssignment{{Member: "a", Role: "b"}}}), authz.ErrInvalidTenant)
}

func TestTenantPolicyRoundTrip(t *testing.T) {
	t.Parallel()
	p, err := authz.ParsePolicy("policy", tenantPolicy)
	require.NoError(t, err)
	again, err := authz.ParsePolicy("again", p.String())
	require.NoError(t, err)
	assert.Equal(t, p, again)
	for _, g := range p.Grants {
		assert.Equal(t, g, authz.GrantFromRule(g.Rule()))
	}
	for _, a := range p.Roles {
		assert.Equal(t, a, authz.RoleFromRule(a.Rule()))
	}
	assert.Equal(t, []string{"alice", "admin", "acme"}, authz.RoleAssignment{Member: "alice", Role: "admin", Tenant: "acme"}.Rule())
}

func TestTenantFilter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newTenantEngine(t)
	f, err := e.Tenant("acme/eu").Filter(ctx, "bob", permissions.PostsWrite)
	require.NoError(t, err)
	assert.Equal(t, authz.FilterOwn, f.Kind)
	assert.Equal(t, "acme/eu", f.Tenant)
	query, args, err := f.WhereTenant("posts.tenant", "posts.author")
	require.NoError(t, err)
	assert.Equal(t, "posts.tenant = ? AND posts.author = ?", query)
	assert.Equal(t, []any{"acme/eu", "bob"}, args)

	f, err = e.Tenant("acme").Filter(ctx, "bob", permissions.PostsWrite)
	require.NoError(t, err)
	query, args, err = f.WhereTenant("tenant", "author")
	require.NoError(t, err)
	assert.Equal(t, "1 = 0", query, "bob has nothing in acme")
	assert.Empty(t, args)

	f, err = e.Filter(ctx, "ops", permissions.PostsRead)
	require.NoError(t, err)
	query, _, err = f.WhereTenant("tenant", "author")
	require.NoError(t, err)
	assert.Equal(t, "1 = 0", query, "a filter outside every tenant admits no tenant's rows")
	_, _, err = f.WhereTenant("tenant; drop table posts", "author")
	require.ErrorIs(t, err, authz.ErrInvalidRequest)
}

func TestWithTenantsHoldsSomeTenants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newTenantEngine(t, authz.WithTenants("acme/eu"))
	p, err := e.Policy(ctx)
	require.NoError(t, err)
	assert.NotContains(t, p.String(), "globex", "another tenant's rules are not loaded")
	assert.Contains(t, p.String(), "g, alice, admin, acme", "the rules of the tenants above are")
	assert.Contains(t, p.String(), "g, ops, operator, *", "and those for every tenant")

	assert.True(t, decideIn(t, e, "acme/eu", "alice", permissions.UsersDelete, "").Allowed)
	assert.True(t, decideIn(t, e, "acme/eu/paris", "bob", permissions.PostsRead, "").Allowed)
	_, err = e.Decide(ctx, authz.Request{Subject: "alice", Tenant: "acme", Permission: permissions.UsersDelete})
	require.ErrorIs(t, err, authz.ErrInvalidTenant, "acme itself is not held")
	_, err = e.Decide(ctx, authz.Request{Subject: "alice", Tenant: "globex", Permission: permissions.PostsRead})
	require.ErrorIs(t, err, authz.ErrInvalidTenant)
	require.ErrorIs(t, e.Tenant("globex").AssignRole(ctx, "x", "viewer"), authz.ErrInvalidTenant)
	require.NoError(t, e.Tenant("acme/eu/paris").AssignRole(ctx, "x", "viewer"))

	_, err = authz.New(ctx, authz.WithTenants("acme"))
	require.ErrorIs(t, err, authz.ErrInvalidTenant, "the plain model has no tenants")
	_, err = authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithTenants())
	require.ErrorIs(t, err, authz.ErrInvalidTenant)
	_, err = authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithTenants("*"))
	require.ErrorIs(t, err, authz.ErrInvalidTenant)
}

func TestTenantFilterMatch(t *testing.T) {
	t.Parallel()
	f := authz.TenantFilter{Tenants: []string{"acme/eu"}, Above: []string{"acme", authz.AllTenants}}
	for tenant, want := range map[string]bool{
		"acme/eu": true, "acme/eu/paris": true, "acme": true, "*": true,
		"acme/us": false, "acme/eu2": false, "globex": false, "": false,
	} {
		assert.Equal(t, want, f.Match(tenant), tenant)
	}
}

// Under a matcher the index does not serve, the tenant queries read
// Casbin's rules and answer as the index does.
func TestTenantQueriesWithoutTheIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	indexed := newTenantEngine(t)
	custom, err := authz.New(ctx, authz.WithModel(strings.Replace(gatehouse.TenantModel(), "m = ", `m = r.sub == "root" || `, 1)),
		authz.WithPolicy(tenantPolicy))
	require.NoError(t, err)
	require.False(t, custom.Indexed())
	for _, tenant := range []string{"acme", "globex", authz.AllTenants} {
		want, err := indexed.Tenant(tenant).Memberships(ctx)
		require.NoError(t, err)
		got, err := custom.Tenant(tenant).Memberships(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got, tenant)
	}
	for _, subject := range []string{"alice", "ops", "bob"} {
		want, err := indexed.Tenants(ctx, subject)
		require.NoError(t, err)
		got, err := custom.Tenants(ctx, subject)
		require.NoError(t, err)
		assert.Equal(t, want, got, subject)
		for _, tenant := range []string{"acme", "acme/eu", "globex", ""} {
			want, err := indexed.Tenant(tenant).IsMember(ctx, subject)
			require.NoError(t, err)
			got, err := custom.Tenant(tenant).IsMember(ctx, subject)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%s in %q", subject, tenant)
		}
	}
}
