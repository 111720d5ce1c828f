package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Grants and role assignments may expire: the expiry is the last value of
// their lines, and a line is compared whole, expiry included.

func expiringPolicy() authz.Policy {
	p := samplePolicy()
	p.Grants = append(p.Grants, authz.Grant{Subject: "auditor", Permission: "books:read", Scope: permissions.Any, Effect: authz.Allow, Expires: expiry})
	p.Roles = append(p.Roles, authz.RoleAssignment{Member: "erin", Role: "moderator", Expires: expiry})
	return p
}

func testExpiringLinesRoundTrip(t *testing.T, open Open) {
	s := open(t)
	p := expiringPolicy()
	seed(t, s, p)
	requirePolicy(t, s, p, 1, "expiring grants and role assignments come back, expiry and all")
	got, _ := load(t, open(t))
	require.True(t, got.Grants[len(got.Grants)-1].Expires.Equal(expiry))
	require.True(t, got.Roles[len(got.Roles)-1].Expires.Equal(expiry))
}

func testApplyExpiringLines(t *testing.T, open Open) {
	s := open(t)
	p := expiringPolicy()
	seed(t, s, p)
	oldGrant, oldRole := p.Grants[len(p.Grants)-1], p.Roles[len(p.Roles)-1]
	newGrant, newRole := oldGrant, oldRole
	newGrant.Expires, newRole.Expires = expiry.Add(24*time.Hour), time.Time{}
	// A changed expiry is the old line removed and the new one added.
	apply(t, s, authz.Change{
		RemoveGrants: []authz.Grant{oldGrant}, RemoveRoles: []authz.RoleAssignment{oldRole},
		AddGrants: []authz.Grant{newGrant}, AddRoles: []authz.RoleAssignment{newRole},
	}, 1)
	want := samplePolicy()
	want.Grants = append(want.Grants, newGrant)
	want.Roles = append(want.Roles, newRole)
	requirePolicy(t, open(t), want, 2, "the expiries changed")

	for name, c := range map[string]authz.Change{
		"remove a grant with its old expiry":  {RemoveGrants: []authz.Grant{oldGrant}},
		"remove a grant without its expiry":   {RemoveGrants: []authz.Grant{func() authz.Grant { g := newGrant; g.Expires = time.Time{}; return g }()}},
		"remove an assignment with an expiry": {RemoveRoles: []authz.RoleAssignment{oldRole}},
		"add the grant again":                 {AddGrants: []authz.Grant{newGrant}},
		"add the assignment again":            {AddRoles: []authz.RoleAssignment{newRole}},
	} {
		_, err := s.Apply(context.Background(), c, 2)
		require.ErrorIs(t, err, authz.ErrStale, name)
		requirePolicy(t, s, want, 2, "%s: the whole change is refused", name)
	}
}
