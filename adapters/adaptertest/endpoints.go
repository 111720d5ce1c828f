package adaptertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/authn"
)

// The endpoints part of the suite checks an adapter's Mount: that a
// framework-neutral endpoint gets the same request, and its response is
// written the same way, whatever the framework. An adapter's build mounts
// Endpoints(f) with its Mount beside Routes, behind the same Authenticate.

// EchoCookie is the cookie the echo endpoints read.
const EchoCookie = "flavour"

// Echo is the JSON body of the echo endpoints: what they were handed.
type Echo struct {
	Subject  string `json:"subject"`
	Method   string `json:"method"`
	Param    string `json:"param"`
	Cookie   string `json:"cookie"`
	Value    string `json:"value"`
	ClientIP string `json:"client_ip"`
	TLS      bool   `json:"tls"`
}

// keptRequest is an endpoint request a handler kept, with a copy taken
// at the time.
type keptRequest struct {
	kept     endpoint.Request
	param    string
	cookie   string
	body     []byte
	snapshot Echo
}

// endpointState is what the echo endpoints kept, per fixture.
type endpointState struct {
	mu   sync.Mutex
	kept []keptRequest
}

var endpointStates sync.Map // *Fixture → *endpointState

func (f *Fixture) endpoints() *endpointState {
	s, _ := endpointStates.LoadOrStore(f, &endpointState{})
	return s.(*endpointState)
}

// Endpoints are the suite's framework-neutral endpoints, for the adapter's
// Mount:
//
//	POST   /endpoint/echo/{name}   decodes {"value": string} and answers 200 with an Echo
//	GET    /endpoint/echo/{name}   answers 200 with an Echo
//	POST   /public/endpoint/cookie answers 201 {"set": true} with the cookie flavour=ginger
//	DELETE /endpoint/nothing       answers 204
//	POST   /public/endpoint/busy   fails with a *authn.ThrottledError of 90 s
//	GET    /endpoint/broken        fails with an error nobody classified
//
// The echo endpoints keep every request they are handed, as an
// application may, and the suite checks later that none has changed.
func Endpoints(f *Fixture) []endpoint.Route {
	state := f.endpoints()
	echo := func(_ context.Context, r endpoint.Request) endpoint.Response {
		var in struct {
			Value string `json:"value"`
		}
		if len(r.Body) > 0 {
			if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
				return endpoint.Fail(err)
			}
		}
		out := Echo{Subject: r.Subject.ID, Method: string(r.Subject.Method), Param: r.Param("name"),
			Cookie: r.CookieValue(EchoCookie), Value: in.Value, ClientIP: r.ClientIP, TLS: r.TLS}
		state.mu.Lock()
		state.kept = append(state.kept, keptRequest{kept: r, param: strings.Clone(out.Param),
			cookie: strings.Clone(out.Cookie), body: bytes.Clone(r.Body), snapshot: out})
		state.mu.Unlock()
		return endpoint.JSON(http.StatusOK, out)
	}
	return []endpoint.Route{
		{Method: http.MethodPost, Path: "/endpoint/echo/{name}", Handler: echo},
		{Method: http.MethodGet, Path: "/endpoint/echo/{name}", Handler: echo},
		{Method: http.MethodPost, Path: "/public/endpoint/cookie", Public: true,
			Handler: func(context.Context, endpoint.Request) endpoint.Response {
				return endpoint.Response{Status: http.StatusCreated, Body: map[string]bool{"set": true},
					Cookies: []*http.Cookie{{Name: EchoCookie, Value: "ginger", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}}}
			}},
		{Method: http.MethodDelete, Path: "/endpoint/nothing", Handler: func(context.Context, endpoint.Request) endpoint.Response {
			return endpoint.NoContent()
		}},
		{Method: http.MethodPost, Path: "/public/endpoint/busy", Public: true, Handler: func(context.Context, endpoint.Request) endpoint.Response {
			return endpoint.Fail(&authn.ThrottledError{RetryAfter: 90 * time.Second})
		}},
		{Method: http.MethodGet, Path: "/endpoint/broken", Handler: func(context.Context, endpoint.Request) endpoint.Response {
			return endpoint.Fail(errors.New("the store is on fire"))
		}},
	}
}

// endpointRequest is one request to an endpoint.
type endpointRequest struct {
	method, path string
	header       map[string]string
	body         []byte
}

func (f *Fixture) sendEndpoint(t *testing.T, app App, r endpointRequest) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(r.method, r.path, bytes.NewReader(r.body))
	req.RemoteAddr = "192.0.2.7:41000"                           // a trusted proxy of the fixture
	req.Header.Set("X-Forwarded-For", "198.51.100.9, 192.0.2.9") // another trusted proxy
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := app(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

func runEndpoints(t *testing.T, build func(t *testing.T, f *Fixture) App) {
	f := NewFixture(t)
	app := build(t, f)
	asBob := func(h map[string]string) map[string]string {
		out := map[string]string{"Authorization": "Bearer " + f.bearer["bob"]}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	jsonBody := map[string]string{"Content-Type": "application/json"}
	tests := []struct {
		name   string
		req    endpointRequest
		status int
		code   string            // for errors
		header map[string]string // exact values
		echo   *Echo             // for the echo endpoints
		body   string            // exact body otherwise
	}{
		{name: "a JSON body, a path parameter, a cookie and the subject reach the endpoint",
			req: endpointRequest{method: "POST", path: "/endpoint/echo/tea", body: []byte(`{"value":"hot"}`),
				header: asBob(map[string]string{"Content-Type": "application/json; charset=utf-8", "Cookie": EchoCookie + "=mint"})},
			status: 200, header: map[string]string{"Cache-Control": "no-store", "Content-Type": "application/json; charset=utf-8"},
			echo: &Echo{Subject: "bob", Method: "bearer", Param: "tea", Cookie: "mint", Value: "hot", ClientIP: "198.51.100.9"}},
		{name: "GET without a body",
			req:    endpointRequest{method: "GET", path: "/endpoint/echo/%C3%A9t%C3%A9", header: asBob(nil)},
			status: 200, echo: &Echo{Subject: "bob", Method: "bearer", Param: "été", ClientIP: "198.51.100.9"}},
		{name: "HEAD is routed as GET, without a body",
			req:    endpointRequest{method: "HEAD", path: "/endpoint/echo/tea", header: asBob(nil)},
			status: 200, body: ""},
		{name: "authentication comes first",
			req:    endpointRequest{method: "POST", path: "/endpoint/echo/tea", body: []byte(`{"value":"hot"}`), header: jsonBody},
			status: 401, code: "unauthorized"},
		{name: "a body over the limit is 413",
			req: endpointRequest{method: "POST", path: "/endpoint/echo/tea", header: asBob(jsonBody),
				body: []byte(`{"value":"` + strings.Repeat("a", endpoint.MaxBodyBytes) + `"}`)},
			status: 413, code: "payload_too_large"},
		{name: "a body not declared as JSON is 415",
			req:    endpointRequest{method: "POST", path: "/endpoint/echo/tea", header: asBob(map[string]string{"Content-Type": "text/plain"}), body: []byte(`{"value":"hot"}`)},
			status: 415, code: "unsupported_media_type"},
		{name: "malformed JSON is 400",
			req:    endpointRequest{method: "POST", path: "/endpoint/echo/tea", header: asBob(jsonBody), body: []byte(`{"value":`)},
			status: 400, code: "invalid_request"},
		{name: "an unknown field is 400",
			req:    endpointRequest{method: "POST", path: "/endpoint/echo/tea", header: asBob(jsonBody), body: []byte(`{"value":"a","admin":true}`)},
			status: 400, code: "invalid_request"},
		{name: "a repeated field is 400",
			req:    endpointRequest{method: "POST", path: "/endpoint/echo/tea", header: asBob(jsonBody), body: []byte(`{"value":"a","VALUE":"b"}`)},
			status: 400, code: "invalid_request"},
		{name: "cookies are set",
			req:    endpointRequest{method: "POST", path: "/public/endpoint/cookie"},
			status: 201, body: `{"set":true}` + "\n"},
		{name: "no content",
			req:    endpointRequest{method: "DELETE", path: "/endpoint/nothing", header: asBob(nil)},
			status: 204, body: ""},
		{name: "an error keeps its status and headers",
			req:    endpointRequest{method: "POST", path: "/public/endpoint/busy"},
			status: 429, code: "too_many_requests", header: map[string]string{"Retry-After": "90", "Cache-Control": "no-store"}},
		{name: "an error nobody classified is 503, its text kept from the client",
			req:    endpointRequest{method: "GET", path: "/endpoint/broken", header: asBob(nil)},
			status: 503, code: "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, raw := f.sendEndpoint(t, app, tt.req)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, raw)
			}
			for name, value := range tt.header {
				if got := resp.Header.Get(name); got != value {
					t.Errorf("header %s = %q, want %q", name, got, value)
				}
			}
			if tt.req.path == "/public/endpoint/cookie" {
				c, err := http.ParseSetCookie(resp.Header.Get("Set-Cookie"))
				if err != nil || c.Name != EchoCookie || c.Value != "ginger" || c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Errorf("Set-Cookie %q, want %s=ginger; Path=/; HttpOnly; SameSite=Lax", resp.Header.Get("Set-Cookie"), EchoCookie)
				}
			}
			switch {
			case tt.code != "":
				var body map[string]string
				if err := json.Unmarshal(raw, &body); err != nil || body["error"] != tt.code || body["message"] == "" {
					t.Errorf("error body %q, want code %q", raw, tt.code)
				}
				if strings.Contains(string(raw), "fire") {
					t.Errorf("the error body quotes the error: %s", raw)
				}
				if !bytes.HasSuffix(raw, []byte("\n")) {
					t.Errorf("the error body %q does not end with a newline", raw)
				}
			case tt.echo != nil:
				var got Echo
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatalf("body %s: %v", raw, err)
				}
				if got != *tt.echo {
					t.Errorf("echo %+v, want %+v", got, *tt.echo)
				}
				if !bytes.HasSuffix(raw, []byte("\n")) {
					t.Errorf("the body %q does not end with a newline", raw)
				}
			default:
				if string(raw) != tt.body {
					t.Errorf("body %q, want %q", raw, tt.body)
				}
			}
		})
	}

	t.Run("what an endpoint keeps does not change under churn", func(t *testing.T) {
		for i := range 200 {
			name := fmt.Sprintf("n%03d-%s", i, strings.Repeat("x", i%37))
			resp, raw := f.sendEndpoint(t, app, endpointRequest{method: "POST", path: "/endpoint/echo/" + name,
				header: asBob(map[string]string{"Content-Type": "application/json", "Cookie": EchoCookie + "=c" + name}),
				body:   []byte(`{"value":"v` + name + `"}`)})
			if resp.StatusCode != 200 {
				t.Fatalf("round %d: %d %s", i, resp.StatusCode, raw)
			}
			// Requests that make the framework reuse its buffers.
			f.sendEndpoint(t, app, endpointRequest{method: "POST", path: "/endpoint/echo/" + strings.Repeat("z", 500+i),
				header: asBob(map[string]string{"Content-Type": "application/json", "Cookie": EchoCookie + "=" + strings.Repeat("q", 900)}),
				body:   []byte(`{"value":"` + strings.Repeat("w", 4000) + `"}`)})
		}
		state := f.endpoints()
		state.mu.Lock()
		defer state.mu.Unlock()
		for i, k := range state.kept {
			if k.kept.Param("name") != k.param || k.kept.CookieValue(EchoCookie) != k.cookie || !bytes.Equal(k.kept.Body, k.body) ||
				k.kept.Subject.ID != k.snapshot.Subject || string(k.kept.Subject.Method) != k.snapshot.Method {
				t.Fatalf("kept request %d changed after its handler returned: param %q → %q, cookie %q → %q",
					i, k.param, k.kept.Param("name"), k.cookie, k.kept.CookieValue(EchoCookie))
			}
		}
	})
}
