package passkey

import (
	"context"
	"encoding/json"
	"fmt"
)

// Ceremony is a ceremony begun, as a client receives it: the id it sends
// back with its answer, and the options it passes to
// navigator.credentials.create or .get as their publicKey member.
type Ceremony struct {
	ID        string          `json:"ceremony_id"`
	PublicKey json.RawMessage `json:"publicKey"`
}

// Answer is a client's answer to a Ceremony: its id, and the JSON of the
// PublicKeyCredential the browser returned.
type Answer struct {
	CeremonyID string          `json:"ceremony_id"`
	Credential json.RawMessage `json:"credential"`
}

// SecondFactorChallenge is BeginSecondFactor as one JSON object, a
// Ceremony: the shape of account.Factor's Challenge, which the client
// answers with an Answer.
func (p *Passkeys) SecondFactorChallenge(ctx context.Context, userID string) (json.RawMessage, error) {
	id, options, err := p.BeginSecondFactor(ctx, userID)
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(Ceremony{ID: id, PublicKey: options})
	if err != nil {
		return nil, fmt.Errorf("passkey: begin second factor: %w", err)
	}
	return out, nil
}

// ProveSecondFactor is FinishSecondFactor with the ceremony id and the
// response in one proof, the JSON of an Answer: the shape of
// account.Factor's Prove. A proof that is not one fails with
// ErrInvalidResponse.
func (p *Passkeys) ProveSecondFactor(ctx context.Context, userID, proof string) ([]string, error) {
	var a Answer
	if err := json.Unmarshal([]byte(proof), &a); err != nil || a.CeremonyID == "" || len(a.Credential) == 0 {
		return nil, fmt.Errorf("passkey: finish second factor: %w: the proof is not {\"ceremony_id\", \"credential\"}", ErrInvalidResponse)
	}
	return p.FinishSecondFactor(ctx, userID, a.CeremonyID, a.Credential)
}
