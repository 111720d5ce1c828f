package purpose_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	store := usedStore(t, db)
	good := purpose.Config{Purpose: purpose.PasswordReset, Key: resetKey, Issuer: issuer}
	with := func(edit func(*purpose.Config)) purpose.Config {
		cfg := good
		edit(&cfg)
		return cfg
	}
	tests := []struct {
		name    string
		store   purpose.Store
		cfg     purpose.Config
		wantErr []error
	}{
		{"nil store", nil, good, []error{purpose.ErrInvalidConfig}},
		{"key one byte short", store, with(func(c *purpose.Config) { c.Key = resetKey[:purpose.MinKeyLength-1] }), []error{authn.ErrWeakSecret, purpose.ErrInvalidConfig}},
		{"no key", store, with(func(c *purpose.Config) { c.Key = nil }), []error{authn.ErrWeakSecret, purpose.ErrInvalidConfig}},
		{"no purpose", store, with(func(c *purpose.Config) { c.Purpose = "" }), []error{purpose.ErrInvalidConfig}},
		{"upper-case purpose", store, with(func(c *purpose.Config) { c.Purpose = "Password_reset" }), []error{purpose.ErrInvalidConfig}},
		{"purpose starting with a digit", store, with(func(c *purpose.Config) { c.Purpose = "2fa" }), []error{purpose.ErrInvalidConfig}},
		{"purpose with a plus", store, with(func(c *purpose.Config) { c.Purpose = "reset+jwt" }), []error{purpose.ErrInvalidConfig}},
		{"purpose of 33 characters", store, with(func(c *purpose.Config) { c.Purpose = "a" + strings.Repeat("b", 32) }), []error{purpose.ErrInvalidConfig}},
		{"no issuer", store, with(func(c *purpose.Config) { c.Issuer = "" }), []error{purpose.ErrInvalidConfig}},
		{"issuer too long", store, with(func(c *purpose.Config) { c.Issuer = strings.Repeat("i", purpose.MaxIssuerLength+1) }), []error{purpose.ErrInvalidConfig}},
		{"issuer not UTF-8", store, with(func(c *purpose.Config) { c.Issuer = "https://\xff" }), []error{purpose.ErrInvalidConfig}},
		{"negative TTL", store, with(func(c *purpose.Config) { c.TTL = -time.Minute }), []error{purpose.ErrInvalidConfig}},
		{"TTL under a second", store, with(func(c *purpose.Config) { c.TTL = 500 * time.Millisecond }), []error{purpose.ErrInvalidConfig}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokens, err := purpose.New(tt.store, tt.cfg)
			require.Error(t, err)
			assert.Nil(t, tokens)
			for _, want := range tt.wantErr {
				assert.ErrorIs(t, err, want)
			}
		})
	}

	t.Run("longest purpose is accepted", func(t *testing.T) {
		_, err := purpose.New(usedStore(t, db), with(func(c *purpose.Config) { c.Purpose = "a" + strings.Repeat("b_9", 10) + "c" }))
		assert.NoError(t, err)
	})
}

func TestDefaultTTL(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	tests := []struct {
		purpose string
		ttl     time.Duration
		want    time.Duration
	}{
		{purpose.EmailVerification, 0, 24 * time.Hour},
		{purpose.PasswordReset, 0, 30 * time.Minute},
		{"invite", 0, time.Hour},
		{purpose.PasswordReset, 10 * time.Minute, 10 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.purpose, func(t *testing.T) {
			c := authntest.NewClock(start)
			tokens, err := purpose.New(usedStore(t, db), purpose.Config{Purpose: tt.purpose, Key: verifyKey, Issuer: issuer, TTL: tt.ttl, Now: c.Now})
			require.NoError(t, err)
			assert.Equal(t, tt.purpose, tokens.Purpose())
			assert.Equal(t, tt.want, tokens.TTL())
			tok, err := tokens.Issue(context.Background(), "alice", "")
			require.NoError(t, err)
			assert.Equal(t, start.Add(tt.want).Truncate(time.Second), tok.ExpiresAt, "exp is whole seconds")
		})
	}
}

func TestNewCopiesKey(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	key := append([]byte(nil), resetKey...)
	tokens, err := purpose.New(usedStore(t, db), purpose.Config{Purpose: purpose.PasswordReset, Key: key, Issuer: issuer})
	require.NoError(t, err)
	tok, err := tokens.Issue(context.Background(), "alice", "")
	require.NoError(t, err)

	copy(key, strings.Repeat("x", len(key)))
	subject, err := tokens.Verify(context.Background(), tok.Value.Reveal(), nil)
	require.NoError(t, err, "changing the caller's slice must not change the key")
	assert.Equal(t, "alice", subject)
}
