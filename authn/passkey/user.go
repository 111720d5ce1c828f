package passkey

import (
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// user is a gatehouse user as the WebAuthn library sees one: its opaque
// handle, names for the browser's dialogs, and its credentials.
type user struct {
	handle      []byte
	name        string
	displayName string
	creds       []Credential
}

var _ webauthn.User = user{}

func (u user) WebAuthnID() []byte          { return u.handle }
func (u user) WebAuthnName() string        { return u.name }
func (u user) WebAuthnDisplayName() string { return u.displayName }

// WebAuthnCredentials returns the user's credentials in the library's
// form.
func (u user) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(u.creds))
	for _, c := range u.creds {
		out = append(out, c.library())
	}
	return out
}

// library returns c in the WebAuthn library's form.
func (c Credential) library() webauthn.Credential {
	transports := make([]protocol.AuthenticatorTransport, 0, len(c.Transports))
	for _, t := range c.Transports {
		transports = append(transports, protocol.AuthenticatorTransport(t))
	}
	return webauthn.Credential{
		ID:              c.ID,
		PublicKey:       c.PublicKey,
		AttestationType: c.AttestationType,
		Transport:       transports,
		Flags: webauthn.CredentialFlags{
			BackupEligible: c.BackupEligible,
			BackupState:    c.BackupState,
		},
		Authenticator: webauthn.Authenticator{AAGUID: c.AAGUID, SignCount: c.SignCount},
	}
}
