package blogtest

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/testprovider"
)

// olivia is a user of the provider, with a verified email no local account
// has; providerAlice is the provider's alice, whose verified email is the
// local alice's.
var (
	olivia        = testprovider.User{ID: "ext-olivia", Email: "olivia@example.com", EmailVerified: true}
	providerAlice = testprovider.Users[0]
)

// externalSteps are the tokens of an OpenID provider, accepted beside the
// blog's own: each provider subject is a local user of its own, made on
// first sight with the role user, the same on every later token; bad
// tokens are 401s; a key rotation is picked up without a restart.
func externalSteps() []step {
	return []step{
		do("the provider issues olivia tokens of both types", func(t *testing.T, w *world) {
			w.saveProviderToken("olivia", w.provider.Sign(w.provider.Claims(olivia, 10*time.Minute), "at+jwt"))
			w.saveProviderToken("olivia.jwt", w.provider.Sign(w.provider.Claims(olivia, 10*time.Minute), "JWT"))
		}),
		{"olivia's first token makes her a user with the role user", "GET", "/me", "olivia", "", 200, "",
			all(saveID("olivia.id"), isMe(me{user: "olivia", hasRoles: []string{"user"}, hasPerms: []string{"posts:write"},
				lacksRoles: []string{"admin", "moderator"}}))},
		{"a token typed JWT is olivia too", "GET", "/me", "olivia.jwt", "", 200, "", meIs("olivia")},
		{"olivia writes a post", "POST", "/posts", "olivia", post{"olivia", "From the provider", "Written with a token of the provider.", true}.json(), 201, "", nil},
		{"olivia may not read the users", "GET", "/admin/users", "olivia", "", 403, "forbidden", nil},

		do("the provider's token endpoint issues a service token", func(t *testing.T, w *world) {
			w.saveProviderToken("service", w.provider.ServiceToken(t))
		}),
		{"the service client is a user without an email", "GET", "/me", "service", "", 200, "", emailIs("")},
		do("the provider issues its alice a token", func(t *testing.T, w *world) {
			w.saveProviderToken("alice@provider", w.provider.Sign(w.provider.Claims(providerAlice, time.Minute), "JWT"))
		}),
		{"the provider's alice does not take over the local alice", "GET", "/me", "alice@provider", "", 200, "",
			all(emailIs(""), notIDOf("alice"))},

		// Before the made-up key ids below: those spend the one fetch of
		// the keys that unknown key ids may cause for a minute.
		do("the provider rotates its key", func(t *testing.T, w *world) {
			w.provider.Rotate("ES256")
			w.saveProviderToken("olivia.rotated", w.provider.Sign(w.provider.Claims(olivia, 10*time.Minute), "at+jwt"))
		}),
		{"a token of the new key is accepted without a restart", "GET", "/me", "olivia.rotated", "", 200, "", meIs("olivia")},
		do("the provider issues tokens it should not", badProviderTokens),
		{"an expired token", "GET", "/me", "olivia.expired", "", 401, "invalid_token", nil},
		{"a token for another API", "GET", "/me", "olivia.misdirected", "", 401, "invalid_token", nil},
		{"a token of another issuer", "GET", "/me", "olivia.elsewhere", "", 401, "invalid_token", nil},
		{"a token signed by another key under the provider's kid", "GET", "/me", "olivia.forged", "", 401, "invalid_token", nil},
		{"HS256 keyed with the provider's public key", "GET", "/me", "olivia.confused", "", 401, "invalid_token", nil},
		{"a token naming a made-up key", "GET", "/me", "olivia.madeup", "", 401, "invalid_token", nil},
		{"a token without typ", "GET", "/me", "olivia.untyped", "", 401, "invalid_token", nil},
		{"the blog's own tokens still work beside them", "GET", "/me", "bob", "", 200, "", meIs("bob")},
	}
}

// badProviderTokens saves the tokens the server must refuse.
func badProviderTokens(t *testing.T, w *world) {
	p := w.provider
	claims := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := p.Claims(olivia, 10*time.Minute)
		change(c)
		return c
	}
	save := w.saveProviderToken
	save("olivia.expired", p.Sign(claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() }), "at+jwt"))
	save("olivia.misdirected", p.Sign(claims(func(c jwt.MapClaims) { c["aud"] = "another-api" }), "at+jwt"))
	save("olivia.untyped", p.Sign(claims(func(jwt.MapClaims) {}), ""))

	other := testprovider.Start(t)
	save("olivia.elsewhere", other.Sign(other.Claims(olivia, 10*time.Minute), "at+jwt"))
	save("olivia.forged", other.SignNaming(claims(func(jwt.MapClaims) {}), "at+jwt", p.KeyID()))

	confused := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(func(jwt.MapClaims) {}))
	confused.Header["kid"], confused.Header["typ"] = p.KeyID(), "at+jwt"
	raw, err := confused.SignedString(p.PublicKeyPEM())
	require.NoError(t, err)
	save("olivia.confused", raw)

	save("olivia.madeup", p.SignNaming(claims(func(jwt.MapClaims) {}), "at+jwt", "made-up-key"))
}

// saveProviderToken keeps a token of the provider as the credential name,
// and among the secrets no response or log may hold.
func (w *world) saveProviderToken(name, raw string) {
	w.creds[name] = credential{bearer: raw}
	w.providerTokens = append(w.providerTokens, secret{kind: kindProviderToken, value: raw,
		origin: "issued by the OpenID provider as " + name, issuedBy: -1})
}

// emailIs checks the email of a GET /me body.
func emailIs(want string) check {
	return func(t *testing.T, _ *world, r *response) {
		t.Helper()
		email, err := r.object(t).text("email")
		require.NoError(t, err)
		assert.Equal(t, want, email)
	}
}

// notIDOf checks that a GET /me body is not user's.
func notIDOf(user string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		id, err := r.object(t).id("id")
		require.NoError(t, err)
		assert.NotEqual(t, w.idOf(t, user), id)
	}
}
