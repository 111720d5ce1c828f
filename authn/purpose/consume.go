package purpose

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Consume checks raw as Verify does, records it as used and returns its
// subject. It succeeds once per token: every later Consume or Verify of the
// same token, including one racing this one in another process, fails with
// an error matching authn.ErrTokenRevoked.
//
// Consume before acting on the token (setting the new password, marking the
// address verified), so that a second use is refused even if the action
// fails; on failure, issue a new token. A token Consume rejects is not
// recorded as used.
func (t *Tokens) Consume(ctx context.Context, raw string, binding BindingFunc) (string, error) {
	subject, err := t.consume(ctx, raw, binding)
	if err != nil {
		t.logRefusal(ctx, err)
	}
	return subject, err
}

// consume is Consume, without the log.
func (t *Tokens) consume(ctx context.Context, raw string, binding BindingFunc) (string, error) {
	c, err := t.verify(ctx, raw, binding)
	if err != nil {
		return "", err
	}
	first, err := t.markUsed(ctx, c.ID, c.Subject, c.ExpiresAt.Time)
	if err != nil {
		return "", fmt.Errorf("purpose %s: %w", t.purpose, err)
	}
	if !first {
		return "", fmt.Errorf("purpose %s: token %s already used: %w", t.purpose, c.ID, authn.ErrTokenRevoked)
	}
	return c.Subject, nil
}
