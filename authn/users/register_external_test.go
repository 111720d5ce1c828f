package users_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

func TestRegisterExternal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _, _ := newDirectory(t, users.Config{})
	taken := register(t, d, "taken@example.com", "correct horse battery staple", "Taken")

	tests := []struct {
		name, email, display string
		wantEmail, wantName  string
		wantErr              error
	}{
		{"verified email", "Alice@Example.com", "Alice", "alice@example.com", "Alice", nil},
		{"no email", "", "Bob", "", "Bob", nil},
		{"another with no email", "", "Bob", "", "Bob", nil},
		{"no name", "", "", "", "External user", nil},
		{"a name with a control character", "", "Eve\x00", "", "External user", nil},
		{"taken email", "TAKEN@example.com", "Mallory", "", "", users.ErrEmailTaken},
		{"not an email", "not-an-email", "Mallory", "", "", users.ErrInvalidEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := d.RegisterExternal(ctx, tt.email, tt.display, "External user")
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Empty(t, u.ID)
				return
			}
			require.NoError(t, err)
			assert.True(t, users.IsID(u.ID))
			assert.Equal(t, tt.wantEmail, u.Email)
			assert.Equal(t, tt.wantName, u.Name)
			assert.Equal(t, tt.wantEmail != "", u.Verified(), "a provider's verified email is verified")
			got, err := d.Get(ctx, u.ID)
			require.NoError(t, err)
			assert.Equal(t, u, got)
		})
	}
	n, err := d.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(6), n, "the refused registrations created nothing")

	// No password logs in to an account without one.
	u, err := d.RegisterExternal(ctx, "nopassword@example.com", "No Password", "x")
	require.NoError(t, err)
	for _, pw := range []string{"", "anything", "correct horse battery staple"} {
		_, err := d.Authenticate(ctx, u.Email, pw)
		assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "%q", pw)
	}
	// Until one is set.
	require.NoError(t, d.SetPassword(ctx, u.ID, "a new long passphrase"))
	_, err = d.Authenticate(ctx, u.Email, "a new long passphrase")
	assert.NoError(t, err)
	_, err = d.Authenticate(ctx, taken.Email, "correct horse battery staple")
	assert.NoError(t, err)
}
