package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

// longestMethods is the longest Methods the Manager writes: eight methods
// of sixteen bytes.
var longestMethods = strings.TrimSpace(strings.Repeat(strings.Repeat("m", 16)+" ", 8))

// A session's methods come back as they were stored, from every method
// that returns the session, and a recorded use keeps them.
func testMethods(t *testing.T, fresh func(*testing.T) Open) {
	require.Len(t, longestMethods, session.MaxMethodsLength)
	tests := []struct {
		name    string
		methods string
	}{
		{"a password", "pwd"},
		{"a second factor", "pwd otp mfa"},
		{"unknown", ""},
		{"the longest allowed", longestMethods},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			want := newRecord(t, "alice", base)
			want.Methods = tt.methods
			create(t, s, want)
			other := create(t, s, newRecord(t, "alice", base))

			assertFound(t, s, want, base, "Touch returns them")
			assertFound(t, open(t), want, base, "another handle reads them")
			assert.Equal(t, byID(want, other), listed(t, s, "alice", base), "List returns them")

			at := base.Add(10 * time.Minute)
			got, found, err := s.Touch(bg, want.TokenHash, use(at))
			require.NoError(t, err)
			require.True(t, found)
			want.LastSeenAt = at
			assert.Equal(t, normal(want), normal(got), "a recorded use keeps them")
			assertFound(t, open(t), want, at, "and stores them still")
			assert.Equal(t, byID(want, other), listed(t, s, "alice", at))

			// A login replacing the session has methods of its own.
			next := newRecord(t, "alice", at)
			next.Methods = "hwk mfa"
			require.NoError(t, s.Create(bg, next, idle, want.TokenHash))
			assertFound(t, s, next, at)
			assert.Equal(t, byID(next, other), listed(t, s, "alice", at))
		})
	}
}
