package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// noRelation fills the relation column of an answer that applies through
// none.
const noRelation = "-"

const whoCanAbout = `
Lists who may perform PERMISSION ("posts:update") on RESOURCE ("posts:42",
or "posts" for no particular one), owned by OWNER when --owner is given,
as the policy decides it: the owner, when a grant lets owners; each
subject that holds a relation on the resource or on a resource it is
inside, and each member of a group that holds one; each role whose grants
allow it on every resource of the type; each subject allowed so by grants
of its own. Members of roles are not listed one by one ("gatehouse
roles" and the policy tell who they are), and nobody a deny applies to is
listed. Lines that have expired are ignored.

One line an answer, sorted by kind then name, four columns separated by
tabs: the kind (owner, relation, role or grant), the subject or role, the
rule that allows it, and the relation it applies through ("-" for none).
When nobody may, a line saying so goes to standard error. Under a model
with tenants, or another model than gatehouse's, who-can cannot answer.

Exit status: 0 listed, 2 the permission, the resource or the policy is
malformed, or the model cannot answer.`

func runWhoCan(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("who-can", "PERMISSION RESOURCE [--owner O] [--model FILE] [--policy FILE | --database DSN [--table NAME]]",
		whoCanAbout,
		"gatehouse who-can --policy policy.csv posts:update posts:42",
		"gatehouse who-can --policy policy.csv posts:update posts:42 --owner bob",
		`gatehouse who-can --database "$DSN" docs:read docs:9`)
	var src sourceFlags
	src.register(fs, true)
	owner := fs.String("owner", "", "the `SUBJECT` owning the resource (none: nobody owns it)")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) != 2 {
		return fail(s, fs.name, usagef("want PERMISSION and RESOURCE, such as posts:update posts:42, got %d arguments", len(positional)))
	}
	perm, err := permissions.ParseRequest(positional[0])
	if err != nil {
		return fail(s, fs.name, usagef("PERMISSION: %v", err))
	}
	resource, err := parseResource(positional[1])
	if err != nil {
		return fail(s, fs.name, err)
	}
	if resource.Type != perm.Resource() {
		return fail(s, fs.name, usagef("RESOURCE %s is not of the type PERMISSION %s acts on: want %s:ID",
			positional[1], perm, perm.Resource()))
	}
	resource.Owner = *owner
	if err := src.check(); err != nil {
		return fail(s, fs.name, err)
	}
	e, closeEngine, err := src.engine(ctx, s.stderr)
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	answers, err := e.WhoCan(ctx, perm, resource)
	if err != nil {
		return fail(s, fs.name, reverseError(fs.name, err))
	}
	out := &columnWriter{w: s.stdout}
	for _, a := range answers {
		out.row(string(a.Kind), a.Subject, a.Rule.String(), relationColumn(a.Relation))
	}
	if len(answers) == 0 {
		fmt.Fprintf(s.stderr, "nobody may %s on %s\n", perm, describeResource(resource))
	}
	return exitOK
}

const whatCanAbout = `
Lists what SUBJECT may do to RESOURCE ("posts:42", or "posts" for no
particular one), owned by OWNER when --owner is given, as the policy
decides it: each permission of the resource's type that a grant of the
policy names ("posts:*" stands for the permissions the policy names),
which SUBJECT may perform, through its own grants, its roles, and the
relations it, or a group it is in, holds on the resource or on a resource
it is inside. Lines that have expired are ignored.

One line a permission, sorted, three columns separated by tabs: the
permission, the rule that allows it, and the relation it applies through
("-" for none). When SUBJECT may do nothing, a line saying so goes to
standard error. Under a model with tenants, or another model than
gatehouse's, what-can cannot answer.

Exit status: 0 listed, 2 the subject, the resource or the policy is
malformed, or the model cannot answer.`

func runWhatCan(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("what-can", "SUBJECT RESOURCE [--owner O] [--model FILE] [--policy FILE | --database DSN [--table NAME]]",
		whatCanAbout,
		"gatehouse what-can --policy policy.csv carol posts:42",
		"gatehouse what-can --policy policy.csv bob posts:42 --owner bob",
		"gatehouse what-can bob posts")
	var src sourceFlags
	src.register(fs, true)
	owner := fs.String("owner", "", "the `SUBJECT` owning the resource (none: nobody owns it)")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) != 2 {
		return fail(s, fs.name, usagef("want SUBJECT and RESOURCE, such as carol posts:42, got %d arguments", len(positional)))
	}
	subject := positional[0]
	resource, err := parseResource(positional[1])
	if err != nil {
		return fail(s, fs.name, err)
	}
	resource.Owner = *owner
	if err := src.check(); err != nil {
		return fail(s, fs.name, err)
	}
	e, closeEngine, err := src.engine(ctx, s.stderr)
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	allowed, err := e.WhatCan(ctx, subject, resource)
	if err != nil {
		return fail(s, fs.name, reverseError(fs.name, err))
	}
	out := &columnWriter{w: s.stdout}
	for _, d := range allowed {
		out.row(string(d.Request.Permission), d.Rule.String(), relationColumn(d.Relation))
	}
	if len(allowed) == 0 {
		note, err := unmentioned(ctx, e, subject)
		if err != nil {
			return fail(s, fs.name, err)
		}
		fmt.Fprintf(s.stderr, "%s may do nothing to %s%s\n", subject, describeResource(resource), note)
	}
	return exitOK
}

// parseResource reads a RESOURCE argument: "posts:42", a resource as
// relations name it, or "posts", a type, for no particular resource.
func parseResource(arg string) (authz.Resource, error) {
	typ, id, hasID := strings.Cut(arg, ":")
	if !hasID {
		if err := permissions.Permission(typ + ":read").Validate(); err != nil {
			return authz.Resource{}, usagef("RESOURCE %q: want TYPE:ID, such as posts:42, or a TYPE", arg)
		}
		return authz.Resource{Type: typ}, nil
	}
	if err := authz.ValidateResourceName(arg); err != nil {
		return authz.Resource{}, usagef("RESOURCE: %v", err)
	}
	return authz.Resource{Type: typ, ID: id}, nil
}

// describeResource names a resource in messages: "posts:42 owned by bob",
// "any posts".
func describeResource(r authz.Resource) string {
	name := "any " + r.Type
	if r.ID != "" {
		name = authz.ResourceName(r.Type, r.ID)
	}
	if r.Owner != "" {
		name += " owned by " + r.Owner
	}
	return name
}

// relationColumn is the last column of an answer: the relation, or
// noRelation.
func relationColumn(r authz.Relation) string {
	if r.Subject == "" {
		return noRelation
	}
	return r.String()
}

// reverseError says which command a model cannot answer.
func reverseError(name string, err error) error {
	if errors.Is(err, authz.ErrUnsupportedModel) {
		return fmt.Errorf("%s needs gatehouse's model without tenants: %w", name, err)
	}
	return err
}

// columnWriter writes rows of tab-separated columns: no name holds a tab,
// so a script splits them without quoting.
type columnWriter struct {
	w io.Writer
}

func (c *columnWriter) row(columns ...string) {
	fmt.Fprintln(c.w, strings.Join(columns, "\t"))
}
