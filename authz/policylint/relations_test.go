package policylint_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

// friday is the instant the expiring lines of these tests end at.
const friday = "until 2026-12-04T17:00:00Z"

var (
	thursday = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	saturday = time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
)

func TestLintExpired(t *testing.T) {
	t.Parallel()
	lines := policy(
		"p, auditor, books:read, any, allow, "+friday,
		"g, dana, auditor, "+friday,
		"g2, erin, auditor, books:2026, "+friday,
		"p, auditor, books:list, any, allow",
	)
	runLintCases(t, []lintCase{
		{name: "before the expiry", policy: lines, now: thursday},
		{
			name: "after it", policy: lines, now: saturday,
			want: []want{
				{1, policylint.CheckExpired, []string{
					"p, auditor, books:read, any, allow, " + friday + " expired on 2026-12-04T17:00:00Z",
					"decisions ignore it, and Engine.SweepExpired removes it",
				}},
				{2, policylint.CheckExpired, []string{"g, dana, auditor, " + friday + " expired on"}},
				{3, policylint.CheckExpired, []string{"g2, erin, auditor, books:2026, " + friday + " expired on"}},
			},
		},
		{
			name: "at the very instant", policy: policy("p, auditor, books:read, any, allow, " + friday),
			now:  time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC),
			want: []want{{1, policylint.CheckExpired, nil}},
		},
	})
}

func TestLintExpiredDefaultsToNow(t *testing.T) {
	t.Parallel()
	got := policylint.Lint(authz.ScanPolicy("team.csv", policy(
		"p, auditor, books:read, any, allow, until 2001-01-01T00:00:00Z",
		"p, auditor, books:list, any, allow, until 2999-01-01T00:00:00Z",
	)))
	if assert.Len(t, got, 1) {
		assert.Equal(t, policylint.CheckExpired, got[0].Check)
		assert.Equal(t, 1, got[0].Line)
	}
}

func TestLintExpiryConflict(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "a grant with two expiries",
			policy: policy(
				"p, auditor, books:read, any, allow, "+friday,
				"p, auditor, books:read, any, allow",
			),
			now: thursday,
			want: []want{{2, policylint.CheckExpiryConflict, []string{
				"p, auditor, books:read, any, allow is line 1 with another expiry (p, auditor, books:read, any, allow, " + friday + ")",
				"the policy does not load",
			}}},
		},
		{
			name:   "an assignment",
			policy: policy("p, auditor, books:read, any, allow", "g, dana, auditor", "g, dana, auditor, "+friday),
			now:    thursday,
			want:   []want{{3, policylint.CheckExpiryConflict, []string{"is line 2 with another expiry"}}},
		},
		{
			name: "a relation",
			policy: policy("p, auditor, books:read, any, allow",
				"g2, erin, auditor, books:2026, until 2026-12-05T17:00:00Z", "g2, erin, auditor, books:2026, "+friday),
			now:  thursday,
			want: []want{{3, policylint.CheckExpiryConflict, []string{"is line 2 with another expiry"}}},
		},
		{
			name: "one expiry written two ways is a duplicate",
			policy: policy("p, auditor, books:read, any, allow",
				"g2, erin, auditor, books:2026, "+friday, "g2, erin, auditor, books:2026, until 2026-12-04T18:00:00+01:00"),
			now:  thursday,
			want: []want{{3, policylint.CheckDuplicate, []string{"is a duplicate of line 2"}}},
		},
	})
}

func TestLintRelations(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "relations that allow",
			policy: policy(
				"p, editor, posts:update, any, allow",
				"p, viewer, docs:read, any, allow",
				"g, senior, editor",
				"g2, carol, editor, posts:42",
				"g2, dan, senior, posts:43",
				"g2, red, viewer, folders:7", // docs are put inside folders
				"g3, docs:9, folders:7",
				"g, alice, red", // red grants through its relation
				"p, blocked, posts:*, any, deny",
				"g2, bob, blocked, posts:42", // a deny on one post
			),
		},
		{
			name:   "a relation to a role that grants nothing",
			policy: policy("p, editor, posts:update, any, allow", "g2, carol, edtor, posts:42", "g, reviewer, nobody", "g2, dan, reviewer, posts:42"),
			want: []want{
				{2, policylint.CheckUndefinedRelationRole, []string{
					`g2, carol, edtor, posts:42: role "edtor" grants nothing: no p line names it or a role it holds, so the relation allows nothing; did you mean "editor"?`,
				}},
				{3, policylint.CheckUndefinedRole, []string{`role "nobody" grants nothing`}},
				{4, policylint.CheckUndefinedRelationRole, []string{`role "reviewer" grants nothing`}},
			},
		},
		{
			name:   "a group whose relation grants nothing",
			policy: policy("g, alice, red", "g2, red, viewer, folders:7"),
			want: []want{
				{1, policylint.CheckUndefinedRole, []string{`role "red" grants nothing`}},
				{2, policylint.CheckUndefinedRelationRole, []string{`role "viewer" grants nothing`}},
			},
		},
		{
			name:   "a relation on a type its role grants nothing on",
			policy: policy("p, viewer, docs:read, any, allow", "p, viewer, docs:list, any, allow", "p, viewer, comments:read, any, allow", "g2, carol, viewer, posts:42"),
			want: []want{{4, policylint.CheckRelationTypeMismatch, []string{
				`g2, carol, viewer, posts:42: role "viewer" grants nothing on posts; only on comments, docs, so the relation allows nothing`,
			}}},
		},
		{
			name: "nor on the types inside it",
			policy: policy("p, viewer, docs:read, any, allow", "p, member, posts:read, any, allow", "g, viewer, member",
				"g2, red, viewer, folders:7", "g3, docs:9, folders:7", "g2, ops, viewer, drives:1",
				"g3, sheets:1, drives:1", "g3, notes:1, sheets:1"),
			want: []want{{6, policylint.CheckRelationTypeMismatch, []string{
				`g2, ops, viewer, drives:1: role "viewer" grants nothing on drives, nor on notes, sheets, which the policy puts inside drives; only on docs, posts, so the relation allows nothing`,
			}}},
		},
		{
			name:   "relations and parents written twice",
			policy: policy("p, editor, posts:update, any, allow", "g2, carol, editor, posts:42", "g3, posts:42, blogs:1", "g2,carol,editor,posts:42", "g3, posts:42, blogs:1"),
			want: []want{
				{4, policylint.CheckDuplicate, []string{"g2,carol,editor,posts:42 is a duplicate of line 2"}},
				{5, policylint.CheckDuplicate, []string{"is a duplicate of line 3"}},
			},
		},
	})
}

func TestLintParents(t *testing.T) {
	t.Parallel()
	// chain puts docs:0 n levels below folders:n.
	chain := func(n int) []string {
		lines := []string{fmt.Sprintf("g3, docs:0, folders:%d", 1)}
		for i := 1; i < n; i++ {
			lines = append(lines, fmt.Sprintf("g3, folders:%d, folders:%d", i, i+1))
		}
		return lines
	}
	runLintCases(t, []lintCase{
		{name: "a chain as long as decisions follow", policy: policy(chain(authz.MaxParentDepth)...)},
		{
			name:   "a chain one longer",
			policy: policy(chain(authz.MaxParentDepth + 1)...),
			want: []want{{authz.MaxParentDepth + 1, policylint.CheckParentTooDeep, []string{
				`g3, folders:8, folders:9 is parent 9 above "docs:0" (lines 1, 2, 3, 4, 5, 6, 7, 8, 9); decisions follow at most 8, so the policy does not load`,
			}}},
		},
		{
			name:   "two chains past the limit through one line",
			policy: policy(append(chain(authz.MaxParentDepth+1), "g3, sheets:0, folders:1")...),
			want:   []want{{authz.MaxParentDepth + 1, policylint.CheckParentTooDeep, []string{`above "docs:0"`}}},
		},
		{
			name:   "a second parent",
			policy: policy("g3, docs:9, folders:7", "g3, docs:9, folders:8"),
			want: []want{{2, policylint.CheckParentConflict, []string{
				`g3, docs:9, folders:8: "docs:9" is inside "folders:7" already (line 1); a resource has one parent, so the policy does not load`,
			}}},
		},
		{
			name:   "resources inside one another",
			policy: policy("g3, docs:9, folders:7", "g3, folders:7, folders:1", "g3, folders:1, docs:9", "g3, sheets:1, folders:1"),
			want: []want{{1, policylint.CheckParentCycle, []string{
				"g3, docs:9, folders:7 is part of a loop of parents: docs:9 -> folders:7 -> folders:1 -> docs:9 (lines 1, 2, 3); " +
					"a resource cannot be inside itself",
			}}},
		},
		{
			name:   "a loop found from above its first line",
			policy: policy("g3, folders:1, folders:2", "g3, docs:0, folders:1", "g3, folders:2, folders:1"),
			want: []want{{1, policylint.CheckParentCycle, []string{
				"g3, folders:1, folders:2 is part of a loop of parents: folders:1 -> folders:2 -> folders:1 (lines 1, 3)",
			}}},
		},
		{
			name:   "a long chain into a loop is the loop's",
			policy: policy(append(chain(authz.MaxParentDepth+2), fmt.Sprintf("g3, folders:%d, folders:1", authz.MaxParentDepth+2))...),
			want:   []want{{2, policylint.CheckParentCycle, []string{"is part of a loop of parents"}}},
		},
		{
			name:   "a resource inside itself",
			policy: policy("g3, docs:9, docs:9"),
			want:   []want{{1, policylint.CheckParentCycle, []string{`"docs:9" cannot be inside itself`}}},
		},
	})
}

// TestLintJudgesCoverByExpiry: a deny, or an allow that covers another,
// takes a rule's place only while it applies.
func TestLintJudgesCoverByExpiry(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name:   "a deny that ends first does not cancel",
			policy: policy("p, bob, posts:write, any, allow", "p, bob, posts:write, any, deny, "+friday),
			now:    thursday,
		},
		{
			name:   "one that outlives the allow does",
			policy: policy("p, bob, posts:write, any, allow, "+friday, "p, bob, posts:write, any, deny, until 2026-12-05T00:00:00Z"),
			now:    thursday,
			want:   []want{{1, policylint.CheckCancelled, []string{"never takes effect"}}},
		},
		{
			name:   "a deny through a role held until Friday does not cancel",
			policy: policy("p, bob, posts:write, any, allow", "p, suspended, posts:write, any, deny", "g, bob, suspended, "+friday),
			now:    thursday,
		},
		{
			name:   "an allow that ends first does not shadow",
			policy: policy("p, bob, posts:*, any, allow, "+friday, "p, bob, posts:write, any, allow"),
			now:    thursday,
		},
		{
			name:   "one that ends later does",
			policy: policy("p, bob, posts:*, any, allow", "p, bob, posts:write, any, allow, "+friday),
			now:    thursday,
			want:   []want{{2, policylint.CheckShadowed, []string{"is redundant"}}},
		},
	})
}

// TestLintDocumentsEveryCheck keeps the package documentation listing
// every check.
func TestLintDocumentsEveryCheck(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, check := range policylint.Checks() {
		assert.True(t, strings.Contains(string(doc), "//   - "+check+" ("), "doc.go describes %s", check)
	}
}
