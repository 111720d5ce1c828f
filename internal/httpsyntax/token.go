// Package httpsyntax checks the HTTP syntax gatehouse's configuration
// accepts for header and cookie names.
package httpsyntax

import "strings"

// IsToken reports whether s is an RFC 9110 token (§5.6.2), the syntax of
// header names and cookie names.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && strings.IndexByte("!#$%&'*+-.^_`|~", c) < 0 {
			return false
		}
	}
	return true
}
