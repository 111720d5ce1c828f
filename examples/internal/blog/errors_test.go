package blog

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
)

// Each of the blog's refusals gets its status and code, keeps its cause
// for the logs, and says no more than its reason; other errors pass for
// the adapter to answer.
func TestHTTPError(t *testing.T) {
	t.Parallel()
	cause := errors.New("database: connection refused")
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		message string
	}{
		{"invalid", invalid(`field "roles" is required`), http.StatusBadRequest, guard.CodeInvalidRequest, `field "roles" is required`},
		{"invalid, wrapped", fmt.Errorf("set roles: %w", invalidFor(authz.ErrCycle)), http.StatusBadRequest, guard.CodeInvalidRequest, authz.ErrCycle.Error()},
		{"not found", fmt.Errorf("post 7: %w", ErrNotFound), http.StatusNotFound, guard.CodeNotFound, "not found"},
		{"conflict", &Error{Kind: ErrConflict, Reason: "the policy has this grant already", Cause: authz.ErrExists},
			http.StatusConflict, guard.CodeConflict, "the policy has this grant already"},
		{"not ready", fmt.Errorf("%w: %w", ErrNotReady, cause), http.StatusServiceUnavailable, guard.CodeUnavailable,
			"this replica cannot serve requests right now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *guard.Error
			require.ErrorAs(t, HTTPError(tt.err), &e)
			assert.Equal(t, tt.status, e.Status)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.message, e.Message)
			assert.ErrorIs(t, e, tt.err, "the cause is kept for the logs")
		})
	}
	t.Run("not ready asks to retry", func(t *testing.T) {
		var e *guard.Error
		require.ErrorAs(t, HTTPError(fmt.Errorf("%w: %w", ErrNotReady, cause)), &e)
		assert.Equal(t, "1", e.Header.Get("Retry-After"))
		assert.NotContains(t, e.Message, cause.Error(), "the cause never reaches the client")
	})
	for _, err := range []error{authn.ErrNoCredentials, authz.ErrUnavailable, cause} {
		assert.Same(t, err, HTTPError(err), "%v is the adapter's to answer", err)
	}
}
