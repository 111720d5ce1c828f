package observe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/observe"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// BenchmarkDecisionMetrics is one decision on gatehouse's default policy
// without a sink, and counted by the Observer on the OpenTelemetry SDK,
// timed (the default) and untimed.
func BenchmarkDecisionMetrics(b *testing.B) {
	ctx := context.Background()
	o, err := observe.New(observe.Config{Meter: sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())).Meter("gatehouse")})
	require.NoError(b, err)
	req := authz.Request{Subject: "moderator", Permission: "posts:delete", Resource: authz.Resource{Owner: "carol"}}
	for _, bench := range []struct {
		name string
		opts []authz.Option
	}{
		{"none", nil},
		{"metrics, untimed", []authz.Option{authz.WithDecisionSink(o, 1), authz.WithDecisionTiming(0)}},
		{"metrics, timed", []authz.Option{authz.WithDecisionSink(o, 1)}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			e, err := authz.New(ctx, bench.opts...)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Decide(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// observedRequests builds BenchmarkRequest of package nethttp (a bearer
// token verified, a permission decided, a handler answering 204) with and
// without an Observer on the OpenTelemetry SDK, and its requests.
type observedRequests struct {
	// handlers by name; each starts with what it adds to "gatehouse".
	handlers          map[string]http.Handler
	plain, withParent *http.Request
}

func newObservedRequests(b *testing.B) observedRequests {
	ctx := context.Background()
	meter := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())).Meter("gatehouse")
	provider := func(sampler sdktrace.Sampler) trace.TracerProvider {
		p := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler), sdktrace.WithBatcher(tracetest.NewNoopExporter()))
		b.Cleanup(func() { _ = p.Shutdown(context.Background()) })
		return p
	}
	everyRequest, oneIn100 := provider(sdktrace.AlwaysSample()), provider(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.01)))
	key, err := token.HS256("k1", []byte("benchmark-signing-key-0123456789abcdef"))
	require.NoError(b, err)
	tokens, err := token.New(token.Config{Issuer: "bench", Keys: []token.Key{key}, Revocations: memstore.New(memstore.Config{})})
	require.NoError(b, err)
	tok, err := tokens.Issue(ctx, "carol")
	require.NoError(b, err)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	guarded := func(tracer trace.Tracer) http.Handler {
		opts := []authz.Option{}
		cfg := guard.Config{Authenticator: tokens.Authenticator()}
		if tracer != nil {
			o, err := observe.New(observe.Config{Meter: meter, Tracer: tracer})
			require.NoError(b, err)
			// Every decision counted, one in 100 timed (see Decision events).
			opts = append(opts, authz.WithDecisionSink(o, 1), authz.WithDecisionTiming(100), authz.WithObserver(o))
			cfg.Observer = o
		}
		engine, err := authz.New(ctx, opts...)
		require.NoError(b, err)
		require.NoError(b, engine.AssignRole(ctx, "carol", "moderator"))
		cfg.Engine = engine
		mw, err := httpadapter.New(httpadapter.Config{Guard: cfg})
		require.NoError(b, err)
		return mw.Authenticate(mw.RequirePermission(permissions.UsersRead)(handler))
	}
	// traced is the application's own tracing middleware, as otelhttp's:
	// a server span around the request, sampled by provider.
	traced := func(provider trace.TracerProvider, h http.Handler) http.Handler {
		tracer := provider.Tracer("app")
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, span := tracer.Start(r.Context(), "GET /admin/users", trace.WithSpanKind(trace.SpanKindServer))
			defer span.End()
			h.ServeHTTP(w, r.WithContext(ctx))
		})
	}
	r := observedRequests{
		handlers: map[string]http.Handler{
			"bare":                                   handler,
			"gatehouse":                              guarded(nil),
			"metrics":                                guarded(noop.NewTracerProvider().Tracer("")),
			"app traces 1 in 100, gatehouse":         traced(oneIn100, guarded(nil)),
			"app traces 1 in 100, metrics and spans": traced(oneIn100, guarded(oneIn100.Tracer("gatehouse"))),
			"app traces all, gatehouse":              traced(everyRequest, guarded(nil)),
			"app traces all, metrics and spans":      traced(everyRequest, guarded(everyRequest.Tracer("gatehouse"))),
			"metrics and spans, traceparent":         guarded(everyRequest.Tracer("gatehouse")),
		},
		plain: httptest.NewRequest("GET", "/admin/users", nil),
	}
	r.plain.Header.Set("Authorization", "Bearer "+tok.Value.Reveal())
	r.withParent = r.plain.Clone(ctx)
	r.withParent.Header.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	return r
}

// BenchmarkRequestObserved is the request without an Observer and with
// one, served in memory so that gatehouse's own cost shows: metrics only;
// behind the application's tracing middleware (a server span, as otelhttp
// makes) sampling 1 request in 100, or every request, without gatehouse's
// Observer and with it, metrics and spans; and with a W3C traceparent and
// no middleware, every span recorded. Spans are batched to an exporter
// that drops them.
func BenchmarkRequestObserved(b *testing.B) {
	r := newObservedRequests(b)
	for _, name := range []string{"bare", "gatehouse", "metrics",
		"app traces 1 in 100, gatehouse", "app traces 1 in 100, metrics and spans",
		"app traces all, gatehouse", "app traces all, metrics and spans", "metrics and spans, traceparent"} {
		req := r.plain
		if strings.HasSuffix(name, "traceparent") {
			req = r.withParent
		}
		b.Run(name, func(b *testing.B) {
			h := r.handlers[name]
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusNoContent {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkRequestObservedOverHTTP is the request as a client makes it,
// over a kept-alive loopback connection, behind the application's tracing
// middleware recording every request: without gatehouse's Observer, and
// with it.
func BenchmarkRequestObservedOverHTTP(b *testing.B) {
	r := newObservedRequests(b)
	for _, name := range []string{"app traces all, gatehouse", "app traces all, metrics and spans"} {
		b.Run(name, func(b *testing.B) {
			srv := httptest.NewServer(r.handlers[name])
			defer srv.Close()
			req, err := http.NewRequest(http.MethodGet, srv.URL+r.plain.URL.Path, nil)
			require.NoError(b, err)
			req.Header = r.plain.Header
			b.ReportAllocs()
			for b.Loop() {
				res, err := srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_ = res.Body.Close()
				if res.StatusCode != http.StatusNoContent {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}

// BenchmarkSDKSpan is the floor under the traced requests above, with
// nothing of gatehouse's: one span of the OpenTelemetry SDK started and
// ended, recorded (batched to an exporter that drops it) without
// attributes and with four, and a root span the sampler drops (1 in 100).
func BenchmarkSDKSpan(b *testing.B) {
	ctx := context.Background()
	attrs := []attribute.KeyValue{attribute.String("gatehouse.authn.outcome", "accepted"),
		attribute.String("gatehouse.authn.credential", "bearer"), attribute.String("gatehouse.subject", "carol"), attribute.Int("n", 1)}
	for _, bench := range []struct {
		name    string
		sampler sdktrace.Sampler
		attrs   []attribute.KeyValue
	}{
		{"recorded", sdktrace.AlwaysSample(), nil},
		{"recorded, four attributes", sdktrace.AlwaysSample(), attrs},
		{"sampled out, 1 in 100", sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.01)), attrs},
	} {
		b.Run(bench.name, func(b *testing.B) {
			provider := sdktrace.NewTracerProvider(sdktrace.WithSampler(bench.sampler), sdktrace.WithBatcher(tracetest.NewNoopExporter()))
			b.Cleanup(func() { _ = provider.Shutdown(context.Background()) })
			tracer := provider.Tracer("bench")
			b.ReportAllocs()
			for b.Loop() {
				_, span := tracer.Start(ctx, observe.AuthenticateSpan)
				if bench.attrs != nil {
					span.SetAttributes(bench.attrs...)
				}
				span.End()
			}
		})
	}
}
