package memstore_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/apikey/memstore"
	"github.com/gatehouse-go/gatehouse/authn/apikey/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Open {
		s := memstore.New()
		return func(*testing.T) apikey.Store { return s }
	})
}
