package main

import (
	"context"

	"github.com/gatehouse-go/gatehouse/authz"
)

const permissionsAbout = `
Lists every grant that applies to SUBJECT — its own and those of every role
it holds, directly or inherited — as policy lines, in the order the engine
evaluates them; under a model with tenants, those that apply in TENANT.
Deny grants take part in its decisions too: they are
marked, since one overrides every allow of the same permission. When no
grant applies, nothing is listed and "no grant applies to SUBJECT" goes to
standard error, so that standard output stays a list a script can read,
with a note when the policy does not mention SUBJECT at all.

Exit status: 0 listed, 2 the subject or the policy is malformed.`

// denyMark follows a deny grant in the listing.
const denyMark = "   # DENY: overrides every allow"

func runPermissions(ctx context.Context, s streams, args []string) int {
	return runSubjectQuery(ctx, s, args, subjectQuery{
		name: "permissions", about: permissionsAbout, subjectHelp: "the subject or role `NAME` to list the grants of",
		none: "no grant applies to %s",
		examples: []string{
			"gatehouse permissions --subject moderator",
			"gatehouse permissions --policy policy.csv --subject alice",
		},
	}, func(ctx context.Context, e *authz.Engine, t authz.Tenant, subject string) ([]string, error) {
		grants, err := t.Permissions(ctx, subject)
		lines := make([]string, len(grants))
		for i, g := range grants {
			lines[i] = g.String()
			if g.Effect == authz.Deny {
				lines[i] += denyMark
			}
		}
		return lines, err
	})
}
