package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// TestFlowsOnServers runs the account flows — and with them every authn
// store — on PostgreSQL and MySQL/MariaDB, each in a database of its own.
func TestFlowsOnServers(t *testing.T) {
	t.Parallel()
	for _, env := range testdb.Servers {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			r := newRigOn(t, testdb.Server(t, env))
			id := r.register(t, bobEmail, bobPassword)
			_, err := r.users.Register(ctx, "BOB@example.com", "another-password", "Bob")
			require.Error(t, err, "emails are unique whatever their case")

			// Throttling counts and lifts.
			for i := 0; i < 5; i++ {
				_, err := r.Login(ctx, bobEmail, "wrong-password", "192.0.2.1")
				require.ErrorIs(t, err, authn.ErrInvalidCredentials)
			}
			_, err = r.Login(ctx, bobEmail, bobPassword, "192.0.2.1")
			require.ErrorIs(t, err, authn.ErrThrottled)
			r.clock.Advance(15 * time.Minute)

			// Tokens, rotation and reuse.
			first, err := r.Login(ctx, bobEmail, bobPassword, "192.0.2.1")
			require.NoError(t, err)
			second, err := r.Refresh(ctx, first.RefreshToken.Reveal())
			require.NoError(t, err)
			_, err = r.Refresh(ctx, first.RefreshToken.Reveal())
			require.ErrorIs(t, err, authn.ErrTokenReused)
			_, err = r.Refresh(ctx, second.RefreshToken.Reveal())
			require.ErrorIs(t, err, authn.ErrTokenRevoked)

			// Sessions with CSRF, API keys, then a password reset revoking all.
			h := r.holdEverything(t, bobEmail, bobPassword)
			post := authntest.Request{HTTPMethod: "POST", Cookies: map[string]string{r.sessions.CookieName(): h.cookie}}
			_, err = r.Authenticator().Authenticate(ctx, post)
			assert.ErrorIs(t, err, authn.ErrCSRF)
			_, err = r.Authenticator().Authenticate(ctx, authntest.Request{Headers: map[string]string{"X-API-Key": h.apiKey}})
			require.NoError(t, err)
			reset, err := r.RequestPasswordReset(ctx, bobEmail)
			require.NoError(t, err)
			require.NoError(t, r.ResetPassword(ctx, reset.Value.Reveal(), "bobs-new-password"))
			r.assertAllDead(t, h)
			assert.ErrorIs(t, r.ResetPassword(ctx, reset.Value.Reveal(), "third-password"), authn.ErrTokenRevoked)

			require.NoError(t, r.DeleteUser(ctx, id))
			_, err = r.Login(ctx, bobEmail, "bobs-new-password", "")
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
		})
	}
}
