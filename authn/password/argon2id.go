package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2idParams are the cost parameters of Argon2id (RFC 9106).
type Argon2idParams struct {
	// Memory is the memory used per hash, in KiB. More memory makes
	// guessing on GPUs and dedicated hardware more expensive.
	Memory uint32
	// Iterations is the number of passes over the memory.
	Iterations uint32
	// Parallelism is the number of lanes computed in parallel. It divides
	// the work between threads without changing its total.
	Parallelism uint8
	// SaltLength is the length of the random salt, in bytes.
	SaltLength uint32
	// KeyLength is the length of the derived hash, in bytes.
	KeyLength uint32
}

// DefaultArgon2idParams are OWASP's recommended Argon2id parameters
// (Password Storage Cheat Sheet): 19 MiB of memory, 2 iterations, 1 lane,
// with a 16-byte salt and a 32-byte hash. One hash takes tens of
// milliseconds on a server core.
var DefaultArgon2idParams = Argon2idParams{
	Memory:      19456,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// owaspMinimums are the memory/iteration pairs OWASP lists as equally strong
// minimums for Argon2id; parameters must reach at least one of them.
var owaspMinimums = []struct{ memory, iterations uint32 }{
	{47104, 1},
	{19456, 2},
	{12288, 3},
	{9216, 4},
	{7168, 5},
}

// Bounds on the parameters of hashes this package makes and reads. The
// upper bounds stop a damaged or planted hash from making a login allocate
// gigabytes or run for minutes; the lower bounds for reading are RFC 9106's
// (salt) and this package's (hash length) floor for a verifiable hash.
const (
	minArgon2SaltLength  = 16
	minArgon2KeyLength   = 16
	minReadSaltLength    = 8
	maxArgon2Memory      = 2 * 1024 * 1024 // KiB: 2 GiB, RFC 9106's largest recommendation
	maxArgon2Iterations  = 64
	maxArgon2SaltLength  = 64
	maxArgon2KeyLength   = 64
	maxArgon2EncodedSize = 256
)

// argon2idVersion is the only Argon2 version this package writes and reads
// (0x13, written "v=19").
const argon2idVersion = argon2.Version

// b64 encodes salts and hashes as PHC strings do: standard alphabet, no
// padding. Strict rejects encodings with stray trailing bits, so that every
// hash has exactly one spelling.
var b64 = base64.RawStdEncoding.Strict()

// argon2idHasher is the Hasher NewArgon2id returns.
type argon2idHasher struct {
	params Argon2idParams
}

// NewArgon2id returns a Hasher that uses Argon2id with p. Its hashes are PHC
// strings such as "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", with salt
// and hash in unpadded standard base64.
//
// It refuses, with an error matching ErrInvalidParameters, memory and
// iterations weaker than every configuration OWASP lists as a minimum
// (47104 KiB with 1 iteration, 19456/2, 12288/3, 9216/4, 7168/5), zero
// parallelism, a salt shorter than 16 bytes or a hash shorter than 16 bytes,
// and values beyond what Verify reads back (2 GiB of memory, 64 iterations,
// 64-byte salt or hash).
func NewArgon2id(p Argon2idParams) (Hasher, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &argon2idHasher{params: p}, nil
}

func (p Argon2idParams) validate() error {
	strong := false
	for _, m := range owaspMinimums {
		if p.Memory >= m.memory && p.Iterations >= m.iterations {
			strong = true
			break
		}
	}
	switch {
	case !strong:
		return fmt.Errorf("password: argon2id: %w: memory %d KiB with %d iterations is below OWASP's minimum (e.g. 19456 KiB with 2)",
			ErrInvalidParameters, p.Memory, p.Iterations)
	case p.Memory > maxArgon2Memory:
		return fmt.Errorf("password: argon2id: %w: memory %d KiB exceeds %d", ErrInvalidParameters, p.Memory, maxArgon2Memory)
	case p.Iterations > maxArgon2Iterations:
		return fmt.Errorf("password: argon2id: %w: %d iterations exceed %d", ErrInvalidParameters, p.Iterations, maxArgon2Iterations)
	case p.Parallelism == 0:
		return fmt.Errorf("password: argon2id: %w: parallelism must be at least 1", ErrInvalidParameters)
	case p.SaltLength < minArgon2SaltLength || p.SaltLength > maxArgon2SaltLength:
		return fmt.Errorf("password: argon2id: %w: salt length %d is outside %d to %d bytes",
			ErrInvalidParameters, p.SaltLength, minArgon2SaltLength, maxArgon2SaltLength)
	case p.KeyLength < minArgon2KeyLength || p.KeyLength > maxArgon2KeyLength:
		return fmt.Errorf("password: argon2id: %w: key length %d is outside %d to %d bytes",
			ErrInvalidParameters, p.KeyLength, minArgon2KeyLength, maxArgon2KeyLength)
	}
	return nil
}

// Hash implements Hasher.
func (h *argon2idHasher) Hash(password string) (string, error) {
	salt := make([]byte, h.params.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: argon2id: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.params.Iterations, h.params.Memory, h.params.Parallelism, h.params.KeyLength)
	return encodeArgon2id(argon2idHash{params: h.params, salt: salt, key: key}), nil
}

// Verify implements Hasher. It reads every hash the package-level Verify
// reads, so hashes made before a change of hasher keep working.
func (h *argon2idHasher) Verify(encoded, password string) (bool, error) {
	return Verify(encoded, password)
}

// NeedsRehash implements Hasher: it is true for a hash of another
// algorithm, one it cannot read, or one with less memory, fewer iterations,
// or a shorter salt or hash than h's. Parallelism is not compared: it
// changes how the work is split, not how much there is.
func (h *argon2idHasher) NeedsRehash(encoded string) bool {
	got, err := decodeArgon2id(encoded)
	if err != nil {
		return true
	}
	return got.params.Memory < h.params.Memory ||
		got.params.Iterations < h.params.Iterations ||
		got.params.SaltLength < h.params.SaltLength ||
		got.params.KeyLength < h.params.KeyLength
}

// argon2idHash is a decoded PHC string.
type argon2idHash struct {
	params    Argon2idParams
	salt, key []byte
}

func verifyArgon2id(encoded, password string) (bool, error) {
	want, err := decodeArgon2id(encoded)
	if err != nil {
		return false, err
	}
	p := want.params
	got := argon2.IDKey([]byte(password), want.salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	return subtle.ConstantTimeCompare(got, want.key) == 1, nil
}

func encodeArgon2id(h argon2idHash) string {
	return fmt.Sprintf("%sv=%d$%s$%s$%s", argon2idPrefix, argon2idVersion,
		formatArgon2idParams(h.params), b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

func formatArgon2idParams(p Argon2idParams) string {
	return fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Iterations, p.Parallelism)
}

// decodeArgon2id parses a PHC string strictly: exactly the fields this
// package writes, in its order and canonical spelling, within its bounds.
// Anything else is ErrMalformedHash rather than a guess.
func decodeArgon2id(encoded string) (argon2idHash, error) {
	malformed := func(why string) (argon2idHash, error) {
		return argon2idHash{}, fmt.Errorf("password: %w: argon2id: %s", ErrMalformedHash, why)
	}
	if len(encoded) > maxArgon2EncodedSize {
		return malformed("too long")
	}
	fields := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
	if len(fields) != 6 || fields[0] != "" || fields[1] != "argon2id" {
		return malformed("not a PHC string of six fields")
	}
	if fields[2] != fmt.Sprintf("v=%d", argon2idVersion) {
		return malformed("unsupported version")
	}
	var p Argon2idParams
	values := strings.Split(fields[3], ",")
	if len(values) != 3 {
		return malformed("parameters must be m, t and p")
	}
	var err error
	if p.Memory, err = parseParam(values[0], "m=", maxArgon2Memory); err != nil {
		return malformed(err.Error())
	}
	if p.Iterations, err = parseParam(values[1], "t=", maxArgon2Iterations); err != nil {
		return malformed(err.Error())
	}
	parallelism, err := parseParam(values[2], "p=", 255)
	if err != nil {
		return malformed(err.Error())
	}
	p.Parallelism = uint8(parallelism)
	if p.Iterations < 1 || p.Parallelism < 1 || p.Memory < 8*uint32(p.Parallelism) {
		return malformed("parameters below Argon2's minimum")
	}
	salt, err := b64.DecodeString(fields[4])
	if err != nil || len(salt) < minReadSaltLength || len(salt) > maxArgon2SaltLength {
		return malformed("bad salt")
	}
	key, err := b64.DecodeString(fields[5])
	if err != nil || len(key) < minArgon2KeyLength || len(key) > maxArgon2KeyLength {
		return malformed("bad hash")
	}
	p.SaltLength, p.KeyLength = uint32(len(salt)), uint32(len(key))
	return argon2idHash{params: p, salt: salt, key: key}, nil
}

// parseParam reads "name=value" with value a decimal number without sign or
// leading zeros, at most limit.
func parseParam(field, name string, limit uint64) (uint32, error) {
	text, ok := strings.CutPrefix(field, name)
	if !ok {
		return 0, fmt.Errorf("expected %s", name)
	}
	v, err := strconv.ParseUint(text, 10, 32)
	if err != nil || strconv.FormatUint(v, 10) != text {
		return 0, fmt.Errorf("bad %s", name)
	}
	if v > limit {
		return 0, fmt.Errorf("%s%d exceeds %d", name, v, limit)
	}
	return uint32(v), nil
}
