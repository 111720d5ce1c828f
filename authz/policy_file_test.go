package authz_test

import (
	"fmt"
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

func TestParsePolicyDropsRepeatedLines(t *testing.T) {
	var text string
	// Enough lines that the set of lines seen grows, each written twice,
	// the second time spaced otherwise; and a line that differs only by
	// its expiry, which is another line.
	for i := 0; i < 100; i++ {
		text += fmt.Sprintf("p, role%d, posts:read, any, allow\ng, user%d, role%d\n", i, i, i)
	}
	for i := 0; i < 100; i++ {
		text += fmt.Sprintf("p,role%d,posts:read,any,allow\ng,user%d,role%d\n", i, i, i)
	}
	text += "g, user0, role0, until 2999-01-01T00:00:00Z\n"
	p, err := authz.ParsePolicy("repeats.csv", text)
	require.NoError(t, err)
	require.Len(t, p.Grants, 100)
	require.Len(t, p.Roles, 101)
	for i, g := range p.Grants {
		assert.Equal(t, fmt.Sprintf("role%d", i), g.Subject, "the first of each, in order")
	}
	assert.False(t, p.Roles[100].Expires.IsZero())
}
