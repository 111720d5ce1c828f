package main

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

const checkAbout = `
Decides whether SUBJECT may perform PERMISSION ("posts:delete"), on a
resource owned by OWNER when --owner is given, on the resource ID when
--id is given, in TENANT when --tenant is given, as an application
embedding gatehouse would. Prints "allow" or "deny" on the first line and
the reason on the second: the rule that decided, or that none matched,
and the relation it applied through. With --id, the relations on the
resource ("g2, carol, editor, posts:42" for --permission posts:update
--id 42) and on the resources it is inside ("g3" lines) apply.

With --requests FILE ("-" for standard input) it decides many requests
instead, for CI pipelines and for comparing two policies: one request a
line, as CSV "subject,permission,tenant,owner,id" (tenant, owner and id
may be left empty or out; under a model without tenants the tenant must
be empty); blank lines and lines starting with '#' are skipped. Every
line is read and decided before anything is printed, so a malformed line
(named FILE:LINE on standard error) prints no answers. Then it prints one
line a request, in order: "allow" or "deny", a space, and the rule that
decided ("p, admin, acme, users:*, any, allow"), or "no rule"; when the
rule applied through a relation, " through " and the relation follow.

Exit status: 0 allowed, 1 denied, 2 the request or the policy is
malformed. With --requests: 0 every request was decided, whatever the
answers; 2 a line or the policy is malformed.`

func runCheck(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("check", "--subject S --permission P [--owner O] [--id ID] [--tenant T] | --requests FILE "+
		"[--model FILE] [--policy FILE | --database DSN [--table NAME]]", checkAbout,
		"gatehouse check --subject bob --permission posts:delete --owner carol",
		"gatehouse check --policy policy.csv --subject alice --permission posts:read",
		`gatehouse check --model tenants --policy tenants.csv --subject alice \
      --tenant acme --permission users:invite`,
		`gatehouse check --database "$DSN" --subject bob --permission users:read`,
		`gatehouse check --policy policy.csv --subject carol \
      --permission posts:update --id 42`,
		"gatehouse check --model tenants --policy tenants.csv --requests requests.csv")
	var src sourceFlags
	src.register(fs, true)
	subject := fs.String("subject", "", "who is asking: a user id, or a role `NAME` to ask about the role itself")
	permission := fs.String("permission", "", "what they want to do, as `resource:action`")
	owner := fs.String("owner", "", "the `SUBJECT` owning the resource acted on (none: an action on no particular resource)")
	id := fs.String("id", "", "the `ID` of the resource acted on (\"42\"): the relations on it, named by the permission's "+
		"resource and ID (\"posts:42\"), and on the resources it is inside apply (none: no relation applies)")
	tenant := fs.String("tenant", "", tenantHelp)
	requests := fs.String("requests", "", "decide the requests of `FILE` (\"-\": standard input), one a line, "+
		"as subject,permission,tenant,owner,id, instead of one given by flags")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) > 0 {
		return fail(s, fs.name, unexpectedArgument(fs, positional[0]))
	}
	if *requests != "" {
		for _, name := range []string{"subject", "permission", "owner", "id", "tenant"} {
			if fs.Lookup(name).Value.String() != "" {
				return fail(s, fs.name, usagef("--%s and --requests are exclusive: the requests are read from %s", name, *requests))
			}
		}
		if err := src.check(); err != nil {
			return fail(s, fs.name, err)
		}
		return checkRequests(ctx, s, &src, *requests)
	}
	if err := fs.require("subject", "permission"); err != nil {
		return fail(s, fs.name, err)
	}
	if err := src.check(); err != nil {
		return fail(s, fs.name, err)
	}
	perm, err := permissions.ParseRequest(*permission)
	if err != nil {
		return fail(s, fs.name, usagef("--permission: %v", err))
	}
	if err := checkResourceID(perm, *id); err != nil {
		return fail(s, fs.name, usagef("--id: %v", err))
	}

	e, closeEngine, err := src.engine(ctx, s.stderr)
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	view, err := tenantView(e, *tenant)
	if err != nil {
		return fail(s, fs.name, err)
	}
	d, err := view.Decide(ctx, authz.Request{Subject: *subject, Permission: perm, Resource: authz.Resource{ID: *id, Owner: *owner}})
	if err != nil {
		return fail(s, fs.name, err)
	}
	if d.Allowed {
		fmt.Fprintf(s.stdout, "allow\n%s\n", d.Reason())
		return exitOK
	}
	fmt.Fprintf(s.stdout, "deny\n%s\n", d.Reason())
	return exitNo
}

// checkResourceID refuses an id that no relation's resource could have,
// the resource being named by perm's resource and id; "" names none.
func checkResourceID(perm permissions.Permission, id string) error {
	if id == "" {
		return nil
	}
	return authz.ValidateResourceName(authz.ResourceName(perm.Resource(), id))
}
