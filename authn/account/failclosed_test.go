package account_test

import (
	"context"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	tokengorm "github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// outage is a way for the database to stop answering a rig built on it.
type outage struct {
	name string
	// open opens d for the rig, and returns what makes it stop answering.
	open func(t *testing.T, d testdb.Database) (db *gorm.DB, fail func())
}

var outages = []outage{
	{"pool closed", func(t *testing.T, d testdb.Database) (*gorm.DB, func()) {
		db := d.Open(t)
		return db, func() {
			sqlDB, err := db.DB()
			require.NoError(t, err)
			require.NoError(t, sqlDB.Close())
		}
	}},
	{"server refuses connections", func(t *testing.T, d testdb.Database) (*gorm.DB, func()) {
		if !d.Backend().IsServer() {
			t.Skip("SQLite has no server to go down")
		}
		u, err := url.Parse(d.DSN())
		require.NoError(t, err)
		proxy := watchtest.NewProxy(t, u.Host)
		u.Host = proxy.Addr()
		db, err := database.Open(u.String())
		require.NoError(t, err)
		t.Cleanup(func() {
			if sqlDB, err := db.DB(); err == nil {
				_ = sqlDB.Close()
			}
		})
		return db, proxy.Refuse
	}},
}

// While the database does not answer, no credential gets anyone in, and
// none is called bad either: every authenticator and login flow fails with
// an error that does not match authn.ErrInvalidCredentials, which the HTTP
// adapters answer with 503, not 401, so that clients retry rather than
// drop their credentials, and monitoring sees an outage rather than a wave
// of failed logins.
func TestAuthenticationFailsClosedWhenTheDatabaseStopsAnswering(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, o := range outages {
			t.Run(o.name, func(t *testing.T) {
				db, fail := o.open(t, b.New(t))
				n := watch.NewLocal()
				t.Cleanup(func() { _ = n.Close() })
				r := newRigWith(t, db, tokengorm.Config{
					Notifier: n, SyncInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
				})
				ctx := context.Background()
				r.register(t, bobEmail, bobPassword)
				h := r.holdEverything(t, bobEmail, bobPassword)
				reset, err := r.RequestPasswordReset(ctx, bobEmail)
				require.NoError(t, err)
				verification, err := r.RequestEmailVerification(ctx, h.subject)
				require.NoError(t, err)
				chain := r.Authenticator()
				bearer := authntest.Bearer(h.pair.AccessToken.Reveal())
				_, err = chain.Authenticate(ctx, bearer)
				require.NoError(t, err, "every credential works before the outage")

				fail()
				// Bearer tokens are checked against revocations held in
				// memory; the replica notices within a few checks that it
				// can no longer keep them current.
				require.Eventually(t, func() bool { return r.cfg.Revocations.Err() != nil }, 10*time.Second, 5*time.Millisecond)

				tests := []struct {
					name string
					call func(ctx context.Context) error
				}{
					{"login", func(ctx context.Context) error {
						_, err := r.Login(ctx, bobEmail, bobPassword, "192.0.2.1")
						return err
					}},
					{"login with a wrong password", func(ctx context.Context) error {
						_, err := r.Login(ctx, bobEmail, "wrong-password", "192.0.2.1")
						return err
					}},
					{"session login", func(ctx context.Context) error {
						_, err := r.StartSession(ctx, bobEmail, bobPassword, "", h.cookie)
						return err
					}},
					{"users.Authenticate", func(ctx context.Context) error {
						_, err := r.users.Authenticate(ctx, bobEmail, bobPassword)
						return err
					}},
					{"access token", func(ctx context.Context) error {
						_, err := chain.Authenticate(ctx, bearer)
						return err
					}},
					{"access token issue", func(ctx context.Context) error {
						_, err := r.tokens.Issue(ctx, h.subject)
						return err
					}},
					{"session cookie", func(ctx context.Context) error {
						_, err := chain.Authenticate(ctx, authntest.Request{Cookies: map[string]string{r.sessions.CookieName(): h.cookie}})
						return err
					}},
					{"API key", func(ctx context.Context) error {
						_, err := chain.Authenticate(ctx, authntest.Request{Headers: map[string]string{"X-API-Key": h.apiKey}})
						return err
					}},
					{"refresh", func(ctx context.Context) error {
						_, err := r.Refresh(ctx, h.pair.RefreshToken.Reveal())
						return err
					}},
					{"password reset", func(ctx context.Context) error {
						return r.ResetPassword(ctx, reset.Value.Reveal(), "bobs-new-password")
					}},
					{"reset token check", func(ctx context.Context) error {
						_, err := r.resets.Verify(ctx, reset.Value.Reveal(), r.users.PasswordFingerprint)
						return err
					}},
					{"email verification", func(ctx context.Context) error {
						_, err := r.VerifyEmail(ctx, verification.Value.Reveal())
						return err
					}},
				}
				for _, tt := range tests {
					t.Run(tt.name, func(t *testing.T) {
						ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
						defer cancel()
						err := tt.call(ctx)
						require.Error(t, err, "nothing succeeds without the database")
						assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "%v", err)
						assert.NotErrorIs(t, err, authn.ErrNoCredentials, "%v", err)
						assert.NotErrorIs(t, err, authn.ErrCSRF, "%v", err)
					})
				}
			})
		}
	})
}

// When the users' database alone stops answering, the flows that spend a
// credential and then look its user up neither call the credential bad nor
// revoke it: the user may well be in good standing.
func TestUserLookupFailuresAreNotRejections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.SQLite.New(t)
	r := newRigOn(t, d.Open(t))
	id := r.register(t, bobEmail, bobPassword)
	h := r.holdEverything(t, bobEmail, bobPassword)
	verification, err := r.RequestEmailVerification(ctx, id)
	require.NoError(t, err)
	reset, err := r.RequestPasswordReset(ctx, bobEmail)
	require.NoError(t, err)

	// The same users, read through a pool of their own that then closes.
	pool := d.Open(t)
	usersDown, err := users.New(usersStore(t, pool), users.Config{Now: r.clock.Now})
	require.NoError(t, err)
	sqlDB, err := pool.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	cfg := r.cfg
	cfg.Users = usersDown
	svc, err := account.New(cfg)
	require.NoError(t, err)

	tests := []struct {
		name string
		call func() error
	}{
		{"refresh", func() error { _, err := svc.Refresh(ctx, h.pair.RefreshToken.Reveal()); return err }},
		{"email verification", func() error { _, err := svc.VerifyEmail(ctx, verification.Value.Reveal()); return err }},
		{"password reset", func() error { return svc.ResetPassword(ctx, reset.Value.Reveal(), "bobs-new-password") }},
	}
	for _, tt := range tests {
		err := tt.call()
		require.Error(t, err, tt.name)
		assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, "%s: %v", tt.name, err)
	}

	var revoked int64
	require.NoError(t, d.Open(t).Table("gatehouse_refresh_tokens").Where("revoked_at IS NOT NULL").Count(&revoked).Error)
	assert.Zero(t, revoked, "the refresh family is not revoked for the database's fault")
	_, err = r.VerifyEmail(ctx, verification.Value.Reveal())
	assert.NoError(t, err, "the verification token was not spent")
	assert.NoError(t, r.ResetPassword(ctx, reset.Value.Reveal(), "bobs-new-password"), "nor the reset token")
}

// While the revocations cannot be kept current, the token flows refuse
// before they spend anything: a refresh token presented meanwhile still
// works once they are current again.
func TestTokenFlowsWaitForRevocations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n := watch.NewLocal()
	t.Cleanup(func() { _ = n.Close() })
	r := newRigWith(t, testdb.Open(t), tokengorm.Config{
		Notifier: n, SyncInterval: 50 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
	})
	r.register(t, bobEmail, bobPassword)
	pair, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)

	n.Disconnect()
	require.Eventually(t, func() bool { return r.cfg.Revocations.Err() != nil }, 10*time.Second, 5*time.Millisecond)
	_, err = r.Login(ctx, bobEmail, bobPassword, "")
	assert.ErrorIs(t, err, authn.ErrUnavailable)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	_, err = r.Refresh(ctx, pair.RefreshToken.Reveal())
	assert.ErrorIs(t, err, authn.ErrUnavailable)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	_, err = r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	assert.ErrorIs(t, err, authn.ErrUnavailable)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)

	n.Reconnect()
	require.Eventually(t, func() bool { return r.cfg.Revocations.Err() == nil }, 10*time.Second, 5*time.Millisecond)
	_, err = r.Refresh(ctx, pair.RefreshToken.Reveal())
	assert.NoError(t, err, "the refresh token was not spent")
	_, err = r.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	assert.NoError(t, err)
}
