package authztest_test

import (
	"context"
	"fmt"
	"log"
	"testing"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
)

// A decision table in Go, checked from a test: each case is a subtest, and
// a failing one says what was asked, what was expected, and why the engine
// decided otherwise.
func ExampleRun() {
	var t *testing.T // the test's: func TestPolicy(t *testing.T)

	engine, err := authz.New(t.Context(), authz.WithPolicyFile("policy.csv"))
	if err != nil {
		t.Fatal(err)
	}
	authztest.Run(t, engine, authztest.Table{
		Name:  "moderators",
		Roles: map[string][]string{"carol": {"moderator"}},
		Cases: []authztest.Case{
			{Subject: "carol", Permission: "posts:delete", Owner: "bob", Allow: true, Rule: "p, moderator, posts:delete, any, allow"},
			{Subject: "carol", Permission: "users:delete", Owner: "bob", Allow: false, Rule: authztest.NoRule},
		},
	})
}

// A decision table in YAML, beside the policy file it tests.
func ExampleRunFile() {
	var t *testing.T // the test's: func TestPolicy(t *testing.T)

	engine, err := authz.New(t.Context(), authz.WithPolicyFile("policy.csv"))
	if err != nil {
		t.Fatal(err)
	}
	authztest.RunFile(t, engine, "testdata/policy_test.yaml")
}

// Tools check tables without a test: Evaluate returns every case's
// outcome.
func ExampleEvaluate() {
	ctx := context.Background()
	engine, err := authz.New(ctx) // gatehouse's default policy
	if err != nil {
		log.Fatal(err)
	}
	table, err := authztest.Parse("policy_test.yaml", []byte(`
roles:
  bob: [user]
cases:
  - subject: bob
    permission: posts:update
    owner: bob
    want: allow
  - name: users edit only their own posts
    subject: bob
    permission: posts:update
    owner: carol
    want: allow
`))
	if err != nil {
		log.Fatal(err)
	}
	report, err := authztest.Evaluate(ctx, engine, table)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d passed, %d failed\n", report.Passed, report.Failed)
	for _, r := range report.Results {
		fmt.Println(r)
	}
	// Output:
	// 1 passed, 1 failed
	// policy_test.yaml:5: bob posts:update owner bob: passed
	// policy_test.yaml:9: users edit only their own posts (bob posts:update owner carol): want allow, got denied: no rule grants "posts:update" to "bob" on resource owned by "carol"
}

// Under a model with tenants, cases are made in the table's tenant or
// their own, and fixture roles are assigned per tenant.
func ExampleEvaluate_tenants() {
	ctx := context.Background()
	engine, err := authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(`
p, admin, *, users:*, any, allow
p, auditor, acme, billing:read, any, allow
g, alice, admin, acme
`))
	if err != nil {
		log.Fatal(err)
	}
	table, err := authztest.Parse("tenants_test.yaml", []byte(`
tenant: acme
roles:
  carol: [auditor]
cases:
  - subject: alice
    tenant: acme/eu
    permission: users:invite
    want: allow
  - subject: alice
    tenant: globex
    permission: users:invite
    want: deny
  - subject: carol
    permission: billing:read
    want: allow
    rule: p, auditor, acme, billing:read, any, allow
`))
	if err != nil {
		log.Fatal(err)
	}
	report, err := authztest.Evaluate(ctx, engine, table)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range report.Results {
		fmt.Println(r)
	}
	// Output:
	// tenants_test.yaml:6: alice users:invite in acme/eu: passed
	// tenants_test.yaml:10: alice users:invite in globex: passed
	// tenants_test.yaml:14: carol billing:read in acme: passed
}

// Every mistake in a table is reported with its line.
func ExampleParse() {
	_, err := authztest.Parse("policy_test.yaml", []byte(`
cases:
  - subject: bob
    permission: posts:*
    want: maybe
`))
	fmt.Println(err)
	// Output:
	// policy_test.yaml:4: permission: invalid permission: "posts:*": a request names one action, not "*"
	// policy_test.yaml:5: want: "maybe": use allow or deny
}

// Cover finds the policy lines no case exercises.
func ExampleCover() {
	ctx := context.Background()
	engine, err := authz.New(ctx)
	if err != nil {
		log.Fatal(err)
	}
	table, err := authztest.LoadFile("testdata/moderators.yaml")
	if err != nil {
		log.Fatal(err)
	}
	report, err := authztest.Evaluate(ctx, engine, table)
	if err != nil {
		log.Fatal(err)
	}
	coverage := authztest.Cover(engine, authz.ScanPolicy("policy.csv", gatehouse.DefaultPolicy()), report)
	fmt.Printf("%.1f%% of %d lines\n", coverage.Percent, len(coverage.Lines))
	for _, l := range coverage.Uncovered[:3] {
		fmt.Printf("%s:%d: %s\n", l.Source, l.Line, l.Text)
	}
	// Output:
	// 5.0% of 20 lines
	// policy.csv:6: p, user, posts:read, own, allow
	// policy.csv:7: p, user, posts:write, any, allow
	// policy.csv:8: p, user, posts:update, own, allow
}

// A relation that expires is tested before and after it does, on an engine
// that reads the Clock the table sets.
func ExampleWithClock() {
	ctx := context.Background()
	clock := &authztest.Clock{}
	engine, err := authz.New(ctx, authz.WithClock(clock.Now), authz.WithPolicy(`
p, editor, posts:update, any, allow
g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z
`))
	if err != nil {
		log.Fatal(err)
	}
	table, err := authztest.Parse("relations.yaml", []byte(`
cases:
  - subject: carol
    permission: posts:update
    id: 42
    at: 2026-12-04T12:00:00Z
    want: allow
    relation: g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z
  - subject: carol
    permission: posts:update
    id: 42
    at: 2026-12-04T18:00:00Z
    want: allow
`))
	if err != nil {
		log.Fatal(err)
	}
	report, err := authztest.Evaluate(ctx, engine, table, authztest.WithClock(clock))
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range report.Results {
		fmt.Println(r)
	}
	// Output:
	// relations.yaml:3: carol posts:update on posts:42 at 2026-12-04T12:00:00Z: passed
	// relations.yaml:9: carol posts:update on posts:42 at 2026-12-04T18:00:00Z: want allow, got denied: no rule grants "posts:update" to "carol" on resource "42" with no owner
}
