package password

import (
	"fmt"
	"strings"
)

// Hasher hashes passwords for storage and verifies them.
//
// Implementations must be safe for concurrent use. The hashers of this
// package are.
type Hasher interface {
	// Hash returns a new encoded hash of password with a fresh random salt.
	// The encoded string names the algorithm and its parameters, so it can
	// be verified later even after the hasher's configuration has changed.
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded. A wrong password is
	// (false, nil); an error means encoded could not be read (it matches
	// ErrMalformedHash) or password cannot be checked at all, and must be
	// treated as a failed verification.
	Verify(encoded, password string) (bool, error)
	// NeedsRehash reports whether encoded was made by another algorithm or
	// with weaker parameters than this hasher would use now, or cannot be
	// read. After a successful Verify, store a new Hash of the password
	// when it is true.
	NeedsRehash(encoded string) bool
}

// Accepter is implemented by hashers that cannot hash every password Rules
// allow, such as bcrypt, which reads only the first 72 bytes. Accept reports,
// without the cost of hashing, the error Hash would return for password
// because of its length or content; nil means Hash will take it.
type Accepter interface {
	Accept(password string) error
}

// Prefixes that identify the encoded hashes Verify reads.
const (
	argon2idPrefix = "$argon2id$"
	bcryptPrefix2a = "$2a$"
	bcryptPrefix2b = "$2b$"
	bcryptPrefix2y = "$2y$"
)

// Verify reports whether password matches encoded, a hash made by any
// hasher of this package: Argon2id ("$argon2id$…") or bcrypt ("$2a$…",
// "$2b$…", "$2y$…", as written by other bcrypt implementations too). It lets
// an application change hashers and keep verifying the hashes it already
// stores.
//
// A wrong password is (false, nil). An error matching ErrMalformedHash means
// encoded could not be read, which includes a hash made by a Peppered
// hasher ("$pepper$…"): only that hasher, which holds the pepper, verifies
// it. For a bcrypt hash, a password longer than 72 bytes is refused with
// ErrTooLongForBcrypt. Either way no password matched.
func Verify(encoded, password string) (bool, error) {
	switch {
	case strings.HasPrefix(encoded, argon2idPrefix):
		return verifyArgon2id(encoded, password)
	case isBcrypt(encoded):
		return verifyBcrypt(encoded, password)
	case strings.HasPrefix(encoded, pepperPrefix):
		return false, fmt.Errorf("password: %w: peppered hash, which only the Peppered hasher with its pepper reads", ErrMalformedHash)
	}
	return false, fmt.Errorf("password: %w: unknown algorithm", ErrMalformedHash)
}

func isBcrypt(encoded string) bool {
	return strings.HasPrefix(encoded, bcryptPrefix2a) ||
		strings.HasPrefix(encoded, bcryptPrefix2b) ||
		strings.HasPrefix(encoded, bcryptPrefix2y)
}
