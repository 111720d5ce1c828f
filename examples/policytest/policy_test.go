package policytest

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
	"github.com/gatehouse-go/gatehouse/permissions"
)

const (
	policyFile = "policy.csv"
	tableFile  = "testdata/policy_test.yaml"
)

// newEngine loads policy.csv on gatehouse's default model, in memory.
func newEngine(t *testing.T) *authz.Engine {
	t.Helper()
	engine, err := authz.New(t.Context(), authz.WithPolicyFile(policyFile))
	require.NoError(t, err)
	return engine
}

// TestPolicy checks every case of the YAML table, one subtest each.
func TestPolicy(t *testing.T) {
	t.Parallel()
	authztest.RunFile(t, newEngine(t), tableFile)
}

// TestStrangers asks, for every permission of the wiki, whether somebody
// the policy has never heard of may have it, on their own page or on
// nobody's: rows generated in Go.
func TestStrangers(t *testing.T) {
	t.Parallel()
	table := authztest.Table{Name: "strangers"}
	for _, action := range []string{"read", "write", "update", "delete"} {
		for _, owner := range []string{"", "mallory"} {
			table.Cases = append(table.Cases, authztest.Case{
				Subject:    "mallory",
				Permission: permissions.Permission("pages:" + action),
				Owner:      owner,
				Allow:      false,
				Rule:       authztest.NoRule,
			})
		}
	}
	authztest.Run(t, newEngine(t), table)
}

// TestPolicyCoverage requires the table to exercise every line of
// policy.csv: each grant decides some case, and each role assignment
// carries some case's subject to the role whose grant decided it.
func TestPolicyCoverage(t *testing.T) {
	t.Parallel()
	engine := newEngine(t)
	table, err := authztest.LoadFile(tableFile)
	require.NoError(t, err)
	report, err := authztest.Evaluate(t.Context(), engine, table)
	require.NoError(t, err)
	require.Zero(t, report.Failed, "TestPolicy says which cases fail")

	lines, err := policyLines()
	require.NoError(t, err)
	coverage := authztest.Cover(engine, lines, report)
	for _, l := range coverage.Uncovered {
		t.Errorf("%s:%d: no case exercises %s", l.Source, l.Line, l.Text)
	}
	assert.InDelta(t, 100.0, coverage.Percent, 0)
}

// policyLines reads the rule lines of policy.csv with their numbers.
func policyLines() ([]authz.PolicyLine, error) {
	text, err := os.ReadFile(policyFile)
	if err != nil {
		return nil, err
	}
	return authz.ScanPolicy(policyFile, string(text)), nil
}
