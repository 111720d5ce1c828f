// Package errkind makes sentinel errors that also match a broader one, so
// that callers test as precisely as they need: with
// ErrTokenExpired = errkind.New("token expired", ErrInvalidToken), both
// errors.Is(err, ErrTokenExpired) and errors.Is(err, ErrInvalidToken) hold.
package errkind

type kindError struct {
	msg    string
	parent error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.parent }

// New returns a sentinel with text msg that matches parent too.
func New(msg string, parent error) error { return &kindError{msg: msg, parent: parent} }
