package memstore_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/passkey/memstore"
	"github.com/gatehouse-go/gatehouse/authn/passkey/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Open[passkey.Store] {
		s := memstore.New() // one process, one store: every handle is the same
		return func(*testing.T) passkey.Store { return s }
	})
}

func TestChallengesConformance(t *testing.T) {
	t.Parallel()
	storetest.RunChallenges(t, func(*testing.T) storetest.Open[passkey.ChallengeStore] {
		s := memstore.NewChallenges()
		return func(*testing.T) passkey.ChallengeStore { return s }
	})
}
