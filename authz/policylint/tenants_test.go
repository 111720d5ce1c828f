package policylint_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

// organizations is a clean policy with tenants: every role is granted
// where it is held, every tenant with a grant has members.
var organizations = []string{
	"p, admin, *, users:*, any, allow",           // 1
	"p, member, *, posts:read, any, allow",       // 2
	"p, auditor, acme, billing:read, any, allow", // 3
	"p, operator, *, tenants:*, any, allow",      // 4
	"p, suspended, acme, posts:read, any, deny",  // 5
	"g, admin, member, *",                        // 6
	"g, alice, admin, acme",                      // 7
	"g, bob, member, acme/eu",                    // 8
	"g, carol, auditor, acme/eu",                 // 9
	"g, dave, suspended, acme",                   // 10
	"g, ops, operator, *",                        // 11
	"p, eve, globex, posts:read, any, allow",     // 12: a subject's own grant
}

func TestLintIsSilentOnACleanTenantPolicy(t *testing.T) {
	t.Parallel()
	assert.Empty(t, policylint.Lint(authz.ScanPolicy("team.csv", policy(organizations...))))
}

func TestLintRoleEmptyInTenant(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "a role granted in another tenant only",
			policy: policy(
				"p, auditor, acme, billing:read, any, allow",
				"g, carol, auditor, acme",
				"g, bob, auditor, globex",
			),
			want: []want{{3, policylint.CheckRoleEmptyInTenant, []string{
				`g, bob, auditor, globex: role "auditor" grants nothing in tenant "globex"`, `in "acme" only`,
			}}},
		},
		{
			name: "a grant below or above the tenant, or for every tenant, counts",
			policy: policy(
				"p, auditor, acme/eu, billing:read, any, allow",
				"p, viewer, *, posts:read, any, allow",
				"p, editor, acme, posts:update, any, allow",
				"g, carol, auditor, acme",
				"g, bob, viewer, globex",
				"g, dan, editor, acme/eu/paris",
			),
		},
		{
			name: "through the roles held there",
			policy: policy(
				"p, reader, acme, docs:read, any, allow",
				"g, editor, reader, acme",
				"g, alice, editor, acme",
				"g, bob, editor, globex",
			),
			want: []want{{4, policylint.CheckRoleEmptyInTenant, []string{`role "editor" grants nothing in tenant "globex"`}}},
		},
		{
			name: "a role that grants nothing anywhere is an undefined role",
			policy: policy(
				"p, admin, acme, users:*, any, allow",
				"g, alice, admin, acme",
				"g, bob, admn, acme",
			),
			want: []want{{3, policylint.CheckUndefinedRole, []string{`did you mean "admin"?`}}},
		},
	})
}

func TestLintMemberlessTenant(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "a misspelt tenant",
			policy: policy(
				"p, admin, acme, users:*, any, allow",
				"p, admin, acmee, users:read, any, allow",
				"g, alice, admin, acme",
			),
			want: []want{{2, policylint.CheckMemberlessTenant, []string{`nobody belongs to tenant "acmee"`}}},
		},
		{
			name: "members below, above or in every tenant count",
			policy: policy(
				"p, admin, acme, users:*, any, allow",
				"p, admin, globex/us, users:*, any, allow",
				"p, viewer, initech, posts:read, any, allow",
				"g, alice, admin, acme/eu",
				"g, bob, admin, globex",
				"g, ops, viewer, *",
			),
		},
		{
			name: "inheritance between roles is no membership",
			policy: policy(
				"p, member, *, posts:read, any, allow",
				"p, admin, initech, users:*, any, allow",
				"g, admin, member, *",
				"g, alice, admin, acme",
			),
			want: []want{{2, policylint.CheckMemberlessTenant, []string{`"initech"`}}},
		},
	})
}

// The checks that predate tenants judge a policy with tenants tenant by
// tenant.
func TestLintChecksRulesPerTenant(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "a deny in another tenant cancels nothing",
			policy: policy(
				"p, member, acme, posts:read, any, allow",
				"p, member, globex, posts:read, any, deny",
				"g, alice, member, acme",
				"g, bob, member, globex",
			),
		},
		{
			name: "a deny in a tenant above, or in every tenant, cancels",
			policy: policy(
				"p, member, acme/eu, posts:read, any, allow",
				"p, member, acme, posts:*, any, deny",
				"p, guest, acme, posts:read, any, allow",
				"p, guest, *, posts:read, any, deny",
				"g, alice, member, acme",
				"g, bob, guest, acme",
			),
			want: []want{
				{1, policylint.CheckCancelled, []string{"line 2 denies it"}},
				{3, policylint.CheckCancelled, []string{"line 4 denies it"}},
			},
		},
		{
			name: "a deny of a role held in one tenant does not cancel an allow for every tenant",
			policy: policy(
				"p, alice, *, posts:read, any, allow",
				"p, suspended, *, posts:read, any, deny",
				"g, alice, suspended, acme",
			),
		},
		{
			name: "a rule of a tenant covered by one for every tenant is shadowed, not the other way round",
			policy: policy(
				"p, admin, *, users:*, any, allow",
				"p, admin, acme, users:read, any, allow",
				"p, viewer, acme, posts:*, any, allow",
				"p, viewer, *, posts:read, any, allow",
				"g, alice, admin, acme",
				"g, alice, viewer, acme",
			),
			want: []want{{2, policylint.CheckShadowed, []string{"line 1 (p, admin, *, users:*, any, allow) already allows it"}}},
		},
		{
			name: "the same rule in two tenants is no duplicate",
			policy: policy(
				"p, admin, acme, users:*, any, allow",
				"p, admin, globex, users:*, any, allow",
				"p, admin, acme, users:*, any, allow",
				"g, alice, admin, acme",
				"g, alice, admin, globex",
			),
			want: []want{{3, policylint.CheckDuplicate, []string{"duplicate of line 1"}}},
		},
		{
			name: "a loop through assignments in different tenants",
			policy: policy(
				"p, a, *, posts:read, any, allow",
				"g, a, b, acme",
				"g, b, a, globex",
				"g, alice, a, acme",
			),
			want: []want{{2, policylint.CheckCycle, []string{"a -> b -> a"}}},
		},
		{
			name: "tenants spelled with different case",
			policy: policy(
				"p, admin, acme, users:*, any, allow",
				"g, alice, admin, Acme",
			),
			want: []want{
				{1, policylint.CheckMemberlessTenant, []string{`tenant "acme"`}},
				{2, policylint.CheckCaseMismatch, []string{`tenant "Acme" differs only in case from "acme"`}},
				{2, policylint.CheckRoleEmptyInTenant, []string{`tenant "Acme"`}},
			},
		},
	})
}
