package passkey

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
)

// userHandleSize is the size of a user handle, in bytes: random, so that
// it says nothing of the user to whoever reads an authenticator.
const userHandleSize = 32

// BeginRegistration starts registering a passkey for the user, who must be
// logged in (and, for a user who has one, recently: a passkey is a way in).
// userName and displayName are shown in the browser's dialogs and kept on
// the authenticator, never by gatehouse; userName is usually the email.
// It returns the ceremony id, which the client sends back to
// FinishRegistration, and the PublicKeyCredentialCreationOptions to pass
// to navigator.credentials.create: a discoverable credential (resident key
// required), user verification preferred, none of the user's credentials
// again.
func (p *Passkeys) BeginRegistration(ctx context.Context, userID, userName, displayName string) (string, json.RawMessage, error) {
	if err := checkUserID(userID); err != nil {
		return "", nil, err
	}
	if strings.TrimSpace(userName) == "" || len(userName) > 255 || len(displayName) > 255 {
		return "", nil, fmt.Errorf("%w: user name empty or names over 255 bytes", ErrInvalidInput)
	}
	if displayName == "" {
		displayName = userName
	}
	handle, err := p.userHandle(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	creds, err := p.store.Credentials(ctx, userID)
	if err != nil {
		return "", nil, storeError("begin registration", err)
	}
	u := user{handle: handle, name: userName, displayName: displayName, creds: creds}
	creation, session, err := p.web.BeginRegistration(u,
		webauthn.WithExclusions(webauthn.Credentials(u.WebAuthnCredentials()).CredentialDescriptors()))
	if err != nil {
		return "", nil, fmt.Errorf("passkey: begin registration: %w", err)
	}
	options, err := json.Marshal(creation.Response)
	if err != nil {
		return "", nil, fmt.Errorf("passkey: begin registration: %w", err)
	}
	id, err := p.begin(ctx, kindRegistration, userID, session)
	if err != nil {
		return "", nil, err
	}
	return id, options, nil
}

// FinishRegistration verifies the browser's response to the ceremony
// ceremonyID (the JSON of the PublicKeyCredential that
// navigator.credentials.create returned) and keeps the new credential
// under name, the user's label for it. The ceremony is spent whatever the
// outcome. A response that is not for this user's ceremony, or whose
// credential is registered already, is refused with ErrInvalidResponse.
func (p *Passkeys) FinishRegistration(ctx context.Context, userID, ceremonyID string, response []byte, name string) (Credential, error) {
	if err := checkUserID(userID); err != nil {
		return Credential{}, err
	}
	if !check.Name(name) {
		return Credential{}, fmt.Errorf("%w: name over %d bytes, not UTF-8 or holding NUL", ErrInvalidInput, MaxNameLength)
	}
	session, err := p.finish(ctx, kindRegistration, userID, ceremonyID)
	if err != nil {
		return Credential{}, err
	}
	handle, found, err := p.store.UserHandle(ctx, userID)
	if err != nil {
		return Credential{}, storeError("finish registration", err)
	}
	if !found {
		return Credential{}, fmt.Errorf("passkey: finish registration: %w: user has no handle", ErrInvalidResponse)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return Credential{}, invalidResponse("finish registration", err)
	}
	made, err := p.web.CreateCredential(user{handle: handle}, session, parsed)
	if err != nil {
		return Credential{}, invalidResponse("finish registration", err)
	}
	if !check.CredentialID(made.ID) {
		return Credential{}, fmt.Errorf("passkey: finish registration: %w: credential id over %d bytes", ErrInvalidResponse, MaxCredentialIDLength)
	}
	c := Credential{
		ID:              made.ID,
		UserID:          userID,
		PublicKey:       made.PublicKey,
		AttestationType: made.AttestationType,
		AAGUID:          made.Authenticator.AAGUID,
		SignCount:       made.Authenticator.SignCount,
		BackupEligible:  made.Flags.BackupEligible,
		BackupState:     made.Flags.BackupState,
		Name:            name,
		CreatedAt:       p.now(),
	}
	for _, t := range made.Transport {
		c.Transports = append(c.Transports, string(t))
	}
	if err := p.store.AddCredential(ctx, c); err != nil {
		if errors.Is(err, ErrCredentialExists) {
			return Credential{}, invalidResponse("finish registration", err)
		}
		return Credential{}, storeError("finish registration", err)
	}
	return c, nil
}

// userHandle returns the user's handle, drawing one the first time.
func (p *Passkeys) userHandle(ctx context.Context, userID string) ([]byte, error) {
	handle, found, err := p.store.UserHandle(ctx, userID)
	if err != nil {
		return nil, storeError("read user handle", err)
	}
	if found {
		return handle, nil
	}
	handle = make([]byte, userHandleSize)
	if _, err := rand.Read(handle); err != nil {
		return nil, fmt.Errorf("passkey: draw a user handle: %w", err)
	}
	kept, err := p.store.EnsureUserHandle(ctx, userID, handle)
	if err != nil {
		return nil, storeError("keep user handle", err)
	}
	return kept, nil
}
