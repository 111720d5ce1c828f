package watch_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
)

// fakeState records what a Follower asks of it and fails on demand.
type fakeState struct {
	mu        sync.Mutex
	applied   []string
	reloads   int
	checks    int
	failApply bool
	failCheck error
	failLoad  error
	current   bool
	// panicIn names the method ("apply", "check" or "reload") that panics,
	// once.
	panicIn string
}

func (s *fakeState) maybePanic(method string) {
	if s.panicIn == method {
		s.panicIn = ""
		panic("boom in " + method)
	}
}

func (s *fakeState) Apply(_ context.Context, payload string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maybePanic("apply")
	if s.failApply {
		return errors.New("cannot apply")
	}
	s.applied = append(s.applied, payload)
	return nil
}

func (s *fakeState) Reload(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maybePanic("reload")
	if s.failLoad != nil {
		return s.failLoad
	}
	if s.failCheck != nil { // the store is down for reloads too
		return s.failCheck
	}
	s.reloads++
	s.current = true
	return nil
}

func (s *fakeState) Check(context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maybePanic("check")
	s.checks++
	return s.current, s.failCheck
}

func (s *fakeState) with(f func(*fakeState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *fakeState) read() (applied []string, reloads int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.applied...), s.reloads
}

func follow(t *testing.T, n watch.Notifier, s *fakeState) *watch.Follower {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, err := watch.Follow(ctx, n, s, watch.FollowConfig{
		Channel: "test", Interval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	t.Cleanup(f.Close)
	return f
}

func wait(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, 10*time.Second, 2*time.Millisecond, msg)
}

func TestFollowerAppliesMessagesInOrderAfterReloading(t *testing.T) {
	hub := watch.NewLocal()
	s := &fakeState{}
	f := follow(t, hub, s)
	require.NoError(t, f.Err())
	_, reloads := s.read()
	assert.Equal(t, 1, reloads, "Follow returns after the first reload")

	for _, m := range []string{"1", "2", "3"} {
		require.NoError(t, hub.Publish(context.Background(), "test", m))
	}
	require.NoError(t, hub.Publish(context.Background(), "elsewhere", "x"))
	wait(t, func() bool { a, _ := s.read(); return len(a) == 3 }, "messages not applied")
	applied, reloads := s.read()
	assert.Equal(t, []string{"1", "2", "3"}, applied)
	assert.Equal(t, 1, reloads)
}

func TestFollowerFailsClosedAndRecovers(t *testing.T) {
	hub := watch.NewLocal()
	s := &fakeState{}
	f := follow(t, hub, s)

	hub.Disconnect()
	wait(t, func() bool { return f.Err() != nil }, "disconnection unnoticed")
	assert.ErrorIs(t, f.Err(), watch.ErrUnavailable)
	hub.Reconnect()
	wait(t, func() bool { return f.Err() == nil }, "never recovered")
	_, reloads := s.read()
	assert.Equal(t, 2, reloads, "reloaded after reconnecting")

	// A store that stops answering: unavailable, then a reload once it
	// answers again.
	s.with(func(s *fakeState) { s.failCheck = errors.New("connection refused") })
	wait(t, func() bool { return f.Err() != nil }, "store failure unnoticed")
	assert.ErrorContains(t, f.Err(), "connection refused")
	s.with(func(s *fakeState) { s.failCheck = nil })
	wait(t, func() bool { return f.Err() == nil }, "never recovered from the store failure")
	_, reloads = s.read()
	assert.Equal(t, 3, reloads)

	// A failing reload keeps the follower unavailable until one succeeds.
	s.with(func(s *fakeState) { s.current = false; s.failLoad = errors.New("bad row") })
	wait(t, func() bool { return f.Err() != nil }, "a failed reload went unreported")
	s.with(func(s *fakeState) { s.failLoad = nil })
	wait(t, func() bool { return f.Err() == nil }, "never recovered from the failed reload")

	// A message that cannot be applied makes it reload.
	_, before := s.read()
	s.with(func(s *fakeState) { s.failApply = true })
	require.NoError(t, hub.Publish(context.Background(), "test", "gap"))
	wait(t, func() bool { _, r := s.read(); return r == before+1 }, "no reload after a message that did not apply")
	require.NoError(t, f.Err())

	f.Close()
	f.Close()
	assert.ErrorIs(t, f.Err(), watch.ErrClosed)
}

func TestFollowerSurvivesAPanickingState(t *testing.T) {
	hub := watch.NewLocal()
	s := &fakeState{}
	f := follow(t, hub, s)

	// A message whose application panics: reloaded, as after any failure.
	_, before := s.read()
	s.with(func(s *fakeState) { s.panicIn = "apply" })
	require.NoError(t, hub.Publish(context.Background(), "test", "poison"))
	wait(t, func() bool { _, r := s.read(); return r == before+1 }, "no reload after a panicking apply")
	require.NoError(t, f.Err())

	// A check that panics, then a reload that panics: unavailable until a
	// reload succeeds.
	s.with(func(s *fakeState) { s.panicIn = "check" })
	wait(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.panicIn == "" }, "check never ran")
	s.with(func(s *fakeState) { s.current = false; s.panicIn = "reload" })
	wait(t, func() bool { return f.Err() != nil }, "a panicking reload went unreported")
	assert.ErrorContains(t, f.Err(), "panicked")
	wait(t, func() bool { return f.Err() == nil }, "never recovered from the panicking reload")

	// The follower still applies messages.
	require.NoError(t, hub.Publish(context.Background(), "test", "after"))
	wait(t, func() bool { a, _ := s.read(); return len(a) > 0 && a[len(a)-1] == "after" }, "messages no longer applied")
}

func TestFollowWaitsForTheFirstSync(t *testing.T) {
	hub := watch.NewLocal()
	hub.Disconnect()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := watch.Follow(ctx, hub, &fakeState{}, watch.FollowConfig{Channel: "test"})
	require.ErrorIs(t, err, watch.ErrUnavailable)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	_, err = watch.Follow(context.Background(), nil, &fakeState{}, watch.FollowConfig{Channel: "test"})
	require.ErrorIs(t, err, watch.ErrInvalidConfig)
	_, err = watch.Follow(context.Background(), hub, &fakeState{}, watch.FollowConfig{})
	require.ErrorIs(t, err, watch.ErrInvalidConfig)
}

func TestFollowerStatusTracksConnectionAndFreshness(t *testing.T) {
	hub := watch.NewLocal()
	s := &fakeState{}
	start := time.Now()
	f := follow(t, hub, s)
	st := f.Status()
	assert.True(t, st.Connected)
	assert.True(t, st.Current)
	assert.Equal(t, uint64(1), st.Reloads, "the first reload counts")
	assert.False(t, st.LastCurrent.Before(start), "found current at the first reload")

	// Checks that find the state current move LastCurrent on.
	first := st.LastCurrent
	wait(t, func() bool { return f.Status().LastCurrent.After(first) }, "checks did not refresh LastCurrent")

	hub.Disconnect()
	wait(t, func() bool { st := f.Status(); return !st.Connected && !st.Current }, "disconnection not in Status")
	stale := f.Status().LastCurrent
	time.Sleep(60 * time.Millisecond) // three check intervals: none may count as current
	assert.Equal(t, stale, f.Status().LastCurrent, "a disconnected follower vouches for nothing")

	hub.Reconnect()
	wait(t, func() bool { st := f.Status(); return st.Connected && st.Current && st.Reloads == 2 }, "reconnection not in Status")
	assert.True(t, f.Status().LastCurrent.After(stale))

	f.Close()
	st = f.Status()
	assert.False(t, st.Connected)
	assert.False(t, st.Current)
}
