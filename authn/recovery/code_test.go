package recovery

import (
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The alphabet has no character read or typed for another, and none
// twice.
func TestAlphabet(t *testing.T) {
	t.Parallel()
	assert.Len(t, Alphabet, 31)
	for _, c := range "01ilo" {
		assert.NotContains(t, Alphabet, string(c))
	}
	seen := map[rune]bool{}
	for _, c := range Alphabet {
		assert.False(t, seen[c], "%c twice", c)
		seen[c] = true
	}
}

// Codes are CodeLength characters of the alphabet, each character equally
// likely: over 100,000 characters each of the 31 is within 10% of its
// share (a fair draw misses that with a chance below 10^-7).
func TestNewCodeIsUniform(t *testing.T) {
	t.Parallel()
	counts := map[byte]int{}
	const draws = 10_000
	for range draws {
		code := newCode()
		require.Len(t, code, CodeLength)
		for i := range len(code) {
			require.Contains(t, Alphabet, string(code[i]))
			counts[code[i]]++
		}
	}
	want := float64(draws*CodeLength) / float64(len(Alphabet))
	require.Len(t, counts, len(Alphabet), "every character is drawn")
	for c, n := range counts {
		assert.InDelta(t, want, float64(n), want/10, "%c", c)
	}
}

func TestDisplay(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "abcde-fghjk", display("abcdefghjk"))
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		input, want string
	}{
		{"abcde-fghjk", "abcdefghjk"},
		{"ABCDE-FGHJK", "abcdefghjk"},
		{"abcdefghjk", "abcdefghjk"},
		{" abcde fghjk ", "abcdefghjk"},
		{"a-b-c-d-e-f-g-h-j-k", "abcdefghjk"},
		{"\u00a0abcde-fghjk\n", "abcdefghjk"},
		{"23456-789zz", "23456789zz"},

		{"", ""},
		{"abcde-fghj", ""},
		{"abcde-fghjkm", ""},
		{"abcde-fghj0", ""},
		{"abcde-fghjK\u0301", ""},
		{"abcde\nfghjk", ""},
		{"\u212abcde-fghjk", ""},
		{strings.Repeat(" ", maxInputLength-10) + "abcdefghjk", "abcdefghjk"},
		{strings.Repeat(" ", maxInputLength-9) + "abcdefghjk", ""},
	}
	for _, tt := range tests {
		got, ok := normalize(tt.input)
		assert.Equal(t, tt.want, got, "%q", tt.input)
		assert.Equal(t, tt.want != "", ok, "%q", tt.input)
	}
}

// A digest is of the user id and the code together: one code is two
// digests for two users, and no plain SHA-256 of the code.
func TestDigest(t *testing.T) {
	t.Parallel()
	d := digest("usr_1", "abcdefghjk")
	assert.Equal(t, d, digest("usr_1", "abcdefghjk"))
	assert.NotEqual(t, d, digest("usr_2", "abcdefghjk"))
	assert.NotEqual(t, d, digest("usr_1", "abcdefghjm"))
	assert.NotEqual(t, d, sha256.Sum256([]byte("abcdefghjk")))
	assert.NotEqual(t, d, sha256.Sum256([]byte("abcde-fghjk")))
	// The user id and the code are kept apart: moving a character from
	// one to the other is another digest.
	assert.NotEqual(t, digest("usr_1a", "bcdefghjkm"), digest("usr_1", "abcdefghjk"))
}

// normalize reads anything without a panic, and what it accepts is a code
// as newCode draws it, which display and normalize give back unchanged.
func FuzzNormalize(f *testing.F) {
	for _, seed := range []string{"abcde-fghjk", "ABCDE FGHJK", " a-b-c-d-e-f-g-h-j-k ", "", "\x00", "abcde-fghj0",
		"\u212abcde-fghjk", strings.Repeat("-", 100), "ａｂｃｄｅ-ｆｇｈｊｋ", "bad\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		code, ok := normalize(input)
		if !ok {
			if code != "" {
				t.Fatalf("refused %q but returned %q", input, code)
			}
			return
		}
		if len(code) != CodeLength {
			t.Fatalf("accepted %q as %q", input, code)
		}
		for i := range len(code) {
			if !strings.Contains(Alphabet, code[i:i+1]) {
				t.Fatalf("accepted %q as %q, outside the alphabet", input, code)
			}
		}
		if again, ok := normalize(display(code)); !ok || again != code {
			t.Fatalf("%q displays as %q, read back as %q", code, display(code), again)
		}
		if len(input) > maxInputLength {
			t.Fatalf("read %d bytes", len(input))
		}
	})
}
