package httpadapter

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// Mount registers routes on mux, each at its "METHOD PATH" pattern and
// served by Endpoint: the routes of an accountapi.API, say. Authentication
// is the mux's wrapper's: wrap mux in Authenticate, with the routes'
// endpoint.PublicPaths among Guard.PublicPaths.
func (m *Middleware) Mount(mux *http.ServeMux, routes ...endpoint.Route) {
	for _, route := range routes {
		mux.Handle(route.Pattern(), m.Endpoint(route.Handler))
	}
}

// Endpoint serves a framework-neutral endpoint: it reads the body (413
// past endpoint.MaxBodyBytes, 415 unless declared as JSON), hands h the
// request with the subject Authenticate stored, and writes h's response
// as JSON, or its error as WriteError does, with Cache-Control: no-store.
// Path parameters are read with r.PathValue, so mount it on a ServeMux
// pattern that names them.
func (m *Middleware) Endpoint(h endpoint.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		body, err := readBody(w, r)
		if err != nil {
			m.WriteError(w, r, err)
			return
		}
		req := endpoint.Request{Body: body, TLS: r.TLS != nil, Cookies: endpoint.CookieMap(r.Cookies())}
		if r.URL.RawQuery != "" {
			req.Query, _ = url.ParseQuery(r.URL.RawQuery)
		}
		if names := m.pathNames(r); len(names) > 0 {
			req.PathValues = make(map[string]string, len(names))
			for _, name := range names {
				req.PathValues[name] = r.PathValue(name)
			}
		}
		if addr := guard.ClientAddress(r, m.cfg.Guard.TrustedProxies); addr.IsValid() {
			req.ClientIP = addr.String()
		}
		req.Subject, _ = authn.FromContext(r.Context())
		resp := h(r.Context(), req)
		if resp.Err != nil {
			m.WriteError(w, r, resp.Err)
			return
		}
		m.writeResponse(w, r, resp)
	})
}

// ReadJSON reads r's body into v strictly, for handlers of the
// application's own: a body over endpoint.MaxBodyBytes is a 413, one not
// declared as JSON a 415, and an empty body, malformed JSON, unknown or
// repeated fields and wrong types are 400s (see endpoint.DecodeJSON). The
// error is a *guard.Error for WriteError.
func ReadJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	return endpoint.DecodeJSON(body, v)
}

// readBody reads r's body, at most endpoint.MaxBodyBytes, declared as JSON
// when not empty.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := endpoint.ReadBody(http.MaxBytesReader(w, r.Body, endpoint.MaxBodyBytes))
	if err != nil {
		return nil, err
	}
	return body, endpoint.CheckContentType(r.Header.Values("Content-Type"), body)
}

// pathNames are the names of the path parameters of the ServeMux pattern
// that routed r, if any.
func (m *Middleware) pathNames(r *http.Request) []string {
	if r.Pattern == "" {
		return nil
	}
	_, path, _ := strings.Cut(r.Pattern, " ")
	if path == "" {
		path = r.Pattern
	}
	names := endpoint.Params(path)
	for i, name := range names {
		names[i] = strings.TrimSuffix(name, "...")
	}
	return names
}

// writeResponse writes a successful endpoint response: cookies, status,
// JSON body.
func (m *Middleware) writeResponse(w http.ResponseWriter, r *http.Request, resp endpoint.Response) {
	var body []byte
	if resp.Body != nil {
		b, err := json.Marshal(resp.Body)
		if err != nil {
			m.WriteError(w, r, err)
			return
		}
		body = append(b, '\n')
	}
	for _, c := range resp.Cookies {
		http.SetCookie(w, c)
	}
	if resp.Location != "" {
		w.Header().Set("Location", resp.Location)
	}
	if body == nil {
		w.WriteHeader(resp.Status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(resp.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
