package main

import (
	"context"

	"github.com/gatehouse-go/gatehouse/authz"
)

const tenantsAbout = `
Lists, one a line and sorted, the tenants in which SUBJECT has rules of
its own, under a model with tenants: roles assigned to it and grants given
to it there; "*" when it has rules for every tenant. It is in the tenants
below those too ("acme/eu" below "acme"). A subject in none lists nothing,
and "SUBJECT is in no tenant" goes to standard error.

Exit status: 0 listed, 2 the subject or the policy is malformed, or the
model has no tenants.`

func runTenants(ctx context.Context, s streams, args []string) int {
	return runSubjectQuery(ctx, s, args, subjectQuery{
		name: "tenants", about: tenantsAbout, subjectHelp: "the subject or role `NAME` to list the tenants of",
		none:     "%s is in no tenant",
		noTenant: true,
		examples: []string{
			"gatehouse tenants --model tenants --policy tenants.csv --subject alice",
			"gatehouse tenants --model tenants --database sqlite:app.db --subject alice",
		},
	}, func(ctx context.Context, e *authz.Engine, t authz.Tenant, subject string) ([]string, error) {
		if !e.Tenanted() {
			return nil, usagef("the model has no tenants; give one that has with --model FILE, or --model %s for gatehouse's",
				tenantModelName)
		}
		return e.Tenants(ctx, subject)
	})
}
