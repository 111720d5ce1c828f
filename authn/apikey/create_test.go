package apikey_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

var (
	keyPattern = regexp.MustCompile(`^ghk_([0-9a-v]{8})_[A-Za-z0-9_-]{43}$`)
	idPattern  = regexp.MustCompile(`^key_[0-9a-f]{16}$`)
)

func TestCreateVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		expiry := f.clock.Now().Add(30 * 24 * time.Hour)

		tests := []struct {
			name       string
			expiresAt  *time.Time
			wantExpiry time.Time
		}{
			{"never expires", nil, time.Time{}},
			{"expires", &expiry, expiry},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				key, secret, err := f.keys.Create(ctx, "user-1", "  CI deploy  ", tt.expiresAt)
				require.NoError(t, err)
				plain := secret.Reveal()

				m := keyPattern.FindStringSubmatch(plain)
				require.NotNil(t, m, "key %q has the documented format", plain)
				assert.Equal(t, m[1], key.Prefix)
				assert.Equal(t, "ghk_"+key.Prefix, key.Display())
				assert.Regexp(t, idPattern, key.ID)
				assert.Equal(t, "user-1", key.OwnerID)
				assert.Equal(t, "CI deploy", key.Name, "name is trimmed")
				assert.True(t, key.CreatedAt.Equal(f.clock.Now()))
				assert.Nil(t, key.RevokedAt)
				assert.Nil(t, key.LastUsedAt)
				if tt.expiresAt == nil {
					assert.Nil(t, key.ExpiresAt)
				} else {
					require.NotNil(t, key.ExpiresAt)
					assert.True(t, key.ExpiresAt.Equal(*tt.expiresAt))
				}

				subject, err := f.keys.Verify(ctx, plain)
				require.NoError(t, err)
				assert.Equal(t, "user-1", subject.ID, "a key authenticates as its owner")
				assert.Equal(t, authn.MethodAPIKey, subject.Method)
				assert.Equal(t, key.ID, subject.CredentialID)
				assert.True(t, tt.wantExpiry.Equal(subject.ExpiresAt), "ExpiresAt %v", subject.ExpiresAt)
				assert.Nil(t, subject.Claims)
			})
		}
	})
}

func TestKeysAreUnique(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		f := newFixtureOn(t, b)
		ids, prefixes, plains := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for i := 0; i < 20; i++ {
			key, plain := f.create(t, "user-1", fmt.Sprintf("key %d", i))
			assert.False(t, ids[key.ID] || prefixes[key.Prefix] || plains[plain], "key %d repeats an earlier one", i)
			ids[key.ID], prefixes[key.Prefix], plains[plain] = true, true, true
		}
	})
}

// What Keys hands its store holds the SHA-256 of the whole key, never
// the key or its secret; and nothing Keys returns shows the hash.
func TestPlainKeyIsNotStored(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b)
		key, plain := f.create(t, "user-1", "deploy")
		// The secret follows "ghk_" and the prefix; it may itself hold '_'.
		secretPart := strings.TrimPrefix(plain, apikey.Scheme+key.Prefix+"_")
		require.NotEqual(t, plain, secretPart)

		require.Len(t, f.store.inserted, 1)
		rec := f.store.inserted[0]
		sum := sha256.Sum256([]byte(plain))
		hash := hex.EncodeToString(sum[:])
		assert.Equal(t, hash, rec.Hash, "only the SHA-256 of the whole key is stored")
		assert.NotContains(t, fmt.Sprintf("%#v", rec), secretPart, "the store is given no secret")
		stored, found, err := f.open(t).Get(ctx, key.ID)
		require.NoError(t, err)
		require.True(t, found)
		assert.NotContains(t, fmt.Sprintf("%#v", stored), secretPart, "the store holds no secret")

		got, err := f.keys.Get(ctx, key.ID)
		require.NoError(t, err)
		listed, err := f.keys.List(ctx, "user-1")
		require.NoError(t, err)
		encoded, err := json.Marshal(listed)
		require.NoError(t, err)
		for _, out := range []string{
			fmt.Sprintf("%+v", key), fmt.Sprintf("%#v", got), fmt.Sprintf("%+v", listed), string(encoded),
		} {
			assert.NotContains(t, out, secretPart)
			assert.NotContains(t, out, hash)
		}
	})
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	now := f.clock.Now()

	tests := []struct {
		name    string
		owner   string
		keyName string
		expires *time.Time
		wantErr error
	}{
		{"empty owner", "", "deploy", nil, apikey.ErrInvalidOwner},
		{"owner too long", strings.Repeat("u", apikey.MaxOwnerIDLength+1), "deploy", nil, apikey.ErrInvalidOwner},
		{"empty name", "user-1", "", nil, apikey.ErrInvalidName},
		{"blank name", "user-1", " \t ", nil, apikey.ErrInvalidName},
		{"name too long", "user-1", strings.Repeat("é", apikey.MaxNameLength+1), nil, apikey.ErrInvalidName},
		{"newline in name", "user-1", "de\nploy", nil, apikey.ErrInvalidName},
		{"NUL in name", "user-1", "de\x00ploy", nil, apikey.ErrInvalidName},
		{"escape in name", "user-1", "\x1b[31mred", nil, apikey.ErrInvalidName},
		{"C1 control in name", "user-1", "de\u0085ploy", nil, apikey.ErrInvalidName},
		{"invalid UTF-8 name", "user-1", "de\xffploy", nil, apikey.ErrInvalidName},
		{"expiry in the past", "user-1", "deploy", ptr(now.Add(-time.Second)), apikey.ErrInvalidExpiry},
		{"expiry now", "user-1", "deploy", ptr(now), apikey.ErrInvalidExpiry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, secret, err := f.keys.Create(ctx, tt.owner, tt.keyName, tt.expires)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Empty(t, key.ID)
			assert.Empty(t, secret.Reveal())
		})
	}
	assert.Zero(t, f.store.inserts.Load(), "refused keys are not stored")

	// The limits themselves are accepted.
	key, _, err := f.keys.Create(ctx, strings.Repeat("u", apikey.MaxOwnerIDLength), strings.Repeat("é", apikey.MaxNameLength), ptr(now.Add(time.Second)))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("é", apikey.MaxNameLength), key.Name)
}
