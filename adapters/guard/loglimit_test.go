package guard

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
)

type nobody struct{}

func (nobody) Authenticate(context.Context, authn.Credentials) (authn.Subject, error) {
	return authn.Subject{}, authn.ErrNoCredentials
}

// TestDenialFloodIsLoggedWithinBounds hammers one forbidden route as one
// subject: five lines a minute, then one that says how many were held
// back; another subject, and another reason, are logged all the same.
func TestDenialFloodIsLoggedWithinBounds(t *testing.T) {
	clock := authntest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	g, err := New(Config{Authenticator: nobody{}, Logger: slog.New(slog.NewTextHandler(&logs, nil)), now: clock.Now})
	require.NoError(t, err)
	ctx := context.Background()
	mallory := authn.Subject{ID: "mallory", Method: authn.MethodBearer}
	for range 10_000 {
		require.NotNil(t, g.deny(ctx, mallory, "", "users:delete", "no rule"))
	}
	assert.Equal(t, 5, strings.Count(logs.String(), "access denied"), "five lines in the first minute")
	assert.Equal(t, uint64(9_995), g.DroppedLogs())

	g.deny(ctx, authn.Subject{ID: "bob"}, "", "users:delete", "no rule")
	g.deny(ctx, mallory, "", "posts:delete", "no rule")
	assert.Equal(t, 7, strings.Count(logs.String(), "access denied"), "another subject, another permission")

	clock.Advance(time.Minute)
	logs.Reset()
	g.deny(ctx, mallory, "", "users:delete", "no rule")
	assert.Contains(t, logs.String(), "suppressed=9995", "the next minute's first line tells what was held back")
	logs.Reset()
	g.deny(ctx, mallory, "", "users:delete", "no rule")
	assert.NotContains(t, logs.String(), "suppressed")

	// Refused authentications are bounded by their code.
	logs.Reset()
	for range 1000 {
		_, e := g.Authenticate(ctx, fakeCredentials{}, Required)
		require.NotNil(t, e)
	}
	assert.Equal(t, 5, strings.Count(logs.String(), "authentication refused"))
}

// TestLogLimiterBoundsItsKeys shows a flood of distinct subjects sharing
// one allowance past maxLogKeys, so the limiter's memory stays bounded.
func TestLogLimiterBoundsItsKeys(t *testing.T) {
	clock := authntest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newLogLimiter(1, time.Minute, clock.Now)
	allowed := 0
	for i := range maxLogKeys + 1000 {
		if ok, _ := l.allow("deny\x00" + strings.Repeat("x", i%7) + string(rune(i))); ok {
			allowed++
		}
	}
	assert.LessOrEqual(t, len(l.keys), maxLogKeys+1)
	assert.LessOrEqual(t, allowed, maxLogKeys+1)
	clock.Advance(time.Minute)
	ok, held := l.allow("deny\x00fresh")
	assert.True(t, ok)
	assert.Zero(t, held)
	assert.Less(t, len(l.keys), maxLogKeys, "keys with nothing held back are forgotten at the next interval")

	unlimited := newLogLimiter(-1, time.Minute, clock.Now)
	for range 100 {
		ok, _ := unlimited.allow("k")
		require.True(t, ok)
	}
}

// fakeCredentials carry nothing.
type fakeCredentials struct{}

func (fakeCredentials) Header(string) string         { return "" }
func (fakeCredentials) Cookie(string) (string, bool) { return "", false }
func (fakeCredentials) Method() string               { return "GET" }
