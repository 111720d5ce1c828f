package authz_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func TestScanPolicyReadsEveryLineAndKeepsGoing(t *testing.T) {
	lines := authz.ScanPolicy("team.csv", `# team policy
p, user, posts:read, own, allow

p, user, posts:read, everywhere, allow
g, bob, user
g, bob, user
x, what
p, "user", "posts:write", any, deny
`)
	require.Len(t, lines, 6)
	want := []struct {
		line int
		ok   bool
	}{{2, true}, {4, false}, {5, true}, {6, true}, {7, false}, {8, true}}
	for i, w := range want {
		assert.Equal(t, w.line, lines[i].Line)
		assert.Equal(t, "team.csv", lines[i].Source)
		assert.Equal(t, w.ok, lines[i].Err == nil, "line %d", w.line)
	}
	assert.Equal(t, &authz.Grant{Subject: "user", Permission: "posts:read", Scope: permissions.Own, Effect: authz.Allow}, lines[0].Grant)
	assert.ErrorIs(t, lines[1].Err, permissions.ErrInvalidScope)
	assert.Equal(t, "p, user, posts:read, everywhere, allow", lines[1].Err.Text)
	assert.Equal(t, &authz.RoleAssignment{Member: "bob", Role: "user"}, lines[3].Role, "duplicates are kept")
	assert.Equal(t, &authz.Grant{Subject: "user", Permission: "posts:write", Scope: permissions.Any, Effect: authz.Deny}, lines[5].Grant)
}
