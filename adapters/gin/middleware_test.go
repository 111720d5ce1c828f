package ginadapter_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
	ginadapter "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// ginPath turns "/posts/{id}" into Gin's "/posts/:id".
func ginPath(p string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(p)
}

// build mounts the conformance suite's routes on a Gin engine that routes
// nested tenants in paths (UseEscapedPath).
func build(t *testing.T, f *adaptertest.Fixture) adaptertest.App {
	// Gin routes on the decoded path by default, where a nested tenant's
	// escaped "/" (acme%2Feu) splits the segment; see the package doc.
	return buildWith(t, f, func(r *gin.Engine) { r.UseEscapedPath = true })
}

// buildWith is build on an engine configure sets up.
func buildWith(t *testing.T, f *adaptertest.Fixture, configure func(*gin.Engine)) adaptertest.App {
	cfg := ginadapter.Config{Guard: f.Guard}
	if f.CustomErrors {
		cfg.ErrorWriter = func(c *gin.Context, e *guard.Error) { adaptertest.WriteCustomError(c.Writer, e) }
	}
	mw, err := ginadapter.New(cfg)
	require.NoError(t, err)

	gin.SetMode(gin.TestMode)
	r := gin.New()
	configure(r)
	r.Use(mw.Authenticate())
	mw.Mount(r, adaptertest.Endpoints(f)...)
	for _, route := range f.Routes() {
		handlers := []gin.HandlerFunc{}
		switch {
		case route.Require != nil:
			handlers = append(handlers, mw.Require(*route.Require))
		case route.Owner != "":
			handlers = append(handlers, mw.RequireOwnership(route.Owner, func(c *gin.Context) (guard.Loaded, error) {
				return f.LoadPost(c.Request.Context(), c.Param("id"))
			}))
		}
		handlers = append(handlers, func(c *gin.Context) {
			if route.Throttled {
				mw.WriteError(c, &authn.ThrottledError{RetryAfter: 90 * time.Second})
				return
			}
			if route.Edit != "" {
				if err := f.Edit(c.Request.Context(), route.Edit, c.Param("org"), c.Param("subject"), c.Param("name")); err != nil {
					mw.WriteError(c, err)
					return
				}
				c.Status(http.StatusNoContent)
				return
			}
			var reply adaptertest.Reply
			if s, ok := ginadapter.SubjectFrom(c); ok {
				f.Remember(s)
				reply.Subject, reply.Method = s.ID, string(s.Method)
			}
			if tenant, ok := ginadapter.Tenant(c); ok {
				f.RememberTenant(tenant)
				reply.Tenant = tenant
			}
			if route.Owner != "" {
				post, ok := ginadapter.Loaded[adaptertest.Post](c)
				require.True(t, ok)
				reply.Post = post.ID
			}
			if route.Filter != "" {
				filter, ok := mw.Filter(c, route.Filter)
				if !ok {
					return
				}
				reply.Filter, reply.Tenant = filter.Kind.String(), filter.Tenant
			}
			c.JSON(http.StatusOK, reply)
		})
		r.Handle(route.Method, ginPath(route.Path), handlers...)
	}
	return func(req *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return rec.Result(), nil
	}
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, build)
}
