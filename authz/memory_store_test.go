package authz_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Open {
		s, err := authz.NewMemoryStore()
		require.NoError(t, err)
		return func(*testing.T) authz.Store { return s }
	})
}
