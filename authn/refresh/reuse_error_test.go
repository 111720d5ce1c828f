package refresh_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// A reuse names the family it revoked, so that the caller can revoke what
// else the family obtained: the access tokens issued with its tokens.
func TestReuseNamesTheFamily(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, refresh.Config{})
	first := f.issue(t, "alice")
	f.rotate(t, first)

	_, err := f.tokens.Rotate(ctx, first.Value.Reveal())
	var reuse *refresh.ReuseError
	require.ErrorAs(t, err, &reuse)
	assert.Equal(t, first.FamilyID, reuse.FamilyID)
	assert.Equal(t, "alice", reuse.Subject)
	assert.ErrorIs(t, err, authn.ErrTokenReused)
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)
	assert.Contains(t, err.Error(), first.FamilyID)
	assert.NotContains(t, err.Error(), first.Value.Reveal())

	// Once the family is revoked, a token of it is revoked, not reused.
	_, err = f.tokens.Rotate(ctx, first.Value.Reveal())
	assert.ErrorIs(t, err, authn.ErrTokenRevoked)
	assert.False(t, errors.As(err, &reuse))
}

// A rotation that loses a race is reuse, and names the family as well.
func TestRacingReuseNamesTheFamily(t *testing.T) {
	t.Parallel()
	f := newFixture(t, refresh.Config{})
	for round := range 10 {
		tok := f.issue(t, "alice")
		_, errs := rotateAtOnce(f.tokens, tok.Value.Reveal(), 2)
		for _, err := range errs {
			if errors.Is(err, authn.ErrTokenReused) {
				var reuse *refresh.ReuseError
				require.ErrorAs(t, err, &reuse, "round %d", round)
				assert.Equal(t, tok.FamilyID, reuse.FamilyID, "round %d", round)
				assert.Equal(t, "alice", reuse.Subject, "round %d", round)
			}
		}
	}
}
