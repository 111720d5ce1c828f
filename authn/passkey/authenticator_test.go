package passkey_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/require"
)

// Authenticator data flags (WebAuthn §6.1).
const (
	flagUP = 0x01 // user present
	flagUV = 0x04 // user verified
	flagBE = 0x08 // backup eligible
	flagBS = 0x10 // backed up
	flagAT = 0x40 // attested credential data included
)

var b64 = base64.RawURLEncoding

// authenticator is a software authenticator: one ES256 (P-256) credential
// that answers navigator.credentials.create and .get as a browser would
// pass them on, with an attestation of the "none" format.
type authenticator struct {
	key     *ecdsa.PrivateKey
	credID  []byte
	handle  []byte // the user handle learned at registration
	counter uint32
	flags   byte   // UP, UV, BE, BS as the authenticator reports them
	rpID    string // the RP ID it hashes into its data
	origin  string // the origin the browser puts in the client data
}

func newAuthenticator(t *testing.T, flags byte) *authenticator {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	id := make([]byte, 16)
	_, err = rand.Read(id)
	require.NoError(t, err)
	return &authenticator{key: key, credID: id, flags: flags, rpID: rpID, origin: origin}
}

// clientData returns the client data JSON a browser makes for a ceremony.
func (a *authenticator) clientData(t *testing.T, typ, challenge string) []byte {
	t.Helper()
	data, err := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.origin, "crossOrigin": false})
	require.NoError(t, err)
	return data
}

// authData returns authenticator data with the flags and counter, and
// extra (the attested credential data) after them.
func (a *authenticator) authData(flags byte, extra []byte) []byte {
	rp := sha256.Sum256([]byte(a.rpID))
	out := append(rp[:], flags)
	out = binary.BigEndian.AppendUint32(out, a.counter)
	return append(out, extra...)
}

// create answers the creation options of BeginRegistration.
func (a *authenticator) create(t *testing.T, options []byte) []byte {
	t.Helper()
	var opts struct {
		Challenge string `json:"challenge"`
		User      struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	require.NoError(t, json.Unmarshal(options, &opts))
	handle, err := b64.DecodeString(opts.User.ID)
	require.NoError(t, err)
	a.handle = handle

	enc, err := cbor.CTAP2EncOptions().EncMode()
	require.NoError(t, err)
	pub, err := a.key.PublicKey.Bytes() // 0x04 || X || Y
	require.NoError(t, err)
	coseKey, err := enc.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: pub[1:33], -3: pub[33:65]})
	require.NoError(t, err)
	attested := make([]byte, 16) // AAGUID, all zero
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(a.credID)))
	attested = append(attested, a.credID...)
	attested = append(attested, coseKey...)
	attObj, err := enc.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": a.authData(a.flags|flagAT, attested)})
	require.NoError(t, err)

	return a.marshal(t, map[string]any{
		"clientDataJSON":    b64.EncodeToString(a.clientData(t, "webauthn.create", opts.Challenge)),
		"attestationObject": b64.EncodeToString(attObj),
		"transports":        []string{"internal", "hybrid"},
	})
}

// get answers the request options of BeginLogin or BeginSecondFactor,
// signing with the authenticator's key after counting one use.
func (a *authenticator) get(t *testing.T, options []byte) []byte {
	t.Helper()
	var opts struct {
		Challenge string `json:"challenge"`
	}
	require.NoError(t, json.Unmarshal(options, &opts))
	a.counter++
	clientData := a.clientData(t, "webauthn.get", opts.Challenge)
	authData := a.authData(a.flags, nil)
	digest := sha256.Sum256(clientData)
	signed := sha256.Sum256(append(append([]byte(nil), authData...), digest[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, signed[:])
	require.NoError(t, err)
	return a.marshal(t, map[string]any{
		"clientDataJSON":    b64.EncodeToString(clientData),
		"authenticatorData": b64.EncodeToString(authData),
		"signature":         b64.EncodeToString(sig),
		"userHandle":        b64.EncodeToString(a.handle),
	})
}

// marshal wraps a response in the JSON of a PublicKeyCredential.
func (a *authenticator) marshal(t *testing.T, response map[string]any) []byte {
	t.Helper()
	out, err := json.Marshal(map[string]any{
		"id": b64.EncodeToString(a.credID), "rawId": b64.EncodeToString(a.credID), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": response,
	})
	require.NoError(t, err)
	return out
}
