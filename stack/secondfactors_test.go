package stack_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/stack"
)

var secondFactorKey = []byte("second-factor key of 32 bytes at least!")

// code is the TOTP code of secret at the step of at: the authenticator
// app's answer.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	require.NoError(t, err)
	return c
}

// TestSecondFactorOverHTTP walks the whole of a TOTP second factor through
// the account API: enrolment, confirmation with recovery codes, a login in
// two steps whose tokens say aal2, a recovery code, refusals, removal.
func TestSecondFactorOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := authntest.NewClock(time.Now())
	auth, err := stack.New(ctx, stack.Config{Secret: secret, Logger: quiet(),
		SecondFactors: stack.SecondFactors{Key: secondFactorKey, Issuer: "gatehouse test", Now: clock.Now}})
	require.NoError(t, err)
	t.Cleanup(auth.Close)
	srv := newServer(t, auth)
	_, err = auth.EnsureUser(ctx, "dan@example.com", "dan's long password", "Dan", "user")
	require.NoError(t, err)

	access, _ := srv.login("dan@example.com", "dan's long password")
	status, enrol, _ := srv.do("POST", "/me/mfa/totp", access, nil)
	require.Equal(t, http.StatusCreated, status, enrol)
	secret := enrol["secret"].(string)
	assert.Contains(t, enrol["otpauth_url"], "otpauth://totp/")
	assert.NotEmpty(t, enrol["qr_code_png"])

	// Not active until confirmed: logins take one step.
	srv.login("dan@example.com", "dan's long password")
	status, body, _ := srv.do("POST", "/me/mfa/totp/confirm", access, map[string]string{"code": "000000"})
	assert.Equal(t, http.StatusBadRequest, status, body)
	assert.Equal(t, "invalid_request", body["error"])
	now := clock.Now()
	status, body, _ = srv.do("POST", "/me/mfa/totp/confirm", access, map[string]string{"code": code(t, secret, now)})
	require.Equal(t, http.StatusOK, status, body)
	recovery := body["recovery_codes"].([]any)
	require.Len(t, recovery, 10)

	// The login now takes two steps.
	status, body, _ = srv.do("POST", "/auth/login", "", map[string]string{"email": "dan@example.com", "password": "dan's long password"})
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, true, body["mfa_required"])
	assert.Nil(t, body["access_token"], "no credential before the second factor")
	assert.Equal(t, []any{"totp", "recovery_code"}, body["methods"])
	mfaToken := body["mfa_token"].(string)

	status, body, _ = srv.do("POST", "/auth/mfa", "", map[string]string{"mfa_token": mfaToken, "code": code(t, secret, now)})
	assert.Equal(t, http.StatusUnauthorized, status, "the confirming code is spent: %v", body)
	assert.Equal(t, "invalid_credentials", body["error"])
	status, body, _ = srv.do("POST", "/auth/mfa", "", map[string]string{"mfa_token": mfaToken + "x", "code": code(t, secret, now.Add(30*time.Second))})
	assert.Equal(t, http.StatusUnauthorized, status, "a tampered MFA token: %v", body)
	status, body, _ = srv.do("POST", "/auth/mfa", "", map[string]string{"mfa_token": mfaToken, "code": code(t, secret, now.Add(30*time.Second))})
	require.Equal(t, http.StatusOK, status, body)
	strong := body["access_token"].(string)
	status, body, _ = srv.do("POST", "/auth/mfa", "", map[string]string{"mfa_token": mfaToken, "code": code(t, secret, now.Add(30*time.Second))})
	assert.Equal(t, http.StatusUnauthorized, status, "an MFA token works once: %v", body)

	verified, err := auth.Tokens.Verify(ctx, strong)
	require.NoError(t, err)
	assert.Equal(t, []string{"pwd", "otp", "mfa"}, verified.AMR)
	assert.Equal(t, authn.ACRMultiFactor, verified.ACR)

	// A recovery code, once.
	_, body, _ = srv.do("POST", "/auth/login", "", map[string]string{"email": "dan@example.com", "password": "dan's long password"})
	status, body, _ = srv.do("POST", "/auth/mfa", "", map[string]string{"mfa_token": body["mfa_token"].(string), "recovery_code": recovery[0].(string)})
	require.Equal(t, http.StatusOK, status, body)
	_, body, _ = srv.do("POST", "/auth/login", "", map[string]string{"email": "dan@example.com", "password": "dan's long password"})
	status, _, _ = srv.do("POST", "/auth/mfa", "", map[string]string{"mfa_token": body["mfa_token"].(string), "recovery_code": recovery[0].(string)})
	assert.Equal(t, http.StatusUnauthorized, status)

	// A cookie session takes the second step too.
	status, body, _ = srv.do("POST", "/auth/session", "", map[string]string{"email": "dan@example.com", "password": "dan's long password"})
	require.Equal(t, http.StatusOK, status, body)
	assert.Nil(t, body["csrf_token"], "no session before the second factor")
	status, body, resp := srv.do("POST", "/auth/session/mfa", "", map[string]string{"mfa_token": body["mfa_token"].(string), "recovery_code": recovery[1].(string)})
	require.Equal(t, http.StatusOK, status, body)
	assert.NotEmpty(t, body["csrf_token"])
	require.Len(t, resp.Cookies(), 1)
	sess, err := auth.Sessions.Authenticate(ctx, authntest.Request{Cookies: map[string]string{resp.Cookies()[0].Name: resp.Cookies()[0].Value}})
	require.NoError(t, err)
	assert.Equal(t, authn.ACRMultiFactor, sess.ACR)

	// Removing it takes a current code: the app's next one.
	clock.Advance(60 * time.Second)
	status, _, _ = srv.do("DELETE", "/me/mfa/totp", strong, map[string]string{"code": "000000"})
	assert.Equal(t, http.StatusBadRequest, status)
	status, body, _ = srv.do("DELETE", "/me/mfa/totp", strong, map[string]string{"code": code(t, secret, now.Add(60*time.Second))})
	require.Equal(t, http.StatusNoContent, status, body)
	srv.login("dan@example.com", "dan's long password") // one step again
}
