package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

var lintAbout = `
Reports what is wrong or suspicious in a policy file before it is deployed,
one finding a line, as "policy.csv:12: [duplicate] …": lines that do not
parse, duplicates, roles that grant nothing, inheritance cycles and chains
too deep, allows a deny always overrides, rules another makes redundant,
names spelled with different letter case; in a policy with tenants, roles
held in a tenant where they grant nothing and grants in a tenant nobody
belongs to, each rule judged in its tenant; lines whose expiry has passed,
and rules written twice with different expiries; relations to a role that
grants nothing, or nothing on the resource's type; resources given two
parents, inside one another, or more than ` + maxParentDepth + ` parents deep. Expiries are
judged as of now, or of --at TIME, the time the policy will be deployed.
A line that does not parse is a finding, not an error: every line is
linted. With --model, the model is checked to load too. A clean policy
prints one line, as "no findings in the 12 rules of policy.csv".

Exit status: 0 clean, 1 findings, 2 a file cannot be read or the model does
not load.`

func runLint(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("lint", "[--model FILE] [--policy FILE] [--at TIME]", lintAbout,
		"gatehouse lint", "gatehouse lint --policy policy.csv", "gatehouse lint --model model.conf --policy policy.csv",
		"gatehouse lint --model tenants --policy tenants.csv",
		"gatehouse lint --policy policy.csv --at 2026-12-04T17:00:00Z")
	var src sourceFlags
	src.register(fs, false)
	at := fs.String("at", "", "judge expiries as of `TIME`, in RFC 3339: 2026-12-04T17:00:00Z (default: now)")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) > 0 {
		return fail(s, fs.name, unexpectedArgument(fs, positional[0]))
	}
	var opts []policylint.Option
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return fail(s, fs.name, usagef("--at %q: want a time in RFC 3339, such as 2026-12-04T17:00:00Z", *at))
		}
		opts = append(opts, policylint.WithNow(t))
	}
	modelOpts, err := src.modelOptions()
	if err != nil {
		return fail(s, fs.name, err)
	}
	if len(modelOpts) > 0 {
		e, err := authz.New(ctx, append(modelOpts, authz.WithPolicy(""))...)
		if err != nil {
			return fail(s, fs.name, err)
		}
		e.Close()
	}
	source, text, err := src.policyText()
	if err != nil {
		return fail(s, fs.name, err)
	}
	lines := authz.ScanPolicy(source, text)
	findings := policylint.Lint(lines, opts...)
	for _, f := range findings {
		fmt.Fprintln(s.stdout, f.String())
	}
	if len(findings) > 0 {
		return exitNo
	}
	checked := fmt.Sprintf("the %d rules of %s", len(lines), source)
	switch len(lines) {
	case 0:
		checked = source + ", which has no rules"
	case 1:
		checked = "the one rule of " + source
	}
	if len(modelOpts) > 0 {
		checked += ", with the model " + src.model
	}
	fmt.Fprintf(s.stdout, "no findings in %s\n", checked)
	return exitOK
}

// maxParentDepth is authz.MaxParentDepth, for help texts.
var maxParentDepth = strconv.Itoa(authz.MaxParentDepth)
