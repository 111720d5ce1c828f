package apikey

import (
	"context"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Authenticator returns an authn.Authenticator that reads a key from the
// configured header (Config.Header, default "X-API-Key"). A request without
// the header yields authn.ErrNoCredentials, so an authn.Chain moves on to
// its next authenticator; a request with it is decided by Verify, and a bad
// key is a rejection, never passed over.
func (k *Keys) Authenticator() authn.Authenticator {
	return authn.AuthenticatorFunc(func(ctx context.Context, req authn.Credentials) (authn.Subject, error) {
		plain := req.Header(k.cfg.Header)
		if plain == "" {
			return authn.Subject{}, authn.ErrNoCredentials
		}
		return k.Verify(ctx, plain)
	})
}
