package purpose_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// Verify and Consume say in the log why they refused a token, at debug
// level, and never what the token is, whom it is for or what it is bound
// to.
func TestRefusalsAreLogged(t *testing.T) {
	t.Parallel()
	const subject, binding = "subject-6b0d", "binding-e27a"
	var logs bytes.Buffer
	c := authntest.NewClock(start)
	tokens, err := purpose.New(usedStore(t, testdb.Open(t)), purpose.Config{
		Purpose: purpose.PasswordReset, Key: resetKey, Issuer: issuer, Now: c.Now,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	require.NoError(t, err)
	ctx := context.Background()
	tok, err := tokens.Issue(ctx, subject, binding)
	require.NoError(t, err)
	raw := tok.Value.Reveal()
	current := fixed(binding, nil)

	// Each refusal, and what its record must say.
	steps := []struct {
		name   string
		refuse func() error
		reason string
	}{
		{"tampered", func() error { _, err := tokens.Verify(ctx, flipSignature(raw), current); return err }, "signature is invalid"},
		{"duplicate sub", func() error {
			_, err := tokens.Verify(ctx, signRaw(t, resetKey, `{"alg":"HS256","typ":"password_reset+jwt"}`,
				`{"iss":"`+issuer+`","sub":"carol-51aa","sub":"`+subject+`","aud":"password_reset","iat":1,"nbf":1,"exp":2,"jti":"j1"}`), current)
			return err
		}, "member sub twice"},
		{"binding changed", func() error { _, err := tokens.Verify(ctx, raw, fixed("other", nil)); return err }, "bound value changed"},
		{"used twice", func() error {
			if _, err := tokens.Consume(ctx, raw, current); err != nil {
				return errors.New("the first use failed")
			}
			_, err := tokens.Consume(ctx, raw, current)
			return err
		}, "already used"},
		{"expired", func() error {
			c.Advance(time.Hour)
			_, err := tokens.Verify(ctx, raw, current)
			return err
		}, "token is expired"},
		{"another purpose's", func() error {
			_, err := tokens.Verify(ctx, sign(t, jwt.SigningMethodHS256, resetKey, "email_verification+jwt", resetClaims()), current)
			return err
		}, "wrong typ header"},
	}
	for _, step := range steps {
		logs.Reset()
		require.ErrorIs(t, step.refuse(), authn.ErrInvalidCredentials, step.name)
		out := logs.String()
		assert.Equal(t, 1, strings.Count(out, "\n"), "%s: one record: %s", step.name, out)
		assert.Contains(t, out, `"level":"DEBUG"`, step.name)
		assert.Contains(t, out, "purpose token refused", step.name)
		assert.Contains(t, out, step.reason, step.name)
		for _, secret := range []string{subject, binding, "carol-51aa"} {
			assert.NotContains(t, out, secret, step.name)
		}
		for _, part := range strings.Split(raw, ".") {
			assert.NotContains(t, out, part, step.name)
		}
	}

	// A failing binding function is the caller's to log.
	logs.Reset()
	fresh, err := tokens.Issue(ctx, subject, binding)
	require.NoError(t, err)
	_, err = tokens.Verify(ctx, fresh.Value.Reveal(), func(context.Context, string) (string, error) {
		return "", errors.New("user store down")
	})
	require.Error(t, err)
	assert.Empty(t, logs.String())
}
