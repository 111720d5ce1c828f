package policylint_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

// policy joins rules into a policy file, so that rule i is on line i+1.
func policy(rules ...string) string { return strings.Join(rules, "\n") + "\n" }

// want is a finding a test expects: where, which check, and words its
// message must contain.
type want struct {
	line     int
	check    string
	contains []string
}

// lintCase is one policy and every finding expected in it.
type lintCase struct {
	name   string
	policy string
	want   []want
	// now, when set, is the instant the policy is linted at.
	now time.Time
}

// runLintCases lints each case's policy as "team.csv" and checks that the
// findings are exactly those wanted, in order.
func runLintCases(t *testing.T, cases []lintCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []policylint.Option
			if !tc.now.IsZero() {
				opts = append(opts, policylint.WithNow(tc.now))
			}
			got := policylint.Lint(authz.ScanPolicy("team.csv", tc.policy), opts...)
			require.Len(t, got, len(tc.want), "findings: %v", got)
			for i, w := range tc.want {
				assert.Equal(t, "team.csv", got[i].Source, "finding %d", i)
				assert.Equal(t, w.line, got[i].Line, "finding %d: %s", i, got[i])
				assert.Equal(t, w.check, got[i].Check, "finding %d: %s", i, got[i])
				for _, s := range w.contains {
					assert.Contains(t, got[i].Message, s, "finding %d", i)
				}
			}
		})
	}
}

func TestLintIsSilentOnTheDefaultPolicy(t *testing.T) {
	t.Parallel()
	lines := authz.ScanPolicy("policy.csv", gatehouse.DefaultPolicy())
	require.NotEmpty(t, lines)
	assert.Empty(t, policylint.Lint(lines))
}

func TestLintOfNothingFindsNothing(t *testing.T) {
	t.Parallel()
	assert.Empty(t, policylint.Lint(nil))
	assert.Empty(t, policylint.Lint(authz.ScanPolicy("empty.csv", "# nothing yet\n\n")))
}

func TestLintMalformed(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name:   "unknown scope",
			policy: policy("p, user, posts:read, everywhere, allow"),
			want:   []want{{1, policylint.CheckMalformed, []string{"p, user, posts:read, everywhere, allow: ", "invalid scope", `"everywhere"`}}},
		},
		{
			name:   "malformed permission",
			policy: policy("p, user, posts.read, own, allow"),
			want:   []want{{1, policylint.CheckMalformed, []string{"invalid permission", "want resource:action"}}},
		},
		{
			name:   "wrong field count",
			policy: policy("p, user, posts:read, own", "g, bob"),
			want: []want{
				{1, policylint.CheckMalformed, []string{"4 values", "got 3"}},
				{2, policylint.CheckMalformed, []string{"2 values", "got 1"}},
			},
		},
		{
			name:   "unknown rule type",
			policy: policy("x, user, posts:read, own, allow"),
			want:   []want{{1, policylint.CheckMalformed, []string{`unknown rule type "x"`}}},
		},
		{
			name:   "bad effect",
			policy: policy("p, user, posts:read, own, Allow"),
			want:   []want{{1, policylint.CheckMalformed, []string{"invalid effect"}}},
		},
		{
			name:   "bad subject",
			policy: policy(`p, "user ", posts:read, own, allow`),
			want:   []want{{1, policylint.CheckMalformed, []string{"invalid subject", "surrounding spaces"}}},
		},
		{
			name:   "malformed CSV",
			policy: policy(`p, "user, posts:read, own, allow`),
			want:   []want{{1, policylint.CheckMalformed, []string{"malformed line"}}},
		},
		{
			name: "good lines around a bad one",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, user, posts:write, some, allow",
				`p, "user", "posts:update", own, allow`,
			),
			want: []want{{2, policylint.CheckMalformed, []string{"invalid scope"}}},
		},
		{
			name:   "quoted fields are fine",
			policy: policy(`p, "user", "posts:read", "own", "allow"`, `g, "bob", "user"`),
		},
	})
}

func TestLintDuplicate(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "grant written twice",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, user, posts:write, any, allow",
				"p, user, posts:read, own, allow",
			),
			want: []want{{3, policylint.CheckDuplicate, []string{"p, user, posts:read, own, allow is a duplicate of line 1"}}},
		},
		{
			name: "every later copy names the first",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, user, posts:read, own, allow",
				`p, "user", posts:read, "own", allow`,
			),
			want: []want{
				{2, policylint.CheckDuplicate, []string{"duplicate of line 1"}},
				{3, policylint.CheckDuplicate, []string{"duplicate of line 1"}},
			},
		},
		{
			name:   "assignment written twice",
			policy: policy("p, user, posts:read, own, allow", "g, bob, user", "g, bob, user"),
			want:   []want{{3, policylint.CheckDuplicate, []string{"g, bob, user is a duplicate of line 2"}}},
		},
		{
			name: "a later copy is reported only as a duplicate",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, user, posts:read, own, deny",
				"p, user, posts:read, own, allow",
			),
			want: []want{
				{1, policylint.CheckCancelled, nil},
				{3, policylint.CheckDuplicate, nil},
			},
		},
		{
			name: "same words, different rules",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, user, posts:write, own, allow",
				"p, moderator, posts:read, own, allow",
				"g, bob, user",
				"g, user, bob",
			),
			want: []want{{4, policylint.CheckCycle, nil}},
		},
	})
}

func TestLintSortsBySourceLineAndCheck(t *testing.T) {
	t.Parallel()
	lines := append(
		authz.ScanPolicy("b.csv", policy("p, user, posts:read, own, allow", "g, bob, usr")),
		authz.ScanPolicy("a.csv", policy("p, user, posts:read, own, allow", "g, x, y", "g, y, x"))...)
	var got []string
	for _, f := range policylint.Lint(lines) {
		got = append(got, fmt.Sprintf("%s:%d:%s", f.Source, f.Line, f.Check))
	}
	// b.csv is read first, so its line 1 is the first copy.
	assert.Equal(t, []string{
		"a.csv:1:duplicate",
		"a.csv:2:cycle",
		"a.csv:2:undefined-role",
		"a.csv:3:undefined-role",
		"b.csv:2:undefined-role",
	}, got)
}

func TestLintNamesLinesOfOtherSources(t *testing.T) {
	t.Parallel()
	lines := append(
		authz.ScanPolicy("roles.csv", policy("p, user, posts:read, own, allow")),
		authz.ScanPolicy("extra.csv", policy("# more", "p, user, posts:read, own, allow"))...)
	got := policylint.Lint(lines)
	require.Len(t, got, 1)
	assert.Equal(t, "extra.csv:2: [duplicate] p, user, posts:read, own, allow is a duplicate of roles.csv:1", got[0].String())
}

func TestLintDoesNotModifyItsInput(t *testing.T) {
	t.Parallel()
	lines := authz.ScanPolicy("team.csv", policy("g, bob, usr", "p, user, posts:read, own, allow", "p, user, posts:read, own, allow"))
	before := fmt.Sprintf("%+v", lines)
	policylint.Lint(lines)
	assert.Equal(t, before, fmt.Sprintf("%+v", lines))
}
