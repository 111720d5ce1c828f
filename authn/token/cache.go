package token

import (
	"crypto/sha256"
	"sync"
	"time"
)

// verifiedCache remembers tokens whose signature and claims have been
// verified, so that a client presenting the same access token on request
// after request pays for the JSON decoding and the signature once. What it
// remembers does not depend on time: every use checks the lifetime and the
// revocations again, and a token outside its lifetime goes back through
// full verification, which says precisely what is wrong. Keys are SHA-256
// digests of tokens, so the cache holds no token. An Issuer's keys never
// change, so an entry can never outlive the key that verified it.
type verifiedCache struct {
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]verifiedToken
}

// verifiedCacheSize bounds the cache; past it, half the entries are dropped.
const verifiedCacheSize = 16384

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
