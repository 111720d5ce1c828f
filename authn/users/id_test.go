package users_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

func TestIsID(t *testing.T) {
	t.Parallel()
	store, _, _ := newDirectory(t, users.Config{})
	u, err := store.Register(context.Background(), "ida@example.com", "a long enough password", "Ida")
	require.NoError(t, err)
	assert.True(t, users.IsID(u.ID), u.ID)
	for _, id := range []string{"", "admin", "usr_", "usr_0123", "usr_0123456789abcdef0123456789ABCDEF",
		"usr_0123456789abcdef0123456789abcdeg", "key_0123456789abcdef0123456789abcdef", "usr_0123456789abcdef0123456789abcdef0"} {
		assert.False(t, users.IsID(id), id)
	}
}
