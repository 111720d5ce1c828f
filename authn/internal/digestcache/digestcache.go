// Package digestcache holds what a verifier learned of a credential, by
// the SHA-256 digest of the credential: the access-token verifiers of
// authn/token and authn/external remember the tokens they verified, so
// that a client sending the same token on request after request pays for
// its signature once. Keys are digests, so a cache holds no credential.
// What a cache holds must not depend on time: each use checks again what
// may have changed since.
package digestcache

import (
	"crypto/sha256"
	"sync"
)

// Size bounds a Cache; past it, half the entries are dropped.
const Size = 16384

// Key is the SHA-256 digest of a credential.
type Key = [sha256.Size]byte

// Cache maps digests to values of V. Its zero value is not usable: use
// New. It is safe for concurrent use.
type Cache[V any] struct {
	mu      sync.RWMutex
	entries map[Key]V
}

// New returns an empty Cache.
func New[V any]() *Cache[V] { return &Cache[V]{entries: map[Key]V{}} }

// Get returns the value kept under key, and whether there is one.
func (c *Cache[V]) Get(key Key) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.entries[key]
	return v, ok
}

// Put keeps v under key, first dropping half the entries, chosen at
// random, when the cache holds Size of them.
func (c *Cache[V]) Put(key Key, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= Size {
		dropped := 0
		for k := range c.entries { // map order is random enough for eviction
			delete(c.entries, k)
			if dropped++; dropped >= Size/2 {
				break
			}
		}
	}
	c.entries[key] = v
}

// Len is how many entries the cache holds.
func (c *Cache[V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
