package main

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authz"
)

const rolesAbout = `
Lists, one a line and sorted, every role SUBJECT holds: those assigned to
it and those inherited through them, as its decisions honour them. A
subject the policy does not mention holds none and prints nothing.

Exit status: 0 listed, 2 the subject or the policy is malformed.`

func runRoles(ctx context.Context, s streams, args []string) int {
	return runSubjectQuery(ctx, s, args, "roles", rolesAbout, "the subject or role `NAME` to list the roles of",
		func(ctx context.Context, e *authz.Engine, subject string) ([]string, error) {
			return e.Roles(ctx, subject)
		})
}

// runSubjectQuery runs a command that lists, one a line, what query
// answers about one subject of a policy: roles and permissions.
func runSubjectQuery(ctx context.Context, s streams, args []string, name, about, subjectHelp string,
	query func(context.Context, *authz.Engine, string) ([]string, error)) int {
	fs := newFlagSet(name, "[--model FILE] [--policy FILE | --database DSN [--table NAME]] --subject S", about)
	var src sourceFlags
	src.register(fs, true)
	subject := fs.String("subject", "", subjectHelp)
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
	lines, err := query(ctx, e, *subject)
	if err != nil {
		return fail(s, fs.name, err)
	}
	for _, line := range lines {
		fmt.Fprintln(s.stdout, line)
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
