package authn_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

func TestAuthenticationStrength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amr   []string
		valid bool
		acr   string
	}{
		{nil, true, ""},
		{[]string{"pwd"}, true, authn.ACRSingleFactor},
		{[]string{"pwd", "otp", "mfa"}, true, authn.ACRMultiFactor},
		{[]string{"hwk", "mfa"}, true, authn.ACRMultiFactor},
		{[]string{"pwd", "pwd"}, false, authn.ACRSingleFactor},
		{[]string{"Pwd"}, false, authn.ACRSingleFactor},
		{[]string{""}, false, authn.ACRSingleFactor},
		{[]string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}, false, authn.ACRSingleFactor},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.valid, authn.ValidAMR(tt.amr), "%q", tt.amr)
		assert.Equal(t, tt.acr, authn.ACRFor(tt.amr), "%q", tt.amr)
	}

	assert.NoError(t, authn.Subject{ID: "bob", ACR: authn.ACRMultiFactor}.RequireMFA())
	for _, s := range []authn.Subject{{ID: "bob"}, {ID: "bob", ACR: authn.ACRSingleFactor}} {
		err := s.RequireMFA()
		assert.ErrorIs(t, err, authn.ErrReauthenticationRequired)
		assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
		var re *authn.ReauthenticationError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, authn.ACRMultiFactor, re.ACRValues)
		assert.Zero(t, re.MaxAge)
	}
}
