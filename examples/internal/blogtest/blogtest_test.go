package blogtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The helpers below decide what counts as a contract violation; these
// tests pin them down without a server.

func TestExpand(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"bob.id": "usr_1", "post.bob.pub": "42"}
	got, err := expand(vars, `/posts/{{post.bob.pub}}?x={"a":{"b":1}}&by={{bob.id}}`)
	require.NoError(t, err)
	assert.Equal(t, `/posts/42?x={"a":{"b":1}}&by=usr_1`, got)

	_, err = expand(vars, "/posts/{{post.missing}}")
	assert.ErrorContains(t, err, "{{post.missing}} is not set")
}

func TestObjectFields(t *testing.T) {
	t.Parallel()
	o, err := parseObject([]byte(`{"id":7,"sid":"usr_1","title":"x","published":false,"roles":["a"],"n":3600}`))
	require.NoError(t, err)
	assert.NoError(t, o.hasKeys("id", "sid", "title", "published", "roles", "n"))
	assert.ErrorContains(t, o.hasKeys("id", "title", "body"), `missing ["body"]`)

	id, err := o.id("id")
	assert.NoError(t, err)
	assert.Equal(t, "7", id)
	id, err = o.id("sid")
	assert.NoError(t, err)
	assert.Equal(t, "usr_1", id)
	_, err = o.id("published")
	assert.Error(t, err)
	_, err = o.text("id")
	assert.Error(t, err, "a number is not a string")
	b, err := o.boolean("published")
	assert.NoError(t, err)
	assert.False(t, b)
	roles, err := o.strings("roles")
	assert.NoError(t, err)
	assert.Equal(t, []string{"a"}, roles)

	for _, bad := range []string{`[]`, `null`, `{"a":1} {"b":2}`, `{"a":`} {
		_, err := parseObject([]byte(bad))
		assert.Error(t, err, bad)
	}
	o, err = parseObject([]byte(`{"posts":null}`))
	require.NoError(t, err)
	_, err = o.list("posts")
	assert.Error(t, err, "null is not an empty list")
}

func TestPermissionNames(t *testing.T) {
	t.Parallel()
	names, err := permissionNames(json.RawMessage(`["posts:read","users:*"]`))
	require.NoError(t, err)
	assert.Equal(t, []string{"posts:read", "users:*"}, names)
	names, err = permissionNames(json.RawMessage(`[{"permission":"posts:read","scope":"own"}]`))
	require.NoError(t, err)
	assert.Equal(t, []string{"posts:read"}, names)
	_, err = permissionNames(json.RawMessage(`null`))
	assert.Error(t, err)

	held := []string{"posts:read", "users:*"}
	assert.True(t, covers(held, "posts:read"))
	assert.True(t, covers(held, "users:delete"))
	assert.False(t, covers(held, "posts:delete"))
}

func TestMistype(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "ghk_abcA", mistype("ghk_abcd"))
	assert.Equal(t, "ghk_abcB", mistype("ghk_abcA"))
}

func TestContractViolations(t *testing.T) {
	t.Parallel()
	jsonHeader := func(extra ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Add(extra[i], extra[i+1])
		}
		return h
	}
	anonymous, _ := http.NewRequest("GET", "http://127.0.0.1/me", nil)
	withBearer, _ := http.NewRequest("GET", "http://127.0.0.1/me", nil)
	withBearer.Header.Set("Authorization", "Bearer abc")

	tests := []struct {
		name string
		req  *http.Request
		resp response
		want string // a violation that must be reported; "" for none
	}{
		{"200 JSON", anonymous, response{status: 200, header: jsonHeader(), body: []byte(`{"status":"ok"}`)}, ""},
		{"204 empty", anonymous, response{status: 204, header: http.Header{}}, ""},
		{"204 with a body", anonymous, response{status: 204, header: http.Header{}, body: []byte(`{}`)}, "204 with a body"},
		{"500", anonymous, response{status: 500, header: jsonHeader(), body: []byte(`{"error":"x","message":"y"}`)}, "server error"},
		{"text body", anonymous, response{status: 200, header: http.Header{"Content-Type": {"text/plain"}}, body: []byte(`{}`)},
			"Content-Type"},
		{"401 with its challenge", anonymous, response{status: 401,
			header: jsonHeader("WWW-Authenticate", challenge), body: []byte(`{"error":"unauthorized","message":"m"}`)}, ""},
		{"401 without a challenge", anonymous, response{status: 401,
			header: jsonHeader(), body: []byte(`{"error":"unauthorized","message":"m"}`)}, "WWW-Authenticate"},
		{"401 to a bearer without invalid_token", withBearer, response{status: 401,
			header: jsonHeader("WWW-Authenticate", challenge), body: []byte(`{"error":"invalid_token","message":"m"}`)},
			"after a refused bearer token"},
		{"401 to a bearer with invalid_token", withBearer, response{status: 401,
			header: jsonHeader("WWW-Authenticate", invalidChallenge), body: []byte(`{"error":"invalid_token","message":"m"}`)}, ""},
		{"403 with a 401 code", anonymous, response{status: 403,
			header: jsonHeader(), body: []byte(`{"error":"unauthorized","message":"m"}`)}, "error code"},
		{"error body with an extra field", anonymous, response{status: 404,
			header: jsonHeader(), body: []byte(`{"error":"not_found","message":"m","detail":"x"}`)}, "unexpected"},
		{"error body without a message", anonymous, response{status: 404,
			header: jsonHeader(), body: []byte(`{"error":"not_found","message":""}`)}, "no message"},
		{"429 with Retry-After", anonymous, response{status: 429,
			header: jsonHeader("Retry-After", "900"), body: []byte(`{"error":"too_many_requests","message":"m"}`)}, ""},
		{"429 without Retry-After", anonymous, response{status: 429,
			header: jsonHeader(), body: []byte(`{"error":"too_many_requests","message":"m"}`)}, "Retry-After"},
		{"429 with a date for Retry-After", anonymous, response{status: 429,
			header: jsonHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"), body: []byte(`{"error":"too_many_requests","message":"m"}`)},
			"Retry-After"},
		{"a status outside the contract", anonymous, response{status: 405,
			header: jsonHeader(), body: []byte(`{"error":"method_not_allowed","message":"m"}`)}, "not one the contract uses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := strings.Join(contractViolations(tt.req, &tt.resp), "\n")
			if tt.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value, want string
	}{
		{"bob-password", `"bob"… (12 characters)`},
		{"rt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", `"rt_01234"… (46 characters)`},
		{"abc", `""… (3 characters)`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, redact(tt.value), tt.value)
	}
}

// jsonResponse is a response with a JSON body, for the secrets tests.
func jsonResponse(status int, body string, header ...string) *response {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	r := &response{status: status, header: h, body: []byte(body)}
	r.cookies = (&http.Response{Header: h}).Cookies()
	return r
}

func TestIssuedSecretsAndSentPasswords(t *testing.T) {
	t.Parallel()
	transcript := []exchange{
		{method: "POST", path: "/auth/login", body: credentialsOf("bob", "bob-password"),
			response: jsonResponse(200, `{"access_token":"eyJ.access.1","refresh_token":"rt_refresh1","token_type":"Bearer","expires_in":900}`)},
		{method: "POST", path: "/auth/login", body: credentialsOf("bob", "bob-password"),
			response: jsonResponse(401, `{"error":"invalid_credentials","message":"m"}`)},
		{method: "POST", path: "/auth/register", body: `{"email":"s@example.com","password":"1234567","name":"S"}`,
			response: jsonResponse(400, `{"error":"invalid_request","message":"m"}`)},
		{method: "POST", path: "/auth/register", body: `{"email":"s@example.com","password":12345678,"name":"S"}`,
			response: jsonResponse(400, `{"error":"invalid_request","message":"m"}`)},
		{method: "POST", path: "/auth/session", body: credentialsOf("carol", "carol-password"),
			response: jsonResponse(200, `{"csrf_token":"csrf-1"}`, "Set-Cookie", "__Host-gatehouse_session=cookie-1; Path=/; Secure; HttpOnly")},
		{method: "DELETE", path: "/auth/session",
			response: jsonResponse(204, ``, "Set-Cookie", "__Host-gatehouse_session=; Path=/; Secure; Max-Age=0")},
		{method: "POST", path: "/api-keys", body: `{"name":"ci"}`,
			response: jsonResponse(201, `{"id":"key_1","name":"ci","key":"ghk_key1"}`)},
		{method: "POST", path: "/api-keys", body: `{"name":"ci"}`,
			response: jsonResponse(400, `{"error":"invalid_request","message":"m","key":"not-issued"}`)},
	}
	issued := issuedSecrets(transcript)
	got := map[string][2]any{}
	for _, s := range issued {
		got[s.value] = [2]any{s.kind, s.issuedBy}
	}
	assert.Equal(t, map[string][2]any{
		"eyJ.access.1": {kindAccessToken, 0},
		"rt_refresh1":  {kindRefreshToken, 0},
		"csrf-1":       {kindCSRFToken, 4},
		"cookie-1":     {kindSessionCookie, 4},
		"ghk_key1":     {kindAPIKey, 6},
	}, got)

	var passwords []string
	for _, s := range sentPasswords(transcript) {
		assert.Equal(t, kindPassword, s.kind)
		assert.Equal(t, -1, s.issuedBy)
		passwords = append(passwords, s.value)
	}
	assert.Equal(t, []string{"bob-password", "carol-password"}, passwords,
		"each password once; the one too short to look for and the one not a string left out")
}

func TestResponseLeaks(t *testing.T) {
	t.Parallel()
	const (
		key      = "ghk_0123456789_secret-of-the-key"
		password = "bob-password"
		hash     = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	)
	secrets := []secret{
		{kind: kindAPIKey, value: key, origin: "handed out by request 1", issuedBy: 0},
		{kind: kindPassword, value: password, origin: "sent", issuedBy: -1},
		{kind: kindAPIKeyHash, value: hash, origin: "gatehouse_api_keys.hash of key_1", issuedBy: -1},
	}
	created := exchange{method: "POST", path: "/api-keys", response: jsonResponse(201, `{"id":"key_1","name":"ci","key":"`+key+`"}`)}
	tests := []struct {
		name       string
		transcript []exchange
		want       []string // one substring per violation, in order
	}{
		{"the key in its creation response only", []exchange{created,
			{method: "GET", path: "/api-keys", response: jsonResponse(200, `{"keys":[{"id":"key_1","name":"ci"}]}`)}}, nil},
		{"the key in the listing", []exchange{created,
			{method: "GET", path: "/api-keys", response: jsonResponse(200, `{"keys":[{"id":"key_1","key":"`+key+`"}]}`)}},
			[]string{"GET /api-keys → 200 (request 2): the response holds API key"}},
		{"the key twice in its creation response", []exchange{
			{method: "POST", path: "/api-keys", response: jsonResponse(201, `{"key":"`+key+`"}`, "X-Key", key)}},
			[]string{"hands out API key", "holds it 2 times"}},
		{"the key in another response's header", []exchange{created,
			{method: "GET", path: "/me", response: jsonResponse(200, `{}`, "X-Debug", "key="+key)}},
			[]string{"GET /me → 200 (request 2): the response holds API key"}},
		{"a password in an error", []exchange{created,
			{method: "POST", path: "/auth/login", response: jsonResponse(401, `{"error":"x","message":"wrong `+password+`"}`)}},
			[]string{"POST /auth/login → 401 (request 2): the response holds password"}},
		{"a stored hash in a cookie", []exchange{created,
			{method: "GET", path: "/me", response: jsonResponse(200, `{}`, "Set-Cookie", "h="+hash)}},
			[]string{"holds API key hash", "gatehouse_api_keys.hash of key_1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := responseLeaks(tt.transcript, secrets)
			all := strings.Join(got, "\n")
			if tt.want == nil {
				assert.Empty(t, got)
			}
			for _, want := range tt.want {
				assert.Contains(t, all, want)
			}
			for _, s := range secrets {
				assert.NotContains(t, all, s.value, "a failure message gives the secret away")
			}
		})
	}
}

func TestLogLeaks(t *testing.T) {
	t.Parallel()
	const (
		token = "eyJhbGciOiJIUzI1NiJ9.payload.signature"
		seed  = `time=2026-01-01T00:00:00.000Z level=INFO msg="demo user" email=bob@example.com password=bob-password role=user`
	)
	secrets := []secret{
		{kind: kindAccessToken, value: token, origin: "handed out by request 3", issuedBy: 2},
		{kind: kindPassword, value: "bob-password", origin: "sent", issuedBy: -1},
		{kind: kindPassword, value: "dave-password", origin: "sent", issuedBy: -1},
	}
	tests := []struct {
		name string
		log  string
		want []string
	}{
		{"nothing secret", "time=x level=INFO msg=listening addr=http://127.0.0.1:1\n", nil},
		{"a demo user's password, public as it is", seed + "\n", []string{"line 1, holds password"}},
		{"on two lines", seed + "\n" + seed + "\n", []string{"line 1, holds password", "line 2, holds password"}},
		{"another's password", strings.Replace(seed, "password=bob-password", "password=dave-password", 1),
			[]string{"line 1, holds password"}},
		{"a token on the third line", "a\nb\nrefused token=" + token + "\n", []string{"line 3, holds access token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := logLeaks([]namedLog{{name: "the server log", text: tt.log}}, secrets)
			assert.Len(t, got, len(tt.want), "%q", got)
			all := strings.Join(got, "\n")
			for _, want := range tt.want {
				assert.Contains(t, all, "the server log, "+want)
			}
			for _, s := range secrets {
				assert.NotContains(t, all, s.value, "a failure message gives the secret away")
			}
		})
	}
}

func TestStoredSecretsRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dsn, want string
	}{
		{"a server DSN", "postgres://u:p@127.0.0.1/db", "not a sqlite: DSN"},
		{"a missing file", "sqlite:" + t.TempDir() + "/missing.db", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := storedSecrets(t.Context(), tt.dsn)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
