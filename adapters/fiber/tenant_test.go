package fiberadapter_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
)

// askAs sends method target, exactly as written, to app as subject, and
// returns the status, the tenant the handler was given and the error code
// of a refusal.
func askAs(t *testing.T, app adaptertest.App, f *adaptertest.Fixture, method, subject, target string) (status int, tenant, code string) {
	t.Helper()
	// An opaque URL is sent as it is: Fiber gets request targets net/http
	// could not even parse.
	req := &http.Request{Method: method, URL: &url.URL{Opaque: target}, Host: "example.test",
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"Authorization": {f.Bearer(subject)}}}
	resp, err := app(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusOK {
		var refusal map[string]string
		_ = json.Unmarshal(body, &refusal)
		return resp.StatusCode, "", refusal["error"]
	}
	var reply adaptertest.Reply
	require.NoError(t, json.Unmarshal(body, &reply), "%s", body)
	return resp.StatusCode, reply.Tenant, ""
}

// fasthttp lets through request targets net/http's server answers 400
// before any handler: a "%" not followed by two hex digits. Such a path
// parameter names no tenant — a 404, never its raw text taken for a
// tenant's name, never a 500 — while the same name properly escaped is a
// tenant like any other.
func TestTenantPathWithInvalidEscapes(t *testing.T) {
	t.Parallel()
	f := adaptertest.NewTenantFixture(t)
	app := build(t, f)
	for target, method := range map[string]string{
		"/orgs/acme%zz/posts": "GET", "/orgs/acme%2/posts": "GET", "/orgs/acme%/posts": "GET", "/orgs/%G1cme/posts": "GET",
		"/orgs/acme%2Feu%/posts": "GET", "/orgs/acme%zz/posts/p-1": "DELETE", "/orgs/acme%zz/feed": "GET",
	} {
		for _, subject := range []string{"ops", "alice"} {
			status, _, code := askAs(t, app, f, method, subject, target)
			assert.Equal(t, http.StatusNotFound, status, "%s as %s", target, subject)
			assert.Equal(t, "not_found", code, "%s as %s", target, subject)
		}
	}
	status, tenant, _ := askAs(t, app, f, "GET", "ops", "/orgs/acme%25zz/posts")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "acme%zz", tenant)
}

// Under UnescapePath Fiber decodes the path before routing: the adapter
// takes the parameter as Fiber decoded it, never a second time, and an
// escaped "/" splits the segment, matching no route.
func TestTenantPathUnderUnescapePath(t *testing.T) {
	t.Parallel()
	f := adaptertest.NewTenantFixture(t)
	app := buildWith(t, f, fiber.Config{UnescapePath: true})
	status, tenant, _ := askAs(t, app, f, "GET", "ops", "/orgs/acme%252Feu/posts")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "acme%2Feu", tenant, "decoded once, by Fiber")
	status, tenant, _ = askAs(t, app, f, "GET", "ops", "/orgs/%61cme/posts")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "acme", tenant)
	status, _, _ = askAs(t, app, f, "GET", "bob", "/orgs/acme%2Feu/posts")
	assert.Equal(t, http.StatusNotFound, status, "no route: Fiber split the segment")
}
