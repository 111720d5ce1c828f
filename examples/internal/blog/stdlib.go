package blog

import (
	"encoding/json"
	"net"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// RequestFrom gathers a Request from a net/http request (as net/http and
// Gin have it) whose body has been read, with id the {id} path parameter.
func (a *App) RequestFrom(r *http.Request, id string, body []byte) Request {
	req := Request{Body: body, ID: id, ClientIP: ClientIP(r.RemoteAddr), TLS: r.TLS != nil}
	req.Subject, _ = authn.FromContext(r.Context())
	req.Loaded, _ = guard.LoadedFrom[Post](r.Context())
	if c, err := r.Cookie(a.SessionCookieName()); err == nil {
		req.SessionCookie = c.Value
	}
	return req
}

// ClientIP is the host part of a remote address. The example trusts no
// proxy header: behind a proxy, configure the framework's trusted proxies
// and pass the address it resolves.
func ClientIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// WriteResponse writes a successful Response to an http.ResponseWriter:
// cookies, status, JSON body.
func WriteResponse(w http.ResponseWriter, resp Response) {
	for _, c := range resp.Cookies {
		http.SetCookie(w, c)
	}
	if resp.Body == nil {
		w.WriteHeader(resp.Status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(resp.Status)
	_ = json.NewEncoder(w).Encode(resp.Body)
}

// NotFound is the JSON 404 of a route that does not exist.
var NotFound = &guard.Error{Status: http.StatusNotFound, Code: guard.CodeNotFound, Message: "no such route"}
