package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/gatehouse-go/gatehouse/authz"
)

const policyImportAbout = `
Reads FILE ("-" for standard input), a policy in Casbin's CSV format, and
adds every rule of it the store does not have; with --replace, the store's
policy becomes exactly FILE's. Either way it is one atomic edit: every line
is checked first, then role assignments as a whole (no role may inherit
itself, no chain may be too deep), and on any error nothing changes. On a
database with no policy store yet, it creates one holding just FILE's rules
(not gatehouse's default policy), and prints a line saying so with the
store's table and place (a SQLite file by its absolute path).

Exit status: 0 imported, 1 refused by the policy (a cycle, a chain too
deep), 2 usage, a malformed line (named file:line), or a database error.`

func runPolicyImport(ctx context.Context, s streams, args []string) int {
	fs, store := policyFlagSet("import", "--database DSN [--table NAME] [--model FILE] [--redis URL] [--replace] FILE", policyImportAbout, true,
		"gatehouse policy import --database sqlite:app.db policy.csv",
		`gatehouse policy export --database "$FROM" | gatehouse policy import \
      --database "$TO" --replace -`)
	replace := fs.Bool("replace", false, "make FILE the whole policy: also remove the rules FILE does not have")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) != 1 {
		return fail(s, fs.name, usagef("want one policy FILE, got %d arguments", len(positional)))
	}
	store.fromEnvironment(true)
	if err := store.requireDatabase(); err != nil {
		return fail(s, fs.name, err)
	}
	if err := store.resolveModel(ctx); err != nil {
		return fail(s, fs.name, err)
	}
	source, text, err := readInput(s.stdin, positional[0])
	if err != nil {
		return fail(s, fs.name, err)
	}
	p, err := authz.ParsePolicy(source, text)
	if err != nil {
		return fail(s, fs.name, err)
	}

	cfg := store.config(s, createEmpty, true)
	cfg.actor.Source = authz.SourceImport
	cfg.created = func(where string, _ authz.Policy) {
		fmt.Fprintf(s.stdout, "created the policy store %s\n", where)
	}
	var before, after authz.Policy
	err = editStore(ctx, cfg, func(ctx context.Context, e *authz.Engine) error {
		var err error
		if before, err = e.Policy(ctx); err != nil {
			return err
		}
		if *replace {
			err = e.Replace(ctx, p)
		} else {
			err = e.Import(ctx, p)
		}
		if err != nil {
			return err
		}
		after, err = e.Policy(ctx)
		return err
	})
	if err != nil {
		return fail(s, fs.name, err)
	}
	added, removed := policyDiff(before, after)
	fmt.Fprintf(s.stdout, "imported %s: %d rules added, %d removed; the policy has %d rules\n",
		source, added, removed, ruleCount(after))
	return exitOK
}

// readInput reads the file at path, or standard input for "-", and returns
// the name to report its lines under.
func readInput(stdin io.Reader, path string) (source, text string, err error) {
	if path == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", "", fmt.Errorf("standard input: %w", err)
		}
		return "stdin", string(b), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	return path, string(b), nil
}

// policyDiff counts the rules after has that before has not, and the
// reverse.
func policyDiff(before, after authz.Policy) (added, removed int) {
	had := map[string]bool{}
	for _, line := range policyLines(before) {
		had[line] = true
	}
	has := map[string]bool{}
	for _, line := range policyLines(after) {
		has[line] = true
		if !had[line] {
			added++
		}
	}
	for line := range had {
		if !has[line] {
			removed++
		}
	}
	return added, removed
}

func policyLines(p authz.Policy) []string {
	lines := make([]string, 0, ruleCount(p))
	for _, g := range p.Grants {
		lines = append(lines, g.String())
	}
	for _, a := range p.Roles {
		lines = append(lines, a.String())
	}
	for _, r := range p.Relations {
		lines = append(lines, r.String())
	}
	for _, link := range p.Parents {
		lines = append(lines, link.String())
	}
	return lines
}

// ruleCount counts the rules of p, relations and parents among them.
func ruleCount(p authz.Policy) int {
	return len(p.Grants) + len(p.Roles) + len(p.Relations) + len(p.Parents)
}
