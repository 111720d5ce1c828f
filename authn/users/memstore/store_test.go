package memstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
	"github.com/gatehouse-go/gatehouse/authn/users/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Open {
		// One process, one store: every handle is the same.
		s := memstore.New()
		return func(*testing.T) users.Store { return s }
	})
}

func TestNewStartsEmpty(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	n, err := s.Count(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n)
	list, err := s.List(context.Background())
	require.NoError(t, err)
	assert.Empty(t, list)
}
