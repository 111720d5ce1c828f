package passkey_test

import "github.com/gatehouse-go/gatehouse/authn/passkey"

// nopStore and nopChallenges fill New's arguments in tests that never
// reach a store.
type (
	nopStore      struct{ passkey.Store }
	nopChallenges struct{ passkey.ChallengeStore }
)
