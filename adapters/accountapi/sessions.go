package accountapi

import (
	"context"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

// StartSession answers POST /auth/session with a cookie session and, in
// the body, its CSRF token, which unsafe requests send back in the
// session manager's CSRF header. The session cookie the request carried,
// if any, is destroyed, so a cookie planted before the login is not the
// one that logs in (session fixation).
func (a *API) StartSession(ctx context.Context, r endpoint.Request) endpoint.Response {
	var s session.Session
	err := a.withLogin(ctx, r.Body, func(email, password string) (err error) {
		s, err = a.cfg.Accounts.StartSession(ctx, email, password, r.ClientIP, r.CookieValue(a.cfg.Sessions.CookieName()))
		return err
	})
	if challenge, ok := mfaChallengeOf(err); ok {
		// No session starts: POST /auth/session/mfa takes the second step.
		return challenge
	}
	if err != nil {
		return loginError(err)
	}
	return a.sessionStarted(s, r)
}

// Session answers GET /auth/session with the CSRF token of the session
// the request's cookie names, for a page whose session began elsewhere
// (an OpenID login, which ends in a redirect, not in a JSON body). Only
// the page's own origin can read the answer.
func (a *API) Session(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	if r.Subject.Method != authn.MethodSession {
		return endpoint.Fail(guard.BadRequest("no session: GET /auth/session needs the session cookie"))
	}
	token := a.cfg.Sessions.CSRFToken(r.CookieValue(a.cfg.Sessions.CookieName()))
	return endpoint.JSON(http.StatusOK, map[string]string{"csrf_token": token.Reveal()})
}

// EndSession answers DELETE /auth/session with 204: the session is
// destroyed on the server and its cookie cleared.
func (a *API) EndSession(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	if r.Subject.Method != authn.MethodSession {
		return endpoint.Fail(guard.BadRequest("no session: DELETE /auth/session needs the session cookie"))
	}
	if err := a.cfg.Accounts.EndSession(ctx, r.CookieValue(a.cfg.Sessions.CookieName())); err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.Response{Status: http.StatusNoContent, Cookies: []*http.Cookie{a.cfg.Sessions.ExpiredCookie(r.TLS)}}
}

// sessionStarted is the 200 of a login that started s: the session's CSRF
// token, for the page to send in the session manager's CSRF header, and
// its cookie.
func (a *API) sessionStarted(s session.Session, r endpoint.Request) endpoint.Response {
	return endpoint.Response{
		Status:  http.StatusOK,
		Body:    map[string]string{"csrf_token": s.CSRFToken.Reveal()},
		Cookies: []*http.Cookie{a.cfg.Sessions.Cookie(s, r.TLS)},
	}
}
