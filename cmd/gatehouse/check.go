package main

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

const checkAbout = `
Decides whether SUBJECT may perform PERMISSION ("posts:delete"), on a
resource owned by OWNER when --owner is given, in TENANT when --tenant is
given, as an application embedding gatehouse would. Prints "allow" or
"deny" on the first line and the reason on the second: the rule that
decided, or that none matched.

With --requests FILE ("-" for standard input) it decides many requests
instead, for CI pipelines and for comparing two policies: one request a
line, as CSV "subject,permission,tenant,owner" (tenant and owner may be
left empty or out; under a model without tenants the tenant must be
empty); blank lines and lines starting with '#' are skipped. Every line is
read and decided before anything is printed, so a malformed line (named
FILE:LINE on standard error) prints no answers. Then it prints one line a
request, in order: "allow" or "deny", a space, and the rule that decided
("p, admin, acme, users:*, any, allow"), or "no rule".

Exit status: 0 allowed, 1 denied, 2 the request or the policy is
malformed. With --requests: 0 every request was decided, whatever the
answers; 2 a line or the policy is malformed.`

func runCheck(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("check", "--subject S --permission P [--owner O] [--tenant T] | --requests FILE "+
		"[--model FILE] [--policy FILE | --database DSN [--table NAME]]", checkAbout,
		"gatehouse check --subject bob --permission posts:delete --owner carol",
		"gatehouse check --policy policy.csv --subject alice --permission posts:read",
		`gatehouse check --model tenants --policy tenants.csv --subject alice \
      --tenant acme --permission users:invite`,
		`gatehouse check --database "$DSN" --subject bob --permission users:read`,
		"gatehouse check --model tenants --policy tenants.csv --requests requests.csv")
	var src sourceFlags
	src.register(fs, true)
	subject := fs.String("subject", "", "who is asking: a user id, or a role `NAME` to ask about the role itself")
	permission := fs.String("permission", "", "what they want to do, as `resource:action`")
	owner := fs.String("owner", "", "the `SUBJECT` owning the resource acted on (none: an action on no particular resource)")
	tenant := fs.String("tenant", "", tenantHelp)
	requests := fs.String("requests", "", "decide the requests of `FILE` (\"-\": standard input), one a line, "+
		"as subject,permission,tenant,owner, instead of one given by flags")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) > 0 {
		return fail(s, fs.name, unexpectedArgument(fs, positional[0]))
	}
	if *requests != "" {
		for _, name := range []string{"subject", "permission", "owner", "tenant"} {
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

	e, closeEngine, err := src.engine(ctx, s.stderr)
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	view, err := tenantView(e, *tenant)
	if err != nil {
		return fail(s, fs.name, err)
	}
	d, err := view.Decide(ctx, authz.Request{Subject: *subject, Permission: perm, Resource: authz.Resource{Owner: *owner}})
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
