package blogtest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// exchange is one request of the run and the response it got, as
// world.send recorded it.
type exchange struct {
	method, path string
	// body is the request body sent, "" for none.
	body     string
	response *response
}

// String names the exchange in failure messages: "POST /auth/login → 200".
// The path is the one sent, so it may hold ids, never a credential: the
// contract puts those in headers and bodies only.
func (e exchange) String() string {
	return fmt.Sprintf("%s %s → %d", e.method, e.path, e.response.status)
}

// responseText is all the client received: the status line, every header
// (Set-Cookie included) and the body, as one text to search for secrets.
func (e exchange) responseText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s\n", e.response.status, http.StatusText(e.response.status))
	names := make([]string, 0, len(e.response.header))
	for name := range e.response.header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range e.response.header[name] {
			fmt.Fprintf(&b, "%s: %s\n", name, v)
		}
	}
	b.WriteString("\n")
	b.Write(e.response.body)
	return b.String()
}
