package account_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// refusedAsClientError reports whether err is one the HTTP layer answers
// with a 4xx: a refused credential, throttling, a form field refused, or
// an unknown email where the flow reports one.
// Anything else is taken for the server's failure and answered with a 5xx.
func refusedAsClientError(err error) bool {
	for _, target := range []error{
		authn.ErrInvalidCredentials, authn.ErrThrottled, password.ErrInvalidPassword,
		users.ErrInvalidEmail, users.ErrInvalidName, users.ErrNotFound,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// throttleRows counts the rows the throttle holds: attempts, failures and
// per-key locks.
func throttleRows(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var total int64
	for _, table := range []string{"gatehouse_login_failures", "gatehouse_login_attempt_locks"} {
		var n int64
		require.NoError(t, db.Table(table).Count(&n).Error)
		total += n
	}
	return total
}

// TestBadLoginInputIsAnOrdinaryFailure sends logins no account can match,
// or from an address that is not one, and checks that each is refused like
// a wrong password (authn.ErrInvalidCredentials, never an error the HTTP
// layer would answer with 503), on every database. An email that cannot be
// anyone's is refused with the very error of a wrong password, after the
// same hashing work, and counted like one; an address that is not an IP
// is refused before anything is checked or written.
func TestBadLoginInputIsAnOrdinaryFailure(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 300) + "@example.com"
	tests := []struct {
		name, email, password, address string
		writes                         bool // counted as a failed login
	}{
		{"email over 320 bytes", long + strings.Repeat("m", 20), bobPassword, "192.0.2.1", true},
		{"email of 64 KiB", strings.Repeat("b", 64<<10) + "@example.com", bobPassword, "192.0.2.1", true},
		{"email over 254 bytes", long, bobPassword, "192.0.2.1", true},
		{"email with NUL", "bob\x00@example.com", bobPassword, "192.0.2.1", true},
		{"email not UTF-8", "bob\xff@example.com", bobPassword, "192.0.2.1", true},
		{"email with zero-width space", "bob\u200b@example.com", bobPassword, "192.0.2.1", true},
		{"empty email", "", bobPassword, "192.0.2.1", true},
		{"not an email", "bob", bobPassword, "192.0.2.1", true},
		{"address not an IP", bobEmail, bobPassword, "not an address", false},
		{"address with NUL", bobEmail, bobPassword, "192.0.2.1\x00", false},
		{"address not UTF-8", bobEmail, bobPassword, "192.0.2.\xff", false},
		{"address too long", bobEmail, bobPassword, strings.Repeat("1", 100), false},
		{"password of 1 MiB", bobEmail, strings.Repeat("p", 1<<20), "192.0.2.1", true},
		{"password not UTF-8", bobEmail, "bob-password\xff", "192.0.2.1", true},
		{"password with NUL", bobEmail, "bob-password\x00", "192.0.2.1", true},
		{"empty password", bobEmail, "", "192.0.2.1", true},
	}
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		r := newRigOn(t, db)
		r.register(t, bobEmail, bobPassword)
		_, wrong := r.Login(ctx, bobEmail, "not-bobs-password", "192.0.2.1")
		require.ErrorIs(t, wrong, authn.ErrInvalidCredentials)

		flows := []struct {
			name  string
			login func(email, password, address string) error
		}{
			{"Login", func(email, password, address string) error {
				_, err := r.Login(ctx, email, password, address)
				return err
			}},
			{"StartSession", func(email, password, address string) error {
				_, err := r.StartSession(ctx, email, password, address, "")
				return err
			}},
		}
		for _, flow := range flows {
			for _, tt := range tests {
				r.clock.Advance(time.Hour) // bob's earlier failures no longer count
				before := throttleRows(t, db)
				err := flow.login(tt.email, tt.password, tt.address)
				assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "%s: %s", flow.name, tt.name)
				assert.NotErrorIs(t, err, authn.ErrThrottled, "%s: %s", flow.name, tt.name)
				if tt.address == "192.0.2.1" {
					assert.Equal(t, wrong.Error(), err.Error(), "%s: %s: a wrong password's very error", flow.name, tt.name)
				}
				if !tt.writes {
					assert.Equal(t, before, throttleRows(t, db), "%s: %s: nothing written", flow.name, tt.name)
				}
			}
		}
		r.clock.Advance(time.Hour)
		_, err := r.Login(ctx, bobEmail, bobPassword, "192.0.2.1:37198")
		require.NoError(t, err, "bob still gets in")
	})
}

// TestBadInputElsewhereIsRefusedNotFailed checks the other flows that take
// a password, an email or an address from the client: a password change, a
// reset, and a request for one refuse such input with a client error,
// never one the HTTP layer would answer with 503, and change nothing.
func TestBadInputElsewhereIsRefusedNotFailed(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("p", 1<<20)
	passwords := []string{huge, "bob-password\xff", "bob-password\x00", "", "\u202enimda\x00"}
	newPasswords := []string{huge, "bobs-new-password\xff", "", "\x00\x00\x00"} // a NUL is a character: long enough, it is allowed
	addresses := []string{huge, "bob-password\xff", "192.0.2.1\x00", "\u202e192.0.2.1", "localhost"}
	emails := []string{strings.Repeat("b", 64<<10) + "@example.com", "bob\x00@example.com", "bob\xff@example.com", "", "bob\u200b@example.com"}
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		r := newRigOn(t, b.Open(t))
		id := r.register(t, bobEmail, bobPassword)
		for _, s := range passwords {
			r.clock.Advance(time.Hour) // no throttling from the previous round
			err := r.ChangePassword(ctx, id, s, "bobs-brand-new-password", "192.0.2.1")
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "change, current %.20q", s)
			err = r.ResetPassword(ctx, s, "bobs-brand-new-password")
			assert.ErrorIs(t, err, authn.ErrInvalidToken, "reset, token %.20q", s)
		}
		reset, err := r.RequestPasswordReset(ctx, bobEmail)
		require.NoError(t, err)
		for _, s := range newPasswords {
			err := r.ChangePassword(ctx, id, bobPassword, s, "192.0.2.1")
			assert.ErrorIs(t, err, password.ErrInvalidPassword, "change, new %.20q", s)
			err = r.ResetPassword(ctx, reset.Value.Reveal(), s)
			assert.ErrorIs(t, err, password.ErrInvalidPassword, "reset, new %.20q", s)
		}
		for _, s := range addresses {
			err := r.ChangePassword(ctx, id, bobPassword, "bobs-brand-new-password", s)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "change, address %.20q", s)
		}
		for _, s := range emails {
			_, err = r.RequestPasswordReset(ctx, s)
			assert.True(t, refusedAsClientError(err), "reset request %.20q: %v", s, err)
		}
		_, err = r.Login(ctx, bobEmail, bobPassword, "")
		require.NoError(t, err, "nothing changed bob's password")
		require.NoError(t, r.ResetPassword(ctx, reset.Value.Reveal(), "bobs-brand-new-password"), "nor spent the token")
	})
}

// TestMalformedEmailsCountAgainstTheAddress checks that logins with emails
// no account can have, each costing a password hash, are held to the
// per-address limit like wrong passwords.
func TestMalformedEmailsCountAgainstTheAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRig(t)
	var err error
	for i := 0; i < 60 && !errors.Is(err, authn.ErrThrottled); i++ {
		_, err = r.Login(ctx, fmt.Sprintf("not an email %d", i), "any password", "192.0.2.9")
	}
	require.ErrorIs(t, err, authn.ErrThrottled, "the address is throttled within its limit")
	_, err = r.Login(ctx, "not an email at all", "any password", "192.0.2.10")
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "another address is not")
	assert.NotErrorIs(t, err, authn.ErrThrottled)
}
