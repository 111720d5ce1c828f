package totp_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/memstore"
)

func TestNewRefusesConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*totp.Config)
	}{
		{"no issuer", func(c *totp.Config) { c.Issuer = "" }},
		{"a blank issuer", func(c *totp.Config) { c.Issuer = "  " }},
		{"an issuer with a colon", func(c *totp.Config) { c.Issuer = "Example: staging" }},
		{"an issuer with a control character", func(c *totp.Config) { c.Issuer = "Example\n" }},
		{"an issuer with an ampersand", func(c *totp.Config) { c.Issuer = "Example & Co" }},
		{"an issuer with a plus", func(c *totp.Config) { c.Issuer = "Example+" }},
		{"an issuer not UTF-8", func(c *totp.Config) { c.Issuer = "Ex\xffample" }},
		{"an issuer over its limit", func(c *totp.Config) { c.Issuer = strings.Repeat("e", totp.MaxIssuerLength+1) }},
		{"no key", func(c *totp.Config) { c.Key = nil }},
		{"an AES-128 key", func(c *totp.Config) { c.Key = make([]byte, 16) }},
		{"a key a byte short", func(c *totp.Config) { c.Key = make([]byte, totp.KeySize-1) }},
		{"a key a byte long", func(c *totp.Config) { c.Key = make([]byte, totp.KeySize+1) }},
		{"a 64-byte key", func(c *totp.Config) { c.Key = make([]byte, 64) }},
		{"a skew over the limit", func(c *totp.Config) { c.Skew = totp.MaxSkew + 1 }},
		{"a huge skew", func(c *totp.Config) { c.Skew = ^uint(0) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := totp.Config{Issuer: "Example", Key: testKey}
			c.edit(&cfg)
			m, err := totp.New(memstore.New(), cfg)
			assert.ErrorIs(t, err, totp.ErrConfig)
			assert.Nil(t, m)
		})
	}
}

func TestNewRefusesNilStore(t *testing.T) {
	t.Parallel()
	m, err := totp.New(nil, totp.Config{Issuer: "Example", Key: testKey})
	assert.ErrorIs(t, err, totp.ErrConfig)
	assert.Nil(t, m)
}

func TestNewAcceptsTheLimits(t *testing.T) {
	t.Parallel()
	for _, cfg := range []totp.Config{
		{Issuer: strings.Repeat("e", totp.MaxIssuerLength), Key: testKey},
		{Issuer: "Exämple Bank, Co. (staging) #1 = 100%", Key: testKey, Skew: totp.MaxSkew},
		{Issuer: "Example", Key: testKey}, // time.Now, DefaultSkew
	} {
		_, err := totp.New(memstore.New(), cfg)
		assert.NoError(t, err, "%q", cfg.Issuer)
	}
}

// New copies the key: a caller that clears its copy afterwards, as it
// should, does not change the key secrets are sealed with.
func TestNewCopiesTheKey(t *testing.T) {
	t.Parallel()
	key := append([]byte(nil), testKey...)
	f := newFixture(t, func(c *totp.Config) { c.Key = key })
	secret := f.enrolled(t, "usr_1")
	clear(key)
	f.clock.Advance(totp.Period)
	require.NoError(t, f.m.Verify(bg, "usr_1", codeAt(t, secret, f.clock.Now())))
}
