package refresh_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

func TestRotateChain(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		f := newFixtureOn(t, backend, refresh.Config{TokenTTL: 24 * time.Hour})
		a := f.issue(t, "alice")
		f.clock.Advance(time.Hour)
		b := f.rotate(t, a)
		f.clock.Advance(time.Hour)
		c := f.rotate(t, b)

		for _, tok := range []refresh.Token{a, b, c} {
			assert.Equal(t, a.FamilyID, tok.FamilyID, "a rotation stays in the family")
			assert.Equal(t, "alice", tok.Subject)
			assert.Equal(t, start, tok.LoginAt, "every token of the family says when its login was")
		}
		assert.Equal(t, start.Add(1*time.Hour+24*time.Hour), b.ExpiresAt, "each token gets a full TTL from its rotation")
		assert.Equal(t, start.Add(2*time.Hour+24*time.Hour), c.ExpiresAt)
		assert.Len(t, map[string]bool{a.Value.Reveal(): true, b.Value.Reveal(): true, c.Value.Reveal(): true}, 3)
		assert.EqualValues(t, 2, f.count(t, ofFamily(a.FamilyID, isUsed)), "A and B are used")
		assert.EqualValues(t, 1, f.count(t, ofFamily(a.FamilyID, isUnused)), "only C is live")
		f.rotate(t, c)
	})
}

func TestRotatedTokenIsDead(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		// Each case builds the chain A→B→C and presents one of its tokens
		// again; every earlier token is dead, and presenting it kills the
		// family.
		tests := []struct {
			name  string
			again int // index into the chain [A, B]
		}{
			{"A after A→B→C", 0},
			{"B after A→B→C", 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f := newFixtureOn(t, backend, refresh.Config{})
				a := f.issue(t, "alice")
				other := f.issue(t, "alice") // another device of the same user
				b := f.rotate(t, a)
				c := f.rotate(t, b)
				chain := []refresh.Token{a, b, c}

				tok, err := f.tokens.Rotate(ctx, chain[tt.again].Value.Reveal())
				assert.Equal(t, refresh.Token{}, tok)
				assert.ErrorIs(t, err, authn.ErrTokenReused)
				assert.ErrorIs(t, err, authn.ErrTokenRevoked)
				assert.ErrorIs(t, err, authn.ErrInvalidToken)
				assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
				assert.EqualValues(t, 3, f.count(t, ofFamily(a.FamilyID, isRevoked)), "every token of the family is revoked")

				for i, tok := range chain {
					_, err := f.tokens.Rotate(ctx, tok.Value.Reveal())
					assert.ErrorIs(t, err, authn.ErrTokenRevoked, "chain[%d]", i)
				}
				_, err = f.tokens.Rotate(ctx, c.Value.Reveal())
				assert.NotErrorIs(t, err, authn.ErrTokenReused, "a live token of a revoked family is revoked, not reused")
				f.rotate(t, other)
			})
		}
	})
}

func TestRotateExpiry(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		const day = 24 * time.Hour
		cfg := refresh.Config{TokenTTL: 10 * day, FamilyLifetime: 15 * day}
		tests := []struct {
			name string
			// rotations advance the clock before each rotation of the chain.
			rotations []time.Duration
			// wait advances the clock before the final attempt.
			wait    time.Duration
			wantErr error
		}{
			{"fresh token", nil, 0, nil},
			{"just before the token expires", nil, 10*day - time.Second, nil},
			{"token expired", nil, 10 * day, authn.ErrTokenExpired},
			{"token long expired", nil, 100 * day, authn.ErrTokenExpired},
			{"successor capped at the family's end", []time.Duration{9 * day}, 6*day - time.Second, nil},
			{"family ended before the successor's TTL", []time.Duration{9 * day}, 6 * day, authn.ErrTokenExpired},
			{"rotations do not extend the family", []time.Duration{4 * day, 4 * day, 4 * day}, 3 * day, authn.ErrTokenExpired},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f := newFixtureOn(t, backend, cfg)
				tok := f.issue(t, "alice")
				for _, d := range tt.rotations {
					f.clock.Advance(d)
					tok = f.rotate(t, tok)
				}
				if len(tt.rotations) > 0 {
					assert.Equal(t, start.Add(15*day), tok.ExpiresAt, "capped at the family's end")
				}
				f.clock.Advance(tt.wait)
				before := f.clock.Now().Add(-tt.wait)

				next, err := f.tokens.Rotate(ctx, tok.Value.Reveal())
				if tt.wantErr == nil {
					require.NoError(t, err)
					assert.Equal(t, tok.FamilyID, next.FamilyID)
					return
				}
				assert.ErrorIs(t, err, tt.wantErr)
				assert.NotErrorIs(t, err, authn.ErrTokenRevoked)
				assert.Equal(t, refresh.Token{}, next)

				// The refusal changed nothing: back in time, the token works.
				f.clock.Set(before)
				f.rotate(t, tok)
			})
		}
	})
}

func TestRotateRejectsUnknownToken(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		f := newFixtureOn(t, backend, refresh.Config{})
		other := newFixtureOn(t, backend, refresh.Config{})
		stranger := other.issue(t, "alice") // well formed, but not this store's
		_, err := f.tokens.Rotate(context.Background(), stranger.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrInvalidToken)
		assert.NotErrorIs(t, err, authn.ErrTokenRevoked)
	})
}

func TestCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, refresh.Config{TokenTTL: time.Hour, FamilyLifetime: 24 * time.Hour})
	used := f.issue(t, "alice")
	live := f.rotate(t, used)
	revoked := f.issue(t, "bob")
	_, err := f.tokens.Revoke(ctx, revoked.Value.Reveal())
	require.NoError(t, err)
	idle := f.issue(t, "carol")
	f.clock.Advance(59 * time.Minute)
	live = f.rotate(t, live)
	f.clock.Advance(2 * time.Minute) // idle has now been idle past its hour

	got, err := f.tokens.Check(ctx, live.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, refresh.Token{FamilyID: live.FamilyID, Subject: "alice", ExpiresAt: live.ExpiresAt, LoginAt: start}, got, "everything but the value")
	_, err = f.tokens.Check(ctx, live.Value.Reveal())
	require.NoError(t, err, "checking spends nothing")

	for _, tc := range []struct {
		name, value string
		want        error
	}{
		{"used", used.Value.Reveal(), authn.ErrInvalidToken},
		{"revoked family", revoked.Value.Reveal(), authn.ErrTokenRevoked},
		{"expired", idle.Value.Reveal(), authn.ErrTokenExpired},
		{"unknown", refresh.TokenPrefix + strings.Repeat("A", 43), authn.ErrInvalidToken},
		{"malformed", "not-a-token", authn.ErrInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.tokens.Check(ctx, tc.value)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	// Checking a used token is not reuse: the family lives on.
	_, err = f.tokens.Rotate(ctx, live.Value.Reveal())
	assert.NoError(t, err)
}

// TestLevel2Lifetimes runs the setting that meets OWASP ASVS V3.3.2 at
// level 2 — log in again after 30 minutes idle, or after 12 hours however
// active — and checks both bounds.
func TestLevel2Lifetimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, refresh.Config{TokenTTL: 30 * time.Minute, FamilyLifetime: 12 * time.Hour})

	idle := f.issue(t, "alice")
	f.clock.Advance(30 * time.Minute)
	_, err := f.tokens.Rotate(ctx, idle.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenExpired, "30 minutes idle")

	active := f.issue(t, "bob")
	for elapsed := time.Duration(0); elapsed+20*time.Minute < 12*time.Hour; elapsed += 20 * time.Minute {
		f.clock.Advance(20 * time.Minute)
		active = f.rotate(t, active)
	}
	assert.Equal(t, start.Add(30*time.Minute+12*time.Hour), active.ExpiresAt, "the last token ends with the family")
	f.clock.Advance(20 * time.Minute)
	_, err = f.tokens.Rotate(ctx, active.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenExpired, "12 hours after the login, however active")
}
