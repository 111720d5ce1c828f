package providername_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/providername"
)

func TestValid(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"zitadel", "entra-id", "okta_2", "a.b", strings.Repeat("x", 64)} {
		assert.True(t, providername.Valid(ok), ok)
	}
	for _, bad := range []string{"", "a|b", "a b", "é", "a/b", strings.Repeat("x", 65)} {
		assert.False(t, providername.Valid(bad), bad)
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	assert.NoError(t, providername.CheckURL("https://idp.example.com/realms/acme", false))
	assert.NoError(t, providername.CheckURL("http://127.0.0.1:8080", false))
	assert.NoError(t, providername.CheckURL("https://app.example.com/cb?x=1", true))
	for _, bad := range []string{"", "idp.example.com", "ftp://x", "https://", "https://x/#f", "https://x/?q=1", "::"} {
		assert.Error(t, providername.CheckURL(bad, false), bad)
	}
}

func TestCheckSubject(t *testing.T) {
	t.Parallel()
	assert.NoError(t, providername.CheckSubject("google-oauth2|1234"))
	assert.NoError(t, providername.CheckSubject(strings.Repeat("s", providername.MaxSubjectLength)))
	for _, bad := range []string{"", strings.Repeat("s", providername.MaxSubjectLength+1), "a\nb", "a\x00", "\xff"} {
		assert.Error(t, providername.CheckSubject(bad), "%q", bad)
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		claims  map[string]any
		want    authn.ExternalIdentity
		wantErr bool
	}{
		{"everything", map[string]any{"email": "a@example.com", "email_verified": true, "name": "A", "groups": []any{"x", "y"}},
			authn.ExternalIdentity{Email: "a@example.com", EmailVerified: true, Name: "A", Groups: []string{"x", "y"}}, false},
		{"unverified", map[string]any{"email": "a@example.com", "email_verified": false},
			authn.ExternalIdentity{Email: "a@example.com"}, false},
		{"verified as a string is not verified", map[string]any{"email": "a@example.com", "email_verified": "true"},
			authn.ExternalIdentity{Email: "a@example.com"}, false},
		{"verified without an email", map[string]any{"email_verified": true}, authn.ExternalIdentity{}, false},
		{"one group as a string", map[string]any{"groups": "x"}, authn.ExternalIdentity{Groups: []string{"x"}}, false},
		{"groups of another type", map[string]any{"groups": 7}, authn.ExternalIdentity{}, true},
		{"a group that is not a string", map[string]any{"groups": []any{"x", 7}}, authn.ExternalIdentity{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := providername.Identity(tt.claims, "p", "https://p.example", "s", "groups")
			if tt.wantErr {
				assert.ErrorContains(t, err, "groups")
				return
			}
			require.NoError(t, err)
			tt.want.Provider, tt.want.Issuer, tt.want.Subject = "p", "https://p.example", "s"
			assert.Equal(t, tt.want, got)
		})
	}
}
