package purpose_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// decodePart decodes part i (0 header, 1 claims) of a JWT as JSON.
func decodePart(t *testing.T, raw string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func TestIssueWritesClaims(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	c := authntest.NewClock(start)
	tests := []struct {
		purpose string
		binding string
		typ     string
	}{
		{purpose.PasswordReset, "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", "password_reset+jwt"},
		{purpose.EmailVerification, "", "email_verification+jwt"},
	}
	for _, tt := range tests {
		t.Run(tt.purpose, func(t *testing.T) {
			tokens := newTokens(t, db, tt.purpose, c)
			tok, err := tokens.Issue(context.Background(), "user-42", tt.binding)
			require.NoError(t, err)
			raw := tok.Value.Reveal()

			header := decodePart(t, raw, 0)
			assert.Equal(t, map[string]any{"alg": "HS256", "typ": tt.typ}, header)

			claims := decodePart(t, raw, 1)
			now := float64(start.Unix())
			assert.Equal(t, issuer, claims["iss"])
			assert.Equal(t, "user-42", claims["sub"])
			assert.Equal(t, []any{tt.purpose}, claims["aud"], "aud is an array")
			assert.Equal(t, now, claims["iat"])
			assert.Equal(t, now, claims["nbf"])
			assert.Equal(t, float64(start.Add(tokens.TTL()).Unix()), claims["exp"])
			assert.Equal(t, tok.ID, claims["jti"])
			id, err := base64.RawURLEncoding.DecodeString(tok.ID)
			require.NoError(t, err)
			assert.Len(t, id, 32, "jti carries 32 random bytes")

			if tt.binding == "" {
				assert.NotContains(t, claims, "bnd")
			} else {
				key := verifyKey
				if tt.purpose == purpose.PasswordReset {
					key = resetKey
				}
				mac := hmac.New(sha256.New, key)
				mac.Write([]byte("gatehouse purpose binding v1\x00" + tt.binding))
				assert.Equal(t, hex.EncodeToString(mac.Sum(nil)), claims["bnd"], "an HMAC under the purpose's key")
				plain := sha256.Sum256([]byte(tt.binding))
				assert.NotEqual(t, hex.EncodeToString(plain[:]), claims["bnd"], "not a plain hash anyone could match")
				assert.NotContains(t, raw, base64.RawURLEncoding.EncodeToString([]byte(tt.binding)))
			}

			assert.Equal(t, "user-42", tok.Subject)
			assert.WithinDuration(t, time.Unix(int64(claims["exp"].(float64)), 0), tok.ExpiresAt, 0)
		})
	}

	t.Run("ids differ", func(t *testing.T) {
		tokens := newTokens(t, db, purpose.PasswordReset, c)
		a, err := tokens.Issue(context.Background(), "user-42", "")
		require.NoError(t, err)
		b, err := tokens.Issue(context.Background(), "user-42", "")
		require.NoError(t, err)
		assert.NotEqual(t, a.ID, b.ID)
		assert.NotEqual(t, a.Value.Reveal(), b.Value.Reveal())
	})
}

func TestIssueRefusesBadSubject(t *testing.T) {
	t.Parallel()
	tokens := newTokens(t, testdb.Open(t), purpose.PasswordReset, authntest.NewClock(start))
	tests := []struct {
		name    string
		subject string
	}{
		{"empty", ""},
		{"too long", strings.Repeat("s", purpose.MaxSubjectLength+1)},
		{"not UTF-8", "user-\xff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := tokens.Issue(context.Background(), tt.subject, "")
			assert.ErrorIs(t, err, purpose.ErrInvalidSubject)
			assert.Zero(t, tok)
		})
	}

	longest, err := tokens.Issue(context.Background(), strings.Repeat("s", purpose.MaxSubjectLength), strings.Repeat("b", 10_000))
	require.NoError(t, err, "the longest subject fits")
	assert.LessOrEqual(t, len(longest.Value.Reveal()), purpose.MaxTokenLength)
	_, err = tokens.Verify(context.Background(), longest.Value.Reveal(), fixed(strings.Repeat("b", 10_000), nil))
	assert.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = tokens.Issue(ctx, "alice", "")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTokenDoesNotPrintItsValue(t *testing.T) {
	t.Parallel()
	tokens := newTokens(t, testdb.Open(t), purpose.EmailVerification, authntest.NewClock(start))
	tok, err := tokens.Issue(context.Background(), "alice", "")
	require.NoError(t, err)
	raw := tok.Value.Reveal()
	for _, out := range []string{fmt.Sprint(tok), fmt.Sprintf("%+v %#v", tok, tok)} {
		assert.NotContains(t, out, raw)
		assert.Contains(t, out, tok.ID, "the id is for logs")
	}
	encoded, err := json.Marshal(tok)
	require.NoError(t, err)
	assert.NotContains(t, string(encoded), raw)
}
