package authz_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
)

// recordingSink keeps the events it receives.
type recordingSink struct {
	mu     sync.Mutex
	events []authz.DecisionEvent
	panics bool
}

func (s *recordingSink) Decided(_ context.Context, e authz.DecisionEvent) {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	if s.panics {
		panic("the sink broke")
	}
}

func TestDecisionSink(t *testing.T) {
	ctx := context.Background()
	sink := &recordingSink{}
	store, err := authz.NewMemoryStore()
	require.NoError(t, err)
	e, err := authz.New(ctx, authz.WithStore(store), authz.WithDecisionSink(sink, 1),
		authz.WithPolicy("p, editor, posts:update, any, allow\ng, carol, editor\n"), authz.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)

	_, err = e.Decide(ctx, authz.Request{Subject: "carol", Permission: "posts:update"})
	require.NoError(t, err)
	require.NoError(t, e.AssignRole(ctx, "dave", "editor"))
	_, err = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts:update"})
	require.NoError(t, err)
	_, err = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts"})
	require.Error(t, err)
	_, err = e.DecideAll(ctx, []authz.Request{{Subject: "dave", Permission: "posts:update"}, {Subject: "erin", Permission: "posts:update"}})
	require.NoError(t, err)

	require.Len(t, sink.events, 5)
	first := sink.events[0]
	assert.Equal(t, uint64(1), first.ID)
	assert.True(t, first.Decision.Allowed)
	assert.Equal(t, "p, editor, posts:update, any, allow", first.Decision.Rule.String())
	assert.Equal(t, int64(1), first.Revision, "the seeded store")
	assert.Positive(t, first.Duration)
	assert.Equal(t, int64(2), sink.events[1].Revision, "after the edit")
	assert.False(t, sink.events[1].Decision.Allowed)
	assert.Error(t, sink.events[2].Err, "a malformed request is an event too, denied")
	assert.Equal(t, []uint64{4, 5}, []uint64{sink.events[3].ID, sink.events[4].ID})
	assert.True(t, sink.events[3].Decision.Allowed)

	// A panicking sink is contained: the decision stands.
	sink.panics = true
	d, err := e.Decide(ctx, authz.Request{Subject: "carol", Permission: "posts:update"})
	require.NoError(t, err)
	assert.True(t, d.Allowed)
}

func TestDecisionSinkSampling(t *testing.T) {
	ctx := context.Background()
	sink := &recordingSink{}
	e, err := authz.New(ctx, authz.WithDecisionSink(sink, 3), authz.WithDecisionTiming(2))
	require.NoError(t, err)
	for range 12 {
		_, err := e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts:read"})
		require.NoError(t, err)
	}
	require.Len(t, sink.events, 4, "one in three")
	var ids []uint64
	timed := 0
	for _, ev := range sink.events {
		ids = append(ids, ev.ID)
		if ev.Duration > 0 {
			timed++
		}
	}
	assert.Equal(t, []uint64{3, 6, 9, 12}, ids)
	assert.Equal(t, 2, timed, "one in two of those sent is timed")

	untimed := &recordingSink{}
	e, err = authz.New(ctx, authz.WithDecisionTiming(0), authz.WithDecisionSink(untimed, 1))
	require.NoError(t, err)
	_, err = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts:read"})
	require.NoError(t, err)
	require.Len(t, untimed.events, 1)
	assert.Zero(t, untimed.events[0].Duration)
}

func TestSlogSink(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	e, err := authz.New(ctx, authz.WithDecisionSink(authz.SlogSink{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, 1),
		authz.WithPolicy("p, editor, posts:update, any, allow\ng, carol, editor\ng2, dave, editor, posts:42\n"))
	require.NoError(t, err)
	_, err = e.Decide(ctx, authz.Request{Subject: "dave", Permission: "posts:update", Resource: authz.Resource{ID: "42", Owner: "erin"}})
	require.NoError(t, err)
	_, err = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts:update"})
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], "level=INFO")
	assert.Contains(t, lines[0], "outcome=allow subject=dave permission=posts:update resource=42 owner=erin")
	assert.Contains(t, lines[0], `rule="p, editor, posts:update, any, allow" relation="g2, dave, editor, posts:42"`)
	assert.Contains(t, lines[1], "level=WARN", "denials one level up")
	assert.Contains(t, lines[1], "outcome=deny subject=bob")
	assert.NotContains(t, lines[1], "rule=")
}

func TestAuditEntrySubjects(t *testing.T) {
	e := authz.AuditEntry{
		Removed: []string{"p, editor, posts:update, any, allow"},
		Added:   []string{"g, carol, editor", "g2, dave, editor, posts:42, until 2030-01-01T00:00:00Z", "g3, posts:42, blogs:7", "g, ann, admin, acme"},
	}
	assert.Equal(t, []string{"editor", "carol", "dave", "posts:42", "blogs:7", "ann", "admin"}, e.Subjects())
}
