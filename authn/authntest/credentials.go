package authntest

import "net/http"

// Request is an authn.Credentials made of plain values. The zero value is a
// GET with no headers and no cookies.
type Request struct {
	// HTTPMethod is the request's method; "" means GET.
	HTTPMethod string
	// Headers holds header values by name; names are matched
	// case-insensitively, as HTTP does.
	Headers map[string]string
	// Cookies holds cookie values by name.
	Cookies map[string]string
}

// Header implements authn.Credentials.
func (r Request) Header(name string) string {
	want := http.CanonicalHeaderKey(name)
	for k, v := range r.Headers {
		if http.CanonicalHeaderKey(k) == want {
			return v
		}
	}
	return ""
}

// Cookie implements authn.Credentials.
func (r Request) Cookie(name string) (string, bool) {
	v, ok := r.Cookies[name]
	return v, ok
}

// Method implements authn.Credentials.
func (r Request) Method() string {
	if r.HTTPMethod == "" {
		return http.MethodGet
	}
	return r.HTTPMethod
}

// Bearer returns a GET request carrying token in an Authorization header.
func Bearer(token string) Request {
	return Request{Headers: map[string]string{"Authorization": "Bearer " + token}}
}
