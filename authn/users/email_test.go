package users_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	local64 := strings.Repeat("a", 64)
	tests := []struct {
		name  string
		email string
		want  string // "": refused with ErrInvalidEmail
	}{
		{"plain", "bob@example.com", "bob@example.com"},
		{"lowercased", "Bob@Example.COM", "bob@example.com"},
		{"trimmed", "  bob@example.com\t\n", "bob@example.com"},
		{"plus tag kept", "bob+news@example.com", "bob+news@example.com"},
		{"dots kept", "bob.smith@mail.example.co.uk", "bob.smith@mail.example.co.uk"},
		{"hyphen inside domain", "bob@my-example.com", "bob@my-example.com"},
		{"internationalized", "Bøb@Exämple.com", "bøb@exämple.com"},
		{"64-byte local part", local64 + "@example.com", local64 + "@example.com"},
		{"254 bytes", local64 + "@" + strings.Repeat("d", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("d", 57) + ".com", local64 + "@" + strings.Repeat("d", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("d", 57) + ".com"},

		{"empty", "", ""},
		{"spaces", "   ", ""},
		{"no @", "bob.example.com", ""},
		{"two @", "bob@mail@example.com", ""},
		{"quoted @", `"bob@home"@example.com`, ""},
		{"nothing before @", "@example.com", ""},
		{"nothing after @", "bob@", ""},
		{"no dot in domain", "bob@localhost", ""},
		{"display name", "Bob <bob@example.com>", ""},
		{"angle brackets", "<bob@example.com>", ""},
		{"trailing comment", "bob@example.com (Bob)", ""},
		{"quoted local part", `"bob smith"@example.com`, ""},
		{"space inside", "bob smith@example.com", ""},
		{"two addresses", "bob@example.com,eve@example.com", ""},
		{"header injection", "bob@example.com\nBcc: eve@example.com", ""},
		{"NUL", "bob\x00@example.com", ""},
		{"invalid UTF-8", "bob\xff@example.com", ""},
		{"leading dot", ".bob@example.com", ""},
		{"double dot", "bob..smith@example.com", ""},
		{"domain starts with dot", "bob@.example.com", ""},
		{"domain ends with dot", "bob@example.com.", ""},
		{"label starts with hyphen", "bob@-example.com", ""},
		{"label ends with hyphen", "bob@example-.com", ""},
		{"IP literal", "bob@[192.0.2.1]", ""},
		{"65-byte local part", "a" + local64 + "@example.com", ""},
		{"fullwidth letter", "\uff41lice@example.com", "alice@example.com"},
		{"fullwidth throughout", "\uff21\uff2c\uff29\uff23\uff25\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d", "alice@example.com"},
		{"decomposed accent composed", "Bo\u0308b@example.com", "b\u00f6b@example.com"},
		{"ligature unfolded", "\ufb01nn@example.com", "finn@example.com"},
		{"mathematical letters", "\U0001d41a\U0001d425\U0001d422\U0001d41c\U0001d41e@example.com", "alice@example.com"},
		{"capital with dot above", "\u0130nci@example.com", "inci@example.com"},

		{"zero-width space", "alice\u200b@example.com", ""},
		{"zero-width non-joiner", "ali\u200cce@example.com", ""},
		{"zero-width joiner", "ali\u200dce@example.com", ""},
		{"word joiner", "ali\u2060ce@example.com", ""},
		{"byte order mark", "\ufeffalice@example.com", ""},
		{"soft hyphen", "al\u00adice@example.com", ""},
		{"left-to-right mark", "alice@example.com\u200e", ""},
		{"right-to-left override", "alice@\u202eexample.com", ""},
		{"variation selector", "alice\ufe0f@example.com", ""},
		{"ideographic variation selector", "alice\U000e0100@example.com", ""},
		{"tag character", "alice\U000e0041@example.com", ""},
		{"Hangul filler", "alice\u3164@example.com", ""},
		{"combining grapheme joiner", "ali\u034fce@example.com", ""},
		{"Mongolian vowel separator", "ali\u180ece@example.com", ""},
		{"line separator", "alice\u2028@example.com", ""},
		{"paragraph separator", "alice\u2029@example.com", ""},
		{"no-break space", "alice\u00a0smith@example.com", ""},
		{"ideographic space", "alice\u3000smith@example.com", ""},
		{"Ogham space mark", "alice\u1680smith@example.com", ""},
		{"C1 control", "alice\u0085@example.com", ""},
		{"noncharacter", "alice\uffff@example.com", ""},
		{"fullwidth, but too long once folded", strings.Repeat("\uff41", 65) + "@example.com", ""},
		{"megabytes", strings.Repeat("a", 1<<20) + "@example.com", ""},
		{"255 bytes", local64 + "@" + strings.Repeat("d", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("d", 58) + ".com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := users.NormalizeEmail(tt.email)
			if tt.want == "" {
				assert.ErrorIs(t, err, users.ErrInvalidEmail)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := users.NormalizeEmail(got)
			require.NoError(t, err)
			assert.Equal(t, got, again, "normalizing is idempotent")
		})
	}
}
