package passkey

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
)

// Passkeys runs WebAuthn ceremonies: it registers passkeys, logs users in
// with them, and checks them as a second factor. It is safe for
// concurrent use, and any number of Passkeys, in one process or many, may
// share their stores and Config.
type Passkeys struct {
	store      Store
	challenges ChallengeStore
	cfg        Config
	web        *webauthn.WebAuthn
}

// New returns Passkeys keeping credentials in store and ceremonies in
// flight in challenges. It refuses a nil store and a Config it cannot use
// with an error matching ErrConfig.
func New(store Store, challenges ChallengeStore, cfg Config) (*Passkeys, error) {
	if store == nil || challenges == nil {
		return nil, fmt.Errorf("%w: nil store", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	web, err := webauthn.New(&webauthn.Config{
		RPID:          cfg.RPID,
		RPDisplayName: cfg.RPDisplayName,
		RPOrigins:     cfg.RPOrigins,
		// Passkeys carry no attestation worth checking for a consumer
		// site; asking for none spares users a privacy prompt.
		AttestationPreference: protocol.PreferNoAttestation,
		// Discoverable credentials are what make a passkey: a login
		// names no user.
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:        protocol.ResidentKeyRequirementRequired,
			RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification:   protocol.VerificationPreferred,
		},
		// Expiry is ours, on Config.Now; the library's would read the
		// wall clock.
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Timeout: cfg.ChallengeTTL},
			Registration: webauthn.TimeoutConfig{Timeout: cfg.ChallengeTTL},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &Passkeys{store: store, challenges: challenges, cfg: cfg, web: web}, nil
}

// List returns the user's credentials, oldest first; none when the user
// has none.
func (p *Passkeys) List(ctx context.Context, userID string) ([]Credential, error) {
	if err := checkUserID(userID); err != nil {
		return nil, err
	}
	creds, err := p.store.Credentials(ctx, userID)
	if err != nil {
		return nil, storeError("list", err)
	}
	return creds, nil
}

// Enabled reports whether the user has a passkey, that is whether
// BeginSecondFactor has a credential to ask for.
func (p *Passkeys) Enabled(ctx context.Context, userID string) (bool, error) {
	creds, err := p.List(ctx, userID)
	if err != nil {
		return false, err
	}
	return len(creds) > 0, nil
}

// Remove deletes the user's credential whose id is credentialID, encoded
// as Credential.EncodedID gives it. It returns an error matching
// ErrNotEnrolled when the user has no such credential.
//
// Remove checks nothing: before calling it, check that the login is
// recent (authn.Subject.RequireRecentLogin), and keep the user from
// removing the last way in.
func (p *Passkeys) Remove(ctx context.Context, userID, credentialID string) error {
	if err := checkUserID(userID); err != nil {
		return err
	}
	id, err := base64.RawURLEncoding.DecodeString(credentialID)
	if err != nil || !check.CredentialID(id) {
		return fmt.Errorf("passkey: remove: %w: credential id is not base64url of 1 to %d bytes", ErrNotEnrolled, MaxCredentialIDLength)
	}
	found, err := p.store.DeleteCredential(ctx, userID, id)
	if err != nil {
		return storeError("remove", err)
	}
	if !found {
		return fmt.Errorf("passkey: remove: %w", ErrNotEnrolled)
	}
	return nil
}

// now returns the current time as stores keep it: UTC, to the microsecond.
func (p *Passkeys) now() time.Time {
	return p.cfg.Now().UTC().Truncate(time.Microsecond)
}

// checkUserID returns an error matching ErrInvalidInput for an id no
// credential can be kept under.
func checkUserID(id string) error {
	if !check.UserID(id) {
		return fmt.Errorf("%w: user id empty, over %d bytes, not UTF-8 or holding NUL", ErrInvalidInput, MaxUserIDLength)
	}
	return nil
}
