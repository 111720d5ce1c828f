package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

const editExit = `

On a database with no policy store yet, the edit creates one, seeded with
gatehouse's default policy as an application's authz.New would seed it,
and prints a line saying so with the store's table and place (a SQLite
file by its absolute path). An edit refused by that policy creates nothing.
To start from a policy of your own instead, run "gatehouse policy import"
first.

Exit status: 0 done, 1 refused by the policy (nothing changed), 2 usage
or a database error.`

const policyGrantAbout = `
Adds "p, SUBJECT, PERMISSION, SCOPE, allow" to the store: SUBJECT (a subject
or a role) may perform PERMISSION ("posts:write", or "posts:*" for every
action) on any resource of its type, or only on its own with --scope own.
Refused if the store has the grant already.` + editExit

func runPolicyGrant(ctx context.Context, s streams, args []string) int {
	return editGrant(ctx, s, "grant", policyGrantAbout, authz.Allow, args,
		`gatehouse policy grant --database sqlite:app.db --subject editor \
      --permission pages:update`,
		`gatehouse policy grant --database "$DSN" --subject user \
      --permission posts:update --scope own`)
}

const policyDenyAbout = `
Adds "p, SUBJECT, PERMISSION, SCOPE, deny" to the store: SUBJECT, and every
member of it if it is a role, may not perform PERMISSION, whatever else
allows it. Refused if the store has the grant already.` + editExit

func runPolicyDeny(ctx context.Context, s streams, args []string) int {
	return editGrant(ctx, s, "deny", policyDenyAbout, authz.Deny, args,
		`gatehouse policy deny --database "$DSN" --subject suspended \
      --permission posts:write`)
}

const policyRevokeAbout = `
Removes the grant "p, SUBJECT, PERMISSION, SCOPE, EFFECT" from the store.
Refused if the store does not have it.` + editExit

func runPolicyRevoke(ctx context.Context, s streams, args []string) int {
	return editGrant(ctx, s, "revoke", policyRevokeAbout, "", args,
		`gatehouse policy revoke --database "$DSN" --subject bob \
      --permission users:read`,
		`gatehouse policy revoke --database "$DSN" --subject suspended \
      --permission posts:write --effect deny`)
}

// editGrant adds a grant with effect, or removes one when effect is ""
// (revoke, whose effect is a flag).
func editGrant(ctx context.Context, s streams, name, about string, effect authz.Effect, args []string, examples ...string) int {
	synopsis := "--subject S --permission P [--scope any|own]"
	if effect == "" {
		synopsis += " [--effect allow|deny]"
	}
	synopsis += " [--tenant T] --database DSN [--table NAME] [--model FILE] [--redis URL]"
	fs, store := policyFlagSet(name, synopsis, about, true, examples...)
	subject := fs.String("subject", "", "the subject or role `NAME` the grant is for")
	tenant := fs.String("tenant", "", ruleTenantHelp)
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
	if err := noArguments(ctx, fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	if err := fs.require("subject", "permission"); err != nil {
		return fail(s, fs.name, err)
	}
	if err := store.ruleTenant(*tenant); err != nil {
		return fail(s, fs.name, err)
	}
	g := authz.Grant{Subject: *subject, Tenant: *tenant, Permission: permissions.Permission(*permission),
		Scope: permissions.Scope(*scope), Effect: effect}
	if effect == "" {
		g.Effect = authz.Effect(*effectFlag)
	}
	if err := g.Validate(); err != nil {
		return fail(s, fs.name, usagef("%v", err))
	}

	verb := "added"
	edit := func(ctx context.Context, e *authz.Engine) error { return e.AddGrant(ctx, g) }
	if effect == "" {
		verb = "removed"
		edit = func(ctx context.Context, e *authz.Engine) error { return e.RemoveGrant(ctx, g) }
	}
	if err := applyEdit(ctx, s, store, edit); err != nil {
		return fail(s, fs.name, err)
	}
	fmt.Fprintf(s.stdout, "%s: %s\n", verb, g)
	return exitOK
}

var policyAssignAbout = `
Adds "g, SUBJECT, ROLE" to the store: SUBJECT (a subject, or a role that
then inherits ROLE) holds ROLE and every grant of it. Refused if SUBJECT
holds ROLE directly already, if ROLE holds SUBJECT (a cycle), or if the
chain of roles would grow longer than ` + maxRoleDepth + ` roles.` + editExit

func runPolicyAssign(ctx context.Context, s streams, args []string) int {
	return editRole(ctx, s, "assign", policyAssignAbout, true, args,
		`gatehouse policy assign --database "$DSN" --subject alice --role moderator`)
}

const policyUnassignAbout = `
Removes "g, SUBJECT, ROLE" from the store. Roles SUBJECT holds through
other roles are not affected. Refused if SUBJECT does not hold ROLE
directly.` + editExit

func runPolicyUnassign(ctx context.Context, s streams, args []string) int {
	return editRole(ctx, s, "unassign", policyUnassignAbout, false, args,
		`gatehouse policy unassign --database "$DSN" --subject alice --role moderator`)
}

// editRole assigns or unassigns a role.
func editRole(ctx context.Context, s streams, name, about string, assign bool, args []string, examples ...string) int {
	fs, store := policyFlagSet(name, "--subject S --role R [--tenant T] --database DSN [--table NAME] [--model FILE] [--redis URL]",
		about, true, examples...)
	subject := fs.String("subject", "", "the subject or role `NAME` that holds the role")
	role := fs.String("role", "", "the `ROLE` held")
	tenant := fs.String("tenant", "", ruleTenantHelp)
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	store.fromEnvironment(true)
	if err := noArguments(ctx, fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	if err := fs.require("subject", "role"); err != nil {
		return fail(s, fs.name, err)
	}
	if err := store.ruleTenant(*tenant); err != nil {
		return fail(s, fs.name, err)
	}
	a := authz.RoleAssignment{Member: *subject, Role: *role, Tenant: *tenant}
	if err := a.Validate(); err != nil {
		if refused(err) {
			return fail(s, fs.name, err)
		}
		return fail(s, fs.name, usagef("%v", err))
	}

	verb := "added"
	edit := func(ctx context.Context, e *authz.Engine) error {
		return e.Tenant(a.Tenant).AssignRole(ctx, a.Member, a.Role)
	}
	if !assign {
		verb = "removed"
		edit = func(ctx context.Context, e *authz.Engine) error {
			return e.Tenant(a.Tenant).UnassignRole(ctx, a.Member, a.Role)
		}
	}
	if err := applyEdit(ctx, s, store, edit); err != nil {
		return fail(s, fs.name, err)
	}
	fmt.Fprintf(s.stdout, "%s: %s\n", verb, a)
	return exitOK
}

// ruleTenantHelp describes --tenant for the edits.
const ruleTenantHelp = "the `TENANT` the rule holds in (\"acme\", \"acme/eu\", or \"*\" for every tenant); " +
	"required under a model with tenants, refused without"

// maxRoleDepth is authz.MaxRoleDepth, for help texts.
var maxRoleDepth = strconv.Itoa(authz.MaxRoleDepth)

// applyEdit makes edit on the store. On a database with no store yet, it
// makes edit on gatehouse's default policy in memory first, so that an
// edit the policy refuses creates nothing, then creates the store seeded
// with that policy, prints a line saying so, and makes edit there.
func applyEdit(ctx context.Context, s streams, store *storeFlags, edit func(context.Context, *authz.Engine) error) error {
	cfg := store.config(s, createSeeded, true)
	cfg.created = func(where string, seed authz.Policy) {
		if cfg.tenanted {
			fmt.Fprintf(s.stdout, "created the policy store %s, empty: gatehouse's default policy has no tenants\n", where)
			return
		}
		fmt.Fprintf(s.stdout, "created the policy store %s, seeded with gatehouse's default policy (%d rules)\n",
			where, ruleCount(seed))
	}
	return editStore(ctx, cfg, edit)
}

// editStore opens the store cfg names and makes edit on it. Where the
// database has no store yet, edit is first made on the policy the store
// would be created with, in memory, so that an edit the policy refuses
// creates nothing.
func editStore(ctx context.Context, cfg storeConfig, edit func(context.Context, *authz.Engine) error) error {
	ctx = authz.WithActor(ctx, cfg.actor)
	exists, err := storeExists(ctx, cfg)
	if err != nil {
		return err
	}
	if !exists {
		seed, err := cfg.seed()
		if err != nil {
			return err
		}
		trial, err := authz.New(ctx, append(append([]authz.Option{}, cfg.modelOpts...), authz.WithPolicy(seed.String()))...)
		if err != nil {
			return err
		}
		err = edit(ctx, trial)
		trial.Close()
		if err != nil && cfg.create == createSeeded && !cfg.tenanted {
			return fmt.Errorf("%w, in gatehouse's default policy, which a new store in %s would start from; nothing was created",
				err, storeLocation(cfg.dsn))
		}
		if err != nil {
			return fmt.Errorf("%w; nothing was created in %s", err, storeLocation(cfg.dsn))
		}
	}
	e, closeEngine, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeEngine()
	return edit(ctx, e)
}
