package memstore_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/memstore"
	"github.com/gatehouse-go/gatehouse/authn/throttle/storetest"
)

// TestConformance runs the conformance suite on a new Store per test: it
// lives in one process's memory, so every handle on it is the Store
// itself.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Open {
		s := memstore.New()
		return func(*testing.T) throttle.Store { return s }
	})
}
