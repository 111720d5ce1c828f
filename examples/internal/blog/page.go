package blog

import (
	"embed"
	"slices"
	"strings"
)

// The passkey page: HTML, a stylesheet and a script, nothing from another
// origin.
//
//go:embed page/passkeys.html page/passkeys.css page/passkeys.js
var pages embed.FS

// PagePaths are the paths of the blog's pages, served to anyone: the
// passkey page (/passkeys) and its assets.
var PagePaths = []string{"/passkeys", "/passkeys.css", "/passkeys.js"}

// PageHeaders are the headers every page is served with: its own origin
// only (a Content-Security-Policy with no inline script), never in a
// frame, never sniffed, never cached.
var PageHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
		"form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
	"X-Frame-Options":        "DENY",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "no-referrer",
	"Cache-Control":          "no-store",
}

// Page returns the page at path, one of PagePaths, and its content type;
// false for any other path.
func Page(path string) (body []byte, contentType string, found bool) {
	name, ok := strings.CutPrefix(path, "/")
	if !ok || !slices.Contains(PagePaths, path) {
		return nil, "", false
	}
	contentType = "text/html; charset=utf-8"
	switch {
	case strings.HasSuffix(name, ".css"):
		contentType = "text/css; charset=utf-8"
	case strings.HasSuffix(name, ".js"):
		contentType = "text/javascript; charset=utf-8"
	default:
		name += ".html"
	}
	body, err := pages.ReadFile("page/" + name)
	if err != nil {
		return nil, "", false
	}
	return body, contentType, true
}
