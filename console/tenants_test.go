package console_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
	sessionmem "github.com/gatehouse-go/gatehouse/authn/session/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/console"
)

const tenantPolicy = `
p, operator, *, policy:*, any, allow
p, admin, acme, users:*, any, allow
p, member, acme, docs:read, any, allow
g, admin, member, acme
g, otto, operator, *
g, alice, admin, acme
`

// TestTenants shows the console under a model with tenants: roles in the
// tenant picked, assignments with their tenant, and edits in a tenant.
func TestTenants(t *testing.T) {
	ctx := context.Background()
	engine, err := authz.New(ctx, authz.WithModelFile("../model_tenants.conf"), authz.WithPolicy(tenantPolicy),
		authz.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	sessions, err := session.New(sessionmem.New(), session.Config{})
	require.NoError(t, err)
	c, err := console.New(console.Config{Engine: engine, Sessions: sessions, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	s, err := sessions.Create(ctx, "otto", "")
	require.NoError(t, err)
	r := &rig{t: t, engine: engine, sessions: sessions, console: c,
		cookies: map[string]*http.Cookie{"otto": sessions.Cookie(s, false)}, csrf: map[string]string{"otto": s.CSRFToken.Reveal()}}

	a := r.get("otto", "/console/?tenant=acme")
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.Contains(t, a.body, `<label for="tenant-pick">Tenant</label>`)
	assert.Contains(t, a.body, "<code>docs:read</code> on any in acme <span class=\"from\">from member</span>", "admin inherits member in acme")
	assert.Contains(t, r.get("otto", "/console/subjects?tenant=acme").body, "admin in acme")

	a = r.post("otto", "/console/assignments", url.Values{"subject": {"bea"}, "role": {"member"}, "tenant": {"acme"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	assert.Equal(t, "/console/subjects?done=role-assigned&tenant=acme", a.header.Get("Location"))
	roles, err := engine.Tenant("acme").Roles(ctx, "bea")
	require.NoError(t, err)
	assert.Equal(t, []string{"member"}, roles)

	a = r.post("otto", "/console/assignments", url.Values{"subject": {"bea"}, "role": {"member"}})
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "an assignment without a tenant under a model with tenants: %s", a.body)

	a = r.get("otto", "/console/why?subject=bea&permission=docs:read&tenant=acme")
	assert.Contains(t, a.body, "Allowed")
	assert.Contains(t, a.body, "<li>bea</li><li>member</li>")
	a = r.get("otto", "/console/why?subject=bea&permission=docs:read&tenant=globex")
	assert.Contains(t, a.body, "Denied", "acme's roles do not reach globex")

	a = r.post("otto", "/console/assignments/remove", url.Values{"line": {"g, bea, member, acme"}})
	require.Equal(t, http.StatusSeeOther, a.status, a.body)
	roles, err = engine.Tenant("acme").Roles(ctx, "bea")
	require.NoError(t, err)
	assert.Empty(t, roles)
}
