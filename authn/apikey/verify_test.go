package apikey_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
)

// replaceAt returns s with the byte at i replaced by a different character
// of the same alphabet, so the result keeps the key's shape.
func replaceAt(s string, i int) string {
	c := byte('a')
	if s[i] == 'a' {
		c = 'b'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		_, good := f.create(t, "alice", "good")
		revoked, revokedPlain := f.create(t, "alice", "revoked")
		require.NoError(t, f.keys.Revoke(ctx, revoked.ID))
		_, expiringSecret, err := f.keys.Create(ctx, "alice", "expiring", ptr(f.clock.Now().Add(time.Hour)))
		require.NoError(t, err)
		expiring := expiringSecret.Reveal()
		f.clock.Advance(time.Hour) // the key's expiry, to the nanosecond
		lookups := &f.store.lookups

		const prefixStart, secretStart = len("ghk_"), len("ghk_12345678_")
		tests := []struct {
			name    string
			plain   string
			reason  string // in the error message
			lookups int64  // store calls Verify makes; -1: either way
		}{
			{"revoked", revokedPlain, "revoked", 1},
			{"expired", expiring, "expired", 1},
			{"secret mistyped", replaceAt(good, secretStart+10), "wrong secret", 1},
			{"secret last character mistyped", replaceAt(good, len(good)-1), "", -1}, // may be non-canonical base64
			{"prefix mistyped", replaceAt(good, prefixStart+3), "unknown key", 1},
			{"secret of one key with prefix of another", good[:secretStart] + revokedPlain[secretStart:], "wrong secret", 1},
			{"unknown well-formed key", "ghk_00000000_" + strings.Repeat("A", 43), "unknown key", 1},
			{"truncated", good[:len(good)-1], "malformed", 0},
			{"truncated to the prefix", good[:secretStart], "malformed", 0},
			{"empty", "", "malformed", 0},
			{"oversized", good + strings.Repeat("A", 201-len(good)), "malformed", 0},
			{"huge", strings.Repeat("ghk_", 1<<16), "malformed", 0},
			{"wrong scheme", "ghx_" + good[len("ghk_"):], "malformed", 0},
			{"no scheme", good[len("ghk_"):], "malformed", 0},
			{"upper-case scheme", "GHK_" + good[len("ghk_"):], "malformed", 0},
			{"upper-case prefix", good[:prefixStart] + strings.ToUpper(good[prefixStart:secretStart]) + good[secretStart:], "malformed", 0},
			{"wrong separator", good[:secretStart-1] + "-" + good[secretStart:], "malformed", 0},
			{"padded secret", good[:len(good)-1] + "=", "malformed", 0},
			{"leading space", " " + good, "malformed", 0},
			{"trailing newline", good + "\n", "malformed", 0},
			{"bearer scheme", "Bearer " + good, "malformed", 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := lookups.Load()
				subject, err := f.keys.Verify(ctx, tt.plain)
				assert.ErrorIs(t, err, authn.ErrInvalidAPIKey)
				assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
				assert.Contains(t, err.Error(), tt.reason)
				assert.True(t, subject.IsZero(), "no subject with an error")
				if tt.lookups >= 0 {
					assert.Equal(t, tt.lookups, lookups.Load()-before, "store calls")
				}
			})
		}

		_, err = f.keys.Verify(ctx, good)
		assert.NoError(t, err, "the original key still works")
	})
}

func TestExpiryBoundary(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		_, secret, err := f.keys.Create(ctx, "alice", "expiring", ptr(f.clock.Now().Add(time.Hour)))
		require.NoError(t, err)

		f.clock.Advance(time.Hour - time.Microsecond)
		_, err = f.keys.Verify(ctx, secret.Reveal())
		require.NoError(t, err, "valid until its expiry")

		f.clock.Advance(time.Microsecond)
		_, err = f.keys.Verify(ctx, secret.Reveal())
		assert.ErrorIs(t, err, authn.ErrInvalidAPIKey, "refused from its expiry on")
	})
}

func TestLastUsedIsRecordedAtMostOncePerMinute(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		key, plain := f.create(t, "alice", "CI")
		updates := &f.store.uses
		start := f.clock.Now()

		steps := []struct {
			advance      time.Duration
			wantLastUsed time.Time
			wantUpdates  int64
		}{
			{0, start, 1},                                 // first use is recorded
			{30 * time.Second, start, 1},                  // within the minute: no write
			{29 * time.Second, start, 1},                  // still within it
			{time.Second, start.Add(time.Minute), 2},      // a minute after the last record
			{10 * time.Second, start.Add(time.Minute), 2}, // within the new minute
			{time.Hour, start.Add(time.Hour + 70*time.Second), 3},
		}
		for i, step := range steps {
			f.clock.Advance(step.advance)
			_, err := f.keys.Verify(ctx, plain)
			require.NoError(t, err)
			got, err := f.keys.Get(ctx, key.ID)
			require.NoError(t, err)
			require.NotNil(t, got.LastUsedAt, "step %d", i)
			assert.True(t, got.LastUsedAt.Equal(step.wantLastUsed), "step %d: last used %v, want %v", i, got.LastUsedAt, step.wantLastUsed)
			assert.Equal(t, step.wantUpdates, updates.Load(), "step %d: writes", i)
		}

		// Failed verifications are not uses.
		f.clock.Advance(time.Hour)
		require.NoError(t, f.keys.Revoke(ctx, key.ID))
		written := updates.Load()
		_, err := f.keys.Verify(ctx, plain)
		require.Error(t, err)
		assert.Equal(t, written, updates.Load())
	})
}

func TestConcurrentVerify(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		key, plain := f.create(t, "alice", "CI")

		var wg sync.WaitGroup
		errs := make([]error, 16)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.keys.Verify(ctx, plain)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			assert.NoError(t, err)
		}
		got, err := f.keys.Get(ctx, key.ID)
		require.NoError(t, err)
		require.NotNil(t, got.LastUsedAt)
		assert.True(t, got.LastUsedAt.Equal(f.clock.Now()))
	})
}
