package main

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authz"
)

const permissionsAbout = `
Lists every grant that applies to SUBJECT — its own and those of every role
it holds, directly or inherited — as policy lines, in the order the engine
evaluates them. Deny grants take part in its decisions too: they are
marked, since one overrides every allow of the same permission.

Exit status: 0 listed, 2 the subject or the policy is malformed.`

// denyMark follows a deny grant in the listing.
const denyMark = "   # DENY: overrides every allow"

func runPermissions(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("permissions", "[--model FILE] [--policy FILE | --database DSN [--table NAME]] --subject S", permissionsAbout)
	var src sourceFlags
	src.register(fs, true)
	subject := fs.String("subject", "", "the subject or role `NAME` to list the grants of")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if err := subjectCommandArgs(fs, &src, positional); err != nil {
		return fail(s, fs.name, err)
	}
	e, closeEngine, err := src.engine(ctx, s.stderr)
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	grants, err := e.Permissions(ctx, *subject)
	if err != nil {
		return fail(s, fs.name, err)
	}
	for _, g := range grants {
		if g.Effect == authz.Deny {
			fmt.Fprintln(s.stdout, g.String()+denyMark)
			continue
		}
		fmt.Fprintln(s.stdout, g.String())
	}
	return exitOK
}
