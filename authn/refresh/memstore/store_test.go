package memstore_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/refresh/memstore"
	"github.com/gatehouse-go/gatehouse/authn/refresh/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Open {
		s := memstore.New()
		return func(*testing.T) refresh.Store { return s }
	})
}
