package oidcapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/oidclogin"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

// DefaultCookieName is the cookie that holds a pending login when
// Config.CookieName is empty.
const DefaultCookieName = "gatehouse_oidc_login"

// ErrConfig reports a Config New cannot use.
var ErrConfig = errors.New("oidcapi: invalid configuration")

// Config configures an API.
type Config struct {
	// Login runs the flow. Required.
	Login *oidclogin.Login
	// Sessions starts the cookie session a login ends in. Required.
	Sessions *session.Manager
	// PendingTTL is how long the pending login's cookie lives; set it to
	// the Login's PendingTTL. Default oidclogin.DefaultPendingTTL.
	PendingTTL time.Duration
	// CookieName names the cookie of a pending login; it is HttpOnly,
	// SameSite=Lax (the provider sends the browser back by a top-level
	// navigation from its own site) and limited to the path /auth/oidc/.
	// Default DefaultCookieName.
	CookieName string
	// Timeout bounds the work of each request, the calls to the provider
	// included. Default 15 seconds.
	Timeout time.Duration
	// Logger records failed logins, without codes or tokens. Default
	// slog.Default().
	Logger *slog.Logger
}

// API is the HTTP endpoints of OpenID login, for any adapter's Mount.
type API struct {
	cfg Config
}

// New returns the API of cfg.
func New(cfg Config) (*API, error) {
	switch {
	case cfg.Login == nil:
		return nil, fmt.Errorf("%w: no Login", ErrConfig)
	case cfg.Sessions == nil:
		return nil, fmt.Errorf("%w: no Sessions", ErrConfig)
	case cfg.PendingTTL < 0 || cfg.Timeout < 0:
		return nil, fmt.Errorf("%w: negative duration", ErrConfig)
	}
	if cfg.PendingTTL == 0 {
		cfg.PendingTTL = oidclogin.DefaultPendingTTL
	}
	if cfg.CookieName == "" {
		cfg.CookieName = DefaultCookieName
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &API{cfg: cfg}, nil
}

// cookiePath is where the pending login's cookie is sent: the login and
// callback routes only.
const cookiePath = "/auth/oidc/"

// Routes returns the endpoints:
//
//	GET  /auth/oidc/{provider}/login?return_to=/path   303 to the provider, with the pending login's cookie
//	GET  /auth/oidc/{provider}/callback?code&state     303 to return_to, with the session cookie
//	POST /auth/oidc/{provider}/logout                  200 {"logout_url"}: the session is ended here
//
// The first two are public; logout needs the session (and its CSRF
// token, as every unsafe request a session authenticates does).
func (a *API) Routes() []endpoint.Route {
	routes := []endpoint.Route{
		{Method: http.MethodGet, Path: "/auth/oidc/{provider}/login", Public: true, Handler: a.Begin},
		{Method: http.MethodGet, Path: "/auth/oidc/{provider}/callback", Public: true, Handler: a.Callback},
		{Method: http.MethodPost, Path: "/auth/oidc/{provider}/logout", Handler: a.Logout},
	}
	for i := range routes {
		h := routes[i].Handler
		routes[i].Handler = func(ctx context.Context, r endpoint.Request) endpoint.Response {
			ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
			defer cancel()
			return h(ctx, r)
		}
	}
	return routes
}

// PublicPaths returns the patterns of the public routes, for
// guard.Config.PublicPaths.
func (a *API) PublicPaths() []string { return endpoint.PublicPaths(a.Routes()) }

// Begin answers GET /auth/oidc/{provider}/login: 303 to the provider's
// authorization endpoint, with a cookie holding the pending login. An
// unknown provider is a 404, a return_to that is not a local path a 400,
// and a provider that cannot be discovered a 503.
func (a *API) Begin(ctx context.Context, r endpoint.Request) endpoint.Response {
	returnTo, err := single(r, "return_to")
	if err != nil {
		return endpoint.Fail(err)
	}
	authURL, pending, err := a.cfg.Login.Begin(ctx, r.Param("provider"), returnTo)
	switch {
	case errors.Is(err, oidclogin.ErrUnknownProvider):
		return endpoint.Fail(fmt.Errorf("%w: %w", guard.ErrNotFound, err))
	case errors.Is(err, oidclogin.ErrInvalidReturnTo):
		return endpoint.Fail(guard.BadRequest("return_to must be a path of this site"))
	case err != nil:
		return endpoint.Fail(err)
	}
	return endpoint.Redirect(authURL, a.pendingCookie(pending.Encode(), r.TLS, int(a.cfg.PendingTTL/time.Second)))
}

// Callback answers GET /auth/oidc/{provider}/callback, where the provider
// sends the browser back: the login is finished (see oidclogin.Finish),
// a session is started for the local user — replacing any session cookie
// the browser held, so that a planted one is not the one logged in — and
// the browser is sent to the page the login began from, its pending
// login cleared. A refused login is a 401; a provider that cannot be
// reached a 503.
func (a *API) Callback(ctx context.Context, r endpoint.Request) endpoint.Response {
	clear := a.pendingCookie("", r.TLS, -1)
	pending, err := oidclogin.DecodePending(r.CookieValue(a.cfg.CookieName))
	if err == nil && pending.Provider != r.Param("provider") {
		err = fmt.Errorf("%w: the pending login is at another provider", oidclogin.ErrLoginFailed)
	}
	if err != nil {
		return a.refused(err)
	}
	result, err := a.cfg.Login.Finish(ctx, pending, r.Query)
	if err != nil {
		if errors.Is(err, authn.ErrInvalidCredentials) {
			return a.refused(err)
		}
		return endpoint.Fail(err)
	}
	// The provider's login methods are not known here: the session
	// carries none, so it is never taken for one with a second factor.
	s, err := a.cfg.Sessions.Create(ctx, result.SubjectID, r.CookieValue(a.cfg.Sessions.CookieName()))
	if err != nil {
		return endpoint.Fail(err)
	}
	return endpoint.Redirect(result.ReturnTo, a.cfg.Sessions.Cookie(s, r.TLS), clear)
}

// refused is the 401 of a refused login. Its pending cookie is left to
// expire: it finishes nothing without the provider's single-use code.
func (a *API) refused(err error) endpoint.Response {
	return endpoint.Fail(&guard.Error{Status: http.StatusUnauthorized, Code: "login_failed",
		Message: "the login could not be completed; start it again", Cause: err})
}

// Logout answers POST /auth/oidc/{provider}/logout: the session is
// destroyed and its cookie cleared, and the body's "logout_url" is where
// to send the browser to end its session at the provider as well ("" when
// the provider offers none).
func (a *API) Logout(ctx context.Context, r endpoint.Request) endpoint.Response {
	if r.Subject.IsZero() {
		return endpoint.Fail(authn.ErrNoCredentials)
	}
	if r.Subject.Method != authn.MethodSession {
		return endpoint.Fail(guard.BadRequest("no session: logout needs the session cookie"))
	}
	if err := a.cfg.Sessions.Destroy(ctx, r.CookieValue(a.cfg.Sessions.CookieName())); err != nil {
		return endpoint.Fail(err)
	}
	logoutURL, err := a.cfg.Login.LogoutURL(ctx, r.Param("provider"), "")
	if err != nil && !errors.Is(err, authn.ErrUnavailable) {
		return endpoint.Fail(fmt.Errorf("%w: %w", guard.ErrNotFound, err))
	}
	return endpoint.Response{Status: http.StatusOK, Body: map[string]string{"logout_url": logoutURL},
		Cookies: []*http.Cookie{a.cfg.Sessions.ExpiredCookie(r.TLS)}}
}

// pendingCookie is the cookie of a pending login: value, or deleted when
// maxAge is negative.
func (a *API) pendingCookie(value string, secure bool, maxAge int) *http.Cookie {
	return &http.Cookie{Name: a.cfg.CookieName, Value: value, Path: cookiePath, MaxAge: maxAge,
		Secure: secure, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// single returns the query parameter name, "" when absent; one given more
// than once is a 400.
func single(r endpoint.Request, name string) (string, error) {
	values := r.Query[name]
	if len(values) > 1 {
		return "", guard.BadRequest(name + " is given more than once")
	}
	if len(values) == 0 {
		return "", nil
	}
	return values[0], nil
}
