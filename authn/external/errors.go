package external

import "errors"

// ErrConfig reports a Config New cannot use.
var ErrConfig = errors.New("external: invalid configuration")

// Refusals wrap authn's errors: authn.ErrInvalidToken (and
// authn.ErrTokenExpired) for a token that is refused, authn.ErrUnavailable
// for one that cannot be checked now. These say more, for logs and tests;
// match them with errors.Is.
var (
	// ErrUnknownIssuer: the token's "iss" names none of the providers.
	ErrUnknownIssuer = errors.New("issuer is not a configured provider")
	// ErrUnknownKey: the token names a key its provider does not publish,
	// even after a fetch of its keys, or while another fetch would come
	// too soon after the last.
	ErrUnknownKey = errors.New("key is not one of the provider's")
	// ErrNoKeys: the provider's keys could not be fetched yet, or not for
	// longer than Config.MaxKeyAge.
	ErrNoKeys = errors.New("provider's keys are not available")
)
