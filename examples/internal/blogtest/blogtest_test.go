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
