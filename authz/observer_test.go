package authz_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
)

// recordingObserver keeps what an engine reports.
type recordingObserver struct {
	mu        sync.Mutex
	edits     []authz.EditEvent
	peerEdits []authz.PeerEditEvent
	failures  []string
	panics    bool
}

func (o *recordingObserver) Edited(_ context.Context, e authz.EditEvent) {
	o.mu.Lock()
	o.edits = append(o.edits, e)
	o.mu.Unlock()
	if o.panics {
		panic("observer down")
	}
}

func (o *recordingObserver) PeerEdited(_ context.Context, e authz.PeerEditEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.peerEdits = append(o.peerEdits, e)
}

func (o *recordingObserver) StoreFailed(_ context.Context, operation string, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failures = append(o.failures, operation+": "+err.Error())
}

func (o *recordingObserver) read() ([]authz.EditEvent, []authz.PeerEditEvent, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]authz.EditEvent(nil), o.edits...), append([]authz.PeerEditEvent(nil), o.peerEdits...), append([]string(nil), o.failures...)
}

// unreliableStore fails its edits and loads while down is set.
type unreliableStore struct {
	authz.Store
	down bool
}

func (s *unreliableStore) Apply(ctx context.Context, c authz.Change, base int64) (int64, error) {
	if s.down {
		return 0, errors.New("connection refused")
	}
	return s.Store.Apply(ctx, c, base)
}

func (s *unreliableStore) Load(ctx context.Context) (authz.Policy, int64, error) {
	if s.down {
		return authz.Policy{}, 0, errors.New("connection refused")
	}
	return s.Store.Load(ctx)
}

func TestObserverHearsEveryEdit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	memory, err := authz.NewMemoryStore()
	require.NoError(t, err)
	store := &unreliableStore{Store: memory}
	o := &recordingObserver{}
	e, err := authz.New(ctx, authz.WithStore(store), authz.WithObserver(o), authz.WithLogger(quiet))
	require.NoError(t, err)
	start := authz.Revision(e)

	admin := authz.WithActor(ctx, authz.Actor{ID: "usr_1", Source: authz.SourceConsole})
	require.NoError(t, e.AssignRole(admin, "dave", "editor"))
	assert.ErrorIs(t, e.AssignRole(admin, "dave", "editor"), authz.ErrExists)
	require.NoError(t, e.SetRoles(ctx, "dave", []string{"user"}))
	store.down = true
	assert.ErrorIs(t, e.RemoveSubject(ctx, "dave"), authz.ErrStore)
	store.down = false
	require.NoError(t, e.Reload(ctx))
	swept, err := e.SweepExpired(ctx)
	require.NoError(t, err)
	assert.Zero(t, swept)

	edits, _, failures := o.read()
	require.Len(t, edits, 5)
	assert.Equal(t, authz.EditEvent{Actor: authz.Actor{ID: "usr_1", Source: authz.SourceConsole}, Added: 1, Revision: start + 1}, edits[0])
	assert.ErrorIs(t, edits[1].Err, authz.ErrExists)
	assert.Zero(t, edits[1].Added+edits[1].Removed+int(edits[1].Revision), "a refused edit changed nothing")
	assert.Equal(t, authz.EditEvent{Added: 1, Removed: 1, Revision: start + 2}, edits[2])
	assert.ErrorIs(t, edits[3].Err, authz.ErrStore)
	assert.Zero(t, edits[3].Revision)
	assert.Equal(t, authz.EditEvent{Actor: authz.Actor{Source: authz.SourceSweep}}, edits[4], "a sweep with nothing to do")
	assert.Equal(t, []string{"edit: connection refused"}, failures, "the failed commit, and nothing for the refused edit")

	// A store that cannot load is a failure too, and a panicking observer
	// loses nothing: the edit stands.
	store.down = true
	require.Error(t, e.Reload(ctx))
	store.down = false
	_, _, failures = o.read()
	assert.Equal(t, []string{"edit: connection refused", "load: connection refused"}, failures)
	o.panics = true
	require.NoError(t, e.AssignRole(ctx, "erin", "user"))
	assert.True(t, decides(e, "erin", permissions.PostsWrite, true))
}

func TestObserverHearsPeersEditsAndStatusShowsTheReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := authz.NewMemoryStore()
	require.NoError(t, err)
	hub := watch.NewLocal()
	t.Cleanup(func() { _ = hub.Close() })
	replica := func(opts ...authz.Option) *authz.Engine {
		e, err := authz.New(ctx, append([]authz.Option{authz.WithStore(store), authz.WithNotifier(hub),
			authz.WithSyncInterval(syncInterval), authz.WithLogger(quiet)}, opts...)...)
		require.NoError(t, err)
		t.Cleanup(e.Close)
		return e
	}
	o := &recordingObserver{}
	a, b := replica(), replica(authz.WithObserver(o))

	st := b.Status()
	assert.True(t, st.Available && st.Following && st.Connected)
	assert.WithinDuration(t, time.Now(), st.LastCurrent, 10*time.Second)

	require.NoError(t, a.AssignRole(ctx, "dave", "editor"))
	eventually(t, func() bool { _, peer, _ := o.read(); return len(peer) == 1 }, "the peer's edit was not reported")
	edits, peer, _ := o.read()
	assert.Empty(t, edits, "a peer's edit is not this engine's")
	assert.Equal(t, authz.Revision(a), peer[0].Revision)
	assert.Equal(t, 1, peer[0].Added)
	assert.GreaterOrEqual(t, peer[0].Lag, time.Duration(0))
	assert.Less(t, peer[0].Lag, 10*time.Second)
	assert.Equal(t, authz.Revision(a), b.Status().Revision)

	hub.Disconnect()
	eventually(t, func() bool { st := b.Status(); return !st.Connected && !st.Available }, "the disconnection is not in Status")
	hub.Reconnect()
	eventually(t, func() bool { st := b.Status(); return st.Connected && st.Available }, "the reconnection is not in Status")

	alone, err := authz.New(ctx)
	require.NoError(t, err)
	assert.Equal(t, authz.Status{Available: true}, alone.Status())
}
