package memstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/memstore"
	"github.com/gatehouse-go/gatehouse/authn/recovery/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Open {
		// One process, one store: every handle is the same.
		s := memstore.New()
		return func(*testing.T) recovery.Store { return s }
	})
}

// A Store declared without New is as usable as one from New.
func TestZeroValueIsEmpty(t *testing.T) {
	t.Parallel()
	var s memstore.Store
	n, err := s.Remaining(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Zero(t, n)
	storetest.Run(t, func(t *testing.T) storetest.Open {
		var s memstore.Store
		return func(*testing.T) recovery.Store { return &s }
	})
}
