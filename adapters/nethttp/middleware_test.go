package httpadapter_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn"
)

// build mounts the conformance suite's routes on a ServeMux.
func build(t *testing.T, f *adaptertest.Fixture) adaptertest.App {
	cfg := httpadapter.Config{Guard: f.Guard}
	if f.CustomErrors {
		cfg.ErrorWriter = func(w http.ResponseWriter, _ *http.Request, e *guard.Error) { adaptertest.WriteCustomError(w, e) }
	}
	mw, err := httpadapter.New(cfg)
	require.NoError(t, err)

	mux := http.NewServeMux()
	for _, route := range f.Routes() {
		var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if route.Throttled {
				mw.WriteError(w, r, &authn.ThrottledError{RetryAfter: 90 * time.Second})
				return
			}
			if route.Edit != "" {
				if err := f.Edit(r.Context(), route.Edit, r.PathValue("org"), r.PathValue("subject"), r.PathValue("name")); err != nil {
					mw.WriteError(w, r, err)
					return
				}
				w.WriteHeader(http.StatusNoContent)
				return
			}
			var reply adaptertest.Reply
			if s, ok := httpadapter.SubjectFrom(r.Context()); ok {
				f.Remember(s)
				reply.Subject, reply.Method = s.ID, string(s.Method)
			}
			if tenant, ok := httpadapter.Tenant(r); ok {
				f.RememberTenant(tenant)
				reply.Tenant = tenant
			}
			if route.Owner != "" {
				post, ok := httpadapter.Loaded[adaptertest.Post](r)
				require.True(t, ok)
				reply.Post = post.ID
			}
			if route.Filter != "" {
				filter, ok := mw.Filter(w, r, route.Filter)
				if !ok {
					return
				}
				reply.Filter, reply.Tenant = filter.Kind.String(), filter.Tenant
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(reply)
		})
		switch {
		case route.Require != nil:
			h = mw.Require(*route.Require)(h)
		case route.Owner != "":
			h = mw.RequireOwnership(route.Owner, func(r *http.Request) (guard.Loaded, error) {
				return f.LoadPost(r.Context(), r.PathValue("id"))
			})(h)
		}
		mux.Handle(route.Method+" "+route.Path, h)
	}
	mw.Mount(mux, adaptertest.Endpoints(f)...)
	app := mw.Authenticate(mux)
	return func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, r)
		return rec.Result(), nil
	}
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, build)
}
