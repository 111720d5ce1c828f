package authztest_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
)

// newTenantEngine builds an in-memory engine on gatehouse's model with
// tenants and policy.
func newTenantEngine(t *testing.T, policy string) *authz.Engine {
	t.Helper()
	e, err := authz.New(t.Context(), authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(policy))
	require.NoError(t, err)
	return e
}

func tenantPolicy(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/tenants.csv")
	require.NoError(t, err)
	return string(b)
}

func TestEvaluateInTenants(t *testing.T) {
	t.Parallel()
	e := newTenantEngine(t, tenantPolicy(t))
	table, err := authztest.LoadFile("testdata/tenants.yaml")
	require.NoError(t, err)
	assert.Equal(t, "acme", table.Tenant)
	assert.Equal(t, map[string]map[string][]string{"globex": {"alice": {"member"}}}, table.TenantRoles)

	report, err := authztest.Evaluate(t.Context(), e, table)
	require.NoError(t, err)
	for _, r := range report.Results {
		assert.True(t, r.Passed, r.String())
	}
	assert.Equal(t, 6, report.Passed)
	assert.Equal(t, "acme/eu", report.Results[1].Decision.Request.Tenant, "a case's own tenant")
	assert.Equal(t, "acme", report.Results[3].Decision.Request.Tenant, "the table's tenant")

	roles, err := e.Tenant("globex").AssignedRoles(t.Context(), "alice")
	require.NoError(t, err)
	assert.Equal(t, []string{"member"}, roles, "tenant_roles are assigned in their tenant")
	roles, err = e.Tenant("acme").AssignedRoles(t.Context(), "dave")
	require.NoError(t, err)
	assert.Equal(t, []string{"member", "suspended"}, roles, "roles are assigned in the table's tenant")
}

func TestEvaluateReportsATenantProblemAsAFailedCase(t *testing.T) {
	t.Parallel()
	e := newTenantEngine(t, tenantPolicy(t))
	report, err := authztest.Evaluate(t.Context(), e, authztest.Table{Source: "t.yaml", Cases: []authztest.Case{
		{Subject: "alice", Tenant: "acme", Permission: "users:read", Allow: false, Line: 3},
	}})
	require.NoError(t, err)
	require.Equal(t, 1, report.Failed)
	assert.Equal(t, `t.yaml:3: alice users:read in acme: want deny, got allowed by rule "p, admin, *, users:*, any, allow"`,
		report.Results[0].String())
}

func TestEvaluateRefusesATableThatDoesNotFitTheModel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		engine  func(t *testing.T) *authz.Engine
		table   authztest.Table
		wantErr []string
	}{
		{
			name:   "a case's tenant under a model without tenants",
			engine: newEngine,
			table: authztest.Table{Source: "t.yaml", Cases: []authztest.Case{
				{Subject: "bob", Permission: "posts:read", Line: 3},
				{Subject: "bob", Tenant: "acme", Permission: "posts:read", Line: 7},
			}},
			wantErr: []string{`t.yaml:7: bob posts:read in acme: tenant "acme", but the model has no tenants`},
		},
		{
			name:   "the table's tenant and tenant roles under a model without tenants",
			engine: newEngine,
			table: authztest.Table{Source: "t.yaml", Tenant: "acme", TenantRoles: map[string]map[string][]string{"acme": {"bob": {"user"}}},
				Cases: []authztest.Case{{Subject: "bob", Permission: "posts:read"}}},
			wantErr: []string{`t.yaml: tenant: "acme", but the model has no tenants`, `t.yaml: tenant_roles: the model has no tenants`},
		},
		{
			name:   "roles in no tenant under a model with tenants",
			engine: func(t *testing.T) *authz.Engine { return newTenantEngine(t, "") },
			table: authztest.Table{Source: "t.yaml", Roles: map[string][]string{"alice": {"admin"}},
				Cases: []authztest.Case{{Subject: "alice", Permission: "users:read"}}},
			wantErr: []string{`t.yaml: roles: the model has tenants: give the table's tenant`},
		},
		{
			name:   "a case made in every tenant",
			engine: func(t *testing.T) *authz.Engine { return newTenantEngine(t, "") },
			table: authztest.Table{Source: "t.yaml", Cases: []authztest.Case{
				{Subject: "alice", Tenant: "*", Permission: "users:read", Line: 4},
			}},
			wantErr: []string{`t.yaml:4: alice users:read in *: tenant: invalid tenant: "*": a request is made in one tenant`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := tt.engine(t)
			before, err := e.Policy(t.Context())
			require.NoError(t, err)
			_, err = authztest.Evaluate(t.Context(), e, tt.table)
			require.ErrorIs(t, err, authztest.ErrInvalidTable)
			for _, want := range tt.wantErr {
				assert.Contains(t, err.Error(), want)
			}
			after, err := e.Policy(t.Context())
			require.NoError(t, err)
			assert.Equal(t, before, after, "no fixture is assigned")
		})
	}
}

func TestParseTenants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"a case in every tenant", "cases:\n  - subject: a\n    tenant: \"*\"\n    permission: p:r\n    want: allow\n",
			`t.yaml:3: tenant: invalid tenant: "*": a request is made in one tenant; "*" is for rules`},
		{"a malformed tenant", "tenant: acme//eu\ncases:\n  - subject: a\n    permission: p:r\n    want: allow\n",
			`t.yaml:1: tenant: invalid tenant: "acme//eu"`},
		{"tenant roles not by tenant", "tenant_roles: [acme]\ncases:\n  - subject: a\n    permission: p:r\n    want: allow\n",
			`t.yaml:1: tenant_roles: want a mapping of tenants to their subjects' roles`},
		{"a malformed role in a tenant", "tenant_roles:\n  acme:\n    bob: [\" x\"]\ncases:\n  - subject: a\n    permission: p:r\n    want: allow\n",
			`t.yaml:3: tenant_roles: acme: bob: role: invalid subject`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := authztest.Parse("t.yaml", []byte(tt.yaml))
			require.ErrorIs(t, err, authztest.ErrInvalidTable)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A line of a tenant is covered by a case in that tenant or below it; a
// role assignment only on a chain that applies in the case's tenant.
func TestCoverInTenants(t *testing.T) {
	t.Parallel()
	policy := `p, admin, acme, users:*, any, allow
p, admin, globex, users:*, any, allow
p, viewer, *, posts:read, any, allow
g, admin, viewer, acme
g, admin, viewer, globex
g, alice, admin, acme
g, alice, admin, globex
`
	e := newTenantEngine(t, policy)
	report, err := authztest.Evaluate(t.Context(), e, authztest.Table{Cases: []authztest.Case{
		{Subject: "alice", Tenant: "acme/eu", Permission: "users:read", Allow: true},
		{Subject: "alice", Tenant: "acme", Permission: "posts:read", Allow: true},
	}})
	require.NoError(t, err)
	require.Zero(t, report.Failed, "%v", report.Results)
	coverage := authztest.Cover(e, authz.ScanPolicy("policy.csv", policy), report)
	var uncovered []string
	for _, l := range coverage.Uncovered {
		uncovered = append(uncovered, l.Text)
	}
	assert.Equal(t, []string{"p, admin, globex, users:*, any, allow", "g, admin, viewer, globex", "g, alice, admin, globex"}, uncovered)
}
