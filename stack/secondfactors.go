package stack

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// MinSecondFactorKeyLength is the shortest SecondFactors.Key accepted.
const MinSecondFactorKeyLength = 32

// MFATokenTTL is how long the MFA token between a login's two steps lives.
const MFATokenTTL = 5 * time.Minute

// SecondFactors configures the second factors users may add: TOTP
// (authn/totp) with recovery codes (authn/recovery), and passkeys
// (authn/passkey) when Passkeys.RPID is set. With a Key, a user
// who has confirmed a TOTP or registered a passkey logs in in two steps (account.Service.Login
// yields a *account.MFARequiredError), and the credentials of such a login
// carry amr [pwd otp mfa], assurance aal2.
type SecondFactors struct {
	// Key switches second factors on: at least 32 random bytes, the same
	// on every replica, kept out of the database (a secret manager, an
	// environment variable). Keys of their own are derived from it with
	// HKDF-SHA256: one seals TOTP secrets at rest, another signs MFA
	// tokens. Lose it and every user must enrol their TOTP again. Default
	// nil: no second factors.
	Key []byte
	// Issuer names the application in authenticator apps. Default: the
	// stack's Issuer.
	Issuer string
	// Now tells the time TOTP codes and MFA tokens are checked at; for
	// tests. Default time.Now.
	Now func() time.Time
	// Passkeys, when its RPID is set, lets users register passkeys
	// (authn/passkey): to log in with a passkey alone, and as a second
	// factor after a password. RPID and RPOrigins are required then;
	// RPDisplayName defaults to Issuer, and Now to SecondFactors.Now.
	// Ceremonies left unfinished are removed every PasskeySweepInterval.
	Passkeys passkey.Config
}

// PasskeySweepInterval is how often the stack removes passkey ceremonies
// begun and never finished, once they expire.
const PasskeySweepInterval = time.Minute

// deriveKey is the 32-byte key of purpose derived from key.
func deriveKey(key []byte, purpose string) ([]byte, error) {
	return hkdf.Key(sha256.New, key, nil, "gatehouse second factors: "+purpose, 32)
}

// buildSecondFactors builds TOTP, recovery codes and MFA tokens from
// Config.SecondFactors, and returns what account.Config needs of them.
func (s *Stack) buildSecondFactors(stores Stores, issuer string) ([]account.Factor, *purpose.Tokens, error) {
	cfg := s.cfg.SecondFactors
	if len(cfg.Key) == 0 {
		return nil, nil, nil
	}
	if len(cfg.Key) < MinSecondFactorKeyLength {
		return nil, nil, fmt.Errorf("%w: SecondFactors.Key: %d bytes, at least %d random bytes are needed",
			ErrConfig, len(cfg.Key), MinSecondFactorKeyLength)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = issuer
	}
	sealKey, err := deriveKey(cfg.Key, "TOTP secrets")
	if err != nil {
		return nil, nil, err
	}
	signKey, err := deriveKey(cfg.Key, "MFA tokens")
	if err != nil {
		return nil, nil, err
	}
	if s.TOTP, err = totp.New(stores.TOTP, totp.Config{Issuer: cfg.Issuer, Key: sealKey, Now: cfg.Now}); err != nil {
		return nil, nil, fmt.Errorf("stack: TOTP: %w", err)
	}
	if s.RecoveryCodes, err = recovery.New(stores.RecoveryCodes, recovery.Config{Now: cfg.Now}); err != nil {
		return nil, nil, fmt.Errorf("stack: recovery codes: %w", err)
	}
	mfaTokens, err := purpose.New(stores.UsedTokens, purpose.Config{Purpose: "mfa", Key: signKey, Issuer: issuer,
		TTL: MFATokenTTL, Logger: s.cfg.Logger, Now: cfg.Now})
	if err != nil {
		return nil, nil, fmt.Errorf("stack: MFA tokens: %w", err)
	}
	codes := s.RecoveryCodes
	factors := []account.Factor{
		{Name: account.FactorTOTP, AMR: []string{authn.AMROTP}, Enabled: s.TOTP.Enabled, Verify: s.TOTP.Verify},
	}
	if cfg.Passkeys.RPID != "" {
		if err := s.buildPasskeys(stores, cfg); err != nil {
			return nil, nil, err
		}
		factors = append(factors, account.Factor{Name: account.FactorPasskey, Enabled: s.Passkeys.Enabled,
			Prove: s.Passkeys.ProveSecondFactor, Challenge: s.Passkeys.SecondFactorChallenge})
	}
	factors = append(factors, []account.Factor{
		{Name: account.FactorRecoveryCode, AMR: []string{authn.AMROTP}, Backup: true,
			Enabled: func(ctx context.Context, userID string) (bool, error) {
				n, err := codes.Remaining(ctx, userID)
				return n > 0, err
			},
			Verify: codes.Use},
	}...)
	return factors, mfaTokens, nil
}

// buildPasskeys builds Passkeys from cfg.Passkeys, and starts removing
// expired ceremonies in the background until Close.
func (s *Stack) buildPasskeys(stores Stores, cfg SecondFactors) error {
	pc := cfg.Passkeys
	if pc.RPDisplayName == "" {
		pc.RPDisplayName = cfg.Issuer
	}
	if pc.Now == nil {
		pc.Now = cfg.Now
	}
	var err error
	if s.Passkeys, err = passkey.New(stores.Passkeys, stores.PasskeyChallenges, pc); err != nil {
		return fmt.Errorf("stack: passkeys: %w", err)
	}
	now := pc.Now
	if now == nil {
		now = time.Now
	}
	challenges, logger := stores.PasskeyChallenges, s.cfg.Logger
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(PasskeySweepInterval)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				ctx, cancel := context.WithTimeout(context.Background(), PasskeySweepInterval)
				if _, err := challenges.DeleteExpired(ctx, now()); err != nil {
					logger.Warn("stack: expired passkey ceremonies stay until the next sweep", "error", err)
				}
				cancel()
			}
		}
	}()
	s.closers = append(s.closers, func() { close(stop); <-done })
	return nil
}
