package accountapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
)

// passkeyJSON is a passkey as GET /me/passkeys lists it: never its key.
type passkeyJSON struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	CreatedAt      time.Time  `json:"created_at"`
	LastUsedAt     *time.Time `json:"last_used_at"`
	BackupEligible bool       `json:"backup_eligible"`
	Transports     []string   `json:"transports"`
}

func passkeyOf(c passkey.Credential) passkeyJSON {
	out := passkeyJSON{ID: c.EncodedID(), Name: c.Name, CreatedAt: c.CreatedAt, BackupEligible: c.BackupEligible,
		Transports: c.Transports}
	if !c.LastUsedAt.IsZero() {
		used := c.LastUsedAt
		out.LastUsedAt = &used
	}
	if out.Transports == nil {
		out.Transports = []string{}
	}
	return out
}

// passkeyRegistration is the body of POST /me/passkeys: the answer to the
// ceremony of POST /me/passkeys/options, and the passkey's name.
type passkeyRegistration struct {
	CeremonyID *string         `json:"ceremony_id"`
	Credential json.RawMessage `json:"credential"`
	Name       *string         `json:"name"`
}

// answerOf reads a body holding a passkey.Answer, or a 400.
func answerOf(body []byte) (passkey.Answer, error) {
	var in struct {
		CeremonyID *string         `json:"ceremony_id"`
		Credential json.RawMessage `json:"credential"`
	}
	if err := endpoint.DecodeJSON(body, &in); err != nil {
		return passkey.Answer{}, err
	}
	return checkAnswer(in.CeremonyID, in.Credential)
}

// checkAnswer returns the answer of its fields, or a 400 naming the first
// missing one.
func checkAnswer(ceremonyID *string, credential json.RawMessage) (passkey.Answer, error) {
	switch {
	case ceremonyID == nil || *ceremonyID == "":
		return passkey.Answer{}, guard.BadRequest(`field "ceremony_id" is required`)
	case len(credential) == 0 || string(credential) == "null":
		return passkey.Answer{}, guard.BadRequest(`field "credential", the PublicKeyCredential, is required`)
	}
	return passkey.Answer{CeremonyID: *ceremonyID, Credential: credential}, nil
}

// ceremony is the 200 answer of a Begin: its id and options.
func ceremony(id string, options json.RawMessage) endpoint.Response {
	return endpoint.JSON(http.StatusOK, passkey.Ceremony{ID: id, PublicKey: options})
}

// passkeyRefused is the 401 of a passkey the server does not accept: one
// body for every reason.
func passkeyRefused(err error) endpoint.Response {
	return refused(err, "the passkey was not accepted")
}

// BeginPasskeyLogin answers POST /auth/passkey/options: 200 with a
// ceremony for a passkey-first login, {"ceremony_id", "publicKey"}, whose
// publicKey the page passes to navigator.credentials.get. It names no
// user: the browser offers the passkeys it has for the site.
//
// Anyone may call it, and each call keeps a ceremony in the challenge
// store until it is finished or expires (package stack sweeps expired
// ones every minute): rate-limit it per client in front of the
// application, as any anonymous route that writes.
func (a *API) BeginPasskeyLogin(ctx context.Context, _ endpoint.Request) endpoint.Response {
	id, options, err := a.cfg.Passkeys.BeginLogin(ctx)
	if err != nil {
		return endpoint.Fail(err)
	}
	return ceremony(id, options)
}

// PasskeyLogin answers POST /auth/passkey {"ceremony_id", "credential"}:
// 200 with a token pair for the passkey's owner, whose access tokens carry
// the passkey's methods (["swk", "mfa"] for a synced passkey that verified
// the user). A response the server does not accept, a spent or unknown
// ceremony, a locked account: 401 invalid_credentials, one body for all.
func (a *API) PasskeyLogin(ctx context.Context, r endpoint.Request) endpoint.Response {
	in, err := answerOf(r.Body)
	if err != nil {
		return endpoint.Fail(err)
	}
	pair, err := a.cfg.Accounts.LoginWithPasskey(ctx, in.CeremonyID, in.Credential)
	if err != nil {
		return passkeyRefused(err)
	}
	return endpoint.JSON(http.StatusOK, pairJSON(pair))
}

// PasskeySession answers POST /auth/session/passkey: PasskeyLogin for a
// cookie session, 200 with the session's CSRF token and its cookie,
// replacing any the browser held.
func (a *API) PasskeySession(ctx context.Context, r endpoint.Request) endpoint.Response {
	in, err := answerOf(r.Body)
	if err != nil {
		return endpoint.Fail(err)
	}
	s, err := a.cfg.Accounts.SessionWithPasskey(ctx, in.CeremonyID, in.Credential, r.CookieValue(a.cfg.Sessions.CookieName()))
	if err != nil {
		return passkeyRefused(err)
	}
	return a.sessionStarted(s, r)
}

// BeginPasskeyRegistration answers POST /me/passkeys/options: 200 with a
// registration ceremony, {"ceremony_id", "publicKey"}, whose publicKey the
// page passes to navigator.credentials.create. See RegisterPasskey for
// who may register one.
func (a *API) BeginPasskeyRegistration(ctx context.Context, r endpoint.Request) endpoint.Response {
	if resp, ok := a.mayChangeFactors(ctx, r.Subject); !ok {
		return resp
	}
	u, err := a.cfg.Users.Get(ctx, r.Subject.ID)
	if err != nil {
		return endpoint.Fail(err)
	}
	name := u.Email
	if name == "" {
		name = u.Name
	}
	id, options, err := a.cfg.Passkeys.BeginRegistration(ctx, u.ID, name, u.Name)
	if err != nil {
		return endpoint.Fail(err)
	}
	return ceremony(id, options)
}

// RegisterPasskey answers POST /me/passkeys {"ceremony_id", "credential",
// "name"}: the passkey the browser created is registered, 201 with it as
// GET /me/passkeys lists it. From then on the account's password logins
// take a second step, and when the account had no recovery codes the
// answer holds ten new ones ("recovery_codes"), shown once.
//
// Registering or removing a passkey needs a login of the last 15 minutes
// and, when the account has a second factor, a login that proved it (401
// insufficient_user_authentication with acr_values otherwise): a stolen
// session cannot add its thief's passkey. A response the server does not
// accept is a 400, and nothing changes.
func (a *API) RegisterPasskey(ctx context.Context, r endpoint.Request) endpoint.Response {
	if resp, ok := a.mayChangeFactors(ctx, r.Subject); !ok {
		return resp
	}
	var in passkeyRegistration
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return endpoint.Fail(err)
	}
	answer, err := checkAnswer(in.CeremonyID, in.Credential)
	if err != nil {
		return endpoint.Fail(err)
	}
	name := ""
	if in.Name != nil {
		name = *in.Name
	}
	c, err := a.cfg.Passkeys.FinishRegistration(ctx, r.Subject.ID, answer.CeremonyID, answer.Credential, name)
	switch {
	case errors.Is(err, passkey.ErrInvalidInput):
		return endpoint.Fail(guard.BadRequestFor(err, err.Error()))
	case errors.Is(err, authn.ErrInvalidCredentials):
		return endpoint.Fail(guard.BadRequestFor(err, "the passkey was not accepted: begin again with POST /me/passkeys/options"))
	case err != nil:
		return endpoint.Fail(err)
	}
	a.cfg.Accounts.RecordFactorChange(ctx, r.Subject.ID, account.FactorPasskey, "registered")
	out := struct {
		passkeyJSON
		RecoveryCodes []string `json:"recovery_codes,omitempty"`
	}{passkeyJSON: passkeyOf(c)}
	if a.cfg.RecoveryCodes != nil {
		// Codes for an account that has none left, checked and generated in
		// one step: of two registrations racing, one hands out the set
		// that stands, the other none.
		codes, err := a.cfg.RecoveryCodes.GenerateIfNone(ctx, r.Subject.ID)
		if err != nil {
			return endpoint.Fail(err)
		}
		if codes != nil {
			a.cfg.Accounts.RecordFactorChange(ctx, r.Subject.ID, account.FactorRecoveryCode, "regenerated")
		}
		for _, code := range codes {
			out.RecoveryCodes = append(out.RecoveryCodes, code.Reveal())
		}
	}
	return endpoint.JSON(http.StatusCreated, out)
}

// ListPasskeys answers GET /me/passkeys: 200 {"passkeys": [...]}, the
// caller's passkeys, oldest first, without their keys.
func (a *API) ListPasskeys(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	creds, err := a.cfg.Passkeys.List(ctx, r.Subject.ID)
	if err != nil {
		return endpoint.Fail(err)
	}
	out := make([]passkeyJSON, len(creds))
	for i, c := range creds {
		out[i] = passkeyOf(c)
	}
	return endpoint.JSON(http.StatusOK, map[string]any{"passkeys": out})
}

// RemovePasskey answers DELETE /me/passkeys/{id}: 204, the caller's
// passkey is removed (404 when the caller has none with that id). It
// needs what RegisterPasskey needs. When it was the account's last
// second factor, the recovery codes go too, and logins take one step
// again.
func (a *API) RemovePasskey(ctx context.Context, r endpoint.Request) endpoint.Response {
	if resp, ok := a.mayChangeFactors(ctx, r.Subject); !ok {
		return resp
	}
	err := a.cfg.Passkeys.Remove(ctx, r.Subject.ID, r.Param("id"))
	switch {
	case errors.Is(err, passkey.ErrNotEnrolled), errors.Is(err, passkey.ErrInvalidInput):
		return endpoint.Fail(guard.ErrNotFound)
	case err != nil:
		return endpoint.Fail(err)
	}
	a.cfg.Accounts.RecordFactorChange(ctx, r.Subject.ID, account.FactorPasskey, "removed")
	if err := a.dropOrphanRecoveryCodes(ctx, r.Subject.ID); err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.NoContent()
}

// dropOrphanRecoveryCodes deletes the user's recovery codes once no
// primary second factor is left for them to stand in for.
func (a *API) dropOrphanRecoveryCodes(ctx context.Context, userID string) error {
	if a.cfg.RecoveryCodes == nil {
		return nil
	}
	left, err := a.cfg.Accounts.SecondFactors(ctx, userID)
	if err != nil || len(left) > 0 {
		return err
	}
	return a.cfg.RecoveryCodes.Delete(ctx, userID)
}

// mayChangeFactors refuses an anonymous caller, a login older than
// MaxSecondFactorLoginAge, and, for an account with a second factor, a
// login that did not prove one.
func (a *API) mayChangeFactors(ctx context.Context, s authn.Subject) (endpoint.Response, bool) {
	if resp, ok := a.needsRecentLogin(s); !ok {
		return resp, false
	}
	factors, err := a.cfg.Accounts.SecondFactors(ctx, s.ID)
	if err != nil {
		return endpoint.Fail(err), false
	}
	if len(factors) > 0 && !slices.Contains(s.AMR, authn.AMRMultiFactor) {
		return endpoint.Fail(s.RequireMFA()), false
	}
	return endpoint.Response{}, true
}

// ChallengeSecondFactor answers POST /auth/mfa/challenge {"mfa_token",
// "method"}: for a factor that answers a challenge of the server
// ("passkey"), 200 with the challenge, {"ceremony_id", "publicKey"} for a
// passkey; the answer goes to POST /auth/mfa with the same MFA token, as
// {"mfa_token", "passkey": {"ceremony_id", "credential"}}. The MFA token
// is not spent. Refusals are CompleteLogin's.
func (a *API) ChallengeSecondFactor(ctx context.Context, r endpoint.Request) endpoint.Response {
	var in struct {
		MFAToken *string `json:"mfa_token"`
		Method   *string `json:"method"`
	}
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return endpoint.Fail(err)
	}
	switch {
	case in.MFAToken == nil || *in.MFAToken == "":
		return endpoint.Fail(guard.BadRequest(`field "mfa_token" is required`))
	case in.Method == nil:
		return endpoint.Fail(guard.BadRequest(`field "method" is required`))
	}
	challenge, err := a.cfg.Accounts.ChallengeSecondFactor(ctx, *in.MFAToken, *in.Method)
	if err != nil {
		return secondStepError(err)
	}
	return endpoint.JSON(http.StatusOK, challenge)
}
