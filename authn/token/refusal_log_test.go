package token_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// recordingHandler keeps every record logged through it, at every level.
type recordingHandler struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler            { return h }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// take returns the records logged since the last take, each as its level,
// message and attributes.
func (h *recordingHandler) take() []loggedRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []loggedRecord
	for _, r := range h.records {
		rec := loggedRecord{level: r.Level, message: r.Message, attrs: map[string]string{}}
		r.Attrs(func(a slog.Attr) bool {
			rec.attrs[a.Key] = a.Value.String()
			return true
		})
		out = append(out, rec)
	}
	h.records = nil
	return out
}

type loggedRecord struct {
	level   slog.Level
	message string
	attrs   map[string]string
}

func (r loggedRecord) String() string { return fmt.Sprintf("%v %s %v", r.level, r.message, r.attrs) }

// Verify says in the log why it refused a token, at debug level, and never
// what the token is or what its claims say: a log is read by more people
// than the tokens are meant for.
func TestVerifyLogsWhyItRefused(t *testing.T) {
	t.Parallel()
	const subject, jti = "subject-a81f", "jti-5c3e"
	claims := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := claimsAt(start)
		c["sub"], c["jti"] = subject, jti
		if change != nil {
			change(c)
		}
		return c
	}
	good := forge(t, hsHeader(), claims(nil), hmacSecret)
	tests := []struct {
		name   string
		raw    string
		reason string // what the logged reason must say
		kid    string // the kid logged; "" for none
		quoted []string
	}{
		{"signed with another secret", forge(t, hsHeader(), claims(nil), []byte(strings.Repeat("x", 32))), "signature is invalid", "hs-1", nil},
		{"unknown kid", forge(t, map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": "old-key"}, claims(nil), hmacSecret), "unknown key id", "old-key", nil},
		{"kid that is not a key id", forge(t, map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": "k e y\n" + subject}, claims(nil), hmacSecret), "unknown key id", "(not a key id or algorithm name)", nil},
		{"duplicate sub", signSegments(t, []byte(`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`),
			[]byte(`{"iss":"`+testIssuer+`","aud":"api","sub":"carol-9d2b","sub":"`+subject+`","jti":"`+jti+`","iat":`+fmt.Sprint(start.Unix())+`,"exp":`+fmt.Sprint(start.Add(time.Minute).Unix())+`}`)),
			"member sub twice", "hs-1", []string{"carol-9d2b"}},
		{"exp beyond what a number holds", signSegments(t, []byte(`{"alg":"HS256","kid":"hs-1","typ":"at+jwt"}`),
			[]byte(`{"iss":"`+testIssuer+`","aud":"api","sub":"`+subject+`","jti":"`+jti+`","iat":`+fmt.Sprint(start.Unix())+`,"exp":1e999}`)),
			"token is malformed", "hs-1", []string{"1e999"}},
		{"expired", forge(t, hsHeader(), claims(func(c jwt.MapClaims) { c["exp"] = start.Add(-time.Hour).Unix() }), hmacSecret), "token is expired", "hs-1", nil},
		{"wrong audience", forge(t, hsHeader(), claims(func(c jwt.MapClaims) { c["aud"] = "billing-31ab" }), hmacSecret), "token has invalid audience", "hs-1", []string{"billing-31ab"}},
		{"not a JWT", "garbage-4e1c", "malformed", "", []string{"garbage-4e1c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &recordingHandler{}
			issuer := newIssuer(t, authntest.NewClock(start), token.Config{
				Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}, Logger: slog.New(h),
			})
			_, err := issuer.Verify(context.Background(), tt.raw)
			require.ErrorIs(t, err, authn.ErrInvalidToken)

			records := h.take()
			require.Len(t, records, 1, "one record per refusal")
			rec := records[0]
			assert.Equal(t, slog.LevelDebug, rec.level)
			assert.Contains(t, rec.message, "refused")
			assert.Contains(t, rec.attrs["reason"], tt.reason)
			assert.Equal(t, tt.kid, rec.attrs["kid"])
			logged := rec.String()
			for _, secret := range append([]string{subject, jti}, tt.quoted...) {
				assert.NotContains(t, logged, secret, "a claim's value")
			}
			for _, part := range strings.Split(tt.raw, ".") {
				if len(part) > 4 {
					assert.NotContains(t, logged, part, "a part of the token")
				}
			}
		})
	}

	t.Run("an accepted token is not logged", func(t *testing.T) {
		t.Parallel()
		h := &recordingHandler{}
		issuer := newIssuer(t, authntest.NewClock(start), token.Config{
			Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}, Logger: slog.New(h),
		})
		_, err := issuer.Verify(context.Background(), good)
		require.NoError(t, err)
		assert.Empty(t, h.take())
	})
}
