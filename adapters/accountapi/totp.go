package accountapi

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// MaxSecondFactorLoginAge is how recent a login must be to enrol, replace
// or remove a second factor: a stolen session kept alive cannot add its
// thief's authenticator.
const MaxSecondFactorLoginAge = 15 * time.Minute

// totpEnrolment is the answer of POST /me/mfa/totp: shown once.
type totpEnrolment struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
	// QRCode is the PNG of the otpauth URL, in standard base64.
	QRCode string `json:"qr_code_png"`
}

// codeBody is a body holding a TOTP code: required when confirming or
// removing, and when replacing an active TOTP.
type codeBody struct {
	Code *string `json:"code"`
}

// EnrolTOTP answers POST /me/mfa/totp: 201 with a new TOTP secret, its
// otpauth:// URL and the URL's QR code (PNG, base64), which are shown
// once; the secret is active only once POST /me/mfa/totp/confirm has seen
// a code of it. It needs a login of the last 15 minutes; replacing an
// active TOTP needs, besides, a current code of it ({"code"}), and adding
// one beside a passkey a login that proved the passkey, so that a stolen
// session cannot swap or add a factor for its thief.
func (a *API) EnrolTOTP(ctx context.Context, r endpoint.Request) endpoint.Response {
	if resp, ok := a.needsRecentLogin(r.Subject); !ok {
		return resp
	}
	var in codeBody
	if len(r.Body) > 0 {
		if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
			return endpoint.Fail(err)
		}
	}
	on, err := a.cfg.TOTP.Enabled(ctx, r.Subject.ID)
	if err != nil {
		return endpoint.Fail(err)
	}
	if on {
		if in.Code == nil {
			return endpoint.Fail(guard.BadRequest(`a TOTP is active: field "code", a current code of it, is required to replace it`))
		}
		if resp, ok := a.checkCode(ctx, r, *in.Code); !ok {
			return resp
		}
	} else if resp, ok := a.mayChangeFactors(ctx, r.Subject); !ok {
		return resp
	}
	u, err := a.cfg.Users.Get(ctx, r.Subject.ID)
	if err != nil {
		return endpoint.Fail(err)
	}
	label := u.Email
	if label == "" {
		label = u.Name
	}
	e, err := a.cfg.TOTP.Enroll(ctx, r.Subject.ID, label)
	if err != nil {
		return endpoint.Fail(err)
	}
	a.cfg.Accounts.RecordFactorChange(ctx, r.Subject.ID, account.FactorTOTP, "enrolled")
	return endpoint.JSON(http.StatusCreated, totpEnrolment{Secret: e.Secret.Reveal(), OTPAuthURL: e.URL.Reveal(),
		QRCode: base64.StdEncoding.EncodeToString(e.QRCode)})
}

// ConfirmTOTP answers POST /me/mfa/totp/confirm {"code"}: the enrolled
// secret becomes the account's second factor, and the answer, 200, holds
// ten new recovery codes, shown once, which replace any earlier ones. A
// wrong code is a 400, and nothing changes.
func (a *API) ConfirmTOTP(ctx context.Context, r endpoint.Request) endpoint.Response {
	code, resp, ok := a.recentLoginAndCode(r)
	if !ok {
		return resp
	}
	err := a.cfg.TOTP.Confirm(ctx, r.Subject.ID, code)
	switch {
	case errors.Is(err, totp.ErrNotEnrolled):
		return endpoint.Fail(guard.BadRequest("no TOTP is being enrolled: POST /me/mfa/totp first"))
	case errors.Is(err, authn.ErrInvalidCredentials):
		return endpoint.Fail(invalidCode(err))
	case err != nil:
		return endpoint.Fail(err)
	}
	a.cfg.Accounts.RecordFactorChange(ctx, r.Subject.ID, account.FactorTOTP, "confirmed")
	codes, err := a.cfg.RecoveryCodes.Generate(ctx, r.Subject.ID)
	if err != nil {
		return endpoint.Fail(err)
	}
	a.cfg.Accounts.RecordFactorChange(ctx, r.Subject.ID, account.FactorRecoveryCode, "regenerated")
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c.Reveal()
	}
	return endpoint.JSON(http.StatusOK, map[string][]string{"recovery_codes": out})
}

// RemoveTOTP answers DELETE /me/mfa/totp {"code"}: with a login of the
// last 15 minutes and a current code, the TOTP is removed, and with it the
// recovery codes when no passkey is left: logins take one step again.
// 204. A wrong code is a 400,
// and nothing changes.
func (a *API) RemoveTOTP(ctx context.Context, r endpoint.Request) endpoint.Response {
	code, resp, ok := a.recentLoginAndCode(r)
	if !ok {
		return resp
	}
	if resp, ok := a.checkCode(ctx, r, code); !ok {
		return resp
	}
	if err := a.cfg.TOTP.Disable(ctx, r.Subject.ID); err != nil && !errors.Is(err, totp.ErrNotEnrolled) {
		return endpoint.Fail(err)
	}
	a.cfg.Accounts.RecordFactorChange(ctx, r.Subject.ID, account.FactorTOTP, "removed")
	if err := a.dropOrphanRecoveryCodes(ctx, r.Subject.ID); err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.NoContent()
}

// recentLoginAndCode returns the code of a body that must hold one, from
// a caller whose login is recent.
func (a *API) recentLoginAndCode(r endpoint.Request) (string, endpoint.Response, bool) {
	if resp, ok := a.needsRecentLogin(r.Subject); !ok {
		return "", resp, false
	}
	var in codeBody
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return "", endpoint.Fail(err), false
	}
	if in.Code == nil {
		return "", endpoint.Fail(guard.BadRequest(`field "code" is required`)), false
	}
	return *in.Code, endpoint.Response{}, true
}

// needsRecentLogin refuses an anonymous caller and a login older than
// MaxSecondFactorLoginAge.
func (a *API) needsRecentLogin(s authn.Subject) (endpoint.Response, bool) {
	if s.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials), false
	}
	if err := s.RequireRecentLogin(time.Now(), MaxSecondFactorLoginAge); err != nil {
		return endpoint.Fail(err), false
	}
	return endpoint.Response{}, true
}

// checkCode checks a current TOTP code of the caller, counted by the
// login throttle's second-factor key as the second step of a login is.
func (a *API) checkCode(ctx context.Context, r endpoint.Request, code string) (endpoint.Response, bool) {
	err := a.cfg.Accounts.VerifySecondFactor(ctx, r.Subject.ID, account.FactorTOTP, code, r.ClientIP)
	switch {
	case errors.Is(err, authn.ErrInvalidCredentials) && !errors.Is(err, authn.ErrThrottled):
		return endpoint.Fail(invalidCode(err)), false
	case err != nil:
		return endpoint.Fail(err), false
	}
	return endpoint.Response{}, true
}

// invalidCode is the 400 of a wrong code.
func invalidCode(cause error) *guard.Error {
	return guard.BadRequestFor(cause, "the code is not valid")
}
