package memstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/identity/memstore"
	"github.com/gatehouse-go/gatehouse/authn/identity/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Open {
		// One process, one store: every handle is the same.
		s := memstore.New()
		return func(*testing.T) identity.Store { return s }
	})
}

func TestNewStartsEmpty(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	links, err := s.ByUser(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Empty(t, links)
	_, found, err := s.Find(context.Background(), "https://idp.example.com", "1")
	require.NoError(t, err)
	assert.False(t, found)
}

// A Store declared without New is as usable as one from New.
func TestZeroValueIsEmpty(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Open {
		var s memstore.Store
		return func(*testing.T) identity.Store { return &s }
	})
}
