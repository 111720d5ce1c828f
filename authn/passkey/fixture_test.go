package passkey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/passkey/memstore"
)

const (
	rpID   = "example.com"
	origin = "https://example.com"
)

var bg = context.Background()

// fixture is Passkeys on memory stores and a test clock.
type fixture struct {
	p          *passkey.Passkeys
	store      *memstore.Store
	challenges *memstore.Challenges
	clock      *authntest.Clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{
		store:      memstore.New(),
		challenges: memstore.NewChallenges(),
		clock:      authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)),
	}
	p, err := passkey.New(f.store, f.challenges, passkey.Config{
		RPID: rpID, RPDisplayName: "Example", RPOrigins: []string{origin}, Now: f.clock.Now,
	})
	require.NoError(t, err)
	f.p = p
	return f
}

// register registers a's credential for userID.
func (f *fixture) register(t *testing.T, userID string, a *authenticator) passkey.Credential {
	t.Helper()
	id, options, err := f.p.BeginRegistration(bg, userID, userID+"@example.com", "")
	require.NoError(t, err)
	c, err := f.p.FinishRegistration(bg, userID, id, create(t, a, options), "laptop")
	require.NoError(t, err)
	return c
}

// login runs a passkey-first login with a.
func (f *fixture) login(t *testing.T, a *authenticator) (string, []string, error) {
	t.Helper()
	id, options, err := f.p.BeginLogin(bg)
	require.NoError(t, err)
	return f.p.FinishLogin(bg, id, get(t, a, options))
}
