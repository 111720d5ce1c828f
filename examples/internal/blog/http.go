package blog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
)

// ErrPayloadTooLarge is the 413 the glue writes for a body over
// MaxBodyBytes.
var ErrPayloadTooLarge = &guard.Error{Status: http.StatusRequestEntityTooLarge, Code: codePayloadTooLarge,
	Message: fmt.Sprintf("the request body is over %d bytes", MaxBodyBytes)}

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

// ReadBody reads a request body of at most MaxBodyBytes, returning
// ErrPayloadTooLarge past that.
func ReadBody(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, ErrPayloadTooLarge
		}
		return nil, guard.BadRequest("the request body could not be read")
	}
	if len(body) > MaxBodyBytes {
		return nil, ErrPayloadTooLarge
	}
	return body, nil
}

// decode reads a JSON object into v strictly: malformed JSON, unknown
// fields, wrong types and trailing data are all 400s, never 500s.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return guard.BadRequest("a JSON body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return guard.BadRequest(fmt.Sprintf("field %q must be a %s", typeErr.Field, typeErr.Type))
		}
		return guard.BadRequest("malformed JSON: " + err.Error())
	}
	if dec.More() {
		return guard.BadRequest("malformed JSON: data after the object")
	}
	return nil
}
