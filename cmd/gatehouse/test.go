package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
)

const testAbout = `
Runs decision tables, YAML files of cases — who asks, to do what, to whose
resource, the answer the policy must give and the rule that must give it —
against the policy (package authztest describes the format):

    name: blog
    roles:                  # fixtures: roles held while the cases run
      bob: [user]
    cases:
      - subject: bob
        permission: posts:read
        owner: bob          # omit for no particular resource
        tenant: acme        # with tenants; at the top, for every case
        want: allow         # or deny
        rule: p, user, posts:read, own, allow   # optional; "none": no rule
      - subject: carol
        permission: posts:update
        id: 42              # the resource posts:42: its relations apply
        at: 2026-12-04T12:00:00Z    # decided then; at the top, for every case
        want: allow
        relation: g2, carol, editor, posts:42   # optional; "none": no relation

Each table runs on an engine of its own, fresh from the model and policy
files, with the table's fixture roles assigned, whose clock each case with
a time is decided at. Every failing case is
printed with its file:line and what went wrong, then "N passed, N failed".

--coverage then lists the policy lines no case exercised and the share of
lines that some case did: a line nobody tests is a line an edit can break
unnoticed. A relation ("g2") counts as exercised when a rule applied
through it, a parent ("g3") when a relation on it reached a case's
resource. --threshold PCT (implies --coverage) fails the run when the
coverage is below PCT percent, as opa test --threshold does. --json prints
one JSON document instead, for machines: results, summary, and coverage
with --coverage.

Exit status: 0 every case passed, 1 some case failed or the coverage is
below --threshold, 2 a table, model or policy file cannot be read or is
malformed.`

func runTest(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("test", "[--model FILE] [--policy FILE] [--coverage] [--threshold PCT] [--json] [--verbose] TESTFILE...", testAbout,
		"gatehouse test policy_test.yaml",
		"gatehouse test --policy policy.csv --coverage testdata/*.yaml",
		"gatehouse test --policy policy.csv --threshold 90 --json testdata/*.yaml")
	var src sourceFlags
	src.register(fs, false)
	coverage := fs.Bool("coverage", false, "list the policy lines no case exercised, and the coverage")
	asJSON := fs.Bool("json", false, "print one JSON document instead of text")
	verbose := fs.Bool("verbose", false, "print passing cases too")
	threshold := fs.Float64("threshold", 0, "fail when the coverage is below `PCT` percent (implies --coverage)")
	files, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if *threshold < 0 || *threshold > 100 {
		return fail(s, fs.name, usagef("--threshold %g: use a percentage from 0 to 100", *threshold))
	}
	if *threshold > 0 {
		*coverage = true
	}
	if len(files) == 0 {
		return fail(s, fs.name, usagef("no TESTFILE: give one or more decision tables"))
	}
	modelOpts, err := src.modelOptions()
	if err != nil {
		return fail(s, fs.name, err)
	}
	source, text, err := src.policyText()
	if err != nil {
		return fail(s, fs.name, err)
	}
	if _, err := authz.ParsePolicy(source, text); err != nil {
		return fail(s, fs.name, err)
	}
	tables := make([]authztest.Table, 0, len(files))
	for _, path := range files {
		table, err := authztest.LoadFile(path)
		if err != nil {
			return fail(s, fs.name, err)
		}
		tables = append(tables, table)
	}

	lines := authz.ScanPolicy(source, text)
	var reports []authztest.Report
	var cov *coverageJSON
	if *coverage {
		cov = &coverageJSON{}
	}
	var covered []bool
	for _, table := range tables {
		clock := &authztest.Clock{}
		opts := append(append([]authz.Option{}, modelOpts...), authz.WithClock(clock.Now))
		e, err := newFileEngine(ctx, opts, source, text)
		if err != nil {
			return fail(s, fs.name, err)
		}
		report, err := authztest.Evaluate(ctx, e, table, authztest.WithClock(clock))
		if errors.Is(err, authztest.ErrInvalidTable) {
			return fail(s, fs.name, err) // each problem names its file
		}
		if err != nil {
			return fail(s, fs.name, fmt.Errorf("%s: %w", table.Source, err))
		}
		reports = append(reports, report)
		if cov != nil {
			c := authztest.Cover(e, lines, report)
			if covered == nil {
				cov.lines = c.Lines
				covered = make([]bool, len(c.Lines))
			}
			for i := range covered {
				covered[i] = covered[i] || c.Covered[i]
			}
		}
	}
	if cov != nil {
		cov.fill(covered)
	}

	out := newTestJSON(reports, cov)
	if *asJSON {
		enc := json.NewEncoder(s.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail(s, fs.name, err)
		}
	} else {
		printTestReports(s.stdout, reports, cov, *verbose)
	}
	if out.Summary.Failed > 0 {
		return exitNo
	}
	if cov != nil && cov.Percent < *threshold {
		fmt.Fprintf(s.stderr, "gatehouse test: coverage %.1f%% is below the threshold of %g%%\n", cov.Percent, *threshold)
		return exitNo
	}
	return exitOK
}

// printTestReports prints failures (and passes with verbose), the summary
// and the coverage.
func printTestReports(w io.Writer, reports []authztest.Report, cov *coverageJSON, verbose bool) {
	passed, failed := 0, 0
	for _, report := range reports {
		for _, r := range report.Results {
			if !r.Passed || verbose {
				fmt.Fprintln(w, r.String())
			}
		}
		passed += report.Passed
		failed += report.Failed
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, failed)
	if cov == nil {
		return
	}
	for _, l := range cov.Uncovered {
		fmt.Fprintf(w, "%s:%d: %s\n", l.Source, l.Line, l.Text)
	}
	fmt.Fprintf(w, "coverage: %.1f%% of %d policy lines\n", cov.Percent, cov.Lines)
}

// testJSON is the document --json prints.
type testJSON struct {
	Results  []resultJSON  `json:"results"`
	Summary  summaryJSON   `json:"summary"`
	Coverage *coverageJSON `json:"coverage,omitempty"`
}

type resultJSON struct {
	// Table is the table's name, or its file.
	Table  string `json:"table"`
	Source string `json:"source"`
	Line   int    `json:"line"`
	// Case is the case's name, or the request it makes.
	Case       string `json:"case"`
	Subject    string `json:"subject"`
	Permission string `json:"permission"`
	Owner      string `json:"owner,omitempty"`
	ID         string `json:"id,omitempty"`
	Tenant     string `json:"tenant,omitempty"`
	// At is the time the case was decided at, RFC 3339, when it names one.
	At           string `json:"at,omitempty"`
	Want         string `json:"want"`
	WantRule     string `json:"want_rule,omitempty"`
	WantRelation string `json:"want_relation,omitempty"`
	// Got is the answer, allow or deny; "" when the case was not decided.
	Got string `json:"got,omitempty"`
	// Rule is the policy line that decided, "" when none matched.
	Rule string `json:"rule,omitempty"`
	// Relation is the relation the rule applied through, "" for none.
	Relation string `json:"relation,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Passed   bool   `json:"passed"`
	Problem  string `json:"problem,omitempty"`
}

type summaryJSON struct {
	Tables int `json:"tables"`
	Passed int `json:"passed"`
	Failed int `json:"failed"`
}

type coverageJSON struct {
	lines []authz.PolicyLine

	Lines     int        `json:"lines"`
	Covered   int        `json:"covered"`
	Percent   float64    `json:"percent"`
	Uncovered []lineJSON `json:"uncovered"`
}

type lineJSON struct {
	Source string `json:"source"`
	Line   int    `json:"line"`
	Text   string `json:"text"`
}

// fill counts what covered (parallel to c.lines) says; every table's
// engine holds the same policy, so its lines are covered when any table
// covers them.
func (c *coverageJSON) fill(covered []bool) {
	c.Lines = len(c.lines)
	c.Uncovered = []lineJSON{}
	for i, l := range c.lines {
		if covered[i] {
			c.Covered++
			continue
		}
		c.Uncovered = append(c.Uncovered, lineJSON{Source: l.Source, Line: l.Line, Text: l.Text})
	}
	c.Percent = 100
	if c.Lines > 0 {
		c.Percent = math.Round(1000*float64(c.Covered)/float64(c.Lines)) / 10
	}
}

func newTestJSON(reports []authztest.Report, cov *coverageJSON) testJSON {
	out := testJSON{Results: []resultJSON{}, Summary: summaryJSON{Tables: len(reports)}, Coverage: cov}
	for _, report := range reports {
		out.Summary.Passed += report.Passed
		out.Summary.Failed += report.Failed
		for _, r := range report.Results {
			out.Results = append(out.Results, newResultJSON(report.Table, r))
		}
	}
	return out
}

func newResultJSON(table string, r authztest.Result) resultJSON {
	c := r.Case
	j := resultJSON{
		Table: table, Source: c.Source, Line: c.Line, Case: c.String(),
		Subject: c.Subject, Permission: string(c.Permission), Owner: c.Owner, ID: c.ID, Tenant: c.Tenant,
		Want: verdict(c.Allow), WantRule: c.Rule, WantRelation: c.Relation, Passed: r.Passed, Problem: r.Problem,
	}
	if !c.At.IsZero() {
		j.At = c.At.UTC().Format(time.RFC3339)
	}
	if r.Err == nil {
		j.Got = verdict(r.Decision.Allowed)
		j.Reason = r.Decision.Reason()
		if r.Decision.Matched() {
			j.Rule = r.Decision.Rule.String()
		}
		if r.Decision.Relation.Subject != "" {
			j.Relation = r.Decision.Relation.String()
		}
	}
	return j
}

func verdict(allowed bool) string {
	if allowed {
		return "allow"
	}
	return "deny"
}
