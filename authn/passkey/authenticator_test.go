package passkey_test

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/webauthntest"
)

// Authenticator data flags (WebAuthn §6.1).
const (
	flagUP = webauthntest.FlagUserPresent
	flagUV = webauthntest.FlagUserVerified
	flagBE = webauthntest.FlagBackupEligible
	flagBS = webauthntest.FlagBackedUp
)

var b64 = base64.RawURLEncoding

// authenticator is a software authenticator holding one credential.
type authenticator = webauthntest.Authenticator

func newAuthenticator(t *testing.T, flags byte) *authenticator {
	t.Helper()
	a, err := webauthntest.New(rpID, origin, flags)
	require.NoError(t, err)
	return a
}

// create answers the creation options of BeginRegistration.
func create(t *testing.T, a *authenticator, options []byte) []byte {
	t.Helper()
	out, err := a.Create(options)
	require.NoError(t, err)
	return out
}

// get answers the request options of BeginLogin or BeginSecondFactor.
func get(t *testing.T, a *authenticator, options []byte) []byte {
	t.Helper()
	out, err := a.Get(options)
	require.NoError(t, err)
	return out
}
