package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

// resourceHelp describes --resource wherever the edits of relations and
// parents take it.
const resourceHelp = "the `RESOURCE`, as its type and id: posts:42"

const relationEditExit = `

Relations need gatehouse's model without tenants.` + editExit

const policyShareAbout = `
Adds "g2, SUBJECT, ROLE, RESOURCE" to the store: SUBJECT (a subject, or a
group whose members then share it) holds ROLE on RESOURCE ("posts:42")
alone, and on whatever the policy puts inside it, with every grant of
ROLE and of the roles ROLE holds; with --until TIME, until then, the line
ending in "until TIME". Given a relation the store has with another
expiry, it replaces it. Refused if the store has it as it is, if ROLE
holds SUBJECT (a cycle), or if TIME is not in the future.` + relationEditExit

func runPolicyShare(ctx context.Context, s streams, args []string) int {
	return editRelation(ctx, s, "share", policyShareAbout, true, args,
		`gatehouse policy share --database "$DSN" --subject carol --role editor \
      --resource posts:42`,
		`gatehouse policy share --database "$DSN" --subject auditors --role viewer \
      --resource books:2026 --until 2026-12-04T17:00:00Z`)
}

const policyUnshareAbout = `
Removes "g2, SUBJECT, ROLE, RESOURCE" from the store, whatever its expiry.
The roles SUBJECT holds on other resources, or on the resources RESOURCE
is inside, are not affected. Refused if the store does not have it.` + relationEditExit

func runPolicyUnshare(ctx context.Context, s streams, args []string) int {
	return editRelation(ctx, s, "unshare", policyUnshareAbout, false, args,
		`gatehouse policy unshare --database "$DSN" --subject carol --role editor \
      --resource posts:42`)
}

// editRelation adds a relation, or removes one when share is false.
func editRelation(ctx context.Context, s streams, name, about string, share bool, args []string, examples ...string) int {
	synopsis := "--subject S --role R --resource TYPE:ID"
	if share {
		synopsis += " [--until TIME]"
	}
	synopsis += " --database DSN [--table NAME] [--model FILE] [--redis URL]"
	fs, store := policyFlagSet(name, synopsis, about, true, examples...)
	subject := fs.String("subject", "", "the subject or group `NAME` that holds the role")
	role := fs.String("role", "", "the `ROLE` held on the resource")
	resource := fs.String("resource", "", resourceHelp)
	until := new(string)
	if share {
		until = fs.String("until", "", "the `TIME` the relation ends, in RFC 3339: 2026-12-04T17:00:00Z (none: it never does)")
	}
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	store.fromEnvironment(true)
	if err := noArguments(ctx, fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	if err := fs.require("subject", "role", "resource"); err != nil {
		return fail(s, fs.name, err)
	}
	r := authz.Relation{Subject: *subject, Role: *role, Resource: *resource}
	if *until != "" {
		t, err := time.Parse(time.RFC3339, *until)
		if err != nil {
			return fail(s, fs.name, usagef("--until %q: want a time in RFC 3339, such as 2026-12-04T17:00:00Z", *until))
		}
		r.Expires = t
	}
	if err := r.Validate(); err != nil {
		if refused(err) {
			return fail(s, fs.name, err)
		}
		return fail(s, fs.name, usagef("%v", err))
	}

	var old authz.Relation // the relation the edit replaces or removes
	edit := func(ctx context.Context, e *authz.Engine) error {
		held, err := e.Relations(ctx, r.Resource)
		if err != nil {
			return err
		}
		old = authz.Relation{}
		for _, h := range held {
			if h.Subject == r.Subject && h.Role == r.Role {
				old = h
			}
		}
		if share {
			return e.AddRelation(ctx, r)
		}
		return e.RemoveRelation(ctx, r)
	}
	if err := applyEdit(ctx, s, store, edit); err != nil {
		return fail(s, fs.name, err)
	}
	if !share {
		fmt.Fprintf(s.stdout, "removed: %s\n", old)
		return exitOK
	}
	if old.Subject != "" {
		fmt.Fprintf(s.stdout, "removed: %s\n", old)
	}
	fmt.Fprintf(s.stdout, "added: %s\n", r)
	return exitOK
}

var policySetParentAbout = `
Adds "g3, RESOURCE, PARENT" to the store: RESOURCE ("docs:9") is inside
PARENT ("folders:7"), and the relations on PARENT, and on the resources
PARENT is inside, reach RESOURCE. A resource has one parent: the one
RESOURCE had is replaced, in the same edit. Refused if PARENT is its
parent already, if PARENT is inside RESOURCE (a cycle), or if a chain of
parents would grow longer than ` + strconv.Itoa(authz.MaxParentDepth) + `.` + relationEditExit

func runPolicySetParent(ctx context.Context, s streams, args []string) int {
	return editParent(ctx, s, "set-parent", policySetParentAbout, true, args,
		`gatehouse policy set-parent --database "$DSN" --resource docs:9 \
      --parent folders:7`)
}

const policyRemoveParentAbout = `
Removes the "g3" line of RESOURCE from the store: RESOURCE is inside no
other resource any more, and the relations on its parent no longer reach
it. Refused if RESOURCE has no parent.` + relationEditExit

func runPolicyRemoveParent(ctx context.Context, s streams, args []string) int {
	return editParent(ctx, s, "remove-parent", policyRemoveParentAbout, false, args,
		`gatehouse policy remove-parent --database "$DSN" --resource docs:9`)
}

// editParent sets a resource's parent, or removes it when set is false.
func editParent(ctx context.Context, s streams, name, about string, set bool, args []string, examples ...string) int {
	synopsis := "--resource TYPE:ID"
	if set {
		synopsis += " --parent TYPE:ID"
	}
	synopsis += " --database DSN [--table NAME] [--model FILE] [--redis URL]"
	fs, store := policyFlagSet(name, synopsis, about, true, examples...)
	resource := fs.String("resource", "", resourceHelp)
	parent := new(string)
	if set {
		parent = fs.String("parent", "", "the `PARENT` resource it is inside, as its type and id: folders:7")
	}
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	store.fromEnvironment(true)
	if err := noArguments(ctx, fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	required := []string{"resource"}
	if set {
		required = append(required, "parent")
	}
	if err := fs.require(required...); err != nil {
		return fail(s, fs.name, err)
	}
	link := authz.ResourceParent{Resource: *resource, Parent: *parent}
	check := link.Validate()
	if !set {
		check = authz.ValidateResourceName(link.Resource)
	}
	if check != nil {
		if refused(check) {
			return fail(s, fs.name, check)
		}
		return fail(s, fs.name, usagef("%v", check))
	}

	var old string // the parent the edit replaces or removes
	edit := func(ctx context.Context, e *authz.Engine) error {
		var err error
		if old, err = e.Parent(ctx, link.Resource); err != nil {
			return err
		}
		if set {
			return e.SetParent(ctx, link.Resource, link.Parent)
		}
		return e.RemoveParent(ctx, link.Resource)
	}
	if err := applyEdit(ctx, s, store, edit); err != nil {
		return fail(s, fs.name, err)
	}
	if old != "" {
		fmt.Fprintf(s.stdout, "removed: %s\n", authz.ResourceParent{Resource: link.Resource, Parent: old})
	}
	if set {
		fmt.Fprintf(s.stdout, "added: %s\n", link)
	}
	return exitOK
}
