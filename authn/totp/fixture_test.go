package totp_test

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp"
	pqtotp "github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/memstore"
)

// start is when every test's clock starts: five seconds into a time step.
var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

var bg = context.Background()

// testKey is the Config.Key of the tests.
var testKey = bytes.Repeat([]byte{0x42}, totp.KeySize)

// fixture is a Manager on a memstore with a test clock.
type fixture struct {
	m     *totp.Manager
	store *spyStore
	clock *authntest.Clock
	cfg   totp.Config
}

// newFixture returns a Manager on an empty memstore, with Issuer
// "Example", testKey and a clock at start; edit changes the Config first.
func newFixture(t *testing.T, edit ...func(*totp.Config)) fixture {
	t.Helper()
	clock := authntest.NewClock(start)
	cfg := totp.Config{Issuer: "Example", Key: testKey, Now: clock.Now}
	for _, e := range edit {
		e(&cfg)
	}
	store := &spyStore{Store: memstore.New()}
	m, err := totp.New(store, cfg)
	require.NoError(t, err)
	return fixture{m: m, store: store, clock: clock, cfg: cfg}
}

// enrol enrols user and returns the secret, not confirmed.
func (f fixture) enrol(t *testing.T, user string) string {
	t.Helper()
	e, err := f.m.Enroll(bg, user, user+"@example.com")
	require.NoError(t, err)
	return e.Secret.Reveal()
}

// enrolled enrols user and confirms the secret with the code of now, and
// returns the secret. The step of now is used.
func (f fixture) enrolled(t *testing.T, user string) string {
	t.Helper()
	secret := f.enrol(t, user)
	require.NoError(t, f.m.Confirm(bg, user, codeAt(t, secret, f.clock.Now())))
	return secret
}

// codeAt is the code an authenticator app shows for secret at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := pqtotp.GenerateCodeCustom(secret, at, pqtotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	require.NoError(t, err)
	return code
}

// wrongCode is a well-formed code that is not secret's at any step within
// two of t.
func wrongCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	taken := map[string]bool{}
	for i := -2; i <= 2; i++ {
		taken[codeAt(t, secret, at.Add(time.Duration(i)*totp.Period))] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333", "444444", "555555"} {
		if !taken[c] {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// spyStore counts the calls that reach a store, and fails them all with
// fail when it is set.
type spyStore struct {
	totp.Store
	calls atomic.Int64
	fail  atomic.Pointer[error]
}

func (s *spyStore) failing() error {
	s.calls.Add(1)
	if err := s.fail.Load(); err != nil {
		return *err
	}
	return nil
}

func (s *spyStore) failWith(err error) { s.fail.Store(&err) }

func (s *spyStore) SetPending(ctx context.Context, userID string, sealed []byte, at time.Time) error {
	if err := s.failing(); err != nil {
		return err
	}
	return s.Store.SetPending(ctx, userID, sealed, at)
}

func (s *spyStore) Activate(ctx context.Context, userID string, pending []byte, at time.Time, step int64) (bool, error) {
	if err := s.failing(); err != nil {
		return false, err
	}
	return s.Store.Activate(ctx, userID, pending, at, step)
}

func (s *spyStore) Get(ctx context.Context, userID string) (totp.Record, bool, error) {
	if err := s.failing(); err != nil {
		return totp.Record{}, false, err
	}
	return s.Store.Get(ctx, userID)
}

func (s *spyStore) UseStep(ctx context.Context, userID string, active []byte, step int64) (bool, error) {
	if err := s.failing(); err != nil {
		return false, err
	}
	return s.Store.UseStep(ctx, userID, active, step)
}

func (s *spyStore) Delete(ctx context.Context, userID string) (bool, error) {
	if err := s.failing(); err != nil {
		return false, err
	}
	return s.Store.Delete(ctx, userID)
}

// record returns the stored record of user.
func (f fixture) record(t *testing.T, user string) totp.Record {
	t.Helper()
	rec, found, err := f.store.Store.Get(bg, user)
	require.NoError(t, err)
	require.True(t, found, "record of %s", user)
	return rec
}
