package digestcache_test

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn/internal/digestcache"
)

func key(i int) digestcache.Key {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return sha256.Sum256(b[:])
}

func TestCache(t *testing.T) {
	t.Parallel()
	c := digestcache.New[string]()
	_, ok := c.Get(key(1))
	assert.False(t, ok)
	c.Put(key(1), "one")
	v, ok := c.Get(key(1))
	assert.True(t, ok)
	assert.Equal(t, "one", v)
	c.Put(key(1), "uno")
	v, _ = c.Get(key(1))
	assert.Equal(t, "uno", v, "a key holds its last value")
}

func TestCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := digestcache.New[int]()
	for i := range digestcache.Size {
		c.Put(key(i), i)
	}
	assert.Equal(t, digestcache.Size, c.Len())
	c.Put(key(digestcache.Size), digestcache.Size)
	assert.Equal(t, digestcache.Size/2+1, c.Len(), "half dropped, then the new one kept")
	v, ok := c.Get(key(digestcache.Size))
	assert.True(t, ok)
	assert.Equal(t, digestcache.Size, v)
}

func TestCacheConcurrent(t *testing.T) {
	t.Parallel()
	c := digestcache.New[int]()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				c.Put(key(g*10000+i), i)
				c.Get(key(i))
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, c.Len(), digestcache.Size)
}
