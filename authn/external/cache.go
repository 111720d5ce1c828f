package external

import (
	"maps"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Verified tokens are remembered (Verifier.cache, a digestcache.Cache), so
// that a client sending the same token on request after request pays for
// the signature once (tens of microseconds; see docs/PERFORMANCE.md).
// Every use checks again what time or the provider may have changed: the
// token's lifetime, and that the provider still publishes the key that
// verified it, within MaxKeyAge. A token out of its lifetime goes back
// through full verification, which says what is wrong.

// verifiedToken is what Verify needs of a verified token.
type verifiedToken struct {
	// otherIssuer marks a token whose "iss" names none of the providers,
	// passed on (Config.PassOtherIssuers) to the application's own
	// verifier: remembered so that its own tokens cost a look-up here,
	// not a decoding, on every request. Nothing else is set then.
	otherIssuer bool
	keys        *keySet
	kid, alg    string
	identity    authn.ExternalIdentity
	claims      jwt.MapClaims // never changed: handed out as copies
	expires     time.Time
	notBefore   time.Time // nbf, or zero
	issued      time.Time // iat, or zero
}

// usable reports whether v may be accepted again at now: within its
// lifetime, with leeway, as golang-jwt would find it, and with its key
// still the provider's.
func (v verifiedToken) usable(now time.Time, leeway time.Duration) bool {
	if !now.Before(v.expires.Add(leeway)) {
		return false
	}
	if !v.notBefore.IsZero() && now.Add(leeway).Before(v.notBefore) {
		return false
	}
	if !v.issued.IsZero() && now.Add(leeway).Before(v.issued) {
		return false
	}
	_, err := v.keys.find(v.kid, v.alg)
	return err == nil
}

// cloneClaims copies claims deeply enough that the copy's holder can
// change nothing the cache keeps: JSON decoding makes maps, lists and
// scalars only.
func cloneClaims(claims jwt.MapClaims) jwt.MapClaims {
	out := make(jwt.MapClaims, len(claims))
	for k, v := range claims {
		out[k] = cloneJSON(v)
	}
	return out
}

func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := maps.Clone(v)
		for k, e := range out {
			out[k] = cloneJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneJSON(e)
		}
		return out
	}
	return v
}
