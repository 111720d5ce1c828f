package memstore_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/purpose/memstore"
	"github.com/gatehouse-go/gatehouse/authn/purpose/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Open {
		s := memstore.New()
		return func(*testing.T) purpose.Store { return s }
	})
}
