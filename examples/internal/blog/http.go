package blog

import (
	"fmt"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// MaxBodyBytes bounds request bodies; larger ones get 413.
const MaxBodyBytes = 1 << 20

// Request is what an endpoint needs of an HTTP request, gathered by the
// framework glue.
type Request struct {
	// Subject is the authenticated caller, zero for anonymous.
	Subject authn.Subject
	// Body is the request body, at most MaxBodyBytes (the glue answers 413
	// for more).
	Body []byte
	// ID is the {id} path parameter, where the route has one.
	ID string
	// ClientIP is the caller's address, for login throttling.
	ClientIP string
	// SessionCookie is the session cookie the request carried, "" if none.
	SessionCookie string
	// TLS reports whether the request came over TLS (the cookie's Secure).
	TLS bool
	// Loaded is the post an ownership guard loaded.
	Loaded Post
}

// Response is an endpoint's answer. When Err is set the glue writes it
// through its adapter's WriteError, as a JSON error; otherwise Status with
// Body as JSON (no body when Body is nil) and Cookies.
type Response struct {
	Status  int
	Body    any
	Cookies []*http.Cookie
	Err     error
}

func ok(status int, body any) Response { return Response{Status: status, Body: body} }
func fail(err error) Response          { return Response{Err: err} }

// The API's own error codes, beside those of package guard.
const (
	codeInvalidCredentials = "invalid_credentials"
	codeConflict           = "conflict"
	codePayloadTooLarge    = "payload_too_large"
	codeUnsupportedType    = "unsupported_media_type"
	codeHeadersTooLarge    = "headers_too_large"
)

// ErrPayloadTooLarge is the 413 the glue writes for a body over
// MaxBodyBytes.
var ErrPayloadTooLarge = &guard.Error{Status: http.StatusRequestEntityTooLarge, Code: codePayloadTooLarge,
	Message: fmt.Sprintf("the request body is over %d bytes", MaxBodyBytes)}

// ErrHeadersTooLarge is the 431 of a request whose headers are over the
// 64 KiB the servers read, where the framework lets the API write it
// (Fiber); net/http writes its own.
var ErrHeadersTooLarge = &guard.Error{Status: http.StatusRequestHeaderFieldsTooLarge, Code: codeHeadersTooLarge,
	Message: "the request headers are over 64 KiB"}

// ErrChunkedBody refuses a request body sent in chunks. The API's bodies
// are small JSON documents, sent with a Content-Length by every client in
// use; a chunked one is refused, and its connection closed, because
// Content-Length and Transfer-Encoding together are the classic way to
// make a proxy and the server see different requests (request smuggling),
// and net/http drops the Content-Length before a handler could tell.
var ErrChunkedBody = &guard.Error{Status: http.StatusBadRequest, Code: guard.CodeInvalidRequest,
	Message: "send the body with a Content-Length; chunked bodies are not accepted"}

func conflict(message string) error {
	return &guard.Error{Status: http.StatusConflict, Code: codeConflict, Message: message}
}

// invalidCredentials is login's 401: the same body for an unknown email
// and a wrong password.
func invalidCredentials(cause error) error {
	return &guard.Error{
		Status: http.StatusUnauthorized, Code: codeInvalidCredentials, Message: "invalid email or password",
		Header: http.Header{"Www-Authenticate": []string{`Bearer realm="gatehouse"`}}, Cause: cause,
	}
}
