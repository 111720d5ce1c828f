package watch_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
)

func TestSealOpensOnlyWithItsKey(t *testing.T) {
	key := []byte(strings.Repeat("k", watch.KeySize))
	other := []byte(strings.Repeat("o", watch.KeySize))
	sealed := watch.Seal(key, `{"rev":7}`)
	payload, err := watch.Open(key, sealed)
	require.NoError(t, err)
	assert.Equal(t, `{"rev":7}`, payload)
	assert.Len(t, sealed, len(payload)+44, "a seal adds 44 bytes")

	for name, forged := range map[string]string{
		"another key":        watch.Seal(other, `{"rev":7}`),
		"altered payload":    sealed[:len(sealed)-2] + `8}`,
		"no seal":            `{"rev":7}`,
		"empty":              "",
		"seal only":          sealed[:43],
		"garbage seal":       "!!!." + `{"rev":7}`,
		"seal of another":    watch.Seal(key, `{"rev":8}`)[:43] + `.{"rev":7}`,
		"truncated seal":     sealed[10:],
		"dot at the start":   "." + `{"rev":7}`,
		"unsealed with dots": "a.b.c",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := watch.Open(key, forged)
			assert.ErrorIs(t, err, watch.ErrForged)
		})
	}
	_, err = watch.Open(nil, sealed)
	assert.ErrorIs(t, err, watch.ErrForged, "no key opens nothing")
	short := key[:watch.KeySize-1]
	_, err = watch.Open(short, watch.Seal(short, `{"rev":7}`))
	assert.ErrorIs(t, err, watch.ErrForged, "a short key opens nothing, not even its own seals")
	assert.ErrorIs(t, err, watch.ErrWeakKey)
}

func TestSealedMessagesFit(t *testing.T) {
	key, err := watch.NewKey()
	require.NoError(t, err)
	assert.Len(t, key, 2*watch.KeySize)
	sealed := watch.Seal([]byte(key), strings.Repeat("x", watch.SealedMaxPayload))
	assert.NoError(t, watch.CheckPayload(sealed))
	assert.Error(t, watch.CheckPayload(watch.Seal([]byte(key), strings.Repeat("x", watch.SealedMaxPayload+1))))
}
