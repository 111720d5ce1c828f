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
