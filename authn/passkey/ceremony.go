package passkey

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
)

// Ceremony kinds, kept in Challenge.Kind so that a ceremony begun as one
// cannot be finished as another.
const (
	kindRegistration = "registration"
	kindLogin        = "login"
	kindSecondFactor = "second-factor"
)

// ceremonyIDSize is the size of a ceremony id's random part, in bytes:
// 256 bits, unguessable.
const ceremonyIDSize = 32

// begin keeps session as a new ceremony of kind for userID and returns
// its id.
func (p *Passkeys) begin(ctx context.Context, kind, userID string, session *webauthn.SessionData) (string, error) {
	raw := make([]byte, ceremonyIDSize)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("passkey: draw a ceremony id: %w", err)
	}
	// Expiry is the ChallengeStore's, on Config.Now; the library's would
	// read the wall clock.
	kept := *session
	kept.Expires = time.Time{}
	sessionJSON, err := json.Marshal(kept)
	if err != nil {
		return "", fmt.Errorf("passkey: encode ceremony: %w", err)
	}
	c := Challenge{
		ID:        base64.RawURLEncoding.EncodeToString(raw),
		UserID:    userID,
		Kind:      kind,
		Session:   sessionJSON,
		ExpiresAt: p.now().Add(p.cfg.ChallengeTTL),
	}
	if err := p.challenges.Put(ctx, c); err != nil {
		return "", storeError("keep ceremony", err)
	}
	return c.ID, nil
}

// finish takes the ceremony id, which is spent whatever comes next, and
// returns its session, if it is a ceremony of kind for userID.
func (p *Passkeys) finish(ctx context.Context, kind, userID, id string) (webauthn.SessionData, error) {
	op := "finish " + kind
	if !check.ChallengeID(id) {
		return webauthn.SessionData{}, fmt.Errorf("passkey: %s: %w", op, ErrChallengeNotFound)
	}
	c, found, err := p.challenges.Take(ctx, id, p.now())
	if err != nil {
		return webauthn.SessionData{}, storeError(op, err)
	}
	if !found {
		return webauthn.SessionData{}, fmt.Errorf("passkey: %s: %w", op, ErrChallengeNotFound)
	}
	if c.Kind != kind || c.UserID != userID {
		return webauthn.SessionData{}, fmt.Errorf("passkey: %s: %w: ceremony of another kind or user", op, ErrInvalidResponse)
	}
	var session webauthn.SessionData
	if err := json.Unmarshal(c.Session, &session); err != nil {
		return webauthn.SessionData{}, storeError(op, fmt.Errorf("decode ceremony: %w", err))
	}
	return session, nil
}
