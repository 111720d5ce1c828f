// Package webauthntest is a software WebAuthn authenticator for tests: it
// answers the options of registration and login ceremonies as a browser
// passes an authenticator's answer on (the JSON of a PublicKeyCredential),
// so that passkey flows can be tested in Go without a browser.
//
// It holds one ES256 (P-256) credential and gives attestations of the
// "none" format. Its fields are exported so that tests can make it
// misbehave: answer for another origin or relying party, count backwards,
// claim another user.
package webauthntest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Authenticator data flags (WebAuthn §6.1).
const (
	FlagUserPresent    byte = 0x01 // UP
	FlagUserVerified   byte = 0x04 // UV
	FlagBackupEligible byte = 0x08 // BE
	FlagBackedUp       byte = 0x10 // BS
	flagAttested       byte = 0x40 // AT: attested credential data included
)

var b64 = base64.RawURLEncoding

// Authenticator is one credential on a software authenticator. Create
// registers it, Get signs in with it.
type Authenticator struct {
	// Key is the credential's private key.
	Key *ecdsa.PrivateKey
	// CredentialID is the credential's id.
	CredentialID []byte
	// UserHandle is the user handle learned by Create and returned by Get.
	UserHandle []byte
	// Counter is the signature counter, counted up by each Get before it
	// signs.
	Counter uint32
	// Flags are the flags reported: FlagUserPresent, FlagUserVerified,
	// FlagBackupEligible, FlagBackedUp.
	Flags byte
	// RPID is the relying party id hashed into the authenticator data.
	RPID string
	// Origin is the origin the client data names.
	Origin string
}

// New returns an authenticator with a new credential for rpID, answering
// as a page of origin would.
func New(rpID, origin string, flags byte) (*Authenticator, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	return &Authenticator{Key: key, CredentialID: id, Flags: flags, RPID: rpID, Origin: origin}, nil
}

// EncodedID is the credential id as browsers give it: base64url without
// padding.
func (a *Authenticator) EncodedID() string { return b64.EncodeToString(a.CredentialID) }

// options are the fields of creation and request options the
// authenticator reads. A wrapper {"publicKey": {...}}, as
// navigator.credentials takes them, is read as well.
type options struct {
	Challenge string `json:"challenge"`
	User      struct {
		ID string `json:"id"`
	} `json:"user"`
	PublicKey *options `json:"publicKey"`
}

func readOptions(raw []byte) (options, error) {
	var o options
	if err := json.Unmarshal(raw, &o); err != nil {
		return options{}, fmt.Errorf("webauthntest: options: %w", err)
	}
	if o.PublicKey != nil {
		o = *o.PublicKey
	}
	if o.Challenge == "" {
		return options{}, errors.New("webauthntest: options hold no challenge")
	}
	return o, nil
}

// Create answers PublicKeyCredentialCreationOptions (the JSON of a
// registration's options) with the credential, as a browser returns it
// from navigator.credentials.create.
func (a *Authenticator) Create(creationOptions []byte) ([]byte, error) {
	opts, err := readOptions(creationOptions)
	if err != nil {
		return nil, err
	}
	handle, err := b64.DecodeString(opts.User.ID)
	if err != nil {
		return nil, fmt.Errorf("webauthntest: user id: %w", err)
	}
	a.UserHandle = handle

	enc, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		return nil, err
	}
	pub, err := a.Key.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, err
	}
	coseKey, err := enc.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: pub[1:33], -3: pub[33:65]})
	if err != nil {
		return nil, err
	}
	attested := make([]byte, 16) // AAGUID, all zero
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(a.CredentialID)))
	attested = append(attested, a.CredentialID...)
	attested = append(attested, coseKey...)
	attObj, err := enc.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": a.authData(a.Flags|flagAttested, attested)})
	if err != nil {
		return nil, err
	}
	clientData, err := a.clientData("webauthn.create", opts.Challenge)
	if err != nil {
		return nil, err
	}
	return a.credential(map[string]any{
		"clientDataJSON":    b64.EncodeToString(clientData),
		"attestationObject": b64.EncodeToString(attObj),
		"transports":        []string{"internal", "hybrid"},
	})
}

// Get answers PublicKeyCredentialRequestOptions (the JSON of a login's
// options) with an assertion of the credential, as a browser returns it
// from navigator.credentials.get, after counting one use.
func (a *Authenticator) Get(requestOptions []byte) ([]byte, error) {
	opts, err := readOptions(requestOptions)
	if err != nil {
		return nil, err
	}
	a.Counter++
	clientData, err := a.clientData("webauthn.get", opts.Challenge)
	if err != nil {
		return nil, err
	}
	authData := a.authData(a.Flags, nil)
	digest := sha256.Sum256(clientData)
	signed := sha256.Sum256(append(append([]byte(nil), authData...), digest[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.Key, signed[:])
	if err != nil {
		return nil, err
	}
	return a.credential(map[string]any{
		"clientDataJSON":    b64.EncodeToString(clientData),
		"authenticatorData": b64.EncodeToString(authData),
		"signature":         b64.EncodeToString(sig),
		"userHandle":        b64.EncodeToString(a.UserHandle),
	})
}

// clientData returns the client data JSON a browser makes for a ceremony.
func (a *Authenticator) clientData(typ, challenge string) ([]byte, error) {
	return json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
}

// authData returns authenticator data with the flags and counter, and
// extra (the attested credential data) after them.
func (a *Authenticator) authData(flags byte, extra []byte) []byte {
	rp := sha256.Sum256([]byte(a.RPID))
	out := append(rp[:], flags)
	out = binary.BigEndian.AppendUint32(out, a.Counter)
	return append(out, extra...)
}

// credential wraps a response in the JSON of a PublicKeyCredential.
func (a *Authenticator) credential(response map[string]any) ([]byte, error) {
	return json.Marshal(map[string]any{
		"id": a.EncodedID(), "rawId": a.EncodedID(), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": response,
	})
}
