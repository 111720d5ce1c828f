package oidclogin

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// maxEncodedPending bounds what DecodePending reads: an encoded Pending
// is a few hundred bytes.
const maxEncodedPending = 2048

// Encode returns p as a cookie value: base64url of its JSON. The cookie
// must be HttpOnly, so that no script reads the verifier; it needs no
// signature, since Finish accepts it only with the state the provider
// sends back, and only a browser that began the login holds both.
func (p Pending) Encode() string {
	data, err := json.Marshal(p)
	if err != nil {
		// A Pending is strings and a time: it always encodes.
		panic(fmt.Sprintf("oidclogin: encode a pending login: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(data)
}

// DecodePending reads a cookie value Encode wrote. Anything else is an
// error matching ErrLoginFailed.
func DecodePending(value string) (Pending, error) {
	if value == "" || len(value) > maxEncodedPending {
		return Pending{}, fmt.Errorf("%w: no pending login in this browser", ErrLoginFailed)
	}
	data, err := base64.RawURLEncoding.Strict().DecodeString(value)
	if err != nil {
		return Pending{}, fmt.Errorf("%w: the pending login is malformed", ErrLoginFailed)
	}
	var p Pending
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || dec.More() {
		return Pending{}, fmt.Errorf("%w: the pending login is malformed", ErrLoginFailed)
	}
	if p.Provider == "" || p.State == "" || p.Nonce == "" || p.Verifier == "" || CheckReturnTo(p.ReturnTo) != nil {
		return Pending{}, fmt.Errorf("%w: the pending login is incomplete", ErrLoginFailed)
	}
	return p, nil
}

// CheckReturnTo returns nil when returnTo is a path of this application
// that a login may return to: it starts with one "/", is not "//…" or
// "/\…" (which browsers read as another host), holds no control
// character, and names no scheme or host. Anything else would make the
// login an open redirect. The error matches ErrInvalidReturnTo.
func CheckReturnTo(returnTo string) error {
	bad := func(why string) error { return fmt.Errorf("%w: %s", ErrInvalidReturnTo, why) }
	switch {
	case len(returnTo) > 1024:
		return bad("longer than 1024 bytes")
	case !strings.HasPrefix(returnTo, "/"):
		return bad("does not start with /")
	case strings.HasPrefix(returnTo, "//"), strings.HasPrefix(returnTo, "/\\"):
		return bad("starts as another host's URL does")
	case strings.ContainsFunc(returnTo, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }):
		return bad("holds a control character or a backslash")
	}
	u, err := url.Parse(returnTo)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return bad("is not a path")
	}
	return nil
}
