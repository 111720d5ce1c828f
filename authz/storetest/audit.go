package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
)

// auditCases are the cases of stores that keep a history (authz.AuditStore).
var auditCases = []struct {
	name string
	run  func(t *testing.T, s authz.AuditStore, open Open)
}{
	{"HistoryRecordsEveryEdit", testHistoryRecordsEveryEdit},
	{"FailedEditsRecordNothing", testFailedEditsRecordNothing},
	{"RacingEditsRecordOnlyTheWinner", testRacingEditsRecordOnce},
	{"HistoryQueries", testHistoryQueries},
	{"HistoryReplaysToThePolicy", testHistoryReplays},
}

// runAudit runs auditCases on the stores of fresh that keep a history.
func runAudit(t *testing.T, fresh Fresh) {
	for _, c := range auditCases {
		t.Run(c.name, func(t *testing.T) {
			open := fresh(t)
			s, ok := open(t).(authz.AuditStore)
			if !ok {
				t.Skip("the store keeps no history: it is no authz.AuditStore")
			}
			c.run(t, s, open)
		})
	}
}

// history reads the whole history of s, newest first.
func history(t *testing.T, s authz.AuditStore, q authz.HistoryQuery) []authz.AuditEntry {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = authz.MaxHistoryLimit
	}
	entries, err := s.History(context.Background(), q)
	require.NoError(t, err)
	return entries
}

var auditAt = time.Date(2031, 3, 4, 5, 6, 7, 123456000, time.UTC)

func testHistoryRecordsEveryEdit(t *testing.T, s authz.AuditStore, _ Open) {
	seed(t, s, samplePolicy())
	rev := apply(t, s, authz.Change{AddRoles: []authz.RoleAssignment{role("carol", "admin")},
		Actor: authz.Actor{ID: "usr_alice", Source: authz.SourceConsole}, At: auditAt}, 1)
	rev = apply(t, s, authz.Change{RemoveGrants: []authz.Grant{grant("admin", "users:delete")}, AddGrants: []authz.Grant{grant("admin", "users:*")},
		Actor: authz.Actor{ID: "ops", Source: authz.SourceCLI}, At: auditAt.Add(time.Minute)}, rev)
	require.Equal(t, int64(3), rev)

	entries := history(t, s, authz.HistoryQuery{})
	require.Len(t, entries, 3, "the seed and two edits")
	assert.Equal(t, []int64{3, 2, 1}, []int64{entries[0].Revision, entries[1].Revision, entries[2].Revision}, "newest first")
	assert.Equal(t, authz.Actor{ID: "ops", Source: authz.SourceCLI}, entries[0].Actor)
	assert.Equal(t, []string{"p, admin, users:delete, any, allow"}, entries[0].Removed)
	assert.Equal(t, []string{"p, admin, users:*, any, allow"}, entries[0].Added)
	assert.True(t, auditAt.Add(time.Minute).Equal(entries[0].At), "time kept to the microsecond: %s", entries[0].At)
	assert.Equal(t, authz.Actor{ID: "usr_alice", Source: authz.SourceConsole}, entries[1].Actor)
	assert.Equal(t, []string{"g, carol, admin"}, entries[1].Added)
	assert.Empty(t, entries[1].Removed)
	assert.Equal(t, authz.SourceSeed, entries[2].Actor.Source)
	assert.Len(t, entries[2].Added, len(lines(samplePolicy())), "the seed's lines")
}

func testFailedEditsRecordNothing(t *testing.T, s authz.AuditStore, _ Open) {
	seed(t, s, samplePolicy())
	before := history(t, s, authz.HistoryQuery{})
	ctx := context.Background()
	for name, c := range map[string]struct {
		change authz.Change
		base   int64
	}{
		"stale base":                    {authz.Change{AddRoles: []authz.RoleAssignment{role("dave", "user")}, Actor: authz.Actor{ID: "x"}}, 0},
		"removal of a line it lacks":    {authz.Change{AddRoles: []authz.RoleAssignment{role("dave", "user")}, RemoveGrants: []authz.Grant{grant("nobody", "posts:read")}}, 1},
		"addition of a line it holds":   {authz.Change{AddRoles: []authz.RoleAssignment{role("bob", "user")}}, 1},
		"good lines after a failed one": {authz.Change{AddGrants: []authz.Grant{grant("user", "posts:read"), grant("eve", "posts:read")}}, 1},
	} {
		_, err := s.Apply(ctx, change(c.change), c.base)
		require.Error(t, err, name)
	}
	assert.Equal(t, before, history(t, s, authz.HistoryQuery{}), "a refused edit writes no entry")
	requirePolicy(t, s, samplePolicy(), 1)
}

// change returns c: a hook to keep the table above readable.
func change(c authz.Change) authz.Change { return c }

func testRacingEditsRecordOnce(t *testing.T, s authz.AuditStore, open Open) {
	seed(t, s, samplePolicy())
	const racers = 6
	var wg sync.WaitGroup
	for i := range racers {
		other := open(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = other.Apply(context.Background(), authz.Change{AddRoles: []authz.RoleAssignment{role(fmt.Sprintf("racer%d", i), "user")},
				Actor: authz.Actor{ID: fmt.Sprintf("racer%d", i)}, At: auditAt}, 1)
		}()
	}
	wg.Wait()
	entries := history(t, s, authz.HistoryQuery{})
	require.Len(t, entries, 2, "the seed and the one winner")
	p, rev := load(t, s)
	require.Equal(t, int64(2), rev)
	winner := entries[0].Actor.ID
	assert.Contains(t, p.Roles, role(winner, "user"), "the entry names the edit that stands")
	assert.Equal(t, []string{"g, " + winner + ", user"}, entries[0].Added)
}

func testHistoryQueries(t *testing.T, s authz.AuditStore, _ Open) {
	rev := int64(0)
	names := []string{"alice", "a%b", "a_b", "a!b", "Alice"}
	for i, name := range names {
		rev = apply(t, s, authz.Change{AddRoles: []authz.RoleAssignment{role(name, "user")},
			Actor: authz.Actor{ID: "actor" + fmt.Sprint(i%2)}, At: auditAt.Add(time.Duration(i) * time.Hour)}, rev)
	}
	tests := []struct {
		name string
		q    authz.HistoryQuery
		want []int64
	}{
		{"all", authz.HistoryQuery{}, []int64{5, 4, 3, 2, 1}},
		{"limit", authz.HistoryQuery{Limit: 2}, []int64{5, 4}},
		{"actor", authz.HistoryQuery{Actor: "actor1"}, []int64{4, 2}},
		{"subject, exactly", authz.HistoryQuery{Subject: "alice"}, []int64{1}},
		{"subject in other case", authz.HistoryQuery{Subject: "Alice"}, []int64{5}},
		{"subject with LIKE's percent", authz.HistoryQuery{Subject: "a%b"}, []int64{2}},
		{"subject with LIKE's underscore", authz.HistoryQuery{Subject: "a_b"}, []int64{3}},
		{"subject with the escape", authz.HistoryQuery{Subject: "a!b"}, []int64{4}},
		{"a role is a subject too", authz.HistoryQuery{Subject: "user", Limit: 3}, []int64{5, 4, 3}},
		{"nobody", authz.HistoryQuery{Subject: "a"}, nil},
		{"since", authz.HistoryQuery{Since: auditAt.Add(3 * time.Hour)}, []int64{5, 4}},
		{"until", authz.HistoryQuery{Until: auditAt.Add(time.Hour)}, []int64{1}},
		{"since and until", authz.HistoryQuery{Since: auditAt.Add(time.Hour), Until: auditAt.Add(3 * time.Hour)}, []int64{3, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for _, e := range history(t, s, tt.q) {
				got = append(got, e.Revision)
			}
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := s.History(context.Background(), authz.HistoryQuery{Limit: -1})
	assert.Error(t, err)
}

// testHistoryReplays edits a policy at random through an engine, with
// actors, and replays the history from nothing: it must give the
// store's policy, line for line, and hold one entry a revision.
func testHistoryReplays(t *testing.T, s authz.AuditStore, open Open) {
	ctx := context.Background()
	e, err := authz.New(ctx, authz.WithStore(s), authz.WithPolicy(samplePolicy().String()))
	require.NoError(t, err)
	t.Cleanup(e.Close)
	rng := rand.New(rand.NewPCG(7, 11))
	subjects := []string{"ann", "ben", "cy", "dee"}
	roles := []string{"user", "moderator", "admin", "writer"}
	for i := range 60 {
		actx := authz.WithActor(ctx, authz.Actor{ID: subjects[i%len(subjects)], Source: authz.SourceAPI})
		who, what := subjects[rng.IntN(len(subjects))], roles[rng.IntN(len(roles))]
		switch rng.IntN(4) {
		case 0:
			_ = e.AssignRole(actx, who, what)
		case 1:
			_ = e.UnassignRole(actx, who, what)
		case 2:
			_ = e.AddGrant(actx, grant(what, "docs:read"))
		default:
			_ = e.RemoveGrant(actx, grant(what, "docs:read"))
		}
	}
	entries := history(t, s, authz.HistoryQuery{})
	_, rev := load(t, open(t))
	require.Len(t, entries, int(rev), "one entry a revision")
	var replayed []string
	for i := len(entries) - 1; i >= 0; i-- {
		en := entries[i]
		require.Equal(t, rev-int64(i), en.Revision)
		for _, line := range en.Removed {
			at := slices.Index(replayed, line)
			require.GreaterOrEqual(t, at, 0, "revision %d removes %q, which it did not hold", en.Revision, line)
			replayed = slices.Delete(replayed, at, at+1)
		}
		replayed = append(replayed, en.Added...)
		if en.Actor.Source == authz.SourceAPI {
			assert.Contains(t, subjects, en.Actor.ID)
		}
	}
	p, _ := load(t, s)
	assert.ElementsMatch(t, lines(p), replayed, "the history replays to the policy")
}
