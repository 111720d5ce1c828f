package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCommandsTakeATenant(t *testing.T) {
	t.Parallel()
	tenants := []string{"--model", "tenants", "--policy", "testdata/tenants.csv"}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{
			name: "check in a tenant", args: append([]string{"check", "--subject", "alice", "--tenant", "acme/eu", "--permission", "users:invite"}, tenants...),
			wantCode: exitOK, want: []string{"allow", `allowed by rule "p, admin, *, users:*, any, allow"`},
		},
		{
			name: "check in a tenant above the one held", args: append([]string{"check", "--subject", "bob", "--tenant", "acme", "--permission", "posts:read"}, tenants...),
			wantCode: exitNo, want: []string{"deny", `denied: no rule grants "posts:read" to "bob" in tenant "acme"`},
		},
		{
			name: "check at the platform's level", args: append([]string{"check", "--subject", "alice", "--permission", "users:invite"}, tenants...),
			wantCode: exitNo, want: []string{"deny", `denied: no rule grants "users:invite" to "alice"`},
		},
		{
			name: "roles in a tenant", args: append([]string{"roles", "--subject", "alice", "--tenant", "acme"}, tenants...),
			wantCode: exitOK, want: []string{"admin", "member"},
		},
		{
			name: "roles in another tenant", args: append([]string{"roles", "--subject", "alice", "--tenant", "globex"}, tenants...),
			wantCode: exitOK, want: []string{"member"},
		},
		{
			name: "permissions in a tenant", args: append([]string{"permissions", "--subject", "carol", "--tenant", "acme/eu"}, tenants...),
			wantCode: exitOK, want: []string{"p, auditor, acme, billing:read, any, allow"},
		},
		{
			name: "tenants of a subject", args: append([]string{"tenants", "--subject", "alice"}, tenants...),
			wantCode: exitOK, want: []string{"acme", "globex"},
		},
		{
			name: "tenants of a platform-wide role", args: append([]string{"tenants", "--subject", "ops"}, tenants...),
			wantCode: exitOK, want: []string{"*"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.args...)
			assert.Equal(t, tt.wantCode, r.code, r)
			assert.Equal(t, tt.want, lines(r.stdout), r)
			assert.Empty(t, r.stderr, r)
		})
	}
}

func TestTenantRefusedWithoutTenants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"check", []string{"check", "--subject", "bob", "--tenant", "acme", "--permission", "posts:read"}, "--tenant acme: the model has no tenants"},
		{"roles", []string{"roles", "--subject", "bob", "--tenant", "acme"}, "--tenant acme: the model has no tenants"},
		{"permissions", []string{"permissions", "--subject", "bob", "--tenant", "acme"}, "--tenant acme: the model has no tenants"},
		{"tenants", []string{"tenants", "--subject", "bob"}, "the model has no tenants"},
		{"policy grant", []string{"policy", "grant", "--database", "sqlite:unused.db", "--subject", "admin", "--permission", "users:*", "--tenant", "acme"},
			"--tenant acme: the model has no tenants"},
		{"policy assign", []string{"policy", "assign", "--database", "sqlite:unused.db", "--subject", "alice", "--role", "admin", "--tenant", "acme"},
			"--tenant acme: the model has no tenants"},
		{"policy remove-tenant", []string{"policy", "remove-tenant", "--database", "sqlite:unused.db", "--tenant", "acme"},
			"--tenant acme: the model has no tenants"},
		{"tenant model needs a tenant", []string{"policy", "assign", "--database", "sqlite:unused.db", "--model", "tenants", "--subject", "alice", "--role", "admin"},
			"--tenant is required"},
		{"tenant model needs a policy", []string{"check", "--model", "tenants", "--subject", "alice", "--permission", "users:read"},
			"--model tenants needs a policy with tenants"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{dir: t.TempDir()}.run(t, tt.args...)
			assert.Equal(t, exitError, r.code, r)
			assert.Empty(t, r.stdout, r)
			assert.Contains(t, r.stderr, tt.want, r)
			assert.NoFileExists(t, "unused.db")
		})
	}
}

func TestTestRunsTablesInTenants(t *testing.T) {
	t.Parallel()
	r := cli(t, "test", "--model", "tenants", "--policy", "testdata/tenants.csv", "--verbose", "testdata/tables/tenants_test.yaml")
	assert.Equal(t, exitOK, r.code, r)
	assert.Equal(t, []string{
		"testdata/tables/tenants_test.yaml:6: alice users:invite in acme/eu: passed",
		"testdata/tables/tenants_test.yaml:11: alice users:invite in globex: passed",
		"testdata/tables/tenants_test.yaml:15: carol billing:read in acme: passed",
		"3 passed, 0 failed",
	}, lines(r.stdout), r)

	r = cli(t, "test", "--policy", "testdata/policy.csv", "testdata/tables/tenants_test.yaml")
	assert.Equal(t, exitError, r.code, r)
	assert.Empty(t, r.stdout, r)
	assert.Contains(t, r.stderr, `testdata/tables/tenants_test.yaml:6: alice users:invite in acme/eu: tenant "acme/eu", but the model has no tenants`, r)
}

func TestLintJudgesRulesInTheirTenants(t *testing.T) {
	t.Parallel()
	r := cli(t, "lint", "--model", "tenants", "--policy", "testdata/tenants.csv")
	assert.Equal(t, exitOK, r.code, r)
	assert.Equal(t, []string{"no findings in the 14 rules of testdata/tenants.csv, with the model tenants"}, lines(r.stdout), r)

	r = cli(t, "lint", "--model", "tenants", "--policy", "testdata/tenant_findings.csv")
	assert.Equal(t, exitNo, r.code, r)
	assert.Equal(t, []string{
		`testdata/tenant_findings.csv:3: [memberless-tenant] p, admin, initech, billing:*, any, allow: nobody belongs to tenant "initech": ` +
			`no subject holds a role in it, in a tenant above or below it, or in every tenant ("*"), so the grant applies to nobody`,
		`testdata/tenant_findings.csv:5: [role-empty-in-tenant] g, carol, auditor, globex: role "auditor" grants nothing in tenant "globex": ` +
			`its grants, and those of the roles it holds there, are in "acme" only`,
	}, lines(r.stdout), r)
}
