package recovery

import (
	"crypto/rand"
	"crypto/sha256"
	"strings"
)

// Alphabet is the characters of a code: lower-case letters and digits
// without those read or typed for one another (0 and o, 1, i and l), so
// that a code copied from paper by hand is typed as it was printed.
const Alphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// CodeLength is the number of characters of a code, drawn uniformly from
// Alphabet: log2(31^10), about 49.5 bits each. A guess hits one of ten
// codes with a chance of 1 in 8×10^13; login throttling bounds the
// guesses.
const CodeLength = 10

// maxInputLength is the longest input Use reads: a code with a few spaces
// and a dash to spare. Anything longer is refused before any work.
const maxInputLength = 64

// digestLabel begins every digest, so that a code's digest is of no use
// as any other SHA-256 in the database.
const digestLabel = "gatehouse recovery code\x00"

// acceptBelow is the largest multiple of len(Alphabet) that fits in a
// byte: random bytes at or above it are drawn again, so that every
// character is equally likely.
const acceptBelow = 256 - 256%len(Alphabet)

// newCode draws a code of CodeLength characters of Alphabet from
// crypto/rand.
func newCode() string {
	code := make([]byte, 0, CodeLength)
	var buf [2 * CodeLength]byte
	for len(code) < CodeLength {
		_, _ = rand.Read(buf[:]) // never fails, and fills buf
		for _, b := range buf {
			if int(b) < acceptBelow && len(code) < CodeLength {
				code = append(code, Alphabet[int(b)%len(Alphabet)])
			}
		}
	}
	return string(code)
}

// display is how a code is shown: two groups of five, "xxxxx-xxxxx".
func display(code string) string {
	return code[:CodeLength/2] + "-" + code[CodeLength/2:]
}

// normalize returns the code a user typed as newCode drew it: trimmed of
// spaces, A to Z in lower case, without the spaces, tabs and dashes
// inside; and false when what is left is not CodeLength characters of
// Alphabet. Only ASCII is folded: no other character is read as a letter
// of a code.
func normalize(input string) (string, bool) {
	if len(input) > maxInputLength {
		return "", false
	}
	input = strings.TrimSpace(input)
	code := make([]byte, 0, CodeLength)
	for i := range len(input) {
		c := input[i]
		switch {
		case c == ' ' || c == '-' || c == '\t':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if strings.IndexByte(Alphabet, c) < 0 || len(code) == CodeLength {
			return "", false
		}
		code = append(code, c)
	}
	if len(code) != CodeLength {
		return "", false
	}
	return string(code), true
}

// digest is what a store keeps of a user's code: the SHA-256 of a label,
// the user id and the code. With the user id inside, one guess tests the
// codes of one user only, not of every user of a stolen table at once.
func digest(userID, code string) [32]byte {
	h := sha256.New()
	h.Write([]byte(digestLabel))
	h.Write([]byte(userID))
	h.Write([]byte{0})
	h.Write([]byte(code))
	var d [32]byte
	h.Sum(d[:0])
	return d
}
