package users

import "encoding/hex"

// IsID reports whether id has the shape of the ids Register gives:
// "usr_" and 32 lowercase hex digits. Such an id cannot be a role's name,
// which makes IsID the guard.Config.IsSubject of an application whose
// subjects are these users.
func IsID(id string) bool {
	const hexDigits = 32
	if len(id) != len(idPrefix)+hexDigits || id[:len(idPrefix)] != idPrefix {
		return false
	}
	digits := id[len(idPrefix):]
	_, err := hex.DecodeString(digits)
	return err == nil && digits == lower(digits)
}

// lower lowercases ASCII hex digits, which DecodeString takes in either
// case.
func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
