package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
)

// policyCommand is one "gatehouse policy NAME" subcommand.
type policyCommand struct {
	name    string
	summary string
	run     func(ctx context.Context, s streams, args []string) int
}

func policyCommands() []policyCommand {
	return []policyCommand{
		{"list", "print the policy, one rule a line", runPolicyList},
		{"export", "print the policy as a CSV file, for import to read back", runPolicyExport},
		{"grant", "add a grant that allows: --subject S --permission P", runPolicyGrant},
		{"deny", "add a grant that denies: --subject S --permission P", runPolicyDeny},
		{"revoke", "remove a grant: --subject S --permission P [--effect deny]", runPolicyRevoke},
		{"assign", "make a subject or role hold a role: --subject S --role R", runPolicyAssign},
		{"unassign", "remove a role held directly: --subject S --role R", runPolicyUnassign},
		{"share", "give a role on one resource: --subject S --role R --resource R", runPolicyShare},
		{"unshare", "remove what share gave: --subject S --role R --resource R", runPolicyUnshare},
		{"set-parent", "put a resource inside another: --resource R --parent P", runPolicySetParent},
		{"remove-parent", "take a resource out of its parent: --resource R", runPolicyRemoveParent},
		{"import", "add a policy file's rules; with --replace, make it the policy", runPolicyImport},
		{"remove-tenant", "remove every rule of a tenant and the tenants below it", runPolicyRemoveTenant},
		{"history", "print who changed the policy, when, from where, and how, newest first", runPolicyHistory},
	}
}

func printPolicyCommands(w io.Writer) {
	fmt.Fprint(w, `Usage: gatehouse policy COMMAND --database DSN [--table NAME] [flags]

Reads and edits the live policy of a database (sqlite:PATH, postgres://…
or mysql://…; default $GATEHOUSE_DATABASE). Every edit is validated and
written in one transaction before it returns; a running application sees it
at once when it follows the same store: over PostgreSQL's LISTEN/NOTIFY for
a postgres:// store, over Redis with --redis URL (or $GATEHOUSE_REDIS);
otherwise at its next periodic check of the store.

Commands:
`)
	var names, summaries []string
	for _, c := range policyCommands() {
		names, summaries = append(names, c.name), append(summaries, c.summary)
	}
	printCommandList(w, names, summaries)
	fmt.Fprint(w, `
On a database with no policy store yet, the edits (grant to
remove-parent) create one seeded with gatehouse's default policy, as an
application's authz.New would seed it (empty under a model with tenants,
which the default policy has none of), and import creates one holding
just the file's rules; each says so, naming the store.

Under a model with tenants (--model FILE, or --model tenants for
gatehouse's), every command takes the same --model, and the edits take
--tenant: the tenant the rule holds in, or "*" for every tenant.

Examples:
  gatehouse policy list --database sqlite:app.db
  gatehouse policy grant --database sqlite:app.db --subject editor \
      --permission pages:update
  gatehouse policy import --database "$DSN" --replace policy.csv

Exit status: 0 done; 1 the policy refused the edit (the rule exists
already, is not there to remove, or would make a role inherit itself, a
resource be inside itself, or a chain too deep); 2 the command could not
run (usage, a malformed file, a database error). A refused or failed edit
changes nothing.

Run 'gatehouse policy COMMAND --help' for the flags of a command.
`)
}

func runPolicy(ctx context.Context, s streams, args []string) int {
	if len(args) == 0 {
		printPolicyCommands(s.stderr)
		return exitError
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		printPolicyCommands(s.stdout)
		return exitOK
	}
	for _, c := range policyCommands() {
		if c.name == args[0] {
			return c.run(ctx, s, args[1:])
		}
	}
	return unknownCommand(s, "gatehouse policy", args[0], policyCommandNames(), "gatehouse policy --help")
}

// policyCommandNames returns the names of the policy commands, for
// suggestions.
func policyCommandNames() []string {
	var names []string
	for _, c := range policyCommands() {
		names = append(names, c.name)
	}
	return names
}

// storeFlags choose the store a policy command works on.
type storeFlags struct {
	database string
	table    string
	redis    string
	model    string
	actor    string

	// modelOpts and tenanted are what --model resolves to (resolveModel).
	modelOpts []authz.Option
	tenanted  bool
}

// register adds --database and --table, and --redis for commands that
// edit. Their defaults from the environment are applied by open, not
// given to package flag, which would print them, passwords and all, in
// --help.
func (f *storeFlags) register(fs *flagSet, edits bool) {
	fs.StringVar(&f.database, "database", "",
		"the database `DSN`: sqlite:PATH, postgres://… or mysql://… (default: $GATEHOUSE_DATABASE)")
	fs.StringVar(&f.table, "table", "", "the policy `TABLE` (default: "+gormstore.DefaultTable+")")
	fs.StringVar(&f.model, "model", "", modelHelp)
	if edits {
		fs.StringVar(&f.redis, "redis", "",
			"tell running replicas of the edit over the Redis server at `URL` (default: $GATEHOUSE_REDIS); without it a postgres:// store tells them itself")
		fs.StringVar(&f.actor, "actor", "",
			"who makes the edit, as the policy's history records it: a `NAME` (default: $GATEHOUSE_ACTOR, else the system user)")
	}
}

// fromEnvironment fills the flags left empty from GATEHOUSE_DATABASE and
// GATEHOUSE_REDIS.
func (f *storeFlags) fromEnvironment(edits bool) {
	if f.database == "" {
		f.database = os.Getenv("GATEHOUSE_DATABASE")
	}
	if edits && f.redis == "" {
		f.redis = os.Getenv("GATEHOUSE_REDIS")
	}
	if edits && f.actor == "" {
		f.actor = os.Getenv("GATEHOUSE_ACTOR")
	}
	if edits && f.actor == "" {
		if u, err := user.Current(); err == nil {
			f.actor = u.Username
		}
	}
}

// config says how to open the store: create says what to do if the
// database has none, follow connects the notifier edits reach replicas by.
func (f *storeFlags) config(s streams, create storeCreation, follow bool) storeConfig {
	return storeConfig{
		dsn: f.database, table: f.table, redis: f.redis,
		create: create, follow: follow, stderr: s.stderr,
		modelOpts: f.modelOpts, tenanted: f.tenanted,
		actor: authz.Actor{ID: f.actor, Source: authz.SourceCLI},
	}
}

// resolveModel reads --model and learns whether the model has tenants,
// which decides how rules are written and what a new store starts from.
func (f *storeFlags) resolveModel(ctx context.Context) error {
	opts, err := modelOptions(f.model)
	if err != nil {
		return err
	}
	probe, err := authz.New(ctx, append(opts, authz.WithPolicy(""))...)
	if err != nil {
		return err
	}
	f.modelOpts, f.tenanted = opts, probe.Tenanted()
	probe.Close()
	return nil
}

// ruleTenant checks --tenant for a rule to add or remove: required under
// a model with tenants, refused without.
func (f *storeFlags) ruleTenant(tenant string) error {
	switch {
	case tenant != "" && !f.tenanted:
		return errNoTenants(tenant)
	case tenant == "" && f.tenanted:
		return usagef("--tenant is required: the model has tenants, so a rule names the tenant it holds in, or \"*\" for every tenant")
	}
	return nil
}

// policyFlagSet returns the flag set of "policy name" with the store flags.
func policyFlagSet(name, synopsis, about string, edits bool, examples ...string) (*flagSet, *storeFlags) {
	fs := newFlagSet("policy "+name, synopsis, about, examples...)
	store := &storeFlags{}
	store.register(fs, edits)
	return fs, store
}

// noArguments refuses positional arguments, checks --database and reads
// --model.
func noArguments(ctx context.Context, fs *flagSet, store *storeFlags, positional []string) error {
	if len(positional) > 0 {
		return unexpectedArgument(fs, positional[0])
	}
	if err := store.requireDatabase(); err != nil {
		return err
	}
	return store.resolveModel(ctx)
}

// requireDatabase reports a missing --database, after the environment.
func (f *storeFlags) requireDatabase() error {
	if f.database == "" {
		return usagef("--database is required (or $GATEHOUSE_DATABASE)")
	}
	return nil
}

const policyListAbout = `
Prints the policy of the store in Casbin's CSV format, grants first, each in
the order the engine evaluates them. The store must exist; when it holds no
rules, a line saying so goes to standard error.

Exit status: 0 printed, 2 no store or a database error.`

func runPolicyList(ctx context.Context, s streams, args []string) int {
	return printPolicy(ctx, s, "list", policyListAbout, args, "gatehouse policy list --database sqlite:app.db")
}

const policyExportAbout = `
Prints the policy of the store in Casbin's CSV format, as list does, for
"gatehouse policy import --replace" to read back into this store or
another, and for "gatehouse test" and "gatehouse lint" to read as a file.
Standard output is the policy and nothing else.

Exit status: 0 printed, 2 no store or a database error.`

func runPolicyExport(ctx context.Context, s streams, args []string) int {
	return printPolicy(ctx, s, "export", policyExportAbout, args,
		"gatehouse policy export --database \"$DSN\" > policy.csv")
}

func printPolicy(ctx context.Context, s streams, name, about string, args []string, examples ...string) int {
	fs, store := policyFlagSet(name, "--database DSN [--table NAME] [--model FILE]", about, false, examples...)
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	store.fromEnvironment(false)
	if err := noArguments(ctx, fs, store, positional); err != nil {
		return fail(s, fs.name, err)
	}
	e, closeEngine, err := openStore(ctx, store.config(s, mustExist, false))
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	p, err := e.Policy(ctx)
	if err != nil {
		return fail(s, fs.name, err)
	}
	fmt.Fprint(s.stdout, p.String())
	if len(p.Grants)+len(p.Roles)+len(p.Relations)+len(p.Parents) == 0 {
		fmt.Fprintf(s.stderr, "the policy store (table %s) in %s holds no rules\n", store.config(s, mustExist, false).tableName(), storeLocation(store.database))
	}
	return exitOK
}
