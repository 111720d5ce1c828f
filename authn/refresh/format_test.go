package refresh_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

func TestMalformedValuesNeverReachTheStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t, refresh.Config{})
	valid := f.issue(t, "alice").Value.Reveal()
	body := strings.TrimPrefix(valid, refresh.TokenPrefix)

	// A store that fails every call; a value that still gets
	// authn.ErrInvalidToken from it was rejected before any.
	failing, err := refresh.New(failingStore{err: errors.New("store down")}, refresh.Config{})
	require.NoError(t, err)

	tests := []struct {
		name  string
		value string
	}{
		{"empty", ""},
		{"garbage", "garbage"},
		{"prefix only", refresh.TokenPrefix},
		{"access JWT", "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"},
		{"oversized", refresh.TokenPrefix + strings.Repeat("A", 300)},
		{"megabyte", strings.Repeat("x", 1<<20)},
		{"wrong prefix", "ak_" + body},
		{"no prefix", body + "AAA"},
		{"upper-case prefix", "RT_" + body},
		{"one character short", valid[:len(valid)-1]},
		{"one character long", valid + "A"},
		{"padded base64", valid[:len(valid)-1] + "="},
		{"standard base64 alphabet", refresh.TokenPrefix + "+" + body[1:]},
		{"surrounding space", " " + valid[:len(valid)-1]},
		{"non-canonical last character", refresh.TokenPrefix + strings.Repeat("A", 42) + "B"},
		{"non-ASCII", refresh.TokenPrefix + "é" + body[2:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			for name, s := range map[string]*refresh.Tokens{"working": f.tokens, "failing": failing} {
				_, err := s.Rotate(ctx, tt.value)
				assert.ErrorIs(t, err, authn.ErrInvalidToken, "Rotate, %s store", name)
				assert.NotErrorIs(t, err, authn.ErrTokenExpired)
				_, err = s.Revoke(ctx, tt.value)
				assert.ErrorIs(t, err, authn.ErrInvalidToken, "Revoke, %s store", name)
			}
		})
	}

	_, err = failing.Rotate(context.Background(), valid)
	assert.ErrorIs(t, err, refresh.ErrStore, "a well-formed token does reach the store")
	assert.NotErrorIs(t, err, authn.ErrInvalidToken)
}
