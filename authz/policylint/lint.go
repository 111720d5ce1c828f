package policylint

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Lint returns every finding in lines, sorted by source then line then
// check. lines are one policy in the order it is read, as authz.ScanPolicy
// returns them; Lint does not modify them. A policy with nothing to report
// gives no findings.
func Lint(lines []authz.PolicyLine) []Finding {
	l := newLinter(lines)
	undefined := l.checkUndefinedRoles()
	loops, inLoop := l.loops()
	l.checkRolesInTenants(undefined, inLoop)
	l.checkMemberlessTenants()
	l.checkCaseMismatch(undefined)
	l.checkCycles(loops)
	l.checkTooDeep(inLoop)
	cancelled := l.checkCancelled()
	l.checkShadowed(cancelled)
	slices.SortStableFunc(l.findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Check, b.Check))
	})
	return l.findings
}

// grantRule is the first copy of a "p" line; seq is the line's place in
// the policy.
type grantRule struct {
	authz.Grant
	at  *authz.PolicyLine
	seq int
}

// assignment is the first copy of a "g" line; seq is the line's place in
// the policy.
type assignment struct {
	authz.RoleAssignment
	at  *authz.PolicyLine
	seq int
}

// linter is one policy being linted: the first copy of each rule, indexed
// for the checks, and the findings so far.
type linter struct {
	// rules holds the first copy of every rule, in policy order; grants
	// and assignments the same, by kind.
	rules       []*authz.PolicyLine
	grants      []grantRule
	assignments []assignment
	// grantsOf holds the grants of each subject or role, in policy order.
	grantsOf map[string][]grantRule
	// held holds the assignments each name is the member of, in policy
	// order: the edges from a name up to the roles it holds.
	held     map[string][]assignment
	findings []Finding
}

// newLinter reports the malformed and duplicate lines and indexes the
// first copy of every other rule.
func newLinter(lines []authz.PolicyLine) *linter {
	l := &linter{grantsOf: map[string][]grantRule{}, held: map[string][]assignment{}}
	firstGrant := map[authz.Grant]*authz.PolicyLine{}
	firstRole := map[authz.RoleAssignment]*authz.PolicyLine{}
	for i := range lines {
		at := &lines[i]
		switch {
		case at.Err != nil:
			l.reportMalformed(at)
		case at.Grant != nil:
			if first, ok := firstGrant[*at.Grant]; ok {
				l.report(at, CheckDuplicate, "%s is a duplicate of %s", at.Text, ref(at, first))
				continue
			}
			firstGrant[*at.Grant] = at
			l.rules = append(l.rules, at)
			g := grantRule{*at.Grant, at, i}
			l.grants = append(l.grants, g)
			l.grantsOf[g.Subject] = append(l.grantsOf[g.Subject], g)
		case at.Role != nil:
			if first, ok := firstRole[*at.Role]; ok {
				l.report(at, CheckDuplicate, "%s is a duplicate of %s", at.Text, ref(at, first))
				continue
			}
			firstRole[*at.Role] = at
			l.rules = append(l.rules, at)
			a := assignment{*at.Role, at, i}
			l.assignments = append(l.assignments, a)
			l.held[a.Member] = append(l.held[a.Member], a)
		}
	}
	return l
}

// reportMalformed reports a line that does not parse. A role assigned to
// itself parses but is refused as a cycle, and is reported as one.
func (l *linter) reportMalformed(at *authz.PolicyLine) {
	reason := at.Err.Error()
	if at.Err.Err != nil {
		reason = at.Err.Err.Error()
	}
	check := CheckMalformed
	if errors.Is(at.Err, authz.ErrCycle) {
		check = CheckCycle
	}
	l.report(at, check, "%s: %s", at.Text, reason)
}

// report adds a finding at line at.
func (l *linter) report(at *authz.PolicyLine, check, format string, args ...any) {
	l.findings = append(l.findings, Finding{
		Source:  at.Source,
		Line:    at.Line,
		Check:   check,
		Message: fmt.Sprintf(format, args...),
	})
}

// ref names line to for a message at line from: "line 4", or
// "other.csv:4" when it is in another source.
func ref(from, to *authz.PolicyLine) string {
	if from.Source != to.Source {
		return to.Source + ":" + strconv.Itoa(to.Line)
	}
	return "line " + strconv.Itoa(to.Line)
}

// refs names several lines for a message at line from: "line 4",
// "lines 4, 7, 9", or each as ref does when some are in another source.
func refs(from *authz.PolicyLine, to []*authz.PolicyLine) string {
	names := make([]string, len(to))
	sameSource := true
	for i, t := range to {
		names[i] = ref(from, t)
		sameSource = sameSource && t.Source == from.Source
	}
	if sameSource && len(to) > 1 {
		for i, t := range to {
			names[i] = strconv.Itoa(t.Line)
		}
		return "lines " + strings.Join(names, ", ")
	}
	return strings.Join(names, ", ")
}
