package blogtest

import (
	"fmt"
	"strings"
)

// The kinds of secret the hygiene check looks for (see checkSecrets).
// Client credentials and passwords come from the transcript, the JWT
// secret from the servers' environment, the rest from their database.
const (
	kindPassword      = "password"
	kindAccessToken   = "access token"
	kindRefreshToken  = "refresh token"
	kindAPIKey        = "API key"
	kindSessionCookie = "session cookie"
	kindCSRFToken     = "CSRF token"
	kindJWTSecret     = "JWT signing secret"
	kindPasswordHash  = "password hash"
	kindRefreshHash   = "refresh token hash"
	kindAPIKeyHash    = "API key hash"
	kindSessionHash   = "session token hash"
	kindRevocationKey = "revocation seal key"
	kindPolicyKey     = "policy seal key"
	kindProviderToken = "OpenID provider's token"
	kindMFAToken      = "MFA token"
	kindTOTPSecret    = "TOTP secret"
	kindRecoveryCode  = "recovery code"
)

// secretKinds are all the kinds, each of which a run must find at least
// once: a check with nothing to look for would pass whatever leaked.
var secretKinds = []string{
	kindPassword, kindAccessToken, kindRefreshToken, kindAPIKey, kindSessionCookie, kindCSRFToken,
	kindJWTSecret, kindPasswordHash, kindRefreshHash, kindAPIKeyHash, kindSessionHash,
	kindRevocationKey, kindPolicyKey, kindProviderToken, kindMFAToken, kindTOTPSecret, kindRecoveryCode,
}

// secret is one value that must not leak.
type secret struct {
	kind  string
	value string
	// origin says where the value came from, for failure messages:
	// "handed out by POST /auth/login → 200 (request 7)".
	origin string
	// issuedBy is the index in the transcript of the one response that
	// may hold the value, exactly once; -1 when no response may.
	issuedBy int
}

// String describes s without giving it away.
func (s secret) String() string {
	return fmt.Sprintf("%s %s (%s)", s.kind, redact(s.value), s.origin)
}

// redact shows enough of a secret to tell it from others, never all of
// it: at most 8 characters and a quarter of its length.
func redact(v string) string {
	return fmt.Sprintf("%q… (%d characters)", v[:min(8, len(v)/4)], len(v))
}

// issuer is an endpoint of the contract that hands out client
// credentials: a successful request to it carries each of its fields'
// kinds in the JSON field named. These are the only responses that may
// hold a credential, and only the one that minted it.
type issuer struct {
	method, path string
	status       int
	fields       [][2]string // JSON field, kind
}

var issuers = []issuer{
	{"POST", "/auth/login", 200, [][2]string{{"access_token", kindAccessToken}, {"refresh_token", kindRefreshToken}}},
	{"POST", "/auth/refresh", 200, [][2]string{{"access_token", kindAccessToken}, {"refresh_token", kindRefreshToken}}},
	// The session cookie comes in this response's Set-Cookie; any cookie
	// with a value is taken for one, whatever response sets it.
	{"POST", "/auth/session", 200, [][2]string{{"csrf_token", kindCSRFToken}}},
	{"POST", "/api-keys", 201, [][2]string{{"key", kindAPIKey}}},
	{"POST", "/auth/login", 200, [][2]string{{"mfa_token", kindMFAToken}}},
	{"POST", "/auth/session", 200, [][2]string{{"mfa_token", kindMFAToken}}},
	{"POST", "/auth/mfa", 200, [][2]string{{"access_token", kindAccessToken}, {"refresh_token", kindRefreshToken}}},
	{"POST", "/auth/session/mfa", 200, [][2]string{{"csrf_token", kindCSRFToken}}},
	{"POST", "/me/mfa/totp", 201, [][2]string{{"secret", kindTOTPSecret}, {"otpauth_url", kindTOTPSecret}}},
	// A list: each of its codes.
	{"POST", "/me/mfa/totp/confirm", 200, [][2]string{{"recovery_codes", kindRecoveryCode}}},
	{"POST", "/auth/passkey", 200, [][2]string{{"access_token", kindAccessToken}, {"refresh_token", kindRefreshToken}}},
	{"POST", "/auth/session/passkey", 200, [][2]string{{"csrf_token", kindCSRFToken}}},
	// Its codes when the passkey is the account's first second factor.
	{"POST", "/me/passkeys", 201, [][2]string{{"recovery_codes", kindRecoveryCode}}},
}

// issuedSecrets returns every client credential a response of transcript
// handed out, each with the exchange that handed it out first.
func issuedSecrets(transcript []exchange) []secret {
	var out []secret
	for i, e := range transcript {
		origin := fmt.Sprintf("handed out by %s (request %d)", e, i+1)
		for _, is := range issuers {
			if e.method != is.method || e.path != is.path || e.response.status != is.status {
				continue
			}
			o, err := parseObject(e.response.body)
			if err != nil {
				continue // the step that made the request reports it
			}
			for _, f := range is.fields {
				if v, err := o.text(f[0]); err == nil && v != "" {
					out = append(out, secret{kind: f[1], value: v, origin: origin, issuedBy: i})
				}
				if list, err := o.strings(f[0]); err == nil {
					for _, v := range list {
						out = append(out, secret{kind: f[1], value: v, origin: origin, issuedBy: i})
					}
				}
			}
		}
		for _, c := range e.response.cookies {
			if c.Value != "" {
				out = append(out, secret{kind: kindSessionCookie, value: c.Value, origin: origin, issuedBy: i})
			}
		}
	}
	return uniqueSecrets(out)
}

// minPassword is the shortest password looked for: the contract's minimum.
// A shorter one, which registration refuses, cannot be told from a chance
// match ("1234567" in a timestamp).
const minPassword = 8

// sentPasswords returns every password a request of transcript sent: the
// "password" field of a JSON body, as registration, login and session
// login take it, right or wrong.
func sentPasswords(transcript []exchange) []secret {
	var out []secret
	for i, e := range transcript {
		o, err := parseObject([]byte(e.body))
		if err != nil {
			continue
		}
		for _, field := range []string{"password", "current_password", "new_password"} {
			if v, err := o.text(field); err == nil && len(v) >= minPassword {
				out = append(out, secret{kind: kindPassword, value: v,
					origin: fmt.Sprintf("%s sent to %s %s (request %d)", field, e.method, e.path, i+1), issuedBy: -1})
			}
		}
	}
	return uniqueSecrets(out)
}

// uniqueSecrets drops every secret whose value an earlier one holds.
func uniqueSecrets(secrets []secret) []secret {
	seen := map[string]bool{}
	out := secrets[:0:0]
	for _, s := range secrets {
		if !seen[s.value] {
			seen[s.value] = true
			out = append(out, s)
		}
	}
	return out
}

// untrackedCredentials names the credentials and saved tokens of w that
// are among none of secrets, leaving out those the steps forge to be
// refused. An untracked one means issuedSecrets missed where it was
// handed out, and would miss its leaks.
func (w *world) untrackedCredentials(secrets []secret) []string {
	tracked := map[string]bool{}
	for _, s := range secrets {
		tracked[s.value] = true
	}
	var out []string
	note := func(name, what, v string) {
		if v != "" && !tracked[v] {
			out = append(out, name+" ("+what+")")
		}
	}
	for name, c := range w.creds {
		if name == "garbage" || strings.HasSuffix(name, ".mistyped") {
			continue
		}
		note(name, "bearer", c.bearer)
		note(name, "API key", c.apiKey)
		if c.cookie != nil {
			note(name, "cookie", c.cookie.Value)
		}
		if !strings.HasSuffix(name, "+bad-csrf") {
			note(name, "CSRF token", c.csrf)
		}
	}
	for name, v := range w.vars {
		if strings.HasSuffix(name, ".access") || strings.HasSuffix(name, ".refresh") || strings.HasSuffix(name, ".secret") {
			note(name, "saved value", v)
		}
	}
	return out
}
