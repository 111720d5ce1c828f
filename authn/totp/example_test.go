package totp_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/pquerna/otp"
	pqtotp "github.com/pquerna/otp/totp"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/memstore"
)

// A user turns two-factor authentication on, then logs in with a code;
// the same code is refused a second time. The authenticator app is played
// by pquerna/otp, and the clock is a test clock so that the output is
// stable.
func Example() {
	key := make([]byte, totp.KeySize) // in production, from a secret manager
	if _, err := rand.Read(key); err != nil {
		log.Fatal(err)
	}
	clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	mfa, err := totp.New(memstore.New(), totp.Config{Issuer: "Example", Key: key, Now: clock.Now})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Settings page: show the QR code (or the secret) once.
	e, err := mfa.Enroll(ctx, "usr_42", "alice@example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("printed by mistake:", e.Secret, e.QRCode)
	app := func() string { // what the user's app shows now
		code, _ := pqtotp.GenerateCodeCustom(e.Secret.Reveal(), clock.Now(), pqtotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		return code
	}
	// The first code from the app turns the factor on.
	fmt.Println("confirm:", mfa.Confirm(ctx, "usr_42", app()))

	// A later login, after the password.
	clock.Advance(time.Minute)
	if on, _ := mfa.Enabled(ctx, "usr_42"); on {
		code := app()
		fmt.Println("login:", mfa.Verify(ctx, "usr_42", code))
		err := mfa.Verify(ctx, "usr_42", code)
		fmt.Println("again:", errors.Is(err, authn.ErrInvalidCredentials), errors.Is(err, totp.ErrCodeReused))
	}
	// Output:
	// printed by mistake: [REDACTED] [REDACTED]
	// confirm: <nil>
	// login: <nil>
	// again: true true
}
