package passkey

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
)

// Authentication methods (RFC 8176) a passkey login reports.
const (
	// AMRHardwareKey is a passkey bound to one device: not backup
	// eligible.
	AMRHardwareKey = "hwk"
	// AMRSoftwareKey is a synced passkey: backup eligible, so its private
	// key lives in a cloud account as well as on devices.
	AMRSoftwareKey = "swk"
	// AMRMultiFactor is added when the authenticator verified the user
	// (a PIN or biometric): the key plus that verification are two
	// factors.
	AMRMultiFactor = "mfa"
)

// BeginLogin starts a passkey-first login, which names no user: the
// browser offers the user's passkeys for Config.RPID and the response
// says whose it is. It returns the ceremony id, which the client sends
// back to FinishLogin, and the PublicKeyCredentialRequestOptions to pass
// to navigator.credentials.get (user verification preferred, no
// allowCredentials).
func (p *Passkeys) BeginLogin(ctx context.Context) (string, json.RawMessage, error) {
	assertion, session, err := p.web.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return "", nil, fmt.Errorf("passkey: begin login: %w", err)
	}
	return p.beginAssertion(ctx, kindLogin, "", assertion, session)
}

// FinishLogin verifies the browser's response to the login ceremonyID
// (the JSON of the PublicKeyCredential that navigator.credentials.get
// returned), finds the user by the response's user handle, records the
// use, and returns the user id and the authentication methods (RFC 8176):
// AMRHardwareKey or AMRSoftwareKey, and AMRMultiFactor when the
// authenticator verified the user. The ceremony is spent whatever the
// outcome. Every refusal matches ErrInvalidResponse or
// ErrChallengeNotFound; throttle failures (package throttle) by client.
func (p *Passkeys) FinishLogin(ctx context.Context, ceremonyID string, response []byte) (string, []string, error) {
	const op = "finish login"
	session, err := p.finish(ctx, kindLogin, "", ceremonyID)
	if err != nil {
		return "", nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return "", nil, invalidResponse(op, err)
	}
	var (
		userID   string
		creds    []Credential
		storeErr error
	)
	findUser := func(_, handle []byte) (webauthn.User, error) {
		if !check.UserHandle(handle) {
			return nil, errors.New("no user handle")
		}
		id, found, err := p.store.UserByHandle(ctx, handle)
		if err != nil {
			storeErr = err
			return nil, err
		}
		if !found {
			return nil, errors.New("unknown user handle")
		}
		if creds, err = p.store.Credentials(ctx, id); err != nil {
			storeErr = err
			return nil, err
		}
		userID = id
		return user{handle: bytes.Clone(handle), creds: creds}, nil
	}
	_, verified, err := p.web.ValidatePasskeyLogin(findUser, session, parsed)
	if storeErr != nil {
		return "", nil, storeError(op, storeErr)
	}
	if err != nil {
		return "", nil, invalidResponse(op, err)
	}
	amr, err := p.recordUse(ctx, op, userID, creds, verified, parsed)
	if err != nil {
		return "", nil, err
	}
	return userID, amr, nil
}

// BeginSecondFactor starts checking a passkey of the user as a second
// factor, after a first one such as a password: the options list the
// user's credentials (allowCredentials), so any passkey of the user will
// do and no other. It returns an error matching ErrNotEnrolled when the
// user has no passkey.
func (p *Passkeys) BeginSecondFactor(ctx context.Context, userID string) (string, json.RawMessage, error) {
	if err := checkUserID(userID); err != nil {
		return "", nil, err
	}
	u, err := p.loadUser(ctx, "begin second factor", userID)
	if err != nil {
		return "", nil, err
	}
	if len(u.creds) == 0 {
		return "", nil, fmt.Errorf("passkey: begin second factor: %w", ErrNotEnrolled)
	}
	assertion, session, err := p.web.BeginLogin(u, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return "", nil, fmt.Errorf("passkey: begin second factor: %w", err)
	}
	return p.beginAssertion(ctx, kindSecondFactor, userID, assertion, session)
}

// FinishSecondFactor verifies the browser's response to the second-factor
// ceremonyID begun for userID, which must come from one of the user's
// credentials, records the use, and returns the authentication methods of
// the passkey (as FinishLogin does), for the caller to add to the first
// factor's. The ceremony is spent whatever the outcome.
func (p *Passkeys) FinishSecondFactor(ctx context.Context, userID, ceremonyID string, response []byte) ([]string, error) {
	const op = "finish second factor"
	if err := checkUserID(userID); err != nil {
		return nil, err
	}
	session, err := p.finish(ctx, kindSecondFactor, userID, ceremonyID)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nil, invalidResponse(op, err)
	}
	u, err := p.loadUser(ctx, op, userID)
	if err != nil {
		return nil, err
	}
	verified, err := p.web.ValidateLogin(u, session, parsed)
	if err != nil {
		return nil, invalidResponse(op, err)
	}
	return p.recordUse(ctx, op, userID, u.creds, verified, parsed)
}

// beginAssertion keeps the session of a login ceremony and returns its id
// and options.
func (p *Passkeys) beginAssertion(ctx context.Context, kind, userID string, assertion *protocol.CredentialAssertion, session *webauthn.SessionData) (string, json.RawMessage, error) {
	options, err := json.Marshal(assertion.Response)
	if err != nil {
		return "", nil, fmt.Errorf("passkey: begin %s: %w", kind, err)
	}
	id, err := p.begin(ctx, kind, userID, session)
	if err != nil {
		return "", nil, err
	}
	return id, options, nil
}

// loadUser returns the user's handle and credentials.
func (p *Passkeys) loadUser(ctx context.Context, op, userID string) (user, error) {
	handle, _, err := p.store.UserHandle(ctx, userID)
	if err != nil {
		return user{}, storeError(op, err)
	}
	creds, err := p.store.Credentials(ctx, userID)
	if err != nil {
		return user{}, storeError(op, err)
	}
	return user{handle: handle, creds: creds}, nil
}

// recordUse refuses a verified assertion from a cloned authenticator,
// records the new sign count with a compare-and-set (so that of two
// racing uses of one signature only one passes), and returns the
// authentication methods.
func (p *Passkeys) recordUse(ctx context.Context, op, userID string, creds []Credential, verified *webauthn.Credential, parsed *protocol.ParsedCredentialAssertionData) ([]string, error) {
	var stored *Credential
	for i := range creds {
		if bytes.Equal(creds[i].ID, verified.ID) {
			stored = &creds[i]
		}
	}
	if stored == nil {
		return nil, fmt.Errorf("passkey: %s: %w: unknown credential", op, ErrInvalidResponse)
	}
	if verified.Authenticator.CloneWarning {
		return nil, fmt.Errorf("passkey: %s: %w: signature counter did not move forward, the authenticator may be cloned", op, ErrInvalidResponse)
	}
	flags := parsed.Response.AuthenticatorData.Flags
	updated, err := p.store.UpdateUse(ctx, userID, stored.ID, stored.SignCount, verified.Authenticator.SignCount, flags.HasBackupState(), p.now())
	if err != nil {
		return nil, storeError(op, err)
	}
	if !updated {
		return nil, fmt.Errorf("passkey: %s: %w: credential used or removed meanwhile", op, ErrInvalidResponse)
	}
	amr := []string{AMRHardwareKey}
	if stored.BackupEligible {
		amr[0] = AMRSoftwareKey
	}
	if flags.HasUserVerified() {
		amr = append(amr, AMRMultiFactor)
	}
	return amr, nil
}
