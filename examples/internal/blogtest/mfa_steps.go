package blogtest

import (
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// totpPeriod is the step of TOTP codes, as authenticator apps count it.
const totpPeriod = 30

// mfaSteps are a TOTP second factor: quinn enrols one, confirms it and
// receives recovery codes; her logins then take two steps, whose tokens
// say so; wrong, spent and tampered proofs are 401s, and too many wrong
// codes a 429.
func mfaSteps() []step {
	byPassword := credentialsOf("quinn", "quinn-password")
	second := func(code string) string { return `{"mfa_token":"{{quinn.mfa}}","code":"` + code + `"}` }
	steps := []step{
		{"register quinn", "POST", "/auth/register", "", registration("quinn", "Quinn"), 201, "", saveID("quinn.id")},
		do("quinn logs in", login("quinn", "quinn")),
		{"quinn enrols a TOTP", "POST", "/me/mfa/totp", "quinn", "", 201, "", saveTOTP("quinn")},
		{"the login takes one step until it is confirmed", "POST", "/auth/login", "", byPassword, 200, "", shape("access_token", "refresh_token", "token_type", "expires_in")},
		{"a wrong code does not confirm it", "POST", "/me/mfa/totp/confirm", "quinn", `{"code":"000000"}`, 400, "invalid_request", nil},
		do("the app shows the code", nextCode("quinn")),
		{"quinn confirms it and receives recovery codes", "POST", "/me/mfa/totp/confirm", "quinn", `{"code":"{{quinn.code}}"}`,
			200, "", saveRecoveryCodes("quinn")},

		{"the password alone yields an MFA token, no credential", "POST", "/auth/login", "", byPassword, 200, "", saveMFAToken("quinn.mfa")},
		{"a wrong code", "POST", "/auth/mfa", "", second("000000"), 401, "invalid_credentials", nil},
		{"a tampered MFA token", "POST", "/auth/mfa", "", `{"mfa_token":"{{quinn.mfa}}x","code":"000000"}`, 401, "invalid_credentials", nil},
		{"neither code nor recovery code", "POST", "/auth/mfa", "", `{"mfa_token":"{{quinn.mfa}}"}`, 400, "invalid_request", nil},
		do("the app shows the next code", nextCode("quinn")),
		{"the right code completes the login", "POST", "/auth/mfa", "", second("{{quinn.code}}"), 200, "",
			all(savePair("quinn.mfa", "quinn"), amrIs("quinn.mfa", "pwd", "otp", "mfa"))},
		{"the MFA token works once", "POST", "/auth/mfa", "", second("{{quinn.code}}"), 401, "invalid_credentials", nil},
		{"a new login", "POST", "/auth/login", "", byPassword, 200, "", saveMFAToken("quinn.mfa")},
		{"the code is spent", "POST", "/auth/mfa", "", second("{{quinn.code}}"), 401, "invalid_credentials", nil},
		{"a recovery code completes it", "POST", "/auth/mfa", "", `{"mfa_token":"{{quinn.mfa}}","recovery_code":"{{quinn.recovery.0}}"}`,
			200, "", all(savePair("quinn.recovered", "quinn"), amrIs("quinn.recovered", "pwd", "otp", "mfa"))},
		{"another login", "POST", "/auth/login", "", byPassword, 200, "", saveMFAToken("quinn.mfa")},
		{"a recovery code works once", "POST", "/auth/mfa", "", `{"mfa_token":"{{quinn.mfa}}","recovery_code":"{{quinn.recovery.0}}"}`,
			401, "invalid_credentials", nil},
	}
	for i := 2; i <= 5; i++ {
		steps = append(steps, step{"wrong code " + strconv.Itoa(i) + " of 5", "POST", "/auth/mfa", "", second("000000"),
			401, "invalid_credentials", nil})
	}
	return append(steps,
		do("the app shows the next code", nextCode("quinn")),
		step{"then even the right code is throttled", "POST", "/auth/mfa", "", second("{{quinn.code}}"),
			429, "too_many_requests", hasHeader("Retry-After")},
	)
}

// saveTOTP checks an enrolment and keeps its secret as NAME.totp.
func saveTOTP(user string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("secret", "otpauth_url", "qr_code_png"))
		secret, err := o.text("secret")
		require.NoError(t, err)
		url, err := o.text("otpauth_url")
		require.NoError(t, err)
		assert.Contains(t, url, "otpauth://totp/")
		w.vars[user+".totp"] = secret
	}
}

// nextCode saves as NAME.code the code the authenticator app shows for a
// step after the last one used and no more than one from now, which the
// server accepts, so that the contract never needs to wait for the clock.
func nextCode(user string) func(t *testing.T, w *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		secret, ok := w.vars[user+".totp"]
		require.True(t, ok, "%s enrolled no TOTP", user)
		step := time.Now().Unix()/totpPeriod - 1
		if last, err := strconv.ParseInt(w.vars[user+".step"], 10, 64); err == nil && last >= step {
			step = last + 1
		}
		code, err := totp.GenerateCode(secret, time.Unix(step*totpPeriod, 0))
		require.NoError(t, err)
		w.vars[user+".code"], w.vars[user+".step"] = code, strconv.FormatInt(step, 10)
	}
}

// saveRecoveryCodes checks a confirmation's ten recovery codes and keeps
// them as NAME.recovery.0 … 9.
func saveRecoveryCodes(user string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("recovery_codes"))
		codes, err := o.strings("recovery_codes")
		require.NoError(t, err)
		require.Len(t, codes, 10)
		for i, c := range codes {
			w.vars[user+".recovery."+strconv.Itoa(i)] = c
		}
	}
}

// saveMFAToken checks a login's mfa_required answer, which holds no
// credential, for an account with a TOTP, and keeps its MFA token as name.
func saveMFAToken(name string) check {
	return saveMFATokenOffering(name, "totp", "recovery_code")
}

// saveMFATokenOffering is saveMFAToken for an account whose second step
// offers the methods given, in order.
func saveMFATokenOffering(name string, methods ...string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("mfa_required", "mfa_token", "methods", "expires_in"))
		assert.JSONEq(t, "true", string(o["mfa_required"]))
		offered, err := o.strings("methods")
		require.NoError(t, err)
		assert.Equal(t, methods, offered)
		token, err := o.text("mfa_token")
		require.NoError(t, err)
		w.vars[name] = token
	}
}

// amrIs checks the methods the access token of cred says its login used.
func amrIs(cred string, want ...string) check {
	return func(t *testing.T, w *world, _ *response) {
		t.Helper()
		claims := jwt.MapClaims{}
		_, _, err := jwt.NewParser().ParseUnverified(w.vars[cred+".access"], claims)
		require.NoError(t, err)
		amr := make([]string, 0, len(want))
		list, _ := claims["amr"].([]any)
		for _, m := range list {
			s, _ := m.(string)
			amr = append(amr, s)
		}
		assert.Equal(t, want, amr)
		assert.Equal(t, "aal2", claims["acr"])
	}
}
