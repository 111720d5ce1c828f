package memstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/memstore"
	"github.com/gatehouse-go/gatehouse/authn/totp/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Open {
		// One process, one store: every handle is the same.
		s := memstore.New()
		return func(*testing.T) totp.Store { return s }
	})
}

// A Store declared without New is as usable as one from New.
func TestZeroValueIsEmpty(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Open {
		var s memstore.Store
		return func(*testing.T) totp.Store { return &s }
	})
}

func TestLen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	assert.Zero(t, s.Len())
	var zero memstore.Store
	assert.Zero(t, zero.Len())
	require.NoError(t, s.SetPending(ctx, "usr_1", []byte("sealed"), testTime))
	require.NoError(t, s.SetPending(ctx, "usr_1", []byte("again"), testTime))
	require.NoError(t, s.SetPending(ctx, "usr_2", []byte("sealed"), testTime))
	assert.Equal(t, 2, s.Len())
	_, err := s.Delete(ctx, "usr_1")
	require.NoError(t, err)
	assert.Equal(t, 1, s.Len())
}
