package ginadapter_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
)

// tenantOf asks app for path as the platform operator, admitted to every
// tenant, and returns the status and the tenant the handler was given.
func tenantOf(t *testing.T, app adaptertest.App, f *adaptertest.Fixture, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", f.Bearer("ops"))
	resp, err := app(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, ""
	}
	var reply adaptertest.Reply
	require.NoError(t, json.Unmarshal(body, &reply), "%s", body)
	return resp.StatusCode, reply.Tenant
}

// The tenant of a path parameter is decoded once, as net/http decodes it,
// whatever the engine's settings make of c.Param: Gin unescapes values by
// query rules ("+" a space) under UseEscapedPath and UseRawPath, and not
// at all without UnescapePathValues.
func TestTenantPathWhateverGinsSettings(t *testing.T) {
	t.Parallel()
	settings := map[string]func(*gin.Engine){
		"UseEscapedPath": func(r *gin.Engine) { r.UseEscapedPath = true },
		"UseEscapedPath, values left escaped": func(r *gin.Engine) {
			r.UseEscapedPath, r.UnescapePathValues = true, false
		},
		"UseRawPath": func(r *gin.Engine) { r.UseRawPath = true },
		"UseRawPath, values left escaped": func(r *gin.Engine) {
			r.UseRawPath, r.UnescapePathValues = true, false
		},
	}
	paths := map[string]string{
		"/orgs/acme%2Feu/posts":   "acme/eu",
		"/orgs/acme%252Feu/posts": "acme%2Feu",
		"/orgs/r+d/posts":         "r+d",
		"/orgs/r%20d/posts":       "r d",
		"/orgs/%61cme/posts":      "acme",
		"/orgs/globex/posts":      "globex",
	}
	f := adaptertest.NewTenantFixture(t)
	for name, configure := range settings {
		app := buildWith(t, f, configure)
		for path, want := range paths {
			status, tenant := tenantOf(t, app, f, path)
			assert.Equal(t, http.StatusOK, status, "%s: %s", name, path)
			assert.Equal(t, want, tenant, "%s: %s", name, path)
		}
	}

	// By default Gin routes on the decoded path: an escaped "/" matches no
	// route, and the rest reads as everywhere else.
	app := buildWith(t, f, func(*gin.Engine) {})
	status, _ := tenantOf(t, app, f, "/orgs/acme%2Feu/posts")
	assert.Equal(t, http.StatusNotFound, status)
	for path, want := range paths {
		if path == "/orgs/acme%2Feu/posts" {
			continue
		}
		status, tenant := tenantOf(t, app, f, path)
		assert.Equal(t, http.StatusOK, status, path)
		assert.Equal(t, want, tenant, path)
	}
}
