package token_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
)

// countingRevocations counts the calls an Issuer makes, and fails them
// with err when it is set.
type countingRevocations struct {
	token.Revocations
	revoked, generation atomic.Int64
	err                 error
}

func (c *countingRevocations) Revoked(ctx context.Context, jti, subject, family string, generation int64) (bool, error) {
	c.revoked.Add(1)
	if c.err != nil {
		return false, c.err
	}
	return c.Revocations.Revoked(ctx, jti, subject, family, generation)
}

func (c *countingRevocations) Generation(ctx context.Context, subject string) (int64, error) {
	c.generation.Add(1)
	if c.err != nil {
		return 0, c.err
	}
	return c.Revocations.Generation(ctx, subject)
}

// Verify asks the Revocations one question per token, on first sight and
// from the cache alike; Issue asks for the generation once.
func TestIssuerAsksRevocationsOncePerCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	revocations := &countingRevocations{Revocations: memstore.New(memstore.Config{Now: clk.Now})}
	issuer := newIssuer(t, clk, token.Config{Keys: []token.Key{hsKey(t, "k1")}, Revocations: revocations})

	tok, err := issuer.Issue(ctx, "alice", token.Family("fam-1"))
	require.NoError(t, err)
	assert.Equal(t, int64(1), revocations.generation.Load())
	for n := int64(1); n <= 3; n++ {
		_, err := issuer.Verify(ctx, tok.Value.Reveal())
		require.NoError(t, err)
		assert.Equal(t, n, revocations.revoked.Load(), "verification %d", n)
	}
	_, err = issuer.Verify(ctx, "not-a-token")
	require.Error(t, err)
	assert.Equal(t, int64(3), revocations.revoked.Load(), "a token refused for its form is not looked up")
}

// Revocations that cannot answer make the Issuer fail closed: no token is
// verified, cached or not, and none is issued; the error says the token may
// be good (authn.ErrUnavailable), so the HTTP adapters answer 503.
func TestIssuerFailsClosedWhenRevocationsCannotAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	revocations := &countingRevocations{Revocations: memstore.New(memstore.Config{Now: clk.Now})}
	issuer := newIssuer(t, clk, token.Config{Keys: []token.Key{hsKey(t, "k1")}, Revocations: revocations})
	cached, err := issuer.Issue(ctx, "alice")
	require.NoError(t, err)
	_, err = issuer.Verify(ctx, cached.Value.Reveal())
	require.NoError(t, err)
	unseen, err := issuer.Issue(ctx, "alice")
	require.NoError(t, err)

	down := errors.New("connection refused")
	alreadyUnavailable := errors.Join(authn.ErrUnavailable, down)
	for _, cause := range []error{down, alreadyUnavailable, context.DeadlineExceeded} {
		revocations.err = cause
		for name, tok := range map[string]token.Token{"cached": cached, "unseen": unseen} {
			_, err := issuer.Verify(ctx, tok.Value.Reveal())
			assert.ErrorIs(t, err, authn.ErrUnavailable, name)
			assert.ErrorIs(t, err, cause, "%s: the cause is kept", name)
			assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, name)
		}
		_, err = issuer.Authenticator().Authenticate(ctx, authntest.Bearer(cached.Value.Reveal()))
		assert.ErrorIs(t, err, authn.ErrUnavailable)
		_, err = issuer.Issue(ctx, "alice")
		assert.ErrorIs(t, err, authn.ErrUnavailable, "no token is issued on an unknown generation")
		assert.ErrorIs(t, err, cause)
	}
	revocations.err = alreadyUnavailable
	_, err = issuer.Verify(ctx, cached.Value.Reveal())
	assert.Equal(t, 1, strings.Count(err.Error(), authn.ErrUnavailable.Error()), "said once: %v", err)

	revocations.err = nil
	_, err = issuer.Verify(ctx, unseen.Value.Reveal())
	assert.NoError(t, err, "and it recovers with them")
}

// The validators are what every Revocations refuses input with, so that
// all implementations refuse alike.
func TestValidateRevocations(t *testing.T) {
	t.Parallel()
	exp := start.Add(time.Hour)
	longest := strings.Repeat("x", token.MaxTokenIDLength)
	tooLong := longest + "x"
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"token", token.ValidateTokenRevocation("jti-1", "bob", exp), nil},
		{"token id of the longest", token.ValidateTokenRevocation(longest, "bob", exp), nil},
		{"token id in UTF-8", token.ValidateTokenRevocation("jtí-☃", "bob", exp), nil},
		{"no token id", token.ValidateTokenRevocation("", "bob", exp), token.ErrInvalidRevocation},
		{"token id too long", token.ValidateTokenRevocation(tooLong, "bob", exp), token.ErrInvalidRevocation},
		{"token id not UTF-8", token.ValidateTokenRevocation("jti-\xff", "bob", exp), token.ErrInvalidRevocation},
		{"token id with NUL", token.ValidateTokenRevocation("jti\x00", "bob", exp), token.ErrInvalidRevocation},
		{"token without subject", token.ValidateTokenRevocation("jti-1", "", exp), token.ErrInvalidSubject},
		{"token without expiry", token.ValidateTokenRevocation("jti-1", "bob", time.Time{}), token.ErrInvalidRevocation},
		{"family", token.ValidateFamilyRevocation("fam-1", "bob", exp), nil},
		{"no family", token.ValidateFamilyRevocation("", "bob", exp), token.ErrInvalidFamily},
		{"family too long", token.ValidateFamilyRevocation(tooLong, "bob", exp), token.ErrInvalidFamily},
		{"family with NUL", token.ValidateFamilyRevocation("fam\x00", "bob", exp), token.ErrInvalidFamily},
		{"family without subject", token.ValidateFamilyRevocation("fam-1", "", exp), token.ErrInvalidSubject},
		{"family without expiry", token.ValidateFamilyRevocation("fam-1", "bob", time.Time{}), token.ErrInvalidRevocation},
		{"subject", token.ValidateSubjectRevocation(longest), nil},
		{"no subject", token.ValidateSubjectRevocation(""), token.ErrInvalidSubject},
		{"subject too long", token.ValidateSubjectRevocation(tooLong), token.ErrInvalidSubject},
		{"subject not UTF-8", token.ValidateSubjectRevocation("b\xffb"), token.ErrInvalidSubject},
		{"subject with NUL", token.ValidateSubjectRevocation("bob\x00"), token.ErrInvalidSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil {
				assert.NoError(t, tt.err)
				return
			}
			assert.ErrorIs(t, tt.err, tt.want)
		})
	}

	// A subject or family no revocation could keep gets no token either.
	issuer := newIssuer(t, authntest.NewClock(start), token.Config{Keys: []token.Key{hsKey(t, "k1")}})
	_, err := issuer.Issue(context.Background(), "bob\x00")
	assert.ErrorIs(t, err, token.ErrInvalidSubject)
	_, err = issuer.Issue(context.Background(), "bob", token.Family("fam\x00"))
	assert.ErrorIs(t, err, token.ErrInvalidFamily)
}
