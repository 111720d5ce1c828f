package guard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// The error codes of the JSON body, one per kind of refusal.
const (
	CodeInvalidRequest = "invalid_request" // 400: the request is malformed
	CodeUnauthorized   = "unauthorized"    // 401: no credentials, or ones that were refused
	CodeInvalidToken   = "invalid_token"   // 401: a bearer token was presented and refused
	// CodeReauthenticate is RFC 9470's code, 401: the credential is good but
	// its login is too old for the operation; log in again.
	CodeReauthenticate  = "insufficient_user_authentication"
	CodeForbidden       = "forbidden"         // 403: authenticated, not allowed
	CodeCSRF            = "csrf"              // 403: a cookie-authenticated unsafe request without its CSRF token
	CodeNotFound        = "not_found"         // 404: no such resource
	CodeConflict        = "conflict"          // 409: the edit contradicts the state (exists already, would make a cycle)
	CodeTooManyRequests = "too_many_requests" // 429: throttled; see Retry-After
	CodeUnavailable     = "unavailable"       // 503: the decision could not be made; try again

	// Codes of refusals written for the HTTP layer rather than gatehouse,
	// so that applications answer them in the same JSON shape.
	CodePayloadTooLarge     = "payload_too_large"          // 413: the body is over the limit
	CodeHeadersTooLarge     = "headers_too_large"          // 431: the headers are over the limit
	CodeTimeout             = "timeout"                    // 408: the request did not arrive in time
	CodeMethodNotAllowed    = "method_not_allowed"         // 405: the route does not take the method
	CodeNotImplemented      = "not_implemented"            // 501: an unknown method or transfer coding
	CodeVersionNotSupported = "http_version_not_supported" // 505: not HTTP/1.x
)

// ErrNotFound is what a resource loader returns (wrapped or not) for a
// resource that does not exist; the Guard answers 404.
var ErrNotFound = errors.New("resource not found")

// Error is a refusal, ready to be written: Status, the Code and Message of
// the JSON body, and Header to add to the response. Cause, when set, is the
// error behind it, for logs only: it never reaches the client.
type Error struct {
	Status  int
	Code    string
	Message string
	Header  http.Header
	Cause   error
}

// Error returns "code: message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Unwrap returns Cause.
func (e *Error) Unwrap() error { return e.Cause }

// body is the JSON shape of an Error.
type body struct {
	Code    string `json:"error"`
	Message string `json:"message"`
}

// Body returns the JSON body: {"error": Code, "message": Message} and a
// newline, as json.Encoder ends the bodies of successful answers.
func (e *Error) Body() []byte {
	b, err := json.Marshal(body{Code: e.Code, Message: e.Message})
	if err != nil { // two strings always marshal; keep the response well formed regardless
		b = []byte(`{"error":"unavailable","message":"error encoding failed"}`)
	}
	return append(b, '\n')
}

// SetHeaders sets e's protocol headers (WWW-Authenticate, Retry-After) on
// h, replacing any of the same name. Adapters call it before any error
// writer, the default or one of the application's, so a custom body never
// loses what HTTP clients rely on.
func (e *Error) SetHeaders(h http.Header) {
	for name, values := range e.Header {
		h[http.CanonicalHeaderKey(name)] = append([]string(nil), values...)
	}
}

// WriteTo writes e to an http.ResponseWriter: headers, status, JSON body.
// The nethttp and gin adapters use it; others copy its three steps.
func (e *Error) WriteTo(w http.ResponseWriter) {
	e.SetHeaders(w.Header())
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	_, _ = w.Write(e.Body())
}

// BadRequest is a 400 invalid_request with message, for loaders and
// handlers that find a request malformed (an id that is not a number).
func BadRequest(message string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Message: message}
}

// NotImplemented is a 501 not_implemented with message, for a method or a
// transfer coding the server does not know (RFC 9110 §15.6.2).
func NotImplemented(message string) *Error {
	return &Error{Status: http.StatusNotImplemented, Code: CodeNotImplemented, Message: message}
}

// BadRequestFor is BadRequest with the error behind it, kept for logs.
func BadRequestFor(cause error, message string) *Error {
	e := BadRequest(message)
	e.Cause = cause
	return e
}

// ErrorFor turns any error into the refusal a client should see. It knows
// the authn and authz errors, ErrNotFound and *Error (returned as is). The
// errors of a policy edit are the client's: a malformed name, permission,
// scope or effect is a 400, a rule that is not there a 404, one that is
// already there or an assignment that would make a cycle or too deep a
// chain a 409. A replica that cannot vouch for its state
// (authn.ErrUnavailable, authz.ErrUnavailable) is a 503 with Retry-After;
// anything else becomes a 503, because an error nobody classified must not
// turn into an allow nor leak its text — and is logged, with its text, on
// the Guard's logger, since it is a fault to look into.
func (g *Guard) ErrorFor(err error) *Error {
	e := g.classify(err)
	if e.Code == CodeUnavailable && !errors.Is(err, authn.ErrUnavailable) && !errors.Is(err, authz.ErrUnavailable) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		g.log.Error("gatehouse: answered 503 for an unexpected error", "error", err)
	}
	return e
}

func (g *Guard) classify(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, authn.ErrNoCredentials):
		return g.unauthorized(CodeUnauthorized, "authentication required", err, false)
	case errors.Is(err, authn.ErrReauthenticationRequired):
		return g.reauthenticate(err)
	case errors.Is(err, authn.ErrInvalidToken):
		return g.unauthorized(CodeInvalidToken, tokenMessage(err), err, true)
	case errors.Is(err, authn.ErrInvalidCredentials):
		return g.unauthorized(CodeUnauthorized, "invalid credentials", err, false)
	case errors.Is(err, authn.ErrCSRF):
		return &Error{Status: http.StatusForbidden, Code: CodeCSRF, Message: "missing or invalid CSRF token", Cause: err}
	case errors.Is(err, authn.ErrThrottled):
		e := &Error{Status: http.StatusTooManyRequests, Code: CodeTooManyRequests, Message: "too many attempts", Cause: err, Header: http.Header{}}
		var throttled *authn.ThrottledError
		seconds := 1
		if errors.As(err, &throttled) {
			seconds = authn.RetryAfterSeconds(throttled.RetryAfter)
		}
		e.Header.Set("Retry-After", strconv.Itoa(seconds))
		e.Message = fmt.Sprintf("too many attempts; retry after %d seconds", seconds)
		return e
	case errors.Is(err, ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "not found", Cause: err}
	case errors.Is(err, authn.ErrUnavailable), errors.Is(err, authz.ErrUnavailable):
		e := &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable,
			Message: "temporarily unavailable; try again", Cause: err, Header: http.Header{}}
		e.Header.Set("Retry-After", "1")
		return e
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "request cancelled", Cause: err}
	case errors.Is(err, authz.ErrInvalidRequest):
		return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Message: "forbidden", Cause: err}
	case errors.Is(err, authz.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such rule", Cause: err}
	case errors.Is(err, authz.ErrExists):
		return &Error{Status: http.StatusConflict, Code: CodeConflict, Message: "the rule exists already", Cause: err}
	case errors.Is(err, authz.ErrCycle):
		return &Error{Status: http.StatusConflict, Code: CodeConflict, Message: "the role would inherit itself", Cause: err}
	case errors.Is(err, authz.ErrTooDeep):
		return &Error{Status: http.StatusConflict, Code: CodeConflict,
			Message: fmt.Sprintf("the chain of roles would be longer than %d", authz.MaxRoleDepth), Cause: err}
	case errors.Is(err, authz.ErrInvalidTenant): // before ErrInvalidSubject, which it may wrap
		return BadRequestFor(err, "malformed tenant")
	case errors.Is(err, authz.ErrInvalidSubject):
		return BadRequestFor(err, "malformed subject or role name")
	case errors.Is(err, permissions.ErrInvalidPermission):
		return BadRequestFor(err, "malformed permission")
	case errors.Is(err, permissions.ErrInvalidScope):
		return BadRequestFor(err, "malformed scope")
	case errors.Is(err, authz.ErrInvalidEffect):
		return BadRequestFor(err, "malformed effect: want allow or deny")
	case errors.Is(err, authz.ErrInvalidPolicy):
		return BadRequestFor(err, "malformed policy")
	}
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "service unavailable", Cause: err}
}

// tokenMessage says why a bearer token was refused, in words a client may
// act on (refresh an expired token; log in again after a revocation).
func tokenMessage(err error) string {
	switch {
	case errors.Is(err, authn.ErrTokenExpired):
		return "the token expired"
	case errors.Is(err, authn.ErrTokenRevoked):
		return "the token was revoked"
	}
	return "the token is invalid"
}

// reauthenticate is RFC 9470's step-up challenge: a 401 whose
// WWW-Authenticate names error="insufficient_user_authentication" and, when
// err carries them, the max_age in seconds a new login must satisfy and
// the acr_values it must reach.
func (g *Guard) reauthenticate(err error) *Error {
	message := "this operation needs a recent login; log in again"
	var re *authn.ReauthenticationError
	isRe := errors.As(err, &re)
	if isRe && re.ACRValues != "" {
		message = "this operation needs a login with a second factor"
	}
	e := g.unauthorized(CodeReauthenticate, message, err, false)
	challenge := e.Header.Get("Www-Authenticate") + `, error="` + CodeReauthenticate + `"`
	if isRe && re.MaxAge > 0 {
		challenge += `, max_age=` + strconv.FormatInt(int64(re.MaxAge/time.Second), 10)
	}
	if isRe && re.ACRValues != "" {
		challenge += `, acr_values="` + re.ACRValues + `"`
	}
	e.Header.Set("Www-Authenticate", challenge)
	return e
}

// unauthorized is a 401 with the WWW-Authenticate challenge of RFC 6750 §3:
// the realm always, and error="invalid_token" when a presented bearer token
// was refused.
func (g *Guard) unauthorized(code, message string, cause error, invalidToken bool) *Error {
	challenge := `Bearer realm="` + g.cfg.Realm + `"`
	if invalidToken {
		challenge += `, error="invalid_token"`
	}
	return &Error{
		Status:  http.StatusUnauthorized,
		Code:    code,
		Message: message,
		Header:  http.Header{"Www-Authenticate": []string{challenge}},
		Cause:   cause,
	}
}
