package apikey

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// parseKey, which reads the X-API-Key header before any query, accepts
// only keys spelled as newKey spells them: the scheme, eight characters of
// lower-case base32hex, '_', and the canonical base64url of 32 bytes. Each
// key has one spelling, so the secret it decodes to encodes back to it.
// Anything else is refused with errMalformed, without a panic. isID, which
// guards lookups by id, accepts only "key_" and 16 lower-case hex digits.
func FuzzParseKey(f *testing.F) {
	for _, seed := range []string{
		"ghk_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"ghk_vvvvvvvv_" + strings.Repeat("-_", 21) + "A",
		"ghk_vvvvvvvv_" + strings.Repeat("-_", 21) + "B",
		"ghk_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
		"ghk_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"ghk_0123abcd_AAAAAAAAAAAAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAA",
		"ghk_0123ABCD_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"ghk_0123wxyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"ghk_0123abcd-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"GHK_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"ghk_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/A",
		"key_0123456789abcdef", "key_0123456789ABCDEF", "key_0123456789abcde",
		"", "ghk_", strings.Repeat("a", MaxKeyLength+1),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, plain string) {
		parsed, err := parseKey(plain)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("refused %q without errMalformed: %v", plain, err)
			}
		} else {
			prefix, secret, ok := strings.Cut(strings.TrimPrefix(plain, Scheme), "_")
			raw, decodeErr := secretEncoding.DecodeString(secret)
			switch {
			case len(plain) != keyLength || !strings.HasPrefix(plain, Scheme) || !ok:
				t.Fatalf("accepted %q, not scheme, prefix, '_', secret", plain)
			case prefix != parsed.prefix || !isPrefix(prefix):
				t.Fatalf("accepted %q with prefix %q", plain, parsed.prefix)
			case strings.Trim(prefix, "0123456789abcdefghijklmnopqrstuv") != "":
				t.Fatalf("accepted prefix %q outside lower-case base32hex", prefix)
			case decodeErr != nil || len(raw) != secretBytes || secretEncoding.EncodeToString(raw) != secret:
				t.Fatalf("accepted %q, whose secret is not the one spelling of %d bytes", plain, secretBytes)
			case parsed.hash != hashKey(plain):
				t.Fatalf("hash of %q is not its SHA-256", plain)
			}
		}
		if isID(plain) {
			digits, ok := strings.CutPrefix(plain, idPrefix)
			b, err := hex.DecodeString(digits)
			if !ok || err != nil || len(b) != idBytes || hex.EncodeToString(b) != digits {
				t.Fatalf("isID accepted %q", plain)
			}
		}
	})
}

// Every key spelled as newKey spells them parses back to its prefix and the
// hash of the whole key, and its parts decode to the bytes they encode.
func FuzzKeyRoundTrip(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0}, bytes.Repeat([]byte{0}, secretBytes))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff}, bytes.Repeat([]byte{0xff}, secretBytes))
	f.Add([]byte("pfx"), []byte("short secret"))
	f.Fuzz(func(t *testing.T, prefixRaw, secretRaw []byte) {
		prefixRaw = append(prefixRaw, make([]byte, prefixBytes)...)[:prefixBytes]
		secretRaw = append(secretRaw, make([]byte, secretBytes)...)[:secretBytes]
		prefix := prefixEncoding.EncodeToString(prefixRaw)
		secret := secretEncoding.EncodeToString(secretRaw)
		plain := Scheme + prefix + "_" + secret
		parsed, err := parseKey(plain)
		if err != nil {
			t.Fatalf("a well-formed key %q was refused: %v", plain, err)
		}
		if parsed.prefix != prefix || parsed.hash != hashKey(plain) {
			t.Fatalf("%q parsed to %+v", plain, parsed)
		}
		gotPrefix, err1 := prefixEncoding.DecodeString(parsed.prefix)
		gotSecret, err2 := secretEncoding.DecodeString(plain[len(plain)-secretLength:])
		if err1 != nil || err2 != nil || !bytes.Equal(gotPrefix, prefixRaw) || !bytes.Equal(gotSecret, secretRaw) {
			t.Fatalf("%q does not decode to the bytes it was made of", plain)
		}
	})
}
