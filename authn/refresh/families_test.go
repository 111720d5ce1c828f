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

func TestFamilies(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		ctx := context.Background()
		f := newFixtureOn(t, backend, refresh.Config{TokenTTL: time.Hour, FamilyLifetime: 24 * time.Hour})
		idle := f.issue(t, "alice") // never refreshed: dies idle below
		f.clock.Advance(10 * time.Minute)
		phone := f.issue(t, "alice")
		f.clock.Advance(time.Minute)
		laptop := f.issue(t, "alice")
		revoked := f.issue(t, "alice")
		_, err := f.tokens.Revoke(ctx, revoked.Value.Reveal())
		require.NoError(t, err)
		f.issue(t, "bob")
		f.clock.Advance(30 * time.Minute)
		phone = f.rotate(t, phone) // refreshed: now the most recent
		f.clock.Advance(25 * time.Minute)

		families, err := f.tokens.Families(ctx, "alice")
		require.NoError(t, err)
		require.Len(t, families, 2, "the revoked and the idle family are not listed")
		assert.Equal(t, refresh.Family{ID: phone.FamilyID, LoginAt: start.Add(10 * time.Minute), RefreshedAt: start.Add(41 * time.Minute), ExpiresAt: phone.ExpiresAt}, families[0])
		assert.Equal(t, refresh.Family{ID: laptop.FamilyID, LoginAt: start.Add(11 * time.Minute), RefreshedAt: start.Add(11 * time.Minute), ExpiresAt: laptop.ExpiresAt}, families[1])
		_, err = f.tokens.Check(ctx, idle.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenExpired, "the idle family is over")

		none, err := f.tokens.Families(ctx, "carol")
		require.NoError(t, err)
		assert.Empty(t, none)
		for _, bad := range []string{"", strings.Repeat("x", refresh.MaxSubjectLength+1)} {
			_, err := f.tokens.Families(ctx, bad)
			assert.ErrorIs(t, err, refresh.ErrInvalidSubject)
		}
	})
}

func TestRevokeFamilyOf(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		ctx := context.Background()
		f := newFixtureOn(t, backend, refresh.Config{})
		phone := f.issue(t, "alice")
		laptop := f.issue(t, "alice")
		bobs := f.issue(t, "bob")

		tests := []struct {
			name, subject, family string
			want                  error
		}{
			{"another subject's family", "alice", bobs.FamilyID, refresh.ErrFamilyNotFound},
			{"unknown family", "alice", strings.Repeat("0", 32), refresh.ErrFamilyNotFound},
			{"empty family id", "alice", "", refresh.ErrInvalidFamilyID},
			{"over-long family id", "alice", strings.Repeat("0", 33), refresh.ErrInvalidFamilyID},
			{"empty subject", "", phone.FamilyID, refresh.ErrInvalidSubject},
			{"own family", "alice", phone.FamilyID, nil},
			{"own family again", "alice", phone.FamilyID, nil},
		}
		for _, tc := range tests {
			err := f.tokens.RevokeFamilyOf(ctx, tc.subject, tc.family)
			if tc.want == nil {
				assert.NoError(t, err, tc.name)
			} else {
				assert.ErrorIs(t, err, tc.want, tc.name)
			}
		}
		_, err := f.tokens.Rotate(ctx, phone.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked, "the phone is logged out")
		f.rotate(t, laptop)
		f.rotate(t, bobs)
	})
}
