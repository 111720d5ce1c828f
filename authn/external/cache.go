package external

import (
	"crypto/sha256"
	"maps"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
)

// verifiedCache remembers tokens whose signature and claims were verified,
// so that a client sending the same token on request after request pays
// for the signature once (tens of microseconds; see docs/PERFORMANCE.md).
// Every use checks again what time or the provider may have changed: the
// token's lifetime, and that the provider still publishes the key that
// verified it, within MaxKeyAge. A token out of its lifetime goes back
// through full verification, which says what is wrong. Entries are keyed
// by the SHA-256 digest of the token, so the cache holds no token.
type verifiedCache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]verifiedToken
}

// verifiedCacheSize bounds the cache; past it, half the entries are dropped.
const verifiedCacheSize = 16384

// verifiedToken is what Verify needs of a verified token.
type verifiedToken struct {
	keys      *keySet
	kid, alg  string
	identity  authn.ExternalIdentity
	claims    jwt.MapClaims // never changed: handed out as copies
	expires   time.Time
	notBefore time.Time // nbf, or zero
	issued    time.Time // iat, or zero
}

func newVerifiedCache() *verifiedCache {
	return &verifiedCache{entries: map[[sha256.Size]byte]verifiedToken{}}
}

func (c *verifiedCache) get(key [sha256.Size]byte) (verifiedToken, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.entries[key]
	return v, ok
}

func (c *verifiedCache) put(key [sha256.Size]byte, v verifiedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= verifiedCacheSize {
		dropped := 0
		for k := range c.entries { // map order is random enough for eviction
			delete(c.entries, k)
			if dropped++; dropped >= verifiedCacheSize/2 {
				break
			}
		}
	}
	c.entries[key] = v
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
