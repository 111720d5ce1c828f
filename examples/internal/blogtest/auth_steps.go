package blogtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func healthSteps() []step {
	return []step{
		{"healthz is public", "GET", "/healthz", "", "", 200, "", jsonEq(`{"status":"ok"}`)},
	}
}

// The users the steps register, besides the seeded alice, carol and bob:
// dave is an ordinary second user, erin is deleted by an admin, tess is
// throttled, short changes its password. Every user's email is NAME@example.com and password
// NAME-password, as for the seeded ones.
func registerSteps() []step {
	oversized := `{"email":"big@example.com","password":"big-password","name":"` + strings.Repeat("x", 1<<20) + `"}`
	return []step{
		{"register dave", "POST", "/auth/register", "", registration("dave", "Dave"), 201, "",
			all(shape("id", "email", "name"), field("email", "dave@example.com"), field("name", "Dave"), saveID("dave.id"))},
		{"register erin", "POST", "/auth/register", "", registration("erin", "Erin"), 201, "", saveID("erin.id")},
		{"register tess", "POST", "/auth/register", "", registration("tess", "Tess"), 201, "", saveID("tess.id")},
		{"email taken, in other letter case", "POST", "/auth/register", "",
			`{"email":"DAVE@Example.COM","password":"another-password","name":"Dave Again"}`, 409, "conflict", nil},
		{"seeded email taken", "POST", "/auth/register", "",
			`{"email":"Alice@example.com","password":"another-password","name":"Alice Again"}`, 409, "conflict", nil},
		{"invalid email", "POST", "/auth/register", "",
			`{"email":"not-an-email","password":"long-enough","name":"Nobody"}`, 400, "invalid_request", nil},
		{"password of 7 characters", "POST", "/auth/register", "",
			`{"email":"short@example.com","password":"1234567","name":"Short"}`, 400, "invalid_request", nil},
		{"malformed JSON", "POST", "/auth/register", "", `{"email":"x@example.com",`, 400, "invalid_request", nil},
		{"wrongly typed fields", "POST", "/auth/register", "",
			`{"email":42,"password":true,"name":["x"]}`, 400, "invalid_request", nil},
		{"missing email and password", "POST", "/auth/register", "", `{"name":"Nobody"}`, 400, "invalid_request", nil},
		{"missing password", "POST", "/auth/register", "",
			`{"email":"nopassword@example.com","name":"No Password"}`, 400, "invalid_request", nil},
		{"JSON array instead of an object", "POST", "/auth/register", "", `[]`, 400, "invalid_request", nil},
		{"body over 1 MiB", "POST", "/auth/register", "", oversized, 413, "payload_too_large", nil},
		{"the refused registrations created nobody", "POST", "/auth/register", "",
			registration("short", "Short"), 201, "", nil},
	}
}

// registration is the body of POST /auth/register for user.
func registration(user, name string) string {
	return fmt.Sprintf(`{"email":%q,"password":%q,"name":%q}`, user+"@example.com", user+"-password", name)
}

// credentialsOf is the body of POST /auth/login and /auth/session.
func credentialsOf(user, password string) string {
	return fmt.Sprintf(`{"email":%q,"password":%q}`, user+"@example.com", password)
}

func loginSteps() []step {
	steps := []step{
		do("alice logs in", login("alice", "alice")),
		do("carol logs in", login("carol", "carol")),
		do("bob logs in", login("bob", "bob")),
		do("dave logs in", login("dave", "dave")),
		do("erin logs in", login("erin", "erin")),
		{"unknown email", "POST", "/auth/login", "", credentialsOf("nobody", "nobody-password"),
			401, "invalid_credentials", saveBody("refused login")},
		{"wrong password, identical refusal", "POST", "/auth/login", "", credentialsOf("bob", "not-bob-password"),
			401, "invalid_credentials", sameBodyAs("refused login")},
		{"malformed JSON", "POST", "/auth/login", "", `{"email":`, 400, "invalid_request", nil},
		{"missing password", "POST", "/auth/login", "", `{"email":"nobody@example.com"}`, 400, "invalid_request", nil},
		{"wrongly typed password", "POST", "/auth/login", "", `{"email":"nobody@example.com","password":12345678}`,
			400, "invalid_request", nil},
	}
	for i := 1; i <= 5; i++ {
		steps = append(steps, step{fmt.Sprintf("tess: failed attempt %d of 5", i), "POST", "/auth/login", "",
			credentialsOf("tess", "not-tess-password"), 401, "invalid_credentials", nil})
	}
	return append(steps,
		step{"tess: 6th attempt, right password, throttled", "POST", "/auth/login", "",
			credentialsOf("tess", "tess-password"), 429, "too_many_requests", hasHeader("Retry-After")},
	)
}

// hasHeader checks that the response carries the header name.
func hasHeader(name string) check {
	return func(t *testing.T, _ *world, r *response) {
		t.Helper()
		assert.NotEmpty(t, r.header.Get(name), "no %s header", name)
	}
}

// field checks that the body's string field key is want.
func field(key, want string) check {
	return func(t *testing.T, _ *world, r *response) {
		t.Helper()
		got, err := r.object(t).text(key)
		assert.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

// login logs user in with their password and saves the token pair as the
// credential cred ("bob") and the placeholders cred.access and
// cred.refresh, and the user's id as user.id.
func login(cred, user string) func(t *testing.T, w *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		r := w.send(t, w.client, "POST", "/auth/login", credential{}, credentialsOf(user, user+"-password"))
		require.Equal(t, 200, r.status, "login: %s", r.brief())
		savePair(cred, user)(t, w, r)
	}
}

// savePair checks a token pair, from a login or a refresh, and saves it as
// login does. The access token must be an HS256 JWT signed with the
// configured secret and issuer, for the user GET /me says it belongs to.
func savePair(cred, user string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("access_token", "refresh_token", "token_type", "expires_in"))
		access, err := o.text("access_token")
		require.NoError(t, err)
		refresh, err := o.text("refresh_token")
		require.NoError(t, err)
		require.NotEmpty(t, access)
		require.NotEmpty(t, refresh)
		assert.NotEqual(t, access, refresh)
		typ, err := o.text("token_type")
		assert.NoError(t, err)
		assert.Equal(t, "Bearer", typ)
		expiresIn, err := o.number("expires_in")
		assert.NoError(t, err)
		assert.Positive(t, expiresIn, "expires_in")

		claims := jwt.MapClaims{}
		_, err = jwt.ParseWithClaims(access, claims, func(*jwt.Token) (any, error) { return []byte(jwtSecret), nil },
			jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(jwtIssuer), jwt.WithExpirationRequired())
		assert.NoError(t, err, "the access token must be signed with GATEHOUSE_JWT_SECRET and name GATEHOUSE_JWT_ISSUER")
		sub, _ := claims.GetSubject()

		meResp := w.send(t, w.client, "GET", "/me", credential{bearer: access}, "")
		require.Equal(t, 200, meResp.status, "GET /me with the new access token: %s", meResp.brief())
		id, err := meResp.object(t).id("id")
		require.NoError(t, err)
		if known, ok := w.vars[user+".id"]; ok {
			require.Equal(t, known, id, "the token pair is not %s's", user)
		}
		assert.Equal(t, id, sub, "the access token's subject")

		w.vars[user+".id"] = id
		w.vars[cred+".access"], w.vars[cred+".refresh"] = access, refresh
		w.creds[cred] = credential{bearer: access}
	}
}

func refreshSteps() []step {
	return []step{
		do("bob logs in for a new refresh family", login("bob.family", "bob")),
		{"refresh gives a new pair", "POST", "/auth/refresh", "", `{"refresh_token":"{{bob.family.refresh}}"}`,
			200, "", all(savePair("bob.family2", "bob"), differs("bob.family2.refresh", "bob.family.refresh"))},
		{"the presented refresh token is dead", "POST", "/auth/refresh", "", `{"refresh_token":"{{bob.family.refresh}}"}`,
			401, "", nil},
		{"after that reuse, the family's newest refresh token is dead too", "POST", "/auth/refresh", "",
			`{"refresh_token":"{{bob.family2.refresh}}"}`, 401, "", nil},
		{"an access token is not a refresh token", "POST", "/auth/refresh", "", `{"refresh_token":"{{bob.access}}"}`,
			401, "", nil},
		{"an unknown refresh token", "POST", "/auth/refresh", "", `{"refresh_token":"rt_not-a-token"}`, 401, "", nil},
		{"malformed JSON", "POST", "/auth/refresh", "", `{"refresh_token":`, 400, "invalid_request", nil},
		{"missing refresh_token", "POST", "/auth/refresh", "", `{}`, 400, "invalid_request", nil},
		{"wrongly typed refresh_token", "POST", "/auth/refresh", "", `{"refresh_token":42}`, 400, "invalid_request", nil},
	}
}

// differs checks that two saved values differ.
func differs(a, b string) check {
	return func(t *testing.T, w *world, _ *response) {
		t.Helper()
		assert.NotEqual(t, w.vars[a], w.vars[b], "%s and %s", a, b)
	}
}

func logoutSteps() []step {
	return []step{
		do("bob logs in on a second device", login("bob.device", "bob")),
		{"logout needs a bearer token", "POST", "/auth/logout", "", `{}`, 401, "unauthorized", nil},
		{"logout", "POST", "/auth/logout", "bob.device", `{"refresh_token":"{{bob.device.refresh}}"}`, 204, "", nil},
		{"the logged-out access token is refused", "GET", "/me", "bob.device", "", 401, "invalid_token", nil},
		{"the logged-out refresh token is refused", "POST", "/auth/refresh", "",
			`{"refresh_token":"{{bob.device.refresh}}"}`, 401, "", nil},
		{"logging out again is refused", "POST", "/auth/logout", "bob.device", `{}`, 401, "invalid_token", nil},
		{"bob's other login still works", "GET", "/me", "bob", "", 200, "", meIs("bob")},
	}
}

func meSteps() []step {
	return []step{
		{"anonymous", "GET", "/me", "", "", 401, "unauthorized", nil},
		{"garbage bearer token", "GET", "/me", "garbage", "", 401, "invalid_token", nil},
		{"alice, admin", "GET", "/me", "alice", "", 200, "", isMe(me{user: "alice",
			hasRoles: []string{"admin", "moderator", "user"},
			hasPerms: []string{"users:delete", "users:write", "policy:read", "policy:write", "posts:update"}})},
		{"carol, moderator, inherits user", "GET", "/me", "carol", "", 200, "", isMe(me{user: "carol",
			hasRoles: []string{"moderator", "user"}, lacksRoles: []string{"admin"},
			hasPerms: []string{"users:read", "posts:delete", "posts:write"}, lacksPerms: []string{"users:write", "policy:read"}})},
		{"bob, user", "GET", "/me", "bob", "", 200, "", isMe(me{user: "bob",
			hasRoles: []string{"user"}, lacksRoles: []string{"moderator", "admin"},
			hasPerms: []string{"posts:write"}, lacksPerms: []string{"users:read", "policy:read"}})},
		{"dave, registered, is a user", "GET", "/me", "dave", "", 200, "", isMe(me{user: "dave",
			hasRoles: []string{"user"}, lacksRoles: []string{"moderator", "admin"},
			hasPerms: []string{"posts:write"}, lacksPerms: []string{"users:read"}})},
	}
}

// passwordChangeSteps change short's password: the current one is checked
// like a login, a weak new one is refused, and a change ends every
// credential short held.
func passwordChangeSteps() []step {
	change := func(current, next string) string {
		return fmt.Sprintf(`{"current_password":%q,"new_password":%q}`, current, next)
	}
	return []step{
		do("short logs in", login("short", "short")),
		do("short logs in on a second device", login("short.device", "short")),
		{"anonymous", "POST", "/me/password", "", change("short-password", "shorts-new-password"), 401, "unauthorized", nil},
		{"wrong current password", "POST", "/me/password", "short", change("not-short-password", "shorts-new-password"),
			403, "invalid_credentials", nil},
		{"new password too short", "POST", "/me/password", "short", change("short-password", "tiny"), 400, "invalid_request", nil},
		{"missing new password", "POST", "/me/password", "short", `{"current_password":"short-password"}`, 400, "invalid_request", nil},
		{"the refusals changed nothing", "GET", "/me", "short.device", "", 200, "", meIs("short")},
		{"change", "POST", "/me/password", "short", change("short-password", "shorts-new-password"), 204, "", nil},
		{"the token that asked is dead", "GET", "/me", "short", "", 401, "invalid_token", nil},
		{"so is the other device's", "GET", "/me", "short.device", "", 401, "invalid_token", nil},
		{"and its refresh token", "POST", "/auth/refresh", "", `{"refresh_token":"{{short.device.refresh}}"}`, 401, "", nil},
		{"the old password no longer logs in", "POST", "/auth/login", "", credentialsOf("short", "short-password"),
			401, "invalid_credentials", nil},
		{"the new one does", "POST", "/auth/login", "", credentialsOf("short", "shorts-new-password"), 200, "",
			savePair("short", "short")},
		{"with a token that works", "GET", "/me", "short", "", 200, "", meIs("short")},
	}
}
