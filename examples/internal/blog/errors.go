package blog

import (
	"errors"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// The kinds of the blog's refusals, matched with errors.Is. HTTPError
// gives each its answer.
var (
	// ErrInvalid is input the blog refuses: a missing field, a title too
	// long, a role no policy names. The *Error's Reason says which.
	ErrInvalid = errors.New("blog: invalid input")
	// ErrNotFound is a post, user or grant that does not exist, or a draft
	// its reader may not read: its existence is not told.
	ErrNotFound = errors.New("blog: not found")
	// ErrConflict is an edit the blog holds already.
	ErrConflict = errors.New("blog: conflict")
	// ErrNotReady is a replica that cannot serve right now (see App.Ready).
	ErrNotReady = errors.New("blog: not ready")
)

// Error is an operation the blog refuses, with the reason in words a
// client may read. It matches its Kind with errors.Is.
type Error struct {
	// Kind is ErrInvalid, ErrNotFound or ErrConflict.
	Kind error
	// Reason is what is wrong, for the client.
	Reason string
	// Cause, when set, is the error behind it, for logs.
	Cause error
}

// Error returns the reason.
func (e *Error) Error() string { return e.Reason }

// Is reports whether target is e's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// invalid is an ErrInvalid refusal for reason.
func invalid(reason string) error { return &Error{Kind: ErrInvalid, Reason: reason} }

// invalidFor is an ErrInvalid refusal whose reason is cause's text, for
// the errors of gatehouse that name the input at fault.
func invalidFor(cause error) error {
	return &Error{Kind: ErrInvalid, Reason: cause.Error(), Cause: cause}
}

// HTTPError is the API's answer to err, for the adapters' WriteError: a
// 400 invalid_request saying what is wrong with the input, a 404
// not_found, a 409 conflict, or a 503 unavailable with Retry-After while
// the replica is not ready. Other errors are returned as they are, for the
// adapter to answer as gatehouse answers them (401, 403, 429, 503).
func HTTPError(err error) error {
	reason := ""
	var e *Error
	if errors.As(err, &e) {
		reason = e.Reason
	}
	switch {
	case errors.Is(err, ErrInvalid):
		return guard.BadRequestFor(err, reason)
	case errors.Is(err, ErrNotFound):
		return &guard.Error{Status: http.StatusNotFound, Code: guard.CodeNotFound, Message: "not found", Cause: err}
	case errors.Is(err, ErrConflict):
		return &guard.Error{Status: http.StatusConflict, Code: guard.CodeConflict, Message: reason, Cause: err}
	case errors.Is(err, ErrNotReady):
		return &guard.Error{Status: http.StatusServiceUnavailable, Code: guard.CodeUnavailable,
			Message: "this replica cannot serve requests right now", Header: http.Header{"Retry-After": []string{"1"}}, Cause: err}
	}
	return err
}
