package refresh_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// tokens holds live families of two subjects, for checking that a
// revocation reaches exactly what it should.
type tokens struct {
	alice1Used, alice1, alice2, bob refresh.Token
}

func issueTokens(t *testing.T, f fixture) tokens {
	t.Helper()
	used := f.issue(t, "alice")
	return tokens{alice1Used: used, alice1: f.rotate(t, used), alice2: f.issue(t, "alice"), bob: f.issue(t, "bob")}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		tests := []struct {
			name    string
			revoke  func(t *testing.T, f fixture, tk tokens) error
			revoked func(tk tokens) []refresh.Token
			live    func(tk tokens) []refresh.Token
		}{
			{
				name: "by a live token",
				revoke: func(t *testing.T, f fixture, tk tokens) error {
					got, err := f.tokens.Revoke(context.Background(), tk.alice1.Value.Reveal())
					if err == nil {
						assert.Equal(t, refresh.Token{FamilyID: tk.alice1.FamilyID, Subject: "alice"}, got)
					}
					return err
				},
				revoked: func(tk tokens) []refresh.Token { return []refresh.Token{tk.alice1} },
				live:    func(tk tokens) []refresh.Token { return []refresh.Token{tk.alice2, tk.bob} },
			},
			{
				name: "by a used token",
				revoke: func(t *testing.T, f fixture, tk tokens) error {
					got, err := f.tokens.Revoke(context.Background(), tk.alice1Used.Value.Reveal())
					if err == nil {
						assert.Equal(t, tk.alice1.FamilyID, got.FamilyID)
						assert.Empty(t, got.Value.Reveal())
					}
					return err
				},
				revoked: func(tk tokens) []refresh.Token { return []refresh.Token{tk.alice1} },
				live:    func(tk tokens) []refresh.Token { return []refresh.Token{tk.alice2, tk.bob} },
			},
			{
				name: "by family",
				revoke: func(t *testing.T, f fixture, tk tokens) error {
					return f.tokens.RevokeFamily(context.Background(), tk.alice2.FamilyID)
				},
				revoked: func(tk tokens) []refresh.Token { return []refresh.Token{tk.alice2} },
				live:    func(tk tokens) []refresh.Token { return []refresh.Token{tk.alice1, tk.bob} },
			},
			{
				name: "by subject",
				revoke: func(t *testing.T, f fixture, tk tokens) error {
					return f.tokens.RevokeSubject(context.Background(), "alice")
				},
				revoked: func(tk tokens) []refresh.Token { return []refresh.Token{tk.alice1, tk.alice2} },
				live:    func(tk tokens) []refresh.Token { return []refresh.Token{tk.bob} },
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f := newFixtureOn(t, backend, refresh.Config{})
				tk := issueTokens(t, f)
				require.NoError(t, tt.revoke(t, f, tk))
				require.NoError(t, tt.revoke(t, f, tk), "revoking again is harmless")

				for _, tok := range tt.revoked(tk) {
					assert.Zero(t, f.count(t, ofFamily(tok.FamilyID, isNotRevoked)), "every token of the family is revoked")
					_, err := f.tokens.Rotate(ctx, tok.Value.Reveal())
					assert.ErrorIs(t, err, authn.ErrTokenRevoked)
					assert.NotErrorIs(t, err, authn.ErrTokenReused)
				}
				for _, tok := range tt.live(tk) {
					f.rotate(t, tok)
				}
			})
		}
	})
}

func TestRevokeRejectsBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, refresh.Config{})
	live := f.issue(t, "alice")
	stranger := newFixture(t, refresh.Config{}).issue(t, "alice")

	tests := []struct {
		name    string
		revoke  func() error
		wantErr error
	}{
		{"unknown token", func() error { _, err := f.tokens.Revoke(ctx, stranger.Value.Reveal()); return err }, authn.ErrInvalidToken},
		{"malformed token", func() error { _, err := f.tokens.Revoke(ctx, "not-a-token"); return err }, authn.ErrInvalidToken},
		{"empty token", func() error { _, err := f.tokens.Revoke(ctx, ""); return err }, authn.ErrInvalidToken},
		{"unknown family", func() error { return f.tokens.RevokeFamily(ctx, stranger.FamilyID) }, refresh.ErrFamilyNotFound},
		{"empty family", func() error { return f.tokens.RevokeFamily(ctx, "") }, refresh.ErrInvalidFamilyID},
		{"over-long family", func() error { return f.tokens.RevokeFamily(ctx, strings.Repeat("a", 33)) }, refresh.ErrInvalidFamilyID},
		{"empty subject", func() error { return f.tokens.RevokeSubject(ctx, "") }, refresh.ErrInvalidSubject},
		{"over-long subject", func() error { return f.tokens.RevokeSubject(ctx, strings.Repeat("a", 256)) }, refresh.ErrInvalidSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.revoke(), tt.wantErr)
		})
	}
	assert.NoError(t, f.tokens.RevokeSubject(ctx, "nobody"), "a subject without tokens has nothing to revoke")
	f.rotate(t, live)
}
