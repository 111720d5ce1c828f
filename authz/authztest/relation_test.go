package authztest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// relationPolicy gives roles on single resources: carol edits the post 42
// until 17:00, the group red views the folder 7 and what is inside it,
// dan the folder 1, which holds the folder 7.
var relationPolicy = strings.Join([]string{
	"p, editor, posts:update, any, allow",                     // 1
	"p, viewer, docs:read, any, allow",                        // 2
	"g, alice, red",                                           // 3
	"g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z", // 4
	"g2, red, viewer, folders:7",                              // 5
	"g3, docs:9, folders:7",                                   // 6
	"g3, folders:7, folders:1",                                // 7
	"g2, dan, viewer, folders:1",                              // 8
	"g2, erin, viewer, folders:3",                             // 9: no case
	"g3, docs:5, folders:3",                                   // 10: no case
}, "\n")

// noon and evening are before and after carol's relation expires.
var (
	noon    = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	evening = time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
)

// newClockedEngine builds an engine on policy that reads the time from
// the clock it returns.
func newClockedEngine(t *testing.T, policy string) (*authz.Engine, *authztest.Clock) {
	t.Helper()
	clock := &authztest.Clock{}
	e, err := authz.New(t.Context(), authz.WithClock(clock.Now), authz.WithPolicy(policy))
	require.NoError(t, err)
	return e, clock
}

func TestEvaluateRelations(t *testing.T) {
	t.Parallel()
	const carol = "g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z"
	tests := []struct {
		name    string
		c       authztest.Case
		problem string // "" when the case passes
	}{
		{
			name: "a relation allows on its resource",
			c: authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", At: noon, Allow: true,
				Rule: "p, editor, posts:update, any, allow", Relation: carol},
		},
		{
			name: "until it expires",
			c:    authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", At: evening, Rule: authztest.NoRule},
		},
		{
			name: "and on no other resource",
			c:    authztest.Case{Subject: "carol", Permission: "posts:update", ID: "43", At: noon, Rule: authztest.NoRule},
		},
		{
			name: "nor on no resource at all",
			c:    authztest.Case{Subject: "carol", Permission: "posts:update", At: noon},
		},
		{
			name: "a group's relation on a parent",
			c: authztest.Case{Subject: "alice", Permission: "docs:read", ID: "9", Allow: true,
				Relation: "g2, red, viewer, folders:7"},
		},
		{
			name: "a relation two parents up",
			c:    authztest.Case{Subject: "dan", Permission: "docs:read", ID: "9", Allow: true, Relation: "g2, dan, viewer, folders:1"},
		},
		{
			name: "a relation written spaced its own way",
			c:    authztest.Case{Subject: "dan", Permission: "docs:read", ID: "9", Allow: true, Relation: `g2,dan,  viewer,"folders:1"`},
		},
		{
			name: "no relation where one applied",
			c:    authztest.Case{Subject: "alice", Permission: "docs:read", ID: "9", Allow: true, Relation: authztest.NoRule},
			problem: `want allow through no relation, got allowed by rule "p, viewer, docs:read, any, allow" ` +
				`through relation "g2, red, viewer, folders:7" ("docs:9" is inside "folders:7")`,
		},
		{
			name: "a relation without its expiry is another line",
			c: authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", At: noon, Allow: true,
				Relation: "g2, carol, editor, posts:42"},
			problem: `want allow through relation "g2, carol, editor, posts:42", got allowed by rule ` +
				`"p, editor, posts:update, any, allow" through relation "` + carol + `"`,
		},
		{
			name:    "allowed after it expired",
			c:       authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", At: evening, Allow: true},
			problem: `want allow, got denied: no rule grants "posts:update" to "carol" on resource "42" with no owner`,
		},
	}
	e, clock := newClockedEngine(t, relationPolicy)
	table := authztest.Table{Name: "relations"}
	for _, tc := range tests {
		table.Cases = append(table.Cases, tc.c)
	}
	report, err := authztest.Evaluate(t.Context(), e, table, authztest.WithClock(clock))
	require.NoError(t, err)
	require.Len(t, report.Results, len(tests))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := report.Results[i]
			require.NoError(t, r.Err)
			assert.Equal(t, tc.problem, r.Problem)
			assert.Equal(t, tc.problem == "", r.Passed)
		})
	}
	assert.WithinDuration(t, time.Now(), clock.Now(), time.Minute, "the clock reads the system's time again")
}

// TestEvaluateAtTheTablesTime: cases without a time are decided at the
// table's, or at the time the clock read before, which Evaluate restores.
func TestEvaluateAtTheTablesTime(t *testing.T) {
	t.Parallel()
	e, clock := newClockedEngine(t, relationPolicy)
	update := authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42"}
	later := update
	later.At = evening
	table := authztest.Table{At: noon, Cases: []authztest.Case{update, later}}
	report, err := authztest.Evaluate(t.Context(), e, table, authztest.WithClock(clock))
	require.NoError(t, err)
	require.Len(t, report.Results, 2)
	assert.True(t, report.Results[0].Decision.Allowed, "decided at the table's noon")
	assert.Equal(t, noon, report.Results[0].Case.At, "the result holds the time decided at")
	assert.False(t, report.Results[1].Decision.Allowed, "decided at the case's evening")

	before := noon.Add(-time.Hour)
	clock.Set(before)
	report, err = authztest.Evaluate(t.Context(), e, authztest.Table{Cases: []authztest.Case{later, update}}, authztest.WithClock(clock))
	require.NoError(t, err)
	assert.False(t, report.Results[0].Decision.Allowed)
	assert.True(t, report.Results[1].Decision.Allowed, "decided at the time the clock read before")
	assert.Equal(t, before, clock.Now(), "the clock is set back")
}

func TestEvaluateRefusesTimesWithoutAClock(t *testing.T) {
	t.Parallel()
	e, _ := newClockedEngine(t, relationPolicy)
	timed := authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", At: noon, Source: "t.yaml", Line: 4}
	untimed := authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", Source: "t.yaml", Line: 9}
	const why = "the engine's clock cannot be set: build the engine with authz.WithClock(clock.Now) " +
		"for an authztest.Clock, and pass authztest.WithClock(clock)"

	_, err := authztest.Evaluate(t.Context(), e, authztest.Table{Cases: []authztest.Case{untimed, timed}})
	require.ErrorIs(t, err, authztest.ErrInvalidTable)
	assert.EqualError(t, err, "t.yaml:4: carol posts:update on posts:42 at 2026-12-04T12:00:00Z: "+why)

	_, err = authztest.Evaluate(t.Context(), e, authztest.Table{Source: "t.yaml", At: noon, Cases: []authztest.Case{untimed}})
	require.ErrorIs(t, err, authztest.ErrInvalidTable)
	assert.EqualError(t, err, "t.yaml: at: 2026-12-04T12:00:00Z, but "+why)

	_, err = authztest.Evaluate(t.Context(), e, authztest.Table{Cases: []authztest.Case{untimed}})
	assert.NoError(t, err, "a table without times needs no clock")
}

func TestClock(t *testing.T) {
	t.Parallel()
	var clock authztest.Clock
	assert.WithinDuration(t, time.Now(), clock.Now(), time.Minute, "the zero Clock reads the system clock")
	clock.Set(noon)
	assert.Equal(t, noon, clock.Now())
	clock.Set(time.Time{})
	assert.WithinDuration(t, time.Now(), clock.Now(), time.Minute)
}

func TestCoverRelations(t *testing.T) {
	t.Parallel()
	e, clock := newClockedEngine(t, relationPolicy)
	table := authztest.Table{At: noon, Cases: []authztest.Case{
		{Subject: "carol", Permission: "posts:update", ID: "42", Allow: true},
		{Subject: "alice", Permission: "docs:read", ID: "9", Allow: true},
		{Subject: "dan", Permission: "docs:read", ID: "9", Allow: true},
	}}
	report, err := authztest.Evaluate(t.Context(), e, table, authztest.WithClock(clock))
	require.NoError(t, err)
	require.Zero(t, report.Failed, "%v", report.Results)
	coverage := authztest.Cover(e, authz.ScanPolicy("policy.csv", relationPolicy), report)
	var covered []int
	for i, l := range coverage.Lines {
		if coverage.Covered[i] {
			covered = append(covered, l.Line)
		}
	}
	// alice reaches red by line 3, red views folders:7 by line 5, and
	// docs:9 is inside it by line 6; dan's relation on folders:1 is
	// reached through lines 6 and 7.
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8}, covered)
	var uncovered []string
	for _, l := range coverage.Uncovered {
		uncovered = append(uncovered, l.Text)
	}
	assert.Equal(t, []string{"g2, erin, viewer, folders:3", "g3, docs:5, folders:3"}, uncovered)
	assert.InDelta(t, 80.0, coverage.Percent, 1e-9)
}

// TestCoverChainsAtTheCasesTime: a chain leaves out the assignments that
// had expired when the case was decided.
func TestCoverChainsAtTheCasesTime(t *testing.T) {
	t.Parallel()
	policy := strings.Join([]string{
		"p, reader, docs:read, any, allow",              // 1
		"g, senior, reader, until 2026-12-04T17:00:00Z", // 2: the short way, until 17:00
		"g, senior, editor",                             // 3
		"g, editor, reader",                             // 4
	}, "\n")
	for _, tc := range []struct {
		at      time.Time
		covered []int
	}{
		{noon, []int{1, 2}},
		{evening, []int{1, 3, 4}},
	} {
		t.Run(tc.at.Format(time.Kitchen), func(t *testing.T) {
			t.Parallel()
			e, clock := newClockedEngine(t, policy)
			p, err := e.Policy(t.Context())
			require.NoError(t, err)
			require.False(t, p.Roles[0].Expires.IsZero(), "the engine keeps the expiry of role assignments")
			report, err := authztest.Evaluate(t.Context(), e, authztest.Table{
				Roles: map[string][]string{"al": {"senior"}},
				Cases: []authztest.Case{{Subject: "al", Permission: "docs:read", At: tc.at, Allow: true}},
			}, authztest.WithClock(clock))
			require.NoError(t, err)
			require.Zero(t, report.Failed, "%v", report.Results)
			coverage := authztest.Cover(e, authz.ScanPolicy("policy.csv", policy), report)
			var covered []int
			for i, l := range coverage.Lines {
				if coverage.Covered[i] {
					covered = append(covered, l.Line)
				}
			}
			assert.Equal(t, tc.covered, covered)
		})
	}
}

func TestParseRelations(t *testing.T) {
	t.Parallel()
	table, err := authztest.Parse("relations.yaml", lines(
		"at: 2026-12-04T12:00:00Z", // 1
		"cases:",
		"  - subject: carol",
		"    permission: posts:update",
		"    id: 42", // 5
		"    want: allow",
		"    relation: g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z",
		"  - subject: carol",
		"    permission: posts:update",
		"    id: '42'", // 10
		"    at: 2026-12-04T19:00:00+01:00",
		"    want: deny",
		"    rule: none",
		"    relation: none",
	))
	require.NoError(t, err)
	assert.Equal(t, authztest.Table{
		At:     noon,
		Source: "relations.yaml",
		Cases: []authztest.Case{
			{
				Subject: "carol", Permission: permissions.Permission("posts:update"), ID: "42", Allow: true,
				Relation: "g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z", Source: "relations.yaml", Line: 3,
			},
			{
				Subject: "carol", Permission: permissions.Permission("posts:update"), ID: "42",
				At:   time.Date(2026, 12, 4, 19, 0, 0, 0, time.FixedZone("", 3600)),
				Rule: authztest.NoRule, Relation: authztest.NoRule, Source: "relations.yaml", Line: 8,
			},
		},
	}, table)
	assert.Equal(t, "carol posts:update on posts:42 at 2026-12-04T18:00:00Z", table.Cases[1].String())
}

func TestParseRelationErrors(t *testing.T) {
	t.Parallel()
	withCase := func(l ...string) []byte {
		return lines(append([]string{"cases:", "  - subject: carol", "    permission: posts:update", "    want: allow"}, l...)...)
	}
	tests := []struct {
		name string
		data []byte
		want string
		is   error
	}{
		{
			name: "at not a time",
			data: withCase("    at: tomorrow"),
			want: `t.yaml:5: at: "tomorrow": want an instant in RFC 3339, such as "2026-12-04T12:00:00Z"`,
		},
		{
			name: "at without a zone",
			data: withCase("    at: 2026-12-04T12:00:00"),
			want: `t.yaml:5: at: "2026-12-04T12:00:00": want an instant in RFC 3339, such as "2026-12-04T12:00:00Z"`,
		},
		{
			name: "the table's at empty",
			data: append(lines("at:"), withCase()...),
			want: `t.yaml:1: at: "": want an instant in RFC 3339, such as "2026-12-04T12:00:00Z"`,
		},
		{
			name: "id with a comma",
			data: withCase("    id: 4,2"),
			want: `t.yaml:5: id: invalid resource: invalid subject: resource id "4,2" contains ','`,
			is:   authz.ErrInvalidResource,
		},
		{
			name: "id with a star",
			data: withCase("    id: '*'"),
			want: `t.yaml:5: id: invalid resource: id "*" contains "*"`,
			is:   authz.ErrInvalidResource,
		},
		{
			name: "relation a grant line",
			data: withCase("    id: 42", "    relation: p, editor, posts:update, any, allow"),
			want: `t.yaml:6: relation: "p, editor, posts:update, any, allow": want a relation line "g2, subject, role, type:id", with its expiry last if it has one, or "none"`,
		},
		{
			name: "relation malformed",
			data: withCase("    id: 42", "    relation: g2, carol, editor, posts"),
			want: `t.yaml:6: relation: "g2, carol, editor, posts": invalid resource: resource "posts": want type:id, such as "posts:42"`,
			is:   authz.ErrInvalidResource,
		},
		{
			name: "relation with a bad expiry",
			data: withCase("    id: 42", "    relation: g2, carol, editor, posts:42, until Friday"),
			want: `t.yaml:6: relation: "g2, carol, editor, posts:42, until Friday": invalid expiry: expiry "until Friday": want "until" and a time in RFC 3339, such as "until 2026-12-04T17:00:00Z"`,
			is:   authz.ErrInvalidExpiry,
		},
		{
			name: "relation without a resource",
			data: withCase("    relation: g2, carol, editor, posts:42"),
			want: `t.yaml:5: relation: "g2, carol, editor, posts:42": a relation applies only to a case about one resource: give its id`,
		},
		{
			name: "relation without a rule",
			data: withCase("    id: 42", "    rule: none", "    relation: g2, carol, editor, posts:42"),
			want: `t.yaml:7: relation: "g2, carol, editor, posts:42": a relation applies only through a rule, and the case wants none to match`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := authztest.Parse("t.yaml", tc.data)
			require.ErrorIs(t, err, authztest.ErrInvalidTable)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.EqualError(t, err, tc.want)
		})
	}
}
