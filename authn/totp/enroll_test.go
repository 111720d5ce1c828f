package totp_test

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"image/png"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// The enrolment's URL is an otpauth key URI that apps read: type totp, the
// label issuer:account, and the secret with the parameters of every code.
func TestEnrollmentURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *totp.Config) { c.Issuer = "Example, Co. (#1 = 100%; ?)" })
	e, err := f.m.Enroll(bg, "usr_1", "alice+mfa@example.com")
	require.NoError(t, err)

	u, err := url.Parse(e.URL.Reveal())
	require.NoError(t, err)
	assert.Equal(t, "otpauth", u.Scheme)
	assert.Equal(t, "totp", u.Host)
	assert.Equal(t, "/Example, Co. (#1 = 100%; ?):alice+mfa@example.com", u.Path)
	q := u.Query()
	assert.Equal(t, "Example, Co. (#1 = 100%; ?)", q.Get("issuer"))
	assert.Equal(t, e.Secret.Reveal(), q.Get("secret"))
	assert.Equal(t, "SHA1", q.Get("algorithm"))
	assert.Equal(t, "6", q.Get("digits"))
	assert.Equal(t, "30", q.Get("period"))

	// As the library apps are tested against reads it.
	key, err := otp.NewKeyFromURL(e.URL.Reveal())
	require.NoError(t, err)
	assert.Equal(t, "Example, Co. (#1 = 100%; ?)", key.Issuer())
	assert.Equal(t, "alice+mfa@example.com", key.AccountName())
	assert.Equal(t, otp.AlgorithmSHA1, key.Algorithm())
	assert.Equal(t, otp.DigitsSix, key.Digits())
	assert.EqualValues(t, 30, key.Period())

	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret.Reveal())
	require.NoError(t, err)
	assert.Len(t, secret, totp.SecretSize, "160 bits")
	assert.NotContains(t, e.Secret.Reveal(), "=", "unpadded, as apps expect")
}

// The QR code is a PNG of QRCodeSize pixels square.
func TestEnrollmentQRCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e, err := f.m.Enroll(bg, "usr_1", "alice@example.com")
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(e.QRCode, []byte("\x89PNG\r\n\x1a\n")), "a PNG signature")
	img, err := png.Decode(bytes.NewReader(e.QRCode))
	require.NoError(t, err)
	assert.Equal(t, totp.QRCodeSize, img.Bounds().Dx())
	assert.Equal(t, totp.QRCodeSize, img.Bounds().Dy())
}

// Every enrolment draws a new secret.
func TestEnrollDrawsNewSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	seen := map[string]bool{}
	for i := range 6 {
		secret := f.enrol(t, fmt.Sprintf("usr_%d", i%2))
		assert.False(t, seen[secret], "secret drawn twice")
		seen[secret] = true
	}
}

// An Enrollment printed, logged or encoded by mistake shows none of its
// secrets.
func TestEnrollmentPrintsRedacted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e, err := f.m.Enroll(bg, "usr_1", "alice@example.com")
	require.NoError(t, err)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("enrolled", "enrollment", e, "qr", e.QRCode)
	encoded, err := json.Marshal(e)
	require.NoError(t, err)
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", e),
		"%+v":  fmt.Sprintf("%+v", e),
		"%#v":  fmt.Sprintf("%#v", e),
		"%s":   fmt.Sprintf("%s", e),
		"%x":   fmt.Sprintf("%x", e.QRCode),
		"%q":   fmt.Sprintf("%q", e.QRCode),
		"json": string(encoded),
		"slog": logged.String(),
	}
	secret := e.Secret.Reveal()
	for name, out := range outputs {
		assert.Contains(t, out, authn.Redacted, name)
		assert.NotContains(t, out, secret, name)
		assert.NotContains(t, out, "otpauth", name)
		assert.NotContains(t, out, "PNG", name)
		assert.NotContains(t, strings.ToLower(out), "89504e47", "%s: the PNG in hex", name)
	}
	var w bytes.Buffer
	_, err = w.Write(e.QRCode)
	require.NoError(t, err)
	assert.Equal(t, []byte(e.QRCode), w.Bytes(), "written as it is")
}

// Account names an app cannot show are refused, and nothing is stored.
func TestEnrollRefusesAccountNames(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for name, account := range map[string]string{
		"empty":             "",
		"blank":             "   ",
		"a colon":           "alice:admin",
		"a newline":         "alice\n",
		"a NUL":             "alice\x00",
		"invalid UTF-8":     "alice\xff",
		"over its limit":    strings.Repeat("a", totp.MaxAccountNameLength+1),
		"a delete control":  "alice\x7f",
		"a C1 control code": "alice\u0085",
	} {
		_, err := f.m.Enroll(bg, "usr_1", account)
		assert.ErrorIs(t, err, totp.ErrInvalidAccountName, name)
	}
	assert.Zero(t, f.store.calls.Load(), "nothing stored")

	for _, account := range []string{"alice@example.com", "Ålice Émile", "alice 🔑", strings.Repeat("a", totp.MaxAccountNameLength), "a/b?c#d%e"} {
		e, err := f.m.Enroll(bg, "usr_1", account)
		require.NoError(t, err, "%q", account)
		key, err := otp.NewKeyFromURL(e.URL.Reveal())
		require.NoError(t, err)
		assert.Equal(t, account, key.AccountName(), "the app shows it as given")
	}
}

// Enroll keeps the new secret pending, sealed, and leaves the active one.
func TestEnrollKeepsSecretPending(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	old := f.enrolled(t, "usr_1")
	before := f.record(t, "usr_1")
	f.clock.Advance(time.Hour)
	secret := f.enrol(t, "usr_1")
	rec := f.record(t, "usr_1")
	assert.Equal(t, before.Active, rec.Active, "the active secret is untouched")
	assert.Equal(t, before.LastStep, rec.LastStep)
	assert.Equal(t, before.ActivatedAt, rec.ActivatedAt)
	assert.Equal(t, start.Add(time.Hour), rec.UpdatedAt)
	require.NotNil(t, rec.Pending)
	assert.Len(t, rec.Pending, 49)
	for _, plain := range []string{secret, old} {
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(plain)
		require.NoError(t, err)
		for _, sealed := range [][]byte{rec.Pending, rec.Active} {
			assert.False(t, bytes.Contains(sealed, raw), "the raw secret is not stored")
			assert.False(t, bytes.Contains(sealed, []byte(plain)), "the base32 secret is not stored")
		}
	}
}

// A store that fails leaves no enrolment behind to show.
func TestEnrollStoreFailure(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.store.failWith(assert.AnError)
	e, err := f.m.Enroll(bg, "usr_1", "alice")
	assert.ErrorIs(t, err, totp.ErrStore)
	assert.ErrorIs(t, err, assert.AnError)
	assert.Zero(t, e, "no secret shown that was not kept")
}
