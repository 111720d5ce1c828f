package token

import "time"

// Verified tokens are remembered (Issuer.cache, a digestcache.Cache), so
// that a client presenting the same access token on request after request
// pays for the JSON decoding and the signature once. What is remembered
// does not depend on time: every use checks the lifetime and the
// revocations again, and a token outside its lifetime goes back through
// full verification, which says precisely what is wrong. An Issuer's keys
// never change, so an entry can never outlive the key that verified it.

// verifiedToken is what Verify needs of a verified token.
type verifiedToken struct {
	claims             *accessClaims
	sub, jti           string
	family             string // "" without sid
	gen                int64
	expires, notBefore time.Time
	issued             time.Time
	authTime           time.Time         // zero without auth_time
	custom             map[string]string // Config.CustomClaims the token carries; never changed
	amr                []string          // nil without amr; never changed
}

// live reports whether v is within its lifetime at now, with leeway, as
// golang-jwt's checks would find it.
func (v verifiedToken) live(now time.Time, leeway time.Duration) bool {
	if !now.Before(v.expires.Add(leeway)) {
		return false
	}
	if !v.notBefore.IsZero() && now.Add(leeway).Before(v.notBefore) {
		return false
	}
	return v.issued.IsZero() || !now.Add(leeway).Before(v.issued)
}
