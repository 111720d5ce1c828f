package password

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// Bounds on bcrypt costs. Each step doubles the work: 12 takes a few hundred
// milliseconds on a server core, 20 over a minute. Hashes costlier than
// maxBcryptCost are refused when read, so a damaged or planted hash cannot
// tie up a server for minutes per login.
const (
	defaultBcryptCost = 12
	minBcryptCost     = 10
	maxBcryptCost     = 20
	// bcryptMaxPassword is the number of bytes bcrypt reads; it ignores the
	// rest.
	bcryptMaxPassword = 72
	// bcryptEncodedSize is the length of every bcrypt hash:
	// "$2b$" + 2-digit cost + "$" + 22 salt + 31 hash characters.
	bcryptEncodedSize = 60
)

// bcryptHasher is the Hasher NewBcrypt returns.
type bcryptHasher struct {
	cost int
}

// NewBcrypt returns a Hasher that uses bcrypt with the given cost (the
// base-2 logarithm of its number of rounds). Cost 0 means 12. Costs below 10
// are refused as too cheap to guess against, and costs above 20 as too slow
// for a login, with an error matching ErrInvalidParameters.
//
// bcrypt reads only the first 72 bytes of a password. Rather than let a
// longer password match anything that shares its first 72 bytes, Hash and
// Verify refuse it with an error matching ErrTooLongForBcrypt (and
// ErrInvalidPassword), so such a password cannot be set at all. Rules count
// characters, which take up to 4 bytes each, so they do not prevent this.
// Prefer NewArgon2id, which has no such limit, for new systems.
func NewBcrypt(cost int) (Hasher, error) {
	if cost == 0 {
		cost = defaultBcryptCost
	}
	if cost < minBcryptCost || cost > maxBcryptCost {
		return nil, fmt.Errorf("password: bcrypt: %w: cost %d is outside %d to %d",
			ErrInvalidParameters, cost, minBcryptCost, maxBcryptCost)
	}
	return &bcryptHasher{cost: cost}, nil
}

// Hash implements Hasher. It refuses a password longer than 72 bytes with
// an error matching ErrTooLongForBcrypt.
func (h *bcryptHasher) Hash(password string) (string, error) {
	if len(password) > bcryptMaxPassword {
		return "", tooLongForBcrypt(password)
	}
	encoded, err := bcrypt.GenerateFromPassword([]byte(password), h.cost)
	if err != nil {
		return "", fmt.Errorf("password: bcrypt: %w", err)
	}
	return string(encoded), nil
}

// Verify implements Hasher. It reads every hash the package-level Verify
// reads, so hashes made before a change of hasher keep working.
func (h *bcryptHasher) Verify(encoded, password string) (bool, error) {
	return Verify(encoded, password)
}

// NeedsRehash implements Hasher: it is true for a hash of another
// algorithm, one it cannot read, or one of lower cost than h's.
func (h *bcryptHasher) NeedsRehash(encoded string) bool {
	cost, err := bcryptCost(encoded)
	return err != nil || cost < h.cost
}

func verifyBcrypt(encoded, password string) (bool, error) {
	if _, err := bcryptCost(encoded); err != nil {
		return false, err
	}
	if len(password) > bcryptMaxPassword {
		return false, tooLongForBcrypt(password)
	}
	err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(password))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	}
	return false, fmt.Errorf("password: %w: bcrypt: %w", ErrMalformedHash, err)
}

// bcryptCost checks that encoded has bcrypt's exact shape — a known
// version, a two-digit cost within bounds, 53 characters of bcrypt's base64
// — and returns its cost. The bcrypt package alone would accept trailing
// bytes and versions other implementations never wrote.
func bcryptCost(encoded string) (int, error) {
	malformed := func(why string) (int, error) {
		return 0, fmt.Errorf("password: %w: bcrypt: %s", ErrMalformedHash, why)
	}
	if len(encoded) != bcryptEncodedSize || !isBcrypt(encoded) || encoded[6] != '$' {
		return malformed("not a bcrypt hash")
	}
	tens, ones := encoded[4], encoded[5]
	if tens < '0' || tens > '9' || ones < '0' || ones > '9' {
		return malformed("bad cost")
	}
	cost := int(tens-'0')*10 + int(ones-'0')
	if cost < bcrypt.MinCost || cost > maxBcryptCost {
		return malformed(fmt.Sprintf("cost %d is outside %d to %d", cost, bcrypt.MinCost, maxBcryptCost))
	}
	for i := 7; i < len(encoded); i++ {
		if !isBcryptBase64(encoded[i]) {
			return malformed("bad character")
		}
	}
	return cost, nil
}

func isBcryptBase64(c byte) bool {
	return c == '.' || c == '/' || ('0' <= c && c <= '9') || ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z')
}

// Accept implements Accepter: bcrypt refuses passwords over 72 bytes.
func (h *bcryptHasher) Accept(password string) error {
	if len(password) > bcryptMaxPassword {
		return tooLongForBcrypt(password)
	}
	return nil
}

func tooLongForBcrypt(password string) error {
	return fmt.Errorf("password: %w: %d bytes", ErrTooLongForBcrypt, len(password))
}
