package blogtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// credential is what a request presents: any of a bearer token, an API key
// and a session cookie (with or without its CSRF token).
type credential struct {
	bearer string
	apiKey string
	cookie *http.Cookie
	csrf   string
}

func (c credential) apply(req *http.Request) {
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.apiKey != "" {
		req.Header.Set("X-API-Key", c.apiKey)
	}
	if c.cookie != nil {
		// Only name and value, as a browser sends it; the attributes were
		// checked where the cookie was set.
		req.AddCookie(&http.Cookie{Name: c.cookie.Name, Value: c.cookie.Value})
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
}

// response is a response read in full.
type response struct {
	status  int
	header  http.Header
	body    []byte
	cookies []*http.Cookie
}

// brief returns the body for a failure message, cut short.
func (r *response) brief() string {
	const max = 500
	if len(r.body) > max {
		return string(r.body[:max]) + "…"
	}
	return string(r.body)
}

// object returns the body as a JSON object, failing t if it is not one.
func (r *response) object(t *testing.T) object {
	t.Helper()
	o, err := parseObject(r.body)
	require.NoError(t, err, "body %s", r.brief())
	return o
}

// errorCode returns the "error" field of an error body, or "".
func (r *response) errorCode() string {
	o, err := parseObject(r.body)
	if err != nil {
		return ""
	}
	code, _ := o.text("error")
	return code
}

// send makes one request with client, records it in w.transcript and
// checks the rules that hold for every response of the contract (see
// contractViolations).
func (w *world) send(t *testing.T, client *http.Client, method, path string, cred credential, body string) *response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, w.srv.URL+path, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	cred.apply(req)
	res, err := client.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err, "%s %s: reading the body", method, path)
	r := &response{status: res.StatusCode, header: res.Header, body: b, cookies: res.Cookies()}
	w.transcript = append(w.transcript, exchange{method: method, path: path, body: body, response: r})
	for _, v := range contractViolations(req, r) {
		t.Errorf("%s %s → %d: %s", method, path, r.status, v)
	}
	return r
}

// errorCodes are the codes the contract allows for each error status.
var errorCodes = map[int][]string{
	http.StatusBadRequest:            {"invalid_request"},
	http.StatusUnauthorized:          {"unauthorized", "invalid_credentials", "invalid_token", "insufficient_user_authentication"},
	http.StatusForbidden:             {"forbidden", "csrf", "invalid_credentials"},
	http.StatusNotFound:              {"not_found"},
	http.StatusConflict:              {"conflict"},
	http.StatusRequestEntityTooLarge: {"payload_too_large"},
	http.StatusUnsupportedMediaType:  {"unsupported_media_type"},
	// Only Fiber lets the API write this one; net/http and Gin answer it
	// before any handler runs (see Hostile).
	http.StatusRequestHeaderFieldsTooLarge: {"headers_too_large"},
	http.StatusTooManyRequests:             {"too_many_requests"},
	http.StatusNotImplemented:              {"not_implemented"},
	http.StatusHTTPVersionNotSupported:     {"http_version_not_supported"},
}

// The WWW-Authenticate challenges of a 401: the second when a bearer token
// was presented and refused.
// A good credential whose login is too old for the operation gets RFC
// 9470's step-up challenge instead, which begins with stepUpChallenge.
const (
	challenge        = `Bearer realm="gatehouse"`
	invalidChallenge = `Bearer realm="gatehouse", error="invalid_token"`
	stepUpChallenge  = `Bearer realm="gatehouse", error="insufficient_user_authentication"`
)

// maxRetryAfter is the throttling window of the contract, 15 minutes: no
// caller should be told to wait longer.
const maxRetryAfter = 15 * 60

// contractViolations lists how r breaks the rules every response of the
// contract follows: no 5xx; JSON bodies (none on 204); errors as
// {"error": CODE, "message": TEXT} with a CODE of the status; the
// WWW-Authenticate challenge on every 401, naming invalid_token when req
// presented a bearer token; Retry-After in whole seconds on every 429.
func contractViolations(req *http.Request, r *response) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	if r.status >= 500 {
		add("a server error; the contract has none (body %s)", r.brief())
	}
	if r.status == http.StatusNoContent {
		if len(r.body) != 0 {
			add("204 with a body: %s", r.brief())
		}
		return out
	}
	if len(r.body) == 0 {
		if r.status != http.StatusCreated {
			add("empty body; the contract answers JSON")
		}
	} else {
		if mt, _, err := mime.ParseMediaType(r.header.Get("Content-Type")); err != nil || mt != "application/json" {
			add("Content-Type %q, want application/json", r.header.Get("Content-Type"))
		}
		if !json.Valid(r.body) {
			add("body is not JSON: %s", r.brief())
		}
	}

	if r.status >= 400 {
		codes, known := errorCodes[r.status]
		if !known {
			add("status %d is not one the contract uses (body %s)", r.status, r.brief())
		}
		o, err := parseObject(r.body)
		if err != nil {
			add("error body: %v", err)
		} else {
			if err := o.hasKeys("error", "message"); err != nil {
				add("error body: %v", err)
			}
			code, _ := o.text("error")
			if known && !slices.Contains(codes, code) {
				add("error code %q, want one of %q", code, codes)
			}
			if msg, err := o.text("message"); err != nil || msg == "" {
				add("error body has no message: %s", r.brief())
			}
		}
	}

	if r.status == http.StatusUnauthorized {
		got := r.header.Values("WWW-Authenticate")
		presentedBearer := strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ")
		stepUp := r.errorCode() == "insufficient_user_authentication"
		switch {
		case len(got) != 1:
			add("WWW-Authenticate %q, want exactly one challenge", got)
		case stepUp && !strings.HasPrefix(got[0], stepUpChallenge):
			add("WWW-Authenticate %q for a login too old, want %q", got[0], stepUpChallenge+"…")
		case stepUp:
		case presentedBearer && got[0] != invalidChallenge:
			add("WWW-Authenticate %q after a refused bearer token, want %q", got[0], invalidChallenge)
		case got[0] != challenge && got[0] != invalidChallenge:
			add("WWW-Authenticate %q, want %q", got[0], challenge)
		}
	}

	if r.status == http.StatusTooManyRequests {
		ra := r.header.Get("Retry-After")
		if s, err := strconv.Atoi(ra); err != nil || s < 1 || s > maxRetryAfter {
			add("Retry-After %q, want whole seconds from 1 to %d", ra, maxRetryAfter)
		}
	}
	return out
}
