package main

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

const checkAbout = `
Decides whether SUBJECT may perform PERMISSION ("posts:delete"), on a
resource owned by OWNER when --owner is given, as an application embedding
gatehouse would. Prints "allow" or "deny" on the first line and the reason
on the second: the rule that decided, or that none matched.

Exit status: 0 allowed, 1 denied, 2 the request or the policy is malformed.`

func runCheck(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("check", "--subject S --permission P [--owner O] [--model FILE] [--policy FILE | --database DSN [--table NAME]]", checkAbout,
		"gatehouse check --subject bob --permission posts:delete --owner carol",
		"gatehouse check --policy policy.csv --subject alice --permission posts:read",
		`gatehouse check --database "$DSN" --subject bob --permission users:read`)
	var src sourceFlags
	src.register(fs, true)
	subject := fs.String("subject", "", "who is asking: a user id, or a role `NAME` to ask about the role itself")
	permission := fs.String("permission", "", "what they want to do, as `resource:action`")
	owner := fs.String("owner", "", "the `SUBJECT` owning the resource acted on (none: an action on no particular resource)")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) > 0 {
		return fail(s, fs.name, unexpectedArgument(fs, positional[0]))
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
	d, err := e.Decide(ctx, authz.Request{Subject: *subject, Permission: perm, Resource: authz.Resource{Owner: *owner}})
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
