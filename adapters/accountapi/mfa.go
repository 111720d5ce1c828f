package accountapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
)

// mfaChallenge is the 200 answer of a right password for an account with
// a second factor: no credential, the MFA token and the methods.
type mfaChallenge struct {
	MFARequired bool     `json:"mfa_required"`
	MFAToken    string   `json:"mfa_token"`
	Methods     []string `json:"methods"`
	ExpiresIn   int      `json:"expires_in"`
}

// mfaChallengeOf returns the answer of err when it asks for a second
// factor.
func mfaChallengeOf(err error) (endpoint.Response, bool) {
	var mfa *account.MFARequiredError
	if !errors.As(err, &mfa) {
		return endpoint.Response{}, false
	}
	expiresIn := 0
	if !mfa.ExpiresAt.IsZero() {
		expiresIn = int(time.Until(mfa.ExpiresAt).Seconds())
	}
	return endpoint.JSON(http.StatusOK, mfaChallenge{MFARequired: true, MFAToken: mfa.Token.Reveal(),
		Methods: mfa.Methods, ExpiresIn: max(expiresIn, 0)}), true
}

// secondStep is the body of POST /auth/mfa: the MFA token and one proof.
type secondStep struct {
	MFAToken     *string         `json:"mfa_token"`
	Code         *string         `json:"code"`
	RecoveryCode *string         `json:"recovery_code"`
	Passkey      json.RawMessage `json:"passkey"`
}

// secondStepOf reads the body of a second step: the MFA token, the factor
// and its proof, or a 400.
func secondStepOf(r endpoint.Request) (token, method, proof string, err error) {
	var in secondStep
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return "", "", "", err
	}
	return in.factor()
}

// factor returns the factor and proof the body names, or a 400.
func (in secondStep) factor() (token, method, proof string, err error) {
	switch {
	case in.MFAToken == nil || *in.MFAToken == "":
		return "", "", "", guard.BadRequest(`field "mfa_token" is required`)
	}
	given := 0
	for _, set := range []bool{in.Code != nil, in.RecoveryCode != nil, len(in.Passkey) > 0 && string(in.Passkey) != "null"} {
		if set {
			given++
		}
	}
	switch {
	case given != 1:
		return "", "", "", guard.BadRequest(`exactly one of "code", "recovery_code" and "passkey" is required`)
	case in.Code != nil:
		return *in.MFAToken, account.FactorTOTP, *in.Code, nil
	case in.RecoveryCode != nil:
		return *in.MFAToken, account.FactorRecoveryCode, *in.RecoveryCode, nil
	}
	answer, err := answerOf(in.Passkey)
	if err != nil {
		return "", "", "", err
	}
	encoded, err := json.Marshal(answer)
	if err != nil {
		return "", "", "", err
	}
	return *in.MFAToken, account.FactorPasskey, string(encoded), nil
}

// CompleteLogin answers POST /auth/mfa, the second step of a login that
// answered mfa_required: 200 with the token pair, whose access tokens say
// the login had two factors. A wrong or spent code and an MFA token that
// is used, expired, tampered with or not one are a 401
// invalid_credentials, one body for all; too many wrong codes a 429 with
// Retry-After.
func (a *API) CompleteLogin(ctx context.Context, r endpoint.Request) endpoint.Response {
	token, method, proof, err := secondStepOf(r)
	if err != nil {
		return endpoint.Fail(err)
	}
	pair, err := a.cfg.Accounts.CompleteLogin(ctx, token, method, proof, r.ClientIP)
	if err != nil {
		return secondStepError(err)
	}
	return endpoint.JSON(http.StatusOK, pairJSON(pair))
}

// secondStepError is the response of a refused second step: one body for
// every reason a client could not act on differently.
func secondStepError(err error) endpoint.Response {
	return refused(err, "invalid code or MFA token")
}

// refused is the response of a refused credential: a 401
// invalid_credentials with message, one body for every reason a client
// could not act on differently; a throttled attempt or a failure is
// answered as itself.
func refused(err error, message string) endpoint.Response {
	if errors.Is(err, authn.ErrInvalidCredentials) && !errors.Is(err, authn.ErrThrottled) {
		return endpoint.Fail(&guard.Error{
			Status: http.StatusUnauthorized, Code: CodeInvalidCredentials, Message: message,
			Header: http.Header{"Www-Authenticate": []string{`Bearer realm="gatehouse"`}}, Cause: err,
		})
	}
	return endpoint.Fail(err)
}

// CompleteSession answers POST /auth/session/mfa, the second step of a
// cookie-session login that answered mfa_required: 200 with the session's
// CSRF token and its cookie, replacing any the browser held. Refusals are
// CompleteLogin's.
func (a *API) CompleteSession(ctx context.Context, r endpoint.Request) endpoint.Response {
	token, method, proof, err := secondStepOf(r)
	if err != nil {
		return endpoint.Fail(err)
	}
	s, err := a.cfg.Accounts.CompleteSession(ctx, token, method, proof, r.ClientIP, r.CookieValue(a.cfg.Sessions.CookieName()))
	if err != nil {
		return secondStepError(err)
	}
	return a.sessionStarted(s, r)
}
