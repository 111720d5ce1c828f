package accountapi_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/internal/webauthntest"
	"github.com/gatehouse-go/gatehouse/stack"
)

const (
	passkeyRPID   = "localhost"
	passkeyOrigin = "http://localhost:8080"
)

// newPasskeyWorld is a world whose users may register passkeys.
func newPasskeyWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, stack.Config{SecondFactors: stack.SecondFactors{
		Key:      []byte("a second-factor key of 32 bytes or more"),
		Passkeys: passkeyConfig(),
	}})
}

func passkeyConfig() passkey.Config {
	return passkey.Config{RPID: passkeyRPID, RPOrigins: []string{passkeyOrigin}}
}

// userID is the id of the user with email.
func (w *world) userID(email string) string {
	w.t.Helper()
	u, err := w.stack.Users.GetByEmail(w.t.Context(), email)
	require.NoError(w.t, err)
	return u.ID
}

// jsonOf is v as a JSON string.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

// ceremonyOf returns the ceremony id and options of a 200 Begin answer.
func ceremonyOf(t *testing.T, a answer) (string, []byte) {
	t.Helper()
	require.Equal(t, http.StatusOK, a.status, a.raw)
	id, _ := a.body["ceremony_id"].(string)
	require.NotEmpty(t, id, a.raw)
	options, err := json.Marshal(a.body["publicKey"])
	require.NoError(t, err)
	return id, options
}

// register registers device for the holder of access and returns the
// 201's body.
func (w *world) registerPasskey(device *webauthntest.Authenticator, access string) answer {
	w.t.Helper()
	id, options := ceremonyOf(w.t, w.do(call{method: "POST", path: "/me/passkeys/options", header: bearer(access)}))
	created, err := device.Create(options)
	require.NoError(w.t, err)
	return w.do(call{method: "POST", path: "/me/passkeys", header: bearer(access),
		body: jsonOf(w.t, map[string]any{"ceremony_id": id, "credential": json.RawMessage(created), "name": "laptop"})})
}

// amrOf reads the amr claim of an access token.
func amrOf(t *testing.T, access string) []any {
	t.Helper()
	parts := strings.Split(access, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	amr, _ := claims["amr"].([]any)
	return amr
}

func TestPasskeys(t *testing.T) {
	w := newPasskeyWorld(t)
	device, err := webauthntest.New(passkeyRPID, passkeyOrigin, webauthntest.FlagUserPresent|webauthntest.FlagUserVerified|webauthntest.FlagBackupEligible)
	require.NoError(t, err)
	pwdOnly, _ := w.login("bob@example.com", "bob's long password")

	// Registration: 201, the passkey and, the account having none, ten
	// recovery codes.
	a := w.registerPasskey(device, pwdOnly)
	require.Equal(t, http.StatusCreated, a.status, a.raw)
	assert.Equal(t, device.EncodedID(), a.body["id"])
	assert.Equal(t, "laptop", a.body["name"])
	assert.Equal(t, true, a.body["backup_eligible"])
	assert.Len(t, a.body["recovery_codes"], 10)

	a = w.do(call{method: "GET", path: "/me/passkeys", header: bearer(pwdOnly)})
	require.Equal(t, http.StatusOK, a.status, a.raw)
	require.Len(t, a.body["passkeys"], 1)
	assert.NotContains(t, a.raw, "public_key")

	// The password alone no longer logs bob in.
	a = w.do(call{method: "POST", path: "/auth/login", body: `{"email":"bob@example.com","password":"bob's long password"}`})
	require.Equal(t, http.StatusOK, a.status, a.raw)
	require.Equal(t, true, a.body["mfa_required"], a.raw)
	assert.Equal(t, []any{"passkey", "recovery_code"}, a.body["methods"])
	mfaToken := a.body["mfa_token"].(string)

	// The second step: a challenge, the passkey's answer, the pair.
	id, options := ceremonyOf(t, w.do(call{method: "POST", path: "/auth/mfa/challenge", body: jsonOf(t, map[string]string{"mfa_token": mfaToken, "method": "passkey"})}))
	assertion, err := device.Get(options)
	require.NoError(t, err)
	second := jsonOf(t, map[string]any{"mfa_token": mfaToken, "passkey": map[string]any{"ceremony_id": id, "credential": json.RawMessage(assertion)}})
	a = w.do(call{method: "POST", path: "/auth/mfa", body: second})
	require.Equal(t, http.StatusOK, a.status, a.raw)
	withPasskey := a.body["access_token"].(string)
	assert.Equal(t, []any{"pwd", "swk", "mfa"}, amrOf(t, withPasskey))
	a = w.do(call{method: "POST", path: "/auth/mfa", body: second})
	assert.Equal(t, http.StatusUnauthorized, a.status, "an MFA token and an answer work once: %s", a.raw)
	assert.Equal(t, "invalid_credentials", a.body["error"])

	// A passkey alone: tokens, and a cookie session.
	for _, path := range []string{"/auth/passkey", "/auth/session/passkey"} {
		id, options = ceremonyOf(t, w.do(call{method: "POST", path: "/auth/passkey/options"}))
		assertion, err = device.Get(options)
		require.NoError(t, err)
		login := jsonOf(t, map[string]any{"ceremony_id": id, "credential": json.RawMessage(assertion)})
		a = w.do(call{method: "POST", path: path, body: login})
		require.Equal(t, http.StatusOK, a.status, a.raw)
		if path == "/auth/passkey" {
			assert.Equal(t, []any{"swk", "mfa"}, amrOf(t, a.body["access_token"].(string)))
		} else {
			assert.NotEmpty(t, a.body["csrf_token"])
			assert.Contains(t, a.header.Get("Set-Cookie"), "HttpOnly")
		}
		a = w.do(call{method: "POST", path: path, body: login})
		assert.Equal(t, http.StatusUnauthorized, a.status, "a ceremony works once: %s", a.raw)
	}

	// A login without the second factor may not change factors now.
	other, err := webauthntest.New(passkeyRPID, passkeyOrigin, webauthntest.FlagUserPresent)
	require.NoError(t, err)
	a = w.do(call{method: "POST", path: "/me/passkeys/options", header: bearer(pwdOnly)})
	assert.Equal(t, http.StatusUnauthorized, a.status, a.raw)
	assert.Equal(t, "insufficient_user_authentication", a.body["error"])
	assert.Contains(t, a.header.Get("WWW-Authenticate"), `acr_values="aal2"`)
	a = w.do(call{method: "DELETE", path: "/me/passkeys/" + device.EncodedID(), header: bearer(pwdOnly)})
	assert.Equal(t, http.StatusUnauthorized, a.status, a.raw)

	// With it: a second passkey (no new recovery codes), then both go.
	a = w.registerPasskey(other, withPasskey)
	require.Equal(t, http.StatusCreated, a.status, a.raw)
	assert.NotContains(t, a.body, "recovery_codes")
	a = w.do(call{method: "DELETE", path: "/me/passkeys/" + device.EncodedID(), header: bearer(withPasskey)})
	assert.Equal(t, http.StatusNoContent, a.status, a.raw)
	a = w.do(call{method: "DELETE", path: "/me/passkeys/" + device.EncodedID(), header: bearer(withPasskey)})
	assert.Equal(t, http.StatusNotFound, a.status, a.raw)
	a = w.do(call{method: "DELETE", path: "/me/passkeys/" + other.EncodedID(), header: bearer(withPasskey)})
	assert.Equal(t, http.StatusNoContent, a.status, a.raw)
	w.login("bob@example.com", "bob's long password") // one step again
	n, err := w.stack.RecoveryCodes.Remaining(t.Context(), w.userID("bob@example.com"))
	require.NoError(t, err)
	assert.Zero(t, n, "recovery codes go with the last factor")

	// A removed passkey logs nobody in.
	id, options = ceremonyOf(t, w.do(call{method: "POST", path: "/auth/passkey/options"}))
	assertion, err = device.Get(options)
	require.NoError(t, err)
	a = w.do(call{method: "POST", path: "/auth/passkey", body: jsonOf(t, map[string]any{"ceremony_id": id, "credential": json.RawMessage(assertion)})})
	assert.Equal(t, http.StatusUnauthorized, a.status, a.raw)
}

func TestPasskeyRefusals(t *testing.T) {
	w := newPasskeyWorld(t)
	bob, _ := w.login("bob@example.com", "bob's long password")
	alice, _ := w.login("alice@example.com", "alice's long password")
	device, err := webauthntest.New(passkeyRPID, passkeyOrigin, webauthntest.FlagUserPresent)
	require.NoError(t, err)
	phished, err := webauthntest.New(passkeyRPID, "http://localhost.evil.example:8080", webauthntest.FlagUserPresent)
	require.NoError(t, err)

	a := w.registerPasskey(phished, bob)
	assert.Equal(t, http.StatusBadRequest, a.status, "a response made for another origin: %s", a.raw)
	assert.Equal(t, "invalid_request", a.body["error"])
	a = w.registerPasskey(device, bob)
	require.Equal(t, http.StatusCreated, a.status, a.raw)

	tests := []struct {
		name   string
		call   call
		status int
		code   string
	}{
		{"login without a ceremony", call{method: "POST", path: "/auth/passkey", body: `{"credential":{}}`}, 400, "invalid_request"},
		{"login without a credential", call{method: "POST", path: "/auth/passkey", body: `{"ceremony_id":"x"}`}, 400, "invalid_request"},
		{"login with an unknown ceremony", call{method: "POST", path: "/auth/passkey", body: `{"ceremony_id":"x","credential":{"id":"y"}}`}, 401, "invalid_credentials"},
		{"login with an unknown field", call{method: "POST", path: "/auth/passkey", body: `{"ceremony_id":"x","credential":{},"user":"bob"}`}, 400, "invalid_request"},
		{"a challenge without an MFA token", call{method: "POST", path: "/auth/mfa/challenge", body: `{"method":"passkey"}`}, 400, "invalid_request"},
		{"a challenge with a forged MFA token", call{method: "POST", path: "/auth/mfa/challenge", body: `{"mfa_token":"forged","method":"passkey"}`}, 401, "invalid_credentials"},
		{"a second step with two proofs", call{method: "POST", path: "/auth/mfa", body: `{"mfa_token":"t","code":"123456","passkey":{"ceremony_id":"x","credential":{}}}`}, 400, "invalid_request"},
		{"register anonymously", call{method: "POST", path: "/me/passkeys/options"}, 401, "unauthorized"},
		{"list anonymously", call{method: "GET", path: "/me/passkeys"}, 401, "unauthorized"},
		{"register without a ceremony", call{method: "POST", path: "/me/passkeys", body: `{"credential":{}}`, header: bearer(alice)}, 400, "invalid_request"},
		{"register after a password alone, with a passkey", call{method: "POST", path: "/me/passkeys", body: `{"credential":{}}`, header: bearer(bob)}, 401, "insufficient_user_authentication"},
		{"remove a passkey alice does not have", call{method: "DELETE", path: "/me/passkeys/" + device.EncodedID(), header: bearer(alice)}, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := w.do(tt.call)
			assert.Equal(t, tt.status, a.status, a.raw)
			assert.Equal(t, tt.code, a.body["error"], a.raw)
			if tt.status == 401 {
				assert.Len(t, a.header.Values("WWW-Authenticate"), 1)
			}
		})
	}

	// A second factor's challenge for a method bob does not have.
	a = w.do(call{method: "POST", path: "/auth/login", body: `{"email":"bob@example.com","password":"bob's long password"}`})
	require.Equal(t, true, a.body["mfa_required"], a.raw)
	a = w.do(call{method: "POST", path: "/auth/mfa/challenge", body: jsonOf(t, map[string]string{"mfa_token": a.body["mfa_token"].(string), "method": "totp"})})
	assert.Equal(t, http.StatusUnauthorized, a.status, a.raw)
}
