package refresh_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// secretForms are the ways a token could leak: whole, without its prefix,
// or its stored hash.
func secretForms(tok refresh.Token) []string {
	value := tok.Value.Reveal()
	return []string{value, strings.TrimPrefix(value, refresh.TokenPrefix), hashOf(value)}
}

// What Tokens hands its store holds the SHA-256 of each token, never the
// token.
func TestStoreIsGivenNoPlainToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, refresh.Config{})
	a := f.issue(t, "alice")
	b := f.rotate(t, a)
	issued := []refresh.Token{a, b}

	require.Len(t, f.rec.stored, 2)
	dump := fmt.Sprintf("%#v", f.rec.stored)
	for _, tok := range issued {
		value := tok.Value.Reveal()
		assert.NotContains(t, dump, value)
		assert.NotContains(t, dump, strings.TrimPrefix(value, refresh.TokenPrefix))
		assert.Contains(t, dump, secretForms(tok)[2], "the SHA-256 is what is stored")
	}
}

func TestLoggerSeesNoToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var buf bytes.Buffer
	f := newFixture(t, refresh.Config{Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	a := f.issue(t, "alice")
	b := f.rotate(t, a)
	_, err := f.tokens.Rotate(ctx, a.Value.Reveal())
	require.ErrorIs(t, err, authn.ErrTokenReused)
	c := f.issue(t, "alice")
	_, err = f.tokens.Revoke(ctx, c.Value.Reveal())
	require.NoError(t, err)
	require.NoError(t, f.tokens.RevokeSubject(ctx, "alice"))
	_, err = f.tokens.Rotate(ctx, "rt_garbage")
	require.ErrorIs(t, err, authn.ErrInvalidToken)

	out := buf.String()
	assert.Contains(t, out, "reused", "reuse is logged")
	assert.Contains(t, out, `"subject":"alice"`)
	assert.Contains(t, out, a.FamilyID)
	for _, tok := range []refresh.Token{a, b, c} {
		for _, form := range secretForms(tok) {
			assert.NotContains(t, out, form)
		}
	}
	assert.NotContains(t, out, "rt_", "no token, not even a malformed one")
}

func TestTokenRedactsItsValue(t *testing.T) {
	t.Parallel()
	f := newFixture(t, refresh.Config{})
	tok := f.issue(t, "alice")
	for _, out := range []string{fmt.Sprint(tok), fmt.Sprintf("%+v %#v", tok, tok)} {
		assert.NotContains(t, out, tok.Value.Reveal())
		assert.Contains(t, out, authn.Redacted)
	}
}
