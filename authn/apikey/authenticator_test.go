package apikey_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
)

func TestAuthenticator(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		key, plain := f.create(t, "alice", "CI")
		custom, err := apikey.New(f.open(t), apikey.Config{Header: "X-Service-Key", Now: f.clock.Now})
		require.NoError(t, err)

		tests := []struct {
			name    string
			auth    authn.Authenticator
			headers map[string]string
			want    string
			wantErr error
		}{
			{"absent header", f.keys.Authenticator(), nil, "", authn.ErrNoCredentials},
			{"empty header", f.keys.Authenticator(), map[string]string{"X-API-Key": ""}, "", authn.ErrNoCredentials},
			{"other header only", f.keys.Authenticator(), map[string]string{"Authorization": "Bearer " + plain}, "", authn.ErrNoCredentials},
			{"bad key", f.keys.Authenticator(), map[string]string{"X-API-Key": "ghk_nope"}, "", authn.ErrInvalidAPIKey},
			{"mistyped key", f.keys.Authenticator(), map[string]string{"X-API-Key": replaceAt(plain, 20)}, "", authn.ErrInvalidAPIKey},
			{"good key", f.keys.Authenticator(), map[string]string{"X-API-Key": plain}, "alice", nil},
			{"header names ignore case", f.keys.Authenticator(), map[string]string{"x-api-key": plain}, "alice", nil},
			{"custom header", custom.Authenticator(), map[string]string{"X-Service-Key": plain}, "alice", nil},
			{"custom header ignores the default", custom.Authenticator(), map[string]string{"X-API-Key": plain}, "", authn.ErrNoCredentials},
			{"bad key in a chain is not passed over", authn.Chain{f.keys.Authenticator(), custom.Authenticator()},
				map[string]string{"X-API-Key": "bad", "X-Service-Key": plain}, "", authn.ErrInvalidAPIKey},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				subject, err := tt.auth.Authenticate(ctx, authntest.Request{Headers: tt.headers})
				if tt.wantErr != nil {
					assert.ErrorIs(t, err, tt.wantErr)
					assert.True(t, subject.IsZero(), "no subject with an error")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want, subject.ID)
				assert.Equal(t, authn.MethodAPIKey, subject.Method)
				assert.Equal(t, key.ID, subject.CredentialID)
			})
		}
	})
}
