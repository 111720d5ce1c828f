package main

import (
	"context"
	"fmt"
)

const rolesAbout = `
Lists, one a line and sorted, every role SUBJECT holds: those assigned to
it and those inherited through them, as its decisions honour them. A
subject the policy does not mention holds none and prints nothing.

Exit status: 0 listed, 2 the subject or the policy is malformed.`

func runRoles(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("roles", "[--model FILE] [--policy FILE | --database DSN [--table NAME]] --subject S", rolesAbout)
	var src sourceFlags
	src.register(fs, true)
	subject := fs.String("subject", "", "the subject or role `NAME` to list the roles of")
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
	roles, err := e.Roles(ctx, *subject)
	if err != nil {
		return fail(s, fs.name, err)
	}
	for _, role := range roles {
		fmt.Fprintln(s.stdout, role)
	}
	return exitOK
}

// subjectCommandArgs checks the command line of roles and permissions.
func subjectCommandArgs(fs *flagSet, src *sourceFlags, positional []string) error {
	if len(positional) > 0 {
		return usagef("unexpected argument %q", positional[0])
	}
	if err := fs.require("subject"); err != nil {
		return err
	}
	return src.check()
}
