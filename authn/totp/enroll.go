package totp

import (
	"bytes"
	"context"
	"encoding/base32"
	"fmt"
	"image/png"

	"github.com/pquerna/otp"
	pqtotp "github.com/pquerna/otp/totp"

	"github.com/gatehouse-go/gatehouse/authn"
)

// QRCodeSize is the width and height, in pixels, of Enrollment.QRCode.
const QRCodeSize = 256

// Enrollment is what a user needs to add a secret to an authenticator app.
// Show it once, on the page that asks for the first code (Confirm), and
// keep none of it: the store holds the secret, sealed. Each field holds the
// secret in some form, so none prints it.
type Enrollment struct {
	// Secret is the secret in base32, for users who type it into their
	// app instead of scanning the QR code.
	Secret authn.Secret
	// URL is the otpauth:// key URI the QR code holds (Google's key URI
	// format): type totp, the label "Issuer:account", and the secret,
	// issuer, algorithm (SHA1), digits (6) and period (30) as
	// parameters. Some apps on the same device open it as a link.
	URL authn.Secret
	// QRCode is URL as a QR code, a QRCodeSize×QRCodeSize PNG image: serve
	// it as image/png, or inline as a data: URL, with Cache-Control:
	// no-store.
	QRCode PNG
}

// Enroll starts an enrolment: it draws a new secret of SecretSize bytes,
// keeps it sealed as the user's pending secret, replacing any pending one,
// and returns it for the user's app. The user's active secret, if any, is
// untouched and keeps working until Confirm replaces it, so that a user
// who enrols a new phone and gives up half way is not locked out.
// accountName is what the app shows beside Config.Issuer, such as the
// user's email address; an unusable one fails with ErrInvalidAccountName.
//
// Enrolling, like Disable, changes how the account is protected: call it
// only for a user whose login is recent (authn.Subject.RequireRecentLogin)
// and, when a factor is active already, who has just given a current code.
func (m *Manager) Enroll(ctx context.Context, userID, accountName string) (Enrollment, error) {
	if err := checkUserID(userID); err != nil {
		return Enrollment{}, err
	}
	if err := checkLabel(accountName, MaxAccountNameLength); err != nil {
		return Enrollment{}, fmt.Errorf("%w: %w", ErrInvalidAccountName, err)
	}
	key, err := pqtotp.Generate(pqtotp.GenerateOpts{
		Issuer:      m.cfg.Issuer,
		AccountName: accountName,
		Period:      uint(Period.Seconds()),
		SecretSize:  SecretSize,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return Enrollment{}, fmt.Errorf("totp: generate a secret: %w", err)
	}
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(key.Secret())
	if err != nil || len(secret) != SecretSize {
		return Enrollment{}, fmt.Errorf("totp: generate a secret: unexpected encoding")
	}
	sealed, err := m.sealer.seal(userID, secret)
	if err != nil {
		return Enrollment{}, err
	}
	qr, err := qrCode(key)
	if err != nil {
		return Enrollment{}, err
	}
	if err := m.store.SetPending(ctx, userID, sealed, m.now()); err != nil {
		return Enrollment{}, storeError("keep the pending secret", err)
	}
	return Enrollment{Secret: authn.Secret(key.Secret()), URL: authn.Secret(key.String()), QRCode: qr}, nil
}

// qrCode draws key's URL as a PNG QR code.
func qrCode(key *otp.Key) (PNG, error) {
	img, err := key.Image(QRCodeSize, QRCodeSize)
	if err != nil {
		return nil, fmt.Errorf("totp: draw the QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("totp: encode the QR code: %w", err)
	}
	return PNG(buf.Bytes()), nil
}
