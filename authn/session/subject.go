package session

import "fmt"

// maxSubjectLen is the longest subject id a session may carry: the width
// of gormstore's subject column, kept for every store so that an
// application can change stores without meeting new limits.
const maxSubjectLen = 255

// checkSubject returns an error matching ErrInvalidSubject for a subject
// that cannot be stored: empty, or longer than maxSubjectLen.
func checkSubject(subject string) error {
	if subject == "" || len(subject) > maxSubjectLen {
		return fmt.Errorf("%w: length %d, want 1 to %d bytes", ErrInvalidSubject, len(subject), maxSubjectLen)
	}
	return nil
}
