package authztest

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Run checks table against e from a test: it assigns table.Roles on e
// (Engine.SetRoles), then decides every case. Given a *testing.T, each case
// is a subtest named by Case.String, so one case can be rerun with
// go test -run; given another testing.TB, failures are reported on t
// directly. A failing case is reported with Result.String: where it was
// written, the request, the expected answer and the decision's reason. All
// cases run even when some fail. opts are Evaluate's: WithClock for
// tables whose cases name a time.
//
// Run fails t at once when a fixture cannot be assigned, the table has no
// cases, since a table that checks nothing is a mistake, or Evaluate
// refuses the table. The fixtures stay
// assigned after Run returns. Cases do not run in parallel: they share e.
func Run(t testing.TB, e *authz.Engine, table Table, opts ...Option) {
	t.Helper()
	if len(table.Cases) == 0 {
		t.Fatalf("decision table %q has no cases", table.title())
	}
	report, err := Evaluate(t.Context(), e, table, opts...)
	if err != nil {
		t.Fatal(err)
	}
	sub, subtests := t.(interface {
		Run(name string, f func(t *testing.T)) bool
	})
	for _, r := range report.Results {
		if !subtests {
			reportResult(t, r)
			continue
		}
		sub.Run(r.Case.String(), func(t *testing.T) {
			t.Helper()
			reportResult(t, r)
		})
	}
}

// RunFile is Run for the YAML table at path (see LoadFile). It fails t at
// once when the file cannot be read or is not a valid table, naming every
// problem with its line.
func RunFile(t testing.TB, e *authz.Engine, path string, opts ...Option) {
	t.Helper()
	table, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	Run(t, e, table, opts...)
}

// reportResult fails t with r's problem, if it has one.
func reportResult(t testing.TB, r Result) {
	t.Helper()
	if !r.Passed {
		t.Error(r.String())
	}
}
