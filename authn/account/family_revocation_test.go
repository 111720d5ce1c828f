package account_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	tokengorm "github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/watch"
)

// authenticate returns what authenticating with an access token gives.
func (r *rig) authenticate(accessToken authn.Secret) error {
	_, err := r.Authenticator().Authenticate(context.Background(), authntest.Bearer(accessToken.Reveal()))
	return err
}

// When a rotated refresh token comes back, whoever stole it has had the
// access token its rotation gave, as well as the refresh token: revoking
// the family revokes every access token issued with it too.
func TestReuseRevokesTheFamilysAccessTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	first, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	otherDevice, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	second, err := r.Refresh(ctx, first.RefreshToken.Reveal())
	require.NoError(t, err)
	require.NoError(t, r.authenticate(second.AccessToken))

	_, err = r.Refresh(ctx, first.RefreshToken.Reveal())
	require.ErrorIs(t, err, authn.ErrTokenReused)

	assert.ErrorIs(t, r.authenticate(second.AccessToken), authn.ErrTokenRevoked, "the access token of the stolen rotation")
	assert.ErrorIs(t, r.authenticate(first.AccessToken), authn.ErrTokenRevoked, "the login's access token")
	assert.NoError(t, r.authenticate(otherDevice.AccessToken), "another family of the same user")
	_, err = r.Refresh(ctx, otherDevice.RefreshToken.Reveal())
	assert.NoError(t, err)
}

// Logging out with a refresh token ends its family, and with it every
// access token the family obtained, not only the one presented.
func TestLogoutRevokesTheFamilysAccessTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	r.register(t, bobEmail, bobPassword)
	first, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	second, err := r.Refresh(ctx, first.RefreshToken.Reveal())
	require.NoError(t, err)
	otherDevice, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)

	s, err := r.Authenticator().Authenticate(ctx, authntest.Bearer(second.AccessToken.Reveal()))
	require.NoError(t, err)
	require.NoError(t, r.Logout(ctx, s, second.RefreshToken.Reveal()))
	assert.ErrorIs(t, r.authenticate(second.AccessToken), authn.ErrTokenRevoked)
	assert.ErrorIs(t, r.authenticate(first.AccessToken), authn.ErrTokenRevoked, "an earlier access token of the family")
	assert.NoError(t, r.authenticate(otherDevice.AccessToken))
}

// A user ending one of their logins from a list of them (OWASP ASVS
// V3.3.4) ends its access tokens too.
func TestRevokeFamilyOfEndsOneLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	bobID := r.register(t, bobEmail, bobPassword)
	carolID := r.register(t, "carol@example.com", "carol-password")
	phone, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	laptop, err := r.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	carol, err := r.Login(ctx, "carol@example.com", "carol-password", "")
	require.NoError(t, err)

	families, err := r.cfg.Refresh.Families(ctx, bobID)
	require.NoError(t, err)
	require.Len(t, families, 2)
	phoneRT, err := r.cfg.Refresh.Check(ctx, phone.RefreshToken.Reveal())
	require.NoError(t, err)

	carolFamilies, err := r.cfg.Refresh.Families(ctx, carolID)
	require.NoError(t, err)
	require.Len(t, carolFamilies, 1)
	assert.ErrorIs(t, r.RevokeFamilyOf(ctx, bobID, carolFamilies[0].ID), refresh.ErrFamilyNotFound, "another user's login is not bob's to end")
	assert.NoError(t, r.authenticate(carol.AccessToken))

	require.NoError(t, r.RevokeFamilyOf(ctx, bobID, phoneRT.FamilyID))
	assert.ErrorIs(t, r.authenticate(phone.AccessToken), authn.ErrTokenRevoked)
	_, err = r.Refresh(ctx, phone.RefreshToken.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)
	assert.NoError(t, r.authenticate(laptop.AccessToken), "the other login goes on")
}

// A reuse detected on one replica revokes the family's access tokens on
// the others too, as soon as they hear of it.
func TestReuseRevokesAccessTokensOnPeers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n := watch.NewLocal()
	t.Cleanup(func() { _ = n.Close() })
	database := testdb.SQLite.New(t)
	rc := tokengorm.Config{Notifier: n, SyncInterval: time.Hour, Logger: slog.New(slog.DiscardHandler)}
	a := newRigWith(t, database.Open(t), rc)
	z := newRigWith(t, database.Open(t), rc)
	a.register(t, bobEmail, bobPassword)

	first, err := a.Login(ctx, bobEmail, bobPassword, "")
	require.NoError(t, err)
	second, err := a.Refresh(ctx, first.RefreshToken.Reveal())
	require.NoError(t, err)
	require.NoError(t, z.authenticate(second.AccessToken), "cached on z from now on")

	_, err = a.Refresh(ctx, first.RefreshToken.Reveal())
	require.ErrorIs(t, err, authn.ErrTokenReused)
	require.Eventually(t, func() bool {
		return z.authenticate(second.AccessToken) != nil
	}, 10*time.Second, 5*time.Millisecond, "only the message can tell z: it checks the store hourly")
	assert.ErrorIs(t, z.authenticate(second.AccessToken), authn.ErrTokenRevoked)
}
