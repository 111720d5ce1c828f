package token_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

func TestParseBearer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		header  string
		want    string
		wantErr error
	}{
		{"absent", "", "", authn.ErrNoCredentials},
		{"Basic", "Basic Ym9iOnNlY3JldA==", "", authn.ErrNoCredentials},
		{"another scheme that starts like Bearer", "Bearerx abc", "", authn.ErrNoCredentials},
		{"valid", "Bearer abc.def-_~+/ghi", "abc.def-_~+/ghi", nil},
		{"valid with padding", "Bearer abc==", "abc==", nil},
		{"lowercase scheme", "bearer x", "x", nil},
		{"uppercase scheme", "BEARER x", "x", nil},
		{"scheme alone", "Bearer", "", authn.ErrInvalidToken},
		{"scheme and a space", "Bearer ", "", authn.ErrInvalidToken},
		{"two spaces", "Bearer  x", "", authn.ErrInvalidToken},
		{"trailing space", "Bearer x ", "", authn.ErrInvalidToken},
		{"tab", "Bearer\tx", "", authn.ErrInvalidToken},
		{"two tokens", "Bearer x y", "", authn.ErrInvalidToken},
		{"padding only", "Bearer ==", "", authn.ErrInvalidToken},
		{"padding inside", "Bearer ab=c", "", authn.ErrInvalidToken},
		{"comma", "Bearer x,y", "", authn.ErrInvalidToken},
		{"quote", `Bearer "x"`, "", authn.ErrInvalidToken},
		{"non-ASCII", "Bearer jéton", "", authn.ErrInvalidToken},
		{"newline", "Bearer x\ny", "", authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := token.ParseBearer(tt.header)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAuthenticator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	issuer := newIssuer(t, clk, token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	tok, err := issuer.Issue(ctx, "bob")
	require.NoError(t, err)
	raw := tok.Value.Reveal()
	auth := issuer.Authenticator()

	tests := []struct {
		name    string
		header  string
		want    string
		wantErr error
	}{
		{"absent", "", "", authn.ErrNoCredentials},
		{"Basic", "Basic Ym9iOnNlY3JldA==", "", authn.ErrNoCredentials},
		{"valid", "Bearer " + raw, "bob", nil},
		{"lowercase scheme", "bearer " + raw, "bob", nil},
		{"Bearer alone", "Bearer", "", authn.ErrInvalidToken},
		{"two spaces", "Bearer  " + raw, "", authn.ErrInvalidToken},
		{"two tokens", "Bearer " + raw + " " + raw, "", authn.ErrInvalidToken},
		{"bad characters", "Bearer " + raw + "!", "", authn.ErrInvalidToken},
		{"well-formed but not a token", "Bearer abc", "", authn.ErrInvalidToken},
		{"tampered", "Bearer " + strings.Replace(raw, ".", ".e", 1), "", authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := authntest.Request{}
			if tt.header != "" {
				req.Headers = map[string]string{"authorization": tt.header}
			}
			s, err := auth.Authenticate(ctx, req)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.True(t, s.IsZero())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.ID)
			assert.Equal(t, authn.MethodBearer, s.Method)
			assert.Equal(t, tok.ID, s.CredentialID)
		})
	}

	t.Run("in a chain, a bad token is not passed over", func(t *testing.T) {
		t.Parallel()
		fallback := authn.AuthenticatorFunc(func(context.Context, authn.Credentials) (authn.Subject, error) {
			return authn.Subject{ID: "anonymous-fallback"}, nil
		})
		chain := authn.Chain{auth, fallback}
		_, err := chain.Authenticate(ctx, authntest.Bearer("abc"))
		assert.ErrorIs(t, err, authn.ErrInvalidToken)
		s, err := chain.Authenticate(ctx, authntest.Request{Headers: map[string]string{"Authorization": "Basic eA=="}})
		require.NoError(t, err)
		assert.Equal(t, "anonymous-fallback", s.ID)
	})
}
