package refresh_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

func TestIssue(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		tests := []struct {
			name       string
			cfg        refresh.Config
			wantExpiry time.Duration
		}{
			{"defaults", refresh.Config{}, 14 * 24 * time.Hour},
			{"token TTL", refresh.Config{TokenTTL: time.Hour}, time.Hour},
			{"token TTL past the family's end is cut to it", refresh.Config{TokenTTL: 30 * 24 * time.Hour, FamilyLifetime: 7 * 24 * time.Hour}, 7 * 24 * time.Hour},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f := newFixtureOn(t, backend, tt.cfg)
				tok := f.issue(t, "alice")

				value := tok.Value.Reveal()
				require.True(t, strings.HasPrefix(value, refresh.TokenPrefix), value)
				raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(value, refresh.TokenPrefix))
				require.NoError(t, err)
				assert.Len(t, raw, 32)
				assert.Equal(t, "alice", tok.Subject)
				assert.Len(t, tok.FamilyID, 32)
				assert.Equal(t, start.Add(tt.wantExpiry), tok.ExpiresAt)
				assert.EqualValues(t, 1, f.count(t, ofFamily(tok.FamilyID, isUnused, isNotRevoked)))
			})
		}
	})
}

func TestIssueStartsANewFamilyEachTime(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend backend) {
		f := newFixtureOn(t, backend, refresh.Config{})
		a, b := f.issue(t, "alice"), f.issue(t, "alice")
		assert.NotEqual(t, a.Value.Reveal(), b.Value.Reveal())
		assert.NotEqual(t, a.FamilyID, b.FamilyID)
	})
}

func TestIssueRefusesBadSubject(t *testing.T) {
	t.Parallel()
	f := newFixture(t, refresh.Config{})
	for _, subject := range []string{"", strings.Repeat("x", refresh.MaxSubjectLength+1)} {
		tok, err := f.tokens.Issue(context.Background(), subject)
		assert.ErrorIs(t, err, refresh.ErrInvalidSubject)
		assert.Equal(t, refresh.Token{}, tok)
	}
	assert.Zero(t, f.rec.inserted, "a refused subject stores nothing")
	f.issue(t, strings.Repeat("x", refresh.MaxSubjectLength))
}
