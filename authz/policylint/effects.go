package policylint

import (
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// covers reports whether every request grant b matches, grant a matches
// too: b's permission is a's or the wildcard of its resource, b's scope is
// "any" or a's, and b's tenant covers a's. Effects are not compared.
func covers(b, a authz.Grant) bool {
	return b.Permission.Covers(a.Permission) && (b.Scope == permissions.Any || b.Scope == a.Scope) &&
		tenantCovers(b.Tenant, a.Tenant)
}

// checkCancelled reports each allow that a deny on its subject, or on a
// role its subject holds within authz.MaxRoleDepth, covers: whoever the
// allow applies to, the deny applies to as well, and deny wins. Under a
// model with tenants the deny's tenant must cover the allow's, and the
// roles count only where they are held everywhere the allow holds. The
// deny, and the assignments that lead to it, must apply as long as the
// allow does: one that expires first leaves the allow to take effect then.
// It returns the lines it reported.
func (l *linter) checkCancelled() map[*authz.PolicyLine]bool {
	cancelled := map[*authz.PolicyLine]bool{}
	holds := map[[2]string]map[string]step{}
	for _, allow := range l.grants {
		if allow.Effect != authz.Allow {
			continue
		}
		reached, ok := holds[[2]string{allow.Subject, allow.Tenant}]
		if !ok {
			reached = l.reach(allow.Subject, authz.MaxRoleDepth, &allow.Tenant)
			holds[[2]string{allow.Subject, allow.Tenant}] = reached
		}
		var deny *grantRule // the first in the policy
		for name := range reached {
			if !chainOutlives(reached, name, allow.Expires) {
				continue
			}
			for i, g := range l.grantsOf[name] {
				if g.Effect == authz.Deny && covers(g.Grant, allow.Grant) && outlives(g.Expires, allow.Expires) &&
					(deny == nil || g.seq < deny.seq) {
					deny = &l.grantsOf[name][i]
				}
			}
		}
		if deny == nil {
			continue
		}
		cancelled[allow.at] = true
		msg := fmt.Sprintf("%s never takes effect: %s denies it (%s)", allow.at.Text, ref(allow.at, deny.at), deny.at.Text)
		if deny.Subject != allow.Subject {
			var lines []*authz.PolicyLine
			for _, a := range chain(reached, deny.Subject) {
				lines = append(lines, a.at)
			}
			msg += fmt.Sprintf(" to %q, a role %q holds (%s)", deny.Subject, allow.Subject, refs(allow.at, lines))
		}
		l.report(allow.at, CheckCancelled, "%s, and deny overrides allow", msg)
	}
	return cancelled
}

// checkShadowed reports each rule that another rule of the same subject
// and effect covers, and outlives, so that removing it changes no
// decision. Allows
// already reported as cancelled are skipped: that is the finding to fix.
func (l *linter) checkShadowed(cancelled map[*authz.PolicyLine]bool) {
	for _, g := range l.grants {
		if cancelled[g.at] {
			continue
		}
		for _, other := range l.grantsOf[g.Subject] {
			if other.at == g.at || other.Effect != g.Effect || !covers(other.Grant, g.Grant) || !outlives(other.Expires, g.Expires) {
				continue
			}
			verb := "allows"
			if g.Effect == authz.Deny {
				verb = "denies"
			}
			l.report(g.at, CheckShadowed, "%s is redundant: %s (%s) already %s it",
				g.at.Text, ref(g.at, other.at), other.at.Text, verb)
			break
		}
	}
}

// chainOutlives reports whether every assignment on the shortest way to
// name in reached applies as long as a line expiring at expires does.
func chainOutlives(reached map[string]step, name string, expires time.Time) bool {
	for _, a := range chain(reached, name) {
		if !outlives(a.Expires, expires) {
			return false
		}
	}
	return true
}
