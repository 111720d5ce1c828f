package main

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authz"
)

const rolesAbout = `
Lists, one a line and sorted, every role SUBJECT holds: those assigned to
it and those inherited through them, as its decisions honour them. Under a
model with tenants, the roles it holds in TENANT: those assigned there, in
the tenants above it and in every tenant ("*"). A
subject that holds none lists nothing, and "SUBJECT holds no roles" goes
to standard error, so that standard output stays a list a script can
read. When the policy does not mention SUBJECT at all, that line says so
and suggests the name SUBJECT may be a misspelling of.

Exit status: 0 listed, 2 the subject or the policy is malformed.`

func runRoles(ctx context.Context, s streams, args []string) int {
	return runSubjectQuery(ctx, s, args, subjectQuery{
		name: "roles", about: rolesAbout, subjectHelp: "the subject or role `NAME` to list the roles of",
		none: "%s holds no roles",
		examples: []string{
			"gatehouse roles --subject admin",
			`gatehouse roles --model tenants --policy tenants.csv --subject alice \
      --tenant acme`,
			"gatehouse roles --database sqlite:app.db --subject alice",
		},
	}, func(ctx context.Context, e *authz.Engine, t authz.Tenant, subject string) ([]string, error) {
		return t.Roles(ctx, subject)
	})
}

// subjectQuery describes a command that lists what a query answers about
// one subject of a policy.
type subjectQuery struct {
	name, about, subjectHelp string
	// none is the line standard error gets when the list is empty, with
	// the subject for its %s; a note follows when the policy does not
	// mention the subject.
	none     string
	examples []string
	// noTenant leaves out --tenant, for a query that answers across
	// tenants.
	noTenant bool
}

// runSubjectQuery runs a command that lists, one a line, what query
// answers about one subject of a policy: roles and permissions.
func runSubjectQuery(ctx context.Context, s streams, args []string, q subjectQuery,
	query func(context.Context, *authz.Engine, authz.Tenant, string) ([]string, error)) int {
	synopsis := "--subject S [--tenant T] [--model FILE] [--policy FILE | --database DSN [--table NAME]]"
	if q.noTenant {
		synopsis = "--subject S [--model FILE] [--policy FILE | --database DSN [--table NAME]]"
	}
	fs := newFlagSet(q.name, synopsis, q.about, q.examples...)
	var src sourceFlags
	src.register(fs, true)
	subject := fs.String("subject", "", q.subjectHelp)
	tenant := new(string)
	if !q.noTenant {
		tenant = fs.String("tenant", "", "answer in `TENANT` (\"acme\", \"acme/eu\"), under a model with tenants; "+
			"none: at the platform's level, where only rules for \"*\" apply")
	}
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
	view, err := tenantView(e, *tenant)
	if err != nil {
		return fail(s, fs.name, err)
	}
	lines, err := query(ctx, e, view, *subject)
	if err != nil {
		return fail(s, fs.name, err)
	}
	for _, line := range lines {
		fmt.Fprintln(s.stdout, line)
	}
	if len(lines) == 0 {
		note, err := unmentioned(ctx, e, *subject)
		if err != nil {
			return fail(s, fs.name, err)
		}
		fmt.Fprintf(s.stderr, q.none+"%s\n", *subject, note)
	}
	return exitOK
}

// unmentioned returns, for a subject the policy does not name, a note
// saying so with the name it most likely meant, since a mistyped subject
// holds nothing; "" for a subject the policy names.
func unmentioned(ctx context.Context, e *authz.Engine, subject string) (string, error) {
	p, err := e.Policy(ctx)
	if err != nil {
		return "", err
	}
	var names []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	for _, a := range p.Roles {
		add(a.Member)
		add(a.Role)
	}
	for _, g := range p.Grants {
		add(g.Subject)
	}
	for _, r := range p.Relations {
		add(r.Subject)
		add(r.Role)
	}
	if seen[subject] {
		return "", nil
	}
	return "; the policy does not mention " + subject + didYouMean(subject, names, quoteName), nil
}

// subjectCommandArgs checks the command line of roles and permissions.
func subjectCommandArgs(fs *flagSet, src *sourceFlags, positional []string) error {
	if len(positional) > 0 {
		return unexpectedArgument(fs, positional[0])
	}
	if err := fs.require("subject"); err != nil {
		return err
	}
	return src.check()
}
