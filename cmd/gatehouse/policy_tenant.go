package main

import (
	"context"
	"fmt"
)

const policyRemoveTenantAbout = `
Removes every rule of TENANT from the store, under a model with tenants:
its grants and role assignments, and those of every tenant below it
("acme/eu" with "acme"), in one atomic edit. Rules for every tenant ("*")
stay. The store must exist. Removing a tenant the policy does not mention
changes nothing and is not an error.

Exit status: 0 done, 2 usage, a model without tenants, no store or a
database error.`

func runPolicyRemoveTenant(ctx context.Context, s streams, args []string) int {
	fs, store := policyFlagSet("remove-tenant", "--tenant T --model FILE --database DSN [--table NAME] [--redis URL]",
		policyRemoveTenantAbout, true,
		`gatehouse policy remove-tenant --database "$DSN" --model tenants \
      --tenant acme`)
	tenant := fs.String("tenant", "", "the `TENANT` to remove, with the tenants below it")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	store.fromEnvironment(true)
	if err := noArguments(ctx, fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	if err := fs.require("tenant"); err != nil {
		return fail(s, fs.name, err)
	}
	if !store.tenanted {
		return fail(s, fs.name, errNoTenants(*tenant))
	}
	e, closeEngine, err := openStore(ctx, store.config(s, mustExist, true))
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	before, err := e.Policy(ctx)
	if err != nil {
		return fail(s, fs.name, err)
	}
	if err := e.RemoveTenant(ctx, *tenant); err != nil {
		return fail(s, fs.name, err)
	}
	after, err := e.Policy(ctx)
	if err != nil {
		return fail(s, fs.name, err)
	}
	_, removed := policyDiff(before, after)
	fmt.Fprintf(s.stdout, "removed tenant %s: %d rules removed; the policy has %d rules\n",
		*tenant, removed, len(after.Grants)+len(after.Roles))
	return exitOK
}
