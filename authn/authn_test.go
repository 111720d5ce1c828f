package authn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
)

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err   error
		is    []error
		isNot []error
	}{
		{authn.ErrTokenExpired, []error{authn.ErrInvalidToken, authn.ErrInvalidCredentials}, []error{authn.ErrTokenRevoked, authn.ErrNoCredentials}},
		{authn.ErrTokenReused, []error{authn.ErrTokenRevoked, authn.ErrInvalidToken, authn.ErrInvalidCredentials}, []error{authn.ErrTokenExpired}},
		{authn.ErrInvalidAPIKey, []error{authn.ErrInvalidCredentials}, []error{authn.ErrInvalidToken}},
		{authn.ErrInvalidSession, []error{authn.ErrInvalidCredentials}, []error{authn.ErrInvalidToken}},
		{authn.ErrCSRF, nil, []error{authn.ErrInvalidCredentials}},
		{&authn.ThrottledError{RetryAfter: time.Minute}, []error{authn.ErrThrottled}, []error{authn.ErrInvalidCredentials}},
		{fmt.Errorf("verify: %w", authn.ErrTokenExpired), []error{authn.ErrInvalidToken}, nil},
	}
	for _, tt := range tests {
		for _, target := range tt.is {
			assert.ErrorIs(t, tt.err, target, "%v is %v", tt.err, target)
		}
		for _, target := range tt.isNot {
			assert.NotErrorIs(t, tt.err, target, "%v is not %v", tt.err, target)
		}
	}
}

func TestThrottledErrorSaysWhenToRetry(t *testing.T) {
	t.Parallel()
	err := error(&authn.ThrottledError{RetryAfter: 1500 * time.Millisecond})
	assert.Equal(t, "too many attempts: retry after 2s", err.Error())
	var throttled *authn.ThrottledError
	require.True(t, errors.As(err, &throttled))
	assert.Equal(t, 1, authn.RetryAfterSeconds(0))
	assert.Equal(t, 900, authn.RetryAfterSeconds(15*time.Minute))
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	s := authn.Secret("s3cr3t-value")
	holder := struct {
		Token authn.Secret
		User  string
	}{s, "bob"}
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%s %v %q %x %#v %+v", s, s, s, s, s, s),
		fmt.Sprintf("%v %+v", holder, holder),
	} {
		assert.NotContains(t, out, "s3cr3t")
	}
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("issued", "token", s, "holder", holder)
	logger.Info("issued", slog.Any("token", s))
	assert.NotContains(t, buf.String(), "s3cr3t")
	assert.Contains(t, buf.String(), authn.Redacted)
	assert.Equal(t, "s3cr3t-value", s.Reveal())

	encoded, err := json.Marshal(holder)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Token":"[REDACTED]","User":"bob"}`, string(encoded))
}

// static authenticates one header value as one subject.
func static(header, value, subject string) authn.Authenticator {
	return authn.AuthenticatorFunc(func(_ context.Context, req authn.Credentials) (authn.Subject, error) {
		got := req.Header(header)
		switch {
		case got == "":
			return authn.Subject{}, authn.ErrNoCredentials
		case got != value:
			return authn.Subject{}, fmt.Errorf("%s: %w", header, authn.ErrInvalidCredentials)
		}
		return authn.Subject{ID: subject, Method: authn.MethodAPIKey}, nil
	})
}

func TestChain(t *testing.T) {
	t.Parallel()
	chain := authn.Chain{static("X-A", "good-a", "alice"), static("X-B", "good-b", "bob")}
	tests := []struct {
		name    string
		headers map[string]string
		want    string
		wantErr error
	}{
		{"none", nil, "", authn.ErrNoCredentials},
		{"first", map[string]string{"X-A": "good-a"}, "alice", nil},
		{"second", map[string]string{"x-b": "good-b"}, "bob", nil},
		{"first wins", map[string]string{"X-A": "good-a", "X-B": "good-b"}, "alice", nil},
		{"bad first is not passed over", map[string]string{"X-A": "bad", "X-B": "good-b"}, "", authn.ErrInvalidCredentials},
		{"bad second", map[string]string{"X-B": "bad"}, "", authn.ErrInvalidCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := chain.Authenticate(context.Background(), authntest.Request{Headers: tt.headers})
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.True(t, s.IsZero(), "no subject with an error")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.ID)
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := chain.Authenticate(ctx, authntest.Request{Headers: map[string]string{"X-A": "good-a"}})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = authn.Chain{}.Authenticate(context.Background(), authntest.Request{})
	assert.ErrorIs(t, err, authn.ErrNoCredentials)
}

func TestIsSafeMethod(t *testing.T) {
	t.Parallel()
	for _, m := range []string{"GET", "HEAD", "OPTIONS", "TRACE"} {
		assert.True(t, authn.IsSafeMethod(m), m)
	}
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE", "get", "", "CONNECT"} {
		assert.False(t, authn.IsSafeMethod(m), m)
	}
}

func TestSubjectContext(t *testing.T) {
	t.Parallel()
	_, ok := authn.FromContext(context.Background())
	assert.False(t, ok)

	ctx := authn.NewContext(context.Background(), authn.Subject{ID: "usr_1", Method: authn.MethodBearer})
	s, ok := authn.FromContext(ctx)
	require.True(t, ok)
	assert.Equal(t, "usr_1", s.ID)

	_, ok = authn.FromContext(authn.NewContext(context.Background(), authn.Subject{}))
	assert.False(t, ok, "the zero subject is nobody")
}
