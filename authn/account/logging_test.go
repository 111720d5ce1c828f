package account_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
)

// TestNothingLogsCredentials runs every flow, failures included, with the
// Service's logger and the process default logger both captured, and checks
// that no password, token, key or session id appears in what was written.
// It swaps the default logger, so it does not run in parallel.
func TestNothingLogsCredentials(t *testing.T) {
	var captured syncBuffer
	previous := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&captured, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(previous) })

	ctx := context.Background()
	r := newRig(t)
	const password, newPassword = "bob-password", "bobs-new-password"
	id := r.register(t, bobEmail, password)
	secrets := []string{password, newPassword, "wrong-password"}

	for i := 0; i < 6; i++ { // into the throttle and past it
		_, _ = r.Login(ctx, bobEmail, "wrong-password", "192.0.2.1")
	}
	r.clock.Advance(16 * 60 * 1e9)
	h := r.holdEverything(t, bobEmail, password)
	secrets = append(secrets, h.pair.AccessToken.Reveal(), h.pair.RefreshToken.Reveal(), h.cookie, h.apiKey)

	next, err := r.Refresh(ctx, h.pair.RefreshToken.Reveal())
	require.NoError(t, err)
	secrets = append(secrets, next.AccessToken.Reveal(), next.RefreshToken.Reveal())
	_, err = r.Refresh(ctx, h.pair.RefreshToken.Reveal()) // reuse: logged as a warning
	require.Error(t, err)
	_, _ = r.Authenticator().Authenticate(ctx, authntest.Bearer(h.pair.AccessToken.Reveal()))
	_, _ = r.Authenticator().Authenticate(ctx, authntest.Bearer(h.pair.AccessToken.Reveal()+"x"))
	_, _ = r.Authenticator().Authenticate(ctx, authntest.Request{HTTPMethod: "POST", Cookies: map[string]string{r.sessions.CookieName(): h.cookie}})

	reset, err := r.RequestPasswordReset(ctx, bobEmail)
	require.NoError(t, err)
	secrets = append(secrets, reset.Value.Reveal())
	require.NoError(t, r.ResetPassword(ctx, reset.Value.Reveal(), newPassword))
	verify, err := r.RequestEmailVerification(ctx, id)
	require.NoError(t, err)
	secrets = append(secrets, verify.Value.Reveal())
	_, err = r.VerifyEmail(ctx, verify.Value.Reveal())
	require.NoError(t, err)
	require.NoError(t, r.DeleteUser(ctx, id))

	logs := r.logs.String() + captured.String()
	require.NotEmpty(t, r.logs.String(), "the flows above log security events, so the check below means something")
	assert.Contains(t, logs, id, "events name the user")
	for _, s := range secrets {
		assert.NotContains(t, logs, s)
		// A prefix long enough to identify a credential must not appear
		// either (a truncated token in a log line is still a leak).
		if len(s) > 24 {
			assert.NotContains(t, logs, s[len(s)-16:])
		}
	}
	assert.False(t, strings.Contains(logs, "Bearer "), "no Authorization header values")
	for _, event := range []string{account.EventLoginFailed, account.EventLoginThrottled, account.EventLoginSucceeded,
		account.EventSessionStarted, account.EventFamilyRevoked, account.EventPasswordReset, account.EventCredentialsRevoked,
		account.EventUserDeleted} {
		assert.Contains(t, r.logs.String(), `"event":"`+event+`"`, "the flows above log the security event %s", event)
	}
	assert.NotContains(t, logs, bobEmail, "security events name users by id, never by the address someone typed")

	// The event observer hears the same events, with no more in them.
	heard := r.events.read()
	names := map[string]account.Event{}
	for _, e := range heard {
		names[e.Name] = e
		for _, s := range append(secrets, bobEmail) {
			assert.NotContains(t, fmt.Sprint(e), s)
		}
	}
	for _, event := range []string{account.EventLoginFailed, account.EventLoginThrottled, account.EventLoginSucceeded,
		account.EventSessionStarted, account.EventFamilyRevoked, account.EventPasswordReset, account.EventCredentialsRevoked,
		account.EventUserDeleted} {
		assert.Contains(t, names, event, "the observer hears %s", event)
	}
	assert.Equal(t, account.Event{Name: account.EventLoginFailed, Level: slog.LevelWarn, Method: "pwd"}, names[account.EventLoginFailed])
	assert.Equal(t, account.Event{Name: account.EventLoginSucceeded, Level: slog.LevelInfo, UserID: id, Method: "pwd"}, names[account.EventLoginSucceeded])
	assert.Equal(t, slog.LevelWarn, names[account.EventLoginThrottled].Level)
}

// panickingEvents fails every event it hears.
type panickingEvents struct{}

func (panickingEvents) SecurityEvent(context.Context, account.Event) { panic("observer down") }

func TestAPanickingEventObserverLosesNoLogin(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.register(t, bobEmail, "bob-password")
	cfg := r.cfg
	cfg.Events = panickingEvents{}
	svc, err := account.New(cfg)
	require.NoError(t, err)
	_, err = svc.Login(context.Background(), bobEmail, "bob-password", "192.0.2.1")
	require.NoError(t, err)
	assert.Contains(t, r.logs.String(), "the event observer panicked")
}
