package account_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	apikeygorm "github.com/gatehouse-go/gatehouse/authn/apikey/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	purposegorm "github.com/gatehouse-go/gatehouse/authn/purpose/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	refreshgorm "github.com/gatehouse-go/gatehouse/authn/refresh/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	throttlegorm "github.com/gatehouse-go/gatehouse/authn/throttle/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/token"
	tokengorm "github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	usersgorm "github.com/gatehouse-go/gatehouse/authn/users/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rig is a Service with every part switched on, over one SQLite file and
// one clock.
type rig struct {
	*account.Service
	cfg      account.Config
	db       *gorm.DB
	clock    *authntest.Clock
	logs     *syncBuffer
	users    *users.Directory
	tokens   *token.Issuer
	apiKeys  *apikey.Keys
	sessions *session.Manager
	resets   *purpose.Tokens
	verifies *purpose.Tokens
	events   *eventRecorder
}

var (
	accessKey = []byte("access-token-signing-key-0123456789abcdef")
	resetKey  = []byte("password-reset-signing-key-0123456789abcdef")
	verifyKey = []byte("email-verification-key-0123456789abcdefgh")
)

// usersStore opens the users' store on db, creating its table.
func usersStore(t *testing.T, db *gorm.DB) users.Store {
	t.Helper()
	s, err := usersgorm.New(context.Background(), db)
	require.NoError(t, err)
	return s
}

func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigOn(t, testdb.Open(t))
}

// newRigOn builds the rig over db: SQLite by default, a server in
// servers_test.go.
func newRigOn(t *testing.T, db *gorm.DB) *rig {
	t.Helper()
	return newRigWith(t, db, tokengorm.Config{})
}

// newRigWith builds the rig over db with revocations configured by rc,
// whose Now it sets: with a Notifier, the rig is one replica following its
// peers.
func newRigWith(t *testing.T, db *gorm.DB, rc tokengorm.Config) *rig {
	t.Helper()
	ctx := context.Background()
	c := authntest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	u, err := users.New(usersStore(t, db), users.Config{Hasher: argon2idForTests(t), Now: c.Now})
	require.NoError(t, err)
	rc.Now = c.Now
	revocations, err := tokengorm.New(ctx, db, rc)
	require.NoError(t, err)
	t.Cleanup(revocations.Close)
	key, err := token.HS256("k1", accessKey)
	require.NoError(t, err)
	tokens, err := token.New(token.Config{Issuer: "gatehouse-test", Keys: []token.Key{key}, Revocations: revocations, Now: c.Now})
	require.NoError(t, err)
	refreshStore, err := refreshgorm.New(ctx, db)
	require.NoError(t, err)
	refreshes, err := refresh.New(refreshStore, refresh.Config{Now: c.Now, Logger: log})
	require.NoError(t, err)
	throttleStore, err := throttlegorm.New(ctx, db)
	require.NoError(t, err)
	limiter, err := throttle.New(throttleStore, throttle.Config{Now: c.Now})
	require.NoError(t, err)
	apikeyStore, err := apikeygorm.New(ctx, db)
	require.NoError(t, err)
	keys, err := apikey.New(apikeyStore, apikey.Config{Now: c.Now})
	require.NoError(t, err)
	sessionStore, err := gormstore.New(ctx, db)
	require.NoError(t, err)
	sessions, err := session.New(sessionStore, session.Config{Now: c.Now})
	require.NoError(t, err)
	resets, err := purpose.New(purposeStore(t, db), purpose.Config{Purpose: purpose.PasswordReset, Key: resetKey, Issuer: "gatehouse-test", Now: c.Now})
	require.NoError(t, err)
	verifies, err := purpose.New(purposeStore(t, db), purpose.Config{Purpose: purpose.EmailVerification, Key: verifyKey, Issuer: "gatehouse-test", Now: c.Now})
	require.NoError(t, err)

	cfg := account.Config{
		Users: u, Tokens: tokens, Revocations: revocations, Refresh: refreshes, Throttle: limiter,
		APIKeys: keys, Sessions: sessions, PasswordResets: resets, EmailVerifications: verifies,
		Logger: log, Events: &eventRecorder{},
	}
	svc, err := account.New(cfg)
	require.NoError(t, err)
	return &rig{Service: svc, cfg: cfg, db: db, clock: c, logs: logs, users: u, tokens: tokens, apiKeys: keys,
		sessions: sessions, resets: resets, verifies: verifies, events: cfg.Events.(*eventRecorder)}
}

// eventRecorder keeps the security events a Service reports.
type eventRecorder struct {
	mu     sync.Mutex
	events []account.Event
}

func (r *eventRecorder) SecurityEvent(_ context.Context, e account.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *eventRecorder) read() []account.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// argon2idForTests is OWASP's cheapest accepted Argon2id setting: real
// hashing, faster tests.
func argon2idForTests(t *testing.T) password.Hasher {
	t.Helper()
	hasher, err := password.NewArgon2id(password.Argon2idParams{Memory: 7168, Iterations: 5, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	require.NoError(t, err)
	return hasher
}

// register creates a user and returns its id.
func (r *rig) register(t *testing.T, email, password string) string {
	t.Helper()
	u, err := r.users.Register(context.Background(), email, password, "Test User")
	require.NoError(t, err)
	return u.ID
}

// purposeStore keeps used purpose-token ids in db.
func purposeStore(t testing.TB, db *gorm.DB) purpose.Store {
	t.Helper()
	s, err := purposegorm.New(context.Background(), db)
	require.NoError(t, err)
	return s
}
