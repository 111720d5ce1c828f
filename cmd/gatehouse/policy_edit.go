package main

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

const editExit = `

Exit status: 0 done, 1 refused by the policy (nothing changed), 2 usage,
no store, or a database error.`

const policyGrantAbout = `
Adds "p, SUBJECT, PERMISSION, SCOPE, allow" to the store: SUBJECT (a subject
or a role) may perform PERMISSION ("posts:write", or "posts:*" for every
action) on any resource of its type, or only on its own with --scope own.
Refused if the store has the grant already.` + editExit

func runPolicyGrant(ctx context.Context, s streams, args []string) int {
	return editGrant(ctx, s, "grant", policyGrantAbout, authz.Allow, args)
}

const policyDenyAbout = `
Adds "p, SUBJECT, PERMISSION, SCOPE, deny" to the store: SUBJECT, and every
member of it if it is a role, may not perform PERMISSION, whatever else
allows it. Refused if the store has the grant already.` + editExit

func runPolicyDeny(ctx context.Context, s streams, args []string) int {
	return editGrant(ctx, s, "deny", policyDenyAbout, authz.Deny, args)
}

const policyRevokeAbout = `
Removes the grant "p, SUBJECT, PERMISSION, SCOPE, EFFECT" from the store.
Refused if the store does not have it.` + editExit

func runPolicyRevoke(ctx context.Context, s streams, args []string) int {
	return editGrant(ctx, s, "revoke", policyRevokeAbout, "", args)
}

// editGrant adds a grant with effect, or removes one when effect is ""
// (revoke, whose effect is a flag).
func editGrant(ctx context.Context, s streams, name, about string, effect authz.Effect, args []string) int {
	synopsis := "--database DSN [--table NAME] [--redis URL] --subject S --permission P [--scope any|own]"
	if effect == "" {
		synopsis += " [--effect allow|deny]"
	}
	fs, store := policyFlagSet(name, synopsis, about, true)
	subject := fs.String("subject", "", "the subject or role `NAME` the grant is for")
	permission := fs.String("permission", "", "the `PERMISSION` granted, resource:action or resource:*")
	scope := fs.String("scope", string(permissions.Any), "the `SCOPE`: any resource of the permission's type, or only the subject's own")
	effectFlag := new(string)
	if effect == "" {
		effectFlag = fs.String("effect", string(authz.Allow), "the `EFFECT` of the grant to remove: allow or deny")
	}
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	store.fromEnvironment(true)
	if err := noArguments(fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	if err := fs.require("subject", "permission"); err != nil {
		return fail(s, fs.name, err)
	}
	g := authz.Grant{Subject: *subject, Permission: permissions.Permission(*permission), Scope: permissions.Scope(*scope), Effect: effect}
	if effect == "" {
		g.Effect = authz.Effect(*effectFlag)
	}
	if err := g.Validate(); err != nil {
		return fail(s, fs.name, usagef("%v", err))
	}

	e, closeEngine, err := store.open(ctx, s, false, true)
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	verb := "added"
	if effect == "" {
		verb = "removed"
		err = e.RemoveGrant(ctx, g)
	} else {
		err = e.AddGrant(ctx, g)
	}
	if err != nil {
		return fail(s, fs.name, err)
	}
	fmt.Fprintf(s.stdout, "%s: %s\n", verb, g)
	return exitOK
}

const policyAssignAbout = `
Adds "g, SUBJECT, ROLE" to the store: SUBJECT (a subject, or a role that
then inherits ROLE) holds ROLE and every grant of it. Refused if SUBJECT
holds ROLE directly already, if ROLE holds SUBJECT (a cycle), or if the
chain of roles would grow longer than authz.MaxRoleDepth.` + editExit

func runPolicyAssign(ctx context.Context, s streams, args []string) int {
	return editRole(ctx, s, "assign", policyAssignAbout, true, args)
}

const policyUnassignAbout = `
Removes "g, SUBJECT, ROLE" from the store. Roles SUBJECT holds through
other roles are not affected. Refused if SUBJECT does not hold ROLE
directly.` + editExit

func runPolicyUnassign(ctx context.Context, s streams, args []string) int {
	return editRole(ctx, s, "unassign", policyUnassignAbout, false, args)
}

// editRole assigns or unassigns a role.
func editRole(ctx context.Context, s streams, name, about string, assign bool, args []string) int {
	fs, store := policyFlagSet(name, "--database DSN [--table NAME] [--redis URL] --subject S --role R", about, true)
	subject := fs.String("subject", "", "the subject or role `NAME` that holds the role")
	role := fs.String("role", "", "the `ROLE` held")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	store.fromEnvironment(true)
	if err := noArguments(fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	if err := fs.require("subject", "role"); err != nil {
		return fail(s, fs.name, err)
	}
	a := authz.RoleAssignment{Member: *subject, Role: *role}
	if err := a.Validate(); err != nil {
		if refused(err) {
			return fail(s, fs.name, err)
		}
		return fail(s, fs.name, usagef("%v", err))
	}

	e, closeEngine, err := store.open(ctx, s, false, true)
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	verb := "added"
	if assign {
		err = e.AssignRole(ctx, a.Member, a.Role)
	} else {
		verb = "removed"
		err = e.UnassignRole(ctx, a.Member, a.Role)
	}
	if err != nil {
		return fail(s, fs.name, err)
	}
	fmt.Fprintf(s.stdout, "%s: %s\n", verb, a)
	return exitOK
}
