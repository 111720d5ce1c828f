package recovery_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/memstore"
)

var bg = context.Background()

// start is the test clock's first reading, between seconds and
// microseconds, to show where times are cut.
var start = time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.UTC)

// call is one call a recordingStore saw.
type call struct {
	method  string
	userID  string
	digests [][32]byte // Replace's, or Consume's one
	at      time.Time
}

// recordingStore is a memstore that records every call made to it.
type recordingStore struct {
	*memstore.Store
	mu    sync.Mutex
	calls []call
}

func (s *recordingStore) record(c call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// Calls returns the calls seen so far.
func (s *recordingStore) Calls() []call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]call(nil), s.calls...)
}

func (s *recordingStore) Replace(ctx context.Context, userID string, digests [][32]byte, at time.Time) error {
	s.record(call{"Replace", userID, append([][32]byte(nil), digests...), at})
	return s.Store.Replace(ctx, userID, digests, at)
}

func (s *recordingStore) ReplaceIfNone(ctx context.Context, userID string, digests [][32]byte, at time.Time) (bool, error) {
	s.record(call{"ReplaceIfNone", userID, append([][32]byte(nil), digests...), at})
	return s.Store.ReplaceIfNone(ctx, userID, digests, at)
}

func (s *recordingStore) Consume(ctx context.Context, userID string, digest [32]byte, at time.Time) (bool, error) {
	s.record(call{"Consume", userID, [][32]byte{digest}, at})
	return s.Store.Consume(ctx, userID, digest, at)
}

func (s *recordingStore) Remaining(ctx context.Context, userID string) (int, error) {
	s.record(call{method: "Remaining", userID: userID})
	return s.Store.Remaining(ctx, userID)
}

func (s *recordingStore) DeleteUser(ctx context.Context, userID string) (int, error) {
	s.record(call{method: "DeleteUser", userID: userID})
	return s.Store.DeleteUser(ctx, userID)
}

// failingStore fails every call with err.
type failingStore struct{ err error }

func (s failingStore) Replace(context.Context, string, [][32]byte, time.Time) error { return s.err }
func (s failingStore) ReplaceIfNone(context.Context, string, [][32]byte, time.Time) (bool, error) {
	return false, s.err
}
func (s failingStore) Consume(context.Context, string, [32]byte, time.Time) (bool, error) {
	return false, s.err
}
func (s failingStore) Remaining(context.Context, string) (int, error)  { return 0, s.err }
func (s failingStore) DeleteUser(context.Context, string) (int, error) { return 0, s.err }

var errBackend = errors.New("connection refused")

// fixture is Codes on a recording memstore, with a test clock.
type fixture struct {
	codes *recovery.Codes
	store *recordingStore
	clock *authntest.Clock
}

func newFixture(t *testing.T, cfg recovery.Config) fixture {
	t.Helper()
	f := fixture{store: &recordingStore{Store: memstore.New()}, clock: authntest.NewClock(start)}
	cfg.Now = f.clock.Now
	codes, err := recovery.New(f.store, cfg)
	require.NoError(t, err)
	f.codes = codes
	return f
}

// generate draws codes for userID and fails the test on error.
func (f fixture) generate(t *testing.T, userID string) []string {
	t.Helper()
	secrets, err := f.codes.Generate(bg, userID)
	require.NoError(t, err)
	plain := make([]string, len(secrets))
	for i, s := range secrets {
		plain[i] = s.Reveal()
	}
	return plain
}

// remaining returns how many codes userID has left.
func (f fixture) remaining(t *testing.T, userID string) int {
	t.Helper()
	n, err := f.codes.Remaining(bg, userID)
	require.NoError(t, err)
	return n
}
