package storetest

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// hostileKeys are keys a careless store mangles: the longest allowed,
// bytes that are not text, characters that mean something to SQL, to
// Redis's patterns and hash tags, or to a terminal.
var hostileKeys = map[string]string{
	"400 bytes":                   "account:" + strings.Repeat("x", 400-len("account:")),
	"400 bytes of two-byte runes": strings.Repeat("é", 200),
	"NUL inside":                  "account:al\x00ice",
	"NUL only":                    "\x00",
	"invalid UTF-8":               "account:\xff\xfe\xc3",
	"SQL":                         "account:'; DROP TABLE gatehouse_login_failures; --",
	"LIKE patterns":               "account:%_%",
	"glob patterns":               "account:*?[a-z]\\",
	"hash tag":                    "{account}:alice",
	"separators":                  "account:f:p:alice",
	"control characters":          "account:\n\r\t\x1b[2J",
	"emoji":                       "account:🔑@example.com",
	"zero-width space":            "account:al\u200bice",
	"right-to-left override":      "account:\u202ealice",
}

// hostileIDs are attempt ids as odd.
var hostileIDs = map[string]string{
	"32 bytes":          strings.Repeat("f", 32),
	"NUL":               "\x00",
	"invalid UTF-8":     "\xff\xfe",
	"SQL":               "'; --",
	"16 two-byte runes": strings.Repeat("é", 16),
	"glob":              "*",
}

// testHostile checks that every hostile key and id either round-trips
// exactly, counted under itself and under nothing near it, or is refused
// with an error that leaves nothing behind; never a panic.
func testHostile(t *testing.T, fresh Fresh) {
	for name, key := range hostileKeys {
		t.Run("key "+name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fresh)
			const companion = "address:companion"
			if err := e.store.AddFailure(e.ctx, []string{key, companion}, t0, window); err != nil {
				t.Logf("refused: %v", err)
				assert.Zero(t, e.count(companion, t0), "a refused call writes under no key")
				return
			}
			assert.Equal(t, 1, e.count(key, t0), "the key matches itself")
			_, err := e.store.Reserve(e.ctx, "hostile", []throttle.Limit{{Key: key, Max: 2}}, t0, window)
			require.NoError(t, err, "a key once accepted is accepted again")
			require.NoError(t, e.store.Fail(e.ctx, "hostile", []string{key}, t1, window))
			assertUsage(t, []throttle.Usage{{Count: 2, Oldest: t0}}, []throttle.Usage{e.usage(key, all, t1)})

			for _, near := range nearKeys(key) {
				u, err := e.store.Usage(e.ctx, []throttle.Limit{{Key: near, Max: all}}, t1, window)
				if err == nil {
					assert.Zero(t, u[0].Count, "%q is not %q", near, key)
				}
			}
			require.NoError(t, e.store.Reset(e.ctx, key))
			assert.Zero(t, e.count(key, t1))
			assert.Equal(t, 1, e.count(companion, t1), "the other key of the failure")
		})
	}
	for name, id := range hostileIDs {
		t.Run("id "+name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fresh)
			if _, err := e.store.Reserve(e.ctx, id, []throttle.Limit{{Key: acct, Max: 5}}, t0, window); err != nil {
				t.Logf("refused: %v", err)
				assert.Zero(t, e.count(acct, t0), "a refused call writes nothing")
				return
			}
			other := e.reserve(t0, acct)
			assert.True(t, e.usage(acct, all, t0).Pending)
			for _, near := range []string{strings.ToUpper(id), id + " ", "x"} {
				if near != id {
					_ = e.store.Fail(e.ctx, near, []string{acct}, t1, window)
				}
			}
			assertUsage(t, []throttle.Usage{{Count: 2, Pending: true, Oldest: t0}}, []throttle.Usage{e.usage(acct, all, t1)}, "no other id ends it")
			require.NoError(t, e.store.Fail(e.ctx, id, []string{acct}, t1, window))
			require.NoError(t, e.store.Cancel(e.ctx, other, []string{acct}))
			assertUsage(t, []throttle.Usage{{Count: 1, Oldest: t1}}, []throttle.Usage{e.usage(acct, all, t1)}, "the id ends its own attempt")
		})
	}
}

// nearKeys returns keys that differ from key a little: cut short, longer,
// in another case, without NULs or outside spaces, valid UTF-8.
func nearKeys(key string) []string {
	candidates := []string{
		key[:len(key)-1], key + "x", key + " ", " " + key, strings.ToUpper(key), strings.ToLower(key),
		strings.ReplaceAll(key, "\x00", ""), strings.TrimSpace(key), strings.ToValidUTF8(key, ""),
		strings.ToValidUTF8(key, "\uFFFD"),
	}
	var out []string
	for _, c := range candidates {
		if c != key && c != "" && len(c) <= 400 && !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// testCopies hands the store keys and ids whose memory the test changes
// after each call, as a caller reusing a buffer would: what the store
// kept must not change with it.
func testCopies(t *testing.T, fresh Fresh) {
	e := newEnv(t, fresh)
	borrowed := func(s string) ([]byte, string) {
		b := []byte(s)
		return b, unsafe.String(&b[0], len(b))
	}
	scribble := func(b []byte) {
		for i := range b {
			b[i] = 'z'
		}
	}

	keyBytes, key := borrowed("account:mutable")
	idBytes, id := borrowed("attempt-mutable")
	keys := []string{key, addr}
	limits := []throttle.Limit{{Key: key, Max: 5}, {Key: addr, Max: 5}}
	_, err := e.store.Reserve(e.ctx, id, limits, t0, window)
	require.NoError(t, err)
	scribble(keyBytes)
	scribble(idBytes)
	limits[0].Key, limits[1].Max = "account:changed", 0
	keys[1] = "address:changed"

	assert.Equal(t, "zzzzzzzzzzzzzzz", key, "the test did change the memory")
	assertUsage(t, []throttle.Usage{{Count: 1, Pending: true, Oldest: t0}}, []throttle.Usage{e.usage("account:mutable", all, t0)})
	assert.Zero(t, e.count(key, t0), "nothing is stored under what the memory says now")
	assert.Zero(t, e.count("account:changed", t0))

	keyBytes, key = borrowed("account:mutable")
	require.NoError(t, e.store.AddFailure(e.ctx, []string{key}, t0, window))
	scribble(keyBytes)
	assert.Equal(t, 2, e.count("account:mutable", t0))

	idBytes, id = borrowed("attempt-mutable")
	keyBytes, key = borrowed("account:mutable")
	require.NoError(t, e.store.Fail(e.ctx, id, []string{key, addr}, t1, window))
	scribble(idBytes)
	scribble(keyBytes)
	assertUsage(t, []throttle.Usage{{Count: 2, Oldest: t0}}, []throttle.Usage{e.usage("account:mutable", all, t1)}, "Fail found the id")
	assertUsage(t, []throttle.Usage{{Count: 1, Oldest: t1}}, []throttle.Usage{e.usage(addr, all, t1)})

	u, err := e.store.Usage(e.ctx, []throttle.Limit{{Key: "account:mutable", Max: all}}, t1, window)
	require.NoError(t, err)
	u[0].Count = 99 // the caller owns what Usage returns
	assert.Equal(t, 2, e.count("account:mutable", t1))
}
