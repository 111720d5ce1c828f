package blog

import (
	"context"
	"errors"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// Health answers GET /healthz: 200 when this replica can serve, 503 when
// its policy or revoked tokens cannot be vouched for or its database does
// not answer, so a load balancer sends requests elsewhere meanwhile.
func (a *App) Health(ctx context.Context, _ Request) Response {
	if err := a.Ready(ctx); err != nil {
		a.log.Warn("not ready", "error", err)
		return Response{Err: &guard.Error{
			Status: http.StatusServiceUnavailable, Code: guard.CodeUnavailable,
			Message: "this replica cannot serve requests right now", Header: http.Header{"Retry-After": []string{"1"}},
		}}
	}
	return ok(http.StatusOK, map[string]string{"status": "ok"})
}

type credentialsInput struct {
	Email    *string `json:"email"`
	Password *string `json:"password"`
	Name     *string `json:"name"`
}

// required returns the input's email and password, or a 400 naming the
// first missing field.
func (in credentialsInput) required() (string, string, error) {
	if in.Email == nil {
		return "", "", guard.BadRequest(`field "email" is required`)
	}
	if in.Password == nil {
		return "", "", guard.BadRequest(`field "password" is required`)
	}
	return *in.Email, *in.Password, nil
}

// Register answers POST /auth/register: a new account holding role user.
func (a *App) Register(ctx context.Context, r Request) Response {
	var in credentialsInput
	if err := decode(r.Body, &in); err != nil {
		return fail(err)
	}
	email, pw, err := in.required()
	if err != nil {
		return fail(err)
	}
	if in.Name == nil {
		return fail(guard.BadRequest(`field "name" is required`))
	}
	leave, err := a.passwords.enter(ctx)
	if err != nil {
		return fail(err)
	}
	u, err := a.users.Register(ctx, email, pw, *in.Name)
	leave()
	switch {
	case errors.Is(err, users.ErrEmailTaken):
		return fail(conflict("an account with this email exists"))
	case errors.Is(err, users.ErrInvalidEmail), errors.Is(err, users.ErrInvalidName), errors.Is(err, password.ErrInvalidPassword):
		return fail(guard.BadRequest(err.Error()))
	case err != nil:
		return fail(err)
	}
	if err := a.engine.SetRoles(ctx, u.ID, []string{"user"}); err != nil {
		// An account nobody can use is worse than none: take it back.
		_ = a.users.Delete(context.WithoutCancel(ctx), u.ID)
		return fail(err)
	}
	return ok(http.StatusCreated, map[string]string{"id": u.ID, "email": u.Email, "name": u.Name})
}

// tokenPair is the JSON of a login or a refresh.
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func pairJSON(p account.TokenPair) tokenPair {
	return tokenPair{
		AccessToken:  p.AccessToken.Reveal(),
		RefreshToken: p.RefreshToken.Reveal(),
		TokenType:    p.TokenType,
		ExpiresIn:    int(p.ExpiresIn.Seconds()),
	}
}

// loginError turns a failed password check into its response: throttled
// (429), refused (401 invalid_credentials, one body for every reason), or
// whatever else went wrong.
func loginError(err error) Response {
	switch {
	case errors.Is(err, authn.ErrThrottled):
		return fail(err)
	case errors.Is(err, authn.ErrInvalidCredentials):
		return fail(invalidCredentials(err))
	}
	return fail(err)
}

// Login answers POST /auth/login with a token pair.
func (a *App) Login(ctx context.Context, r Request) Response {
	var in credentialsInput
	if err := decode(r.Body, &in); err != nil {
		return fail(err)
	}
	email, pw, err := in.required()
	if err != nil {
		return fail(err)
	}
	leave, err := a.passwords.enter(ctx)
	if err != nil {
		return fail(err)
	}
	pair, err := a.accounts.Login(ctx, email, pw, r.ClientIP)
	leave()
	if err != nil {
		return loginError(err)
	}
	return ok(http.StatusOK, pairJSON(pair))
}

type refreshInput struct {
	RefreshToken *string `json:"refresh_token"`
}

// Refresh answers POST /auth/refresh with a new pair; the presented refresh
// token dies, and presenting it again kills its whole family.
func (a *App) Refresh(ctx context.Context, r Request) Response {
	var in refreshInput
	if err := decode(r.Body, &in); err != nil {
		return fail(err)
	}
	if in.RefreshToken == nil {
		return fail(guard.BadRequest(`field "refresh_token" is required`))
	}
	pair, err := a.accounts.Refresh(ctx, *in.RefreshToken)
	if err != nil {
		return fail(err)
	}
	return ok(http.StatusOK, pairJSON(pair))
}

// Logout answers POST /auth/logout: the bearer token that authenticated it
// dies, and so does the refresh token in the body, if any.
func (a *App) Logout(ctx context.Context, r Request) Response {
	if r.Subject.Method != authn.MethodBearer {
		return fail(guard.BadRequest("logout ends a bearer token; end a session with DELETE /auth/session"))
	}
	var in refreshInput
	if len(r.Body) > 0 {
		if err := decode(r.Body, &in); err != nil {
			return fail(err)
		}
	}
	rt := ""
	if in.RefreshToken != nil {
		rt = *in.RefreshToken
	}
	if err := a.accounts.Logout(ctx, r.Subject, rt); err != nil {
		return fail(err)
	}
	return Response{Status: http.StatusNoContent}
}

// StartSession answers POST /auth/session: a cookie session and its CSRF
// token. The cookie the request carried, if any, is destroyed.
func (a *App) StartSession(ctx context.Context, r Request) Response {
	var in credentialsInput
	if err := decode(r.Body, &in); err != nil {
		return fail(err)
	}
	email, pw, err := in.required()
	if err != nil {
		return fail(err)
	}
	leave, err := a.passwords.enter(ctx)
	if err != nil {
		return fail(err)
	}
	s, err := a.accounts.StartSession(ctx, email, pw, r.ClientIP, r.SessionCookie)
	leave()
	if err != nil {
		return loginError(err)
	}
	return Response{
		Status:  http.StatusOK,
		Body:    map[string]string{"csrf_token": s.CSRFToken.Reveal()},
		Cookies: []*http.Cookie{a.sessions.Cookie(s, r.TLS)},
	}
}

// EndSession answers DELETE /auth/session: the session is destroyed on the
// server and its cookie cleared.
func (a *App) EndSession(ctx context.Context, r Request) Response {
	if r.Subject.Method != authn.MethodSession {
		return fail(guard.BadRequest("no session: DELETE /auth/session needs the session cookie"))
	}
	if err := a.accounts.EndSession(ctx, r.SessionCookie); err != nil {
		return fail(err)
	}
	return Response{Status: http.StatusNoContent, Cookies: []*http.Cookie{a.sessions.ExpiredCookie(r.TLS)}}
}

// SessionCookieName is the cookie the glue reads into
// Request.SessionCookie.
func (a *App) SessionCookieName() string { return a.sessions.CookieName() }

// passwordChange is the body of POST /me/password.
type passwordChange struct {
	CurrentPassword *string `json:"current_password"`
	NewPassword     *string `json:"new_password"`
}

// ChangePassword answers POST /me/password with 204 once the caller's
// password is changed: the current one is checked like a login (a wrong one
// is 403 invalid_credentials, since the caller's own credential is good,
// and counts towards the throttle), a weak or
// breached new one is 400, and afterwards every credential the caller held,
// the one of this request included, is dead: log in again.
func (a *App) ChangePassword(ctx context.Context, r Request) Response {
	var in passwordChange
	if err := decode(r.Body, &in); err != nil {
		return fail(err)
	}
	if in.CurrentPassword == nil || in.NewPassword == nil {
		return fail(guard.BadRequest("current_password and new_password are required"))
	}
	leave, err := a.passwords.enter(ctx)
	if err != nil {
		return fail(err)
	}
	err = a.accounts.ChangePassword(ctx, r.Subject.ID, *in.CurrentPassword, *in.NewPassword, r.ClientIP)
	leave()
	switch {
	case errors.Is(err, password.ErrInvalidPassword):
		return fail(guard.BadRequest(err.Error()))
	case errors.Is(err, users.ErrNotFound):
		return fail(authn.ErrNoCredentials) // the account is gone
	case errors.Is(err, authn.ErrInvalidCredentials):
		return fail(&guard.Error{Status: http.StatusForbidden, Code: codeInvalidCredentials,
			Message: "the current password is wrong", Cause: err})
	case err != nil:
		return fail(err)
	}
	return Response{Status: http.StatusNoContent}
}
