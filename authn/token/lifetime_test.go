package token_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// A token may claim to live no longer than Config.MaxLifetime, counted
// from its iat to its exp: a key that leaks, or an issuer that errs, does
// not yield a credential good for a century.
func TestVerifyCapsTheLifetime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		lifetime time.Duration // exp - iat of the token
		max      time.Duration // Config.MaxLifetime; 0 for the default
		wantErr  error
	}{
		{"the TTL", token.DefaultTTL, 0, nil},
		{"four times the TTL, the default cap", 4 * token.DefaultTTL, 0, nil},
		{"a second over the default cap", 4*token.DefaultTTL + time.Second, 0, authn.ErrInvalidToken},
		{"a hundred years", 100 * 365 * 24 * time.Hour, 0, authn.ErrInvalidToken},
		{"a day under a 24h cap", 24 * time.Hour, 24 * time.Hour, nil},
		{"a day and a second under a 24h cap", 24*time.Hour + time.Second, 24 * time.Hour, authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := authntest.NewClock(start)
			issuer := newIssuer(t, clk, token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}, MaxLifetime: tt.max})
			claims := claimsAt(start)
			claims["exp"] = start.Add(tt.lifetime).Unix()
			clk.Advance(time.Minute)
			_, err := issuer.Verify(context.Background(), forge(t, hsHeader(), claims, hmacSecret))
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.NotErrorIs(t, err, authn.ErrTokenExpired)
		})
	}
}
