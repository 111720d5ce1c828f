package accountapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// ErrConfig reports a Config New cannot use.
var ErrConfig = errors.New("accountapi: invalid configuration")

// Config configures an API. Zero-value fields take the documented
// defaults.
type Config struct {
	// Accounts runs the flows. Required.
	Accounts *account.Service
	// Users is the directory Accounts logs in against; registration and
	// /me read and write it. Required.
	Users *users.Directory
	// Engine gives new users their roles and lists a caller's roles and
	// permissions on /me. Required.
	Engine *authz.Engine
	// APIKeys, when set, adds the /api-keys routes; the same keys as
	// Accounts authenticates.
	APIKeys *apikey.Keys
	// TOTP and RecoveryCodes, when set, add the /me/mfa/totp routes; the
	// factors Accounts' SecondFactors check.
	TOTP          *totp.Manager
	RecoveryCodes *recovery.Codes
	// Passkeys, when set, adds the passkey routes: /me/passkeys to
	// register, list and remove them, and /auth/passkey to log in with
	// one; the same Passkeys as Accounts' passkey logins and second
	// factor.
	Passkeys *passkey.Passkeys
	// Sessions, when set, adds the /auth/session routes; the same manager
	// as Accounts authenticates.
	Sessions *session.Manager
	// NewUserRoles are the roles a registered user holds. Default
	// ["user"], the default policy's role for signed-up users.
	NewUserRoles []string
	// ManageKeys is the permission that lets a caller revoke other users'
	// API keys. Default permissions.UsersWrite.
	ManageKeys permissions.Permission
	// PasswordHashes bounds the password hashes computed at once. Each
	// Argon2id hash holds 19 MiB and a CPU for a good part of a second: a
	// burst of logins, an attacker's or a crowd's, would otherwise exhaust
	// memory and push every request past its timeout. Default: one per
	// CPU (runtime.GOMAXPROCS).
	PasswordHashes int
	// PasswordWait is how long a login waits for a turn to check its
	// password before it is answered 429 with Retry-After. Default 3 s.
	PasswordWait time.Duration
	// Timeout bounds each request's work on the stores. Default 10 s.
	Timeout time.Duration
	// Logger records what the flows could not do (a registration taken
	// back). Default slog.Default().
	Logger *slog.Logger
}

// API is the account flows' HTTP endpoints. It is safe for concurrent use.
type API struct {
	cfg       Config
	passwords *passwordGate
}

// New checks cfg and returns the API.
func New(cfg Config) (*API, error) {
	switch {
	case cfg.Accounts == nil:
		return nil, fmt.Errorf("%w: Config.Accounts is required", ErrConfig)
	case cfg.Users == nil:
		return nil, fmt.Errorf("%w: Config.Users is required", ErrConfig)
	case cfg.Engine == nil:
		return nil, fmt.Errorf("%w: Config.Engine is required", ErrConfig)
	case cfg.PasswordHashes < 0, cfg.PasswordWait < 0, cfg.Timeout < 0:
		return nil, fmt.Errorf("%w: Config.PasswordHashes, PasswordWait and Timeout may not be negative", ErrConfig)
	}
	if cfg.NewUserRoles == nil {
		cfg.NewUserRoles = []string{"user"}
	}
	if cfg.ManageKeys == "" {
		cfg.ManageKeys = permissions.UsersWrite
	}
	if err := cfg.ManageKeys.ValidateRequest(); err != nil {
		return nil, fmt.Errorf("%w: Config.ManageKeys: %w", ErrConfig, err)
	}
	if cfg.PasswordHashes == 0 {
		cfg.PasswordHashes = runtime.GOMAXPROCS(0)
	}
	if cfg.PasswordWait == 0 {
		cfg.PasswordWait = 3 * time.Second
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &API{cfg: cfg, passwords: newPasswordGate(cfg.PasswordHashes, cfg.PasswordWait)}, nil
}

// Routes returns the API's routes: those of every flow configured, at the
// paths the package documentation lists. Mount them all, or pick: a
// route's Handler stands alone.
func (a *API) Routes() []endpoint.Route {
	routes := []endpoint.Route{
		{Method: http.MethodPost, Path: "/auth/register", Public: true, Handler: a.Register},
		{Method: http.MethodPost, Path: "/auth/login", Public: true, Handler: a.Login},
		{Method: http.MethodPost, Path: "/auth/refresh", Public: true, Handler: a.Refresh},
		{Method: http.MethodPost, Path: "/auth/logout", Handler: a.Logout},
	}
	if a.cfg.Accounts.HasSecondFactors() {
		routes = append(routes,
			endpoint.Route{Method: http.MethodPost, Path: "/auth/mfa", Public: true, Handler: a.CompleteLogin},
			endpoint.Route{Method: http.MethodPost, Path: "/auth/mfa/challenge", Public: true, Handler: a.ChallengeSecondFactor})
		if a.cfg.Sessions != nil {
			routes = append(routes, endpoint.Route{Method: http.MethodPost, Path: "/auth/session/mfa", Public: true, Handler: a.CompleteSession})
		}
	}
	if a.cfg.Sessions != nil {
		routes = append(routes,
			// A login must work whatever cookie the browser still holds.
			endpoint.Route{Method: http.MethodPost, Path: "/auth/session", Public: true, Handler: a.StartSession},
			endpoint.Route{Method: http.MethodGet, Path: "/auth/session", Handler: a.Session},
			endpoint.Route{Method: http.MethodDelete, Path: "/auth/session", Handler: a.EndSession},
		)
	}
	if a.cfg.Passkeys != nil {
		routes = append(routes,
			endpoint.Route{Method: http.MethodPost, Path: "/auth/passkey/options", Public: true, Handler: a.BeginPasskeyLogin},
			endpoint.Route{Method: http.MethodPost, Path: "/auth/passkey", Public: true, Handler: a.PasskeyLogin},
		)
		if a.cfg.Sessions != nil {
			routes = append(routes, endpoint.Route{Method: http.MethodPost, Path: "/auth/session/passkey", Public: true, Handler: a.PasskeySession})
		}
	}
	routes = append(routes,
		endpoint.Route{Method: http.MethodGet, Path: "/me", Handler: a.Me},
		endpoint.Route{Method: http.MethodPost, Path: "/me/password", Handler: a.ChangePassword},
	)
	if a.cfg.TOTP != nil && a.cfg.RecoveryCodes != nil {
		routes = append(routes,
			endpoint.Route{Method: http.MethodPost, Path: "/me/mfa/totp", Handler: a.EnrolTOTP},
			endpoint.Route{Method: http.MethodPost, Path: "/me/mfa/totp/confirm", Handler: a.ConfirmTOTP},
			endpoint.Route{Method: http.MethodDelete, Path: "/me/mfa/totp", Handler: a.RemoveTOTP},
		)
	}
	if a.cfg.Passkeys != nil {
		routes = append(routes,
			endpoint.Route{Method: http.MethodPost, Path: "/me/passkeys/options", Handler: a.BeginPasskeyRegistration},
			endpoint.Route{Method: http.MethodPost, Path: "/me/passkeys", Handler: a.RegisterPasskey},
			endpoint.Route{Method: http.MethodGet, Path: "/me/passkeys", Handler: a.ListPasskeys},
			endpoint.Route{Method: http.MethodDelete, Path: "/me/passkeys/{id}", Handler: a.RemovePasskey},
		)
	}
	if a.cfg.APIKeys != nil {
		routes = append(routes,
			endpoint.Route{Method: http.MethodPost, Path: "/api-keys", Handler: a.CreateAPIKey},
			endpoint.Route{Method: http.MethodGet, Path: "/api-keys", Handler: a.ListAPIKeys},
			endpoint.Route{Method: http.MethodDelete, Path: "/api-keys/{id}", Handler: a.DeleteAPIKey},
		)
	}
	for i := range routes {
		routes[i].Handler = a.bounded(routes[i].Handler)
	}
	return routes
}

// PublicPaths returns the patterns of the routes reached without
// credentials ("POST /auth/login", …), for guard.Config.PublicPaths.
func (a *API) PublicPaths() []string { return endpoint.PublicPaths(a.Routes()) }

// bounded runs h with the request's work bounded by Config.Timeout.
func (a *API) bounded(h endpoint.Handler) endpoint.Handler {
	return func(ctx context.Context, r endpoint.Request) endpoint.Response {
		ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
		defer cancel()
		return h(ctx, r)
	}
}
