package accountapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// loginInput is the body of the logins.
type loginInput struct {
	Email    *string `json:"email"`
	Password *string `json:"password"`
}

// registration is the body of POST /auth/register.
type registration struct {
	Email    *string `json:"email"`
	Password *string `json:"password"`
	Name     *string `json:"name"`
}

// required returns the input's email and password, or a 400 naming the
// first missing field.
func (in loginInput) required() (string, string, error) {
	if in.Email == nil {
		return "", "", guard.BadRequest(`field "email" is required`)
	}
	if in.Password == nil {
		return "", "", guard.BadRequest(`field "password" is required`)
	}
	return *in.Email, *in.Password, nil
}

// Register answers POST /auth/register: a new account holding
// Config.NewUserRoles, 201 with its id, email and name.
func (a *API) Register(ctx context.Context, r endpoint.Request) endpoint.Response {
	var in registration
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return endpoint.Fail(err)
	}
	email, pw, err := loginInput{Email: in.Email, Password: in.Password}.required()
	if err != nil {
		return endpoint.Fail(err)
	}
	if in.Name == nil {
		return endpoint.Fail(guard.BadRequest(`field "name" is required`))
	}
	leave, err := a.passwords.enter(ctx)
	if err != nil {
		return endpoint.Fail(err)
	}
	u, err := a.cfg.Users.Register(ctx, email, pw, *in.Name)
	leave()
	switch {
	case errors.Is(err, users.ErrEmailTaken):
		return endpoint.Fail(conflict("an account with this email exists"))
	case errors.Is(err, users.ErrInvalidEmail), errors.Is(err, users.ErrInvalidName), errors.Is(err, password.ErrInvalidPassword):
		return endpoint.Fail(guard.BadRequestFor(err, err.Error()))
	case err != nil:
		return endpoint.Fail(err)
	}
	if len(a.cfg.NewUserRoles) > 0 {
		if err := a.cfg.Engine.SetRoles(ctx, u.ID, a.cfg.NewUserRoles); err != nil {
			// An account nobody can use is worse than none: take it back.
			if derr := a.cfg.Users.Delete(context.WithoutCancel(ctx), u.ID); derr != nil {
				a.cfg.Logger.Error("registration: the account without its roles could not be deleted", "user", u.ID, "error", derr)
			}
			return endpoint.Fail(err)
		}
	}
	return endpoint.JSON(http.StatusCreated, map[string]string{"id": u.ID, "email": u.Email, "name": u.Name})
}

// tokenPair is the JSON of a login or a refresh (RFC 6749 §5.1).
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
func loginError(err error) endpoint.Response {
	if errors.Is(err, authn.ErrInvalidCredentials) && !errors.Is(err, authn.ErrThrottled) {
		return endpoint.Fail(invalidCredentials(err))
	}
	return endpoint.Fail(err)
}

// Login answers POST /auth/login with a token pair; for an account with a
// second factor, with 200 {"mfa_required": true, "mfa_token", "methods",
// "expires_in"} and no credential, for POST /auth/mfa.
func (a *API) Login(ctx context.Context, r endpoint.Request) endpoint.Response {
	var pair account.TokenPair
	err := a.withLogin(ctx, r.Body, func(email, password string) (err error) {
		pair, err = a.cfg.Accounts.Login(ctx, email, password, r.ClientIP)
		return err
	})
	if challenge, ok := mfaChallengeOf(err); ok {
		return challenge
	}
	if err != nil {
		return loginError(err)
	}
	return endpoint.JSON(http.StatusOK, pairJSON(pair))
}

// withLogin decodes a login's body and, on a turn to hash a password,
// calls check with its email and password.
func (a *API) withLogin(ctx context.Context, body []byte, check func(email, password string) error) error {
	var in loginInput
	if err := endpoint.DecodeJSON(body, &in); err != nil {
		return err
	}
	email, pw, err := in.required()
	if err != nil {
		return err
	}
	leave, err := a.passwords.enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	return check(email, pw)
}

type refreshInput struct {
	RefreshToken *string `json:"refresh_token"`
}

// Refresh answers POST /auth/refresh with a new pair; the presented refresh
// token dies, and presenting it again kills its whole family.
func (a *API) Refresh(ctx context.Context, r endpoint.Request) endpoint.Response {
	var in refreshInput
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return endpoint.Fail(err)
	}
	if in.RefreshToken == nil {
		return endpoint.Fail(guard.BadRequest(`field "refresh_token" is required`))
	}
	pair, err := a.cfg.Accounts.Refresh(ctx, *in.RefreshToken)
	if err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.JSON(http.StatusOK, pairJSON(pair))
}

// Logout answers POST /auth/logout with 204: the bearer token that
// authenticated it dies, and so does the family of the refresh token in the
// body, if any.
func (a *API) Logout(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	if r.Subject.Method != authn.MethodBearer {
		return endpoint.Fail(guard.BadRequest("logout ends a bearer token; end a session with DELETE /auth/session"))
	}
	var in refreshInput
	if len(r.Body) > 0 {
		if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
			return endpoint.Fail(err)
		}
	}
	refreshToken := ""
	if in.RefreshToken != nil {
		refreshToken = *in.RefreshToken
	}
	if err := a.cfg.Accounts.Logout(ctx, r.Subject, refreshToken); err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.NoContent()
}
