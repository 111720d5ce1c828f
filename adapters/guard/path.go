package guard

import (
	"path"
	"strings"
)

// cleanPath resolves "." and ".." and repeated slashes the way routers do,
// so that "/auth/../admin" is judged as "/admin", and keeps a trailing
// slash, which routers treat as a different route.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	rooted := p
	if !strings.HasPrefix(p, "/") {
		rooted = "/" + p
	}
	cleaned := path.Clean(rooted) // p itself, unallocated, when it is clean
	if strings.HasSuffix(p, "/") && cleaned != "/" {
		cleaned += "/"
	}
	return cleaned
}
