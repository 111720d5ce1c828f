package authn_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn"
)

func TestRequireRecentLogin(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		loggedIn time.Time
		maxAge   time.Duration
		ok       bool
	}{
		{"just now", now, time.Minute, true},
		{"exactly max age", now.Add(-15 * time.Minute), 15 * time.Minute, true},
		{"a second too old", now.Add(-15*time.Minute - time.Second), 15 * time.Minute, false},
		{"days ago", now.Add(-72 * time.Hour), time.Hour, false},
		{"unknown", time.Time{}, 24 * time.Hour, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := authn.Subject{ID: "bob", AuthenticatedAt: tc.loggedIn}.RequireRecentLogin(now, tc.maxAge)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, authn.ErrReauthenticationRequired)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "a refusal adapters answer with 401")
			assert.NotErrorIs(t, err, authn.ErrInvalidToken, "the credential itself is good")
			var re *authn.ReauthenticationError
			if assert.True(t, errors.As(err, &re)) {
				assert.Equal(t, tc.maxAge, re.MaxAge)
			}
		})
	}
}
