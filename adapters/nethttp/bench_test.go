package httpadapter_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// BenchmarkRequest measures what gatehouse adds to a request: the same
// handler served bare, and behind Authenticate (HS256 verification of a
// bearer token with revocation checks) and RequirePermission (a decision on
// the default policy). The difference per op is the middleware's cost.
func BenchmarkRequest(b *testing.B) {
	ctx := context.Background()
	engine, err := authz.New(ctx)
	require.NoError(b, err)
	require.NoError(b, engine.AssignRole(ctx, "carol", "moderator"))
	revocations := memstore.New(memstore.Config{})
	key, err := token.HS256("k1", []byte("benchmark-signing-key-0123456789abcdef"))
	require.NoError(b, err)
	tokens, err := token.New(token.Config{Issuer: "bench", Keys: []token.Key{key}, Revocations: revocations})
	require.NoError(b, err)
	tok, err := tokens.Issue(ctx, "carol")
	require.NoError(b, err)
	mw, err := httpadapter.New(httpadapter.Config{Guard: guard.Config{Authenticator: tokens.Authenticator(), Engine: engine}})
	require.NoError(b, err)

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	guarded := mw.Authenticate(mw.RequirePermission(permissions.UsersRead)(handler))
	req := httptest.NewRequest("GET", "/admin/users", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Value.Reveal())

	for _, bench := range []struct {
		name string
		h    http.Handler
	}{{"bare", handler}, {"gatehouse", guarded}} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				bench.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusNoContent {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
	// Every request with a token not seen before, as after a client's
	// refresh: its signature checked and its claims decoded, which the
	// requests above do once.
	b.Run("gatehouse/first-sight", func(b *testing.B) {
		reqs := make([]*http.Request, b.N)
		for i := range reqs {
			tok, err := tokens.Issue(ctx, "carol")
			require.NoError(b, err)
			reqs[i] = httptest.NewRequest("GET", "/admin/users", nil)
			reqs[i].Header.Set("Authorization", "Bearer "+tok.Value.Reveal())
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rec := httptest.NewRecorder()
			guarded.ServeHTTP(rec, reqs[i])
			if rec.Code != http.StatusNoContent {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// countingWriter counts what a logger writes.
type countingWriter struct{ bytes, lines int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.bytes += int64(len(p))
	w.lines += int64(bytes.Count(p, []byte("\n")))
	return len(p), nil
}

// BenchmarkDeniedFlood is one subject hammering a route it may not use,
// with denials logged as text: every line (LogBurst -1, as before the
// limit), or at most five a minute (the default). It reports the log
// bytes and lines each request cost.
func BenchmarkDeniedFlood(b *testing.B) {
	ctx := context.Background()
	engine, err := authz.New(ctx)
	require.NoError(b, err)
	require.NoError(b, engine.AssignRole(ctx, "mallory", "user"))
	key, err := token.HS256("k1", []byte("benchmark-signing-key-0123456789abcdef"))
	require.NoError(b, err)
	tokens, err := token.New(token.Config{Issuer: "bench", Keys: []token.Key{key}, Revocations: memstore.New(memstore.Config{})})
	require.NoError(b, err)
	tok, err := tokens.Issue(ctx, "mallory")
	require.NoError(b, err)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	req := httptest.NewRequest("GET", "/admin/users", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Value.Reveal())

	for _, bench := range []struct {
		name  string
		burst int
	}{{"every line", -1}, {"limited", 0}} {
		b.Run(bench.name, func(b *testing.B) {
			logs := &countingWriter{}
			mw, err := httpadapter.New(httpadapter.Config{Guard: guard.Config{Authenticator: tokens.Authenticator(), Engine: engine,
				Logger: slog.New(slog.NewTextHandler(logs, nil)), LogBurst: bench.burst}})
			require.NoError(b, err)
			h := mw.Authenticate(mw.RequirePermission(permissions.UsersDelete)(handler))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusForbidden {
					b.Fatalf("status %d", rec.Code)
				}
			}
			b.ReportMetric(float64(logs.bytes)/float64(b.N), "log-B/op")
			b.ReportMetric(float64(logs.lines)/float64(b.N), "log-lines/op")
		})
	}
}
