package blog

import (
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// Request is what an endpoint needs of an HTTP request, gathered by the
// framework glue.
type Request struct {
	// Subject is the authenticated caller, zero for anonymous.
	Subject authn.Subject
	// Body is the request body, at most endpoint.MaxBodyBytes (the glue
	// answers 413 for more).
	Body []byte
	// ID is the {id} path parameter, where the route has one.
	ID string
	// Loaded is the post an ownership guard loaded.
	Loaded Post
}

// Response is an endpoint's answer. When Err is set the glue writes it
// through its adapter's WriteError, as a JSON error; otherwise Status with
// Body as JSON (no body when Body is nil).
type Response struct {
	Status int
	Body   any
	Err    error
}

func ok(status int, body any) Response { return Response{Status: status, Body: body} }
func fail(err error) Response          { return Response{Err: err} }

// ErrHeadersTooLarge is the 431 of a request whose headers are over the
// 64 KiB the servers read, where the framework lets the API write it
// (Fiber); net/http writes its own.
var ErrHeadersTooLarge = &guard.Error{Status: http.StatusRequestHeaderFieldsTooLarge, Code: guard.CodeHeadersTooLarge,
	Message: "the request headers are over 64 KiB"}

// ErrChunkedBody refuses a request body sent in chunks. The API's bodies
// are small JSON documents, sent with a Content-Length by every client in
// use; a chunked one is refused, and its connection closed, because
// Content-Length and Transfer-Encoding together are the classic way to
// make a proxy and the server see different requests (request smuggling),
// and net/http drops the Content-Length before a handler could tell.
var ErrChunkedBody = &guard.Error{Status: http.StatusBadRequest, Code: guard.CodeInvalidRequest,
	Message: "send the body with a Content-Length; chunked bodies are not accepted"}
