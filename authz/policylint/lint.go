package policylint

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Lint returns every finding in lines, sorted by source then line then
// check. lines are one policy in the order it is read, as authz.ScanPolicy
// returns them; Lint does not modify them. A policy with nothing to report
// gives no findings. Lines that expire are judged as of the time Lint is
// called, or the one WithNow gives.
func Lint(lines []authz.PolicyLine, opts ...Option) []Finding {
	l := newLinter(lines, newConfig(opts))
	undefined, granting := l.checkUndefinedRoles()
	loops, inLoop := l.loops()
	l.checkRolesInTenants(undefined, inLoop)
	l.checkMemberlessTenants()
	l.checkCaseMismatch(undefined)
	l.checkCycles(loops)
	l.checkTooDeep(inLoop)
	cancelled := l.checkCancelled()
	l.checkShadowed(cancelled)
	l.checkExpired()
	l.checkRelations(granting)
	l.checkParents()
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

// relationRule is the first copy of a "g2" line.
type relationRule struct {
	authz.Relation
	at *authz.PolicyLine
}

// parentRule is the first copy of a "g3" line.
type parentRule struct {
	authz.ResourceParent
	at *authz.PolicyLine
}

// linter is one policy being linted: the first copy of each rule, indexed
// for the checks, and the findings so far.
type linter struct {
	// now is the instant lines that expire are judged at.
	now time.Time
	// rules holds the first copy of every grant and role assignment, in
	// policy order; grants and assignments the same, by kind; relations
	// and parents the first copy of each of their lines.
	rules       []*authz.PolicyLine
	grants      []grantRule
	assignments []assignment
	relations   []relationRule
	parents     []parentRule
	// grantsOf holds the grants of each subject or role, in policy order.
	grantsOf map[string][]grantRule
	// held holds the assignments each name is the member of, in policy
	// order: the edges from a name up to the roles it holds.
	held     map[string][]assignment
	findings []Finding
}

// newLinter reports the malformed and duplicate lines, and the rules
// written again with another expiry, and indexes the first copy of every
// other rule.
func newLinter(lines []authz.PolicyLine, cfg config) *linter {
	l := &linter{now: cfg.now, grantsOf: map[string][]grantRule{}, held: map[string][]assignment{}}
	// Rules by their line, so that a copy is found, and by what they say
	// without their expiry, so that a copy with another expiry is.
	firstLine := map[string]*authz.PolicyLine{}
	firstRule := map[any]*authz.PolicyLine{}
	again := func(at *authz.PolicyLine, rule any) bool {
		line := canonical(at)
		if first, ok := firstLine[line]; ok {
			l.report(at, CheckDuplicate, "%s is a duplicate of %s", at.Text, ref(at, first))
			return true
		}
		if first, ok := firstRule[rule]; ok {
			l.report(at, CheckExpiryConflict, "%s is %s with another expiry (%s); the engine keeps a rule once, "+
				"so the policy does not load: keep the line with the expiry meant", at.Text, ref(at, first), first.Text)
			return true
		}
		firstLine[line], firstRule[rule] = at, at
		return false
	}
	for i := range lines {
		at := &lines[i]
		switch {
		case at.Err != nil:
			l.reportMalformed(at)
		case at.Grant != nil:
			key := *at.Grant
			key.Expires = time.Time{}
			if again(at, key) {
				continue
			}
			l.rules = append(l.rules, at)
			g := grantRule{*at.Grant, at, i}
			l.grants = append(l.grants, g)
			l.grantsOf[g.Subject] = append(l.grantsOf[g.Subject], g)
		case at.Role != nil:
			key := *at.Role
			key.Expires = time.Time{}
			if again(at, key) {
				continue
			}
			l.rules = append(l.rules, at)
			a := assignment{*at.Role, at, i}
			l.assignments = append(l.assignments, a)
			l.held[a.Member] = append(l.held[a.Member], a)
		case at.Relation != nil:
			key := *at.Relation
			key.Expires = time.Time{}
			if again(at, key) {
				continue
			}
			l.relations = append(l.relations, relationRule{*at.Relation, at})
		case at.Parent != nil:
			if again(at, *at.Parent) {
				continue
			}
			l.parents = append(l.parents, parentRule{*at.Parent, at})
		}
	}
	return l
}

// canonical returns the rule of a line that parsed as the policy writes
// it, so that two spellings of one rule are one: "p,user,posts:read,own,allow"
// and "p, user, posts:read, own, allow".
func canonical(at *authz.PolicyLine) string {
	switch {
	case at.Grant != nil:
		return at.Grant.String()
	case at.Role != nil:
		return at.Role.String()
	case at.Relation != nil:
		return at.Relation.String()
	case at.Parent != nil:
		return at.Parent.String()
	}
	return at.Text
}

// reportMalformed reports a line that does not parse. A role assigned to
// itself parses but is refused as a cycle, and is reported as one; so is
// a resource inside itself.
func (l *linter) reportMalformed(at *authz.PolicyLine) {
	reason := at.Err.Error()
	if at.Err.Err != nil {
		reason = at.Err.Err.Error()
	}
	check := CheckMalformed
	if errors.Is(at.Err, authz.ErrCycle) {
		check = CheckCycle
		if kind, _, _ := strings.Cut(at.Text, ","); strings.TrimSpace(kind) == "g3" {
			check = CheckParentCycle
		}
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
