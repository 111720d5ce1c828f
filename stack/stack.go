package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/accountapi"
	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/external"
	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
)

// ErrConfig reports a Config New cannot use.
var ErrConfig = errors.New("stack: invalid configuration")

// Stack is every part gatehouse needs to authenticate and authorize
// requests, built and wired together. Its fields are the parts, for the
// application's own calls (engine.AssignRole, accounts.LockUser, …).
type Stack struct {
	// Engine decides what subjects may do; its edits are persisted.
	Engine *authz.Engine
	// Users is the account directory.
	Users *users.Directory
	// Tokens issues and verifies access tokens.
	Tokens *token.Issuer
	// Revocations lists revoked access tokens.
	Revocations token.Revocations
	// Refresh rotates refresh tokens.
	Refresh *refresh.Tokens
	// Throttle counts failed logins.
	Throttle *throttle.Limiter
	// APIKeys issues and checks API keys.
	APIKeys *apikey.Keys
	// Sessions runs cookie sessions.
	Sessions *session.Manager
	// Accounts runs the flows: login, refresh, logout, sessions, password
	// change, lock and delete users.
	Accounts *account.Service
	// API is the flows' HTTP endpoints.
	API *accountapi.API
	// Identities links identities at external providers to local users.
	Identities *identity.Linker
	// TOTP enrols and checks users' TOTP second factor, and RecoveryCodes
	// their recovery codes; nil without Config.SecondFactors.Key.
	TOTP          *totp.Manager
	RecoveryCodes *recovery.Codes
	// Passkeys registers users' passkeys and runs their ceremonies; nil
	// without Config.SecondFactors.Passkeys.RPID.
	Passkeys *passkey.Passkeys
	// External verifies the access tokens of Config.External's providers;
	// nil without providers.
	External *external.Verifier

	cfg     Config
	closers []func()
}

// New builds the stack of cfg: it creates the tables it needs in cfg.DB
// on first start and seeds the engine's policy into a new policy store,
// once. A stack that could not be built is closed before New returns.
func New(ctx context.Context, cfg Config) (*Stack, error) {
	if len(cfg.Secret) == 0 && len(cfg.Tokens.Keys) == 0 {
		return nil, fmt.Errorf("%w: Secret (at least 32 random bytes) or Tokens.Keys is required to sign access tokens", ErrConfig)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Redis != nil {
		if v := reflect.ValueOf(cfg.Redis); v.Kind() == reflect.Pointer && v.IsNil() {
			cfg.Redis = nil // a nil *redis.Client in the interface: no Redis
		}
	}
	if cfg.RedisPrefix == "" {
		cfg.RedisPrefix = DefaultRedisPrefix
	}
	s := &Stack{cfg: cfg}
	if err := s.build(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Stack) build(ctx context.Context) error {
	cfg := s.cfg
	stores, err := s.openStores(ctx)
	if err != nil {
		return err
	}
	opts := append([]authz.Option{authz.WithStore(stores.Policy), authz.WithLogger(cfg.Logger)}, cfg.Authz...)
	if cfg.Notifier != nil {
		opts = append(opts, authz.WithNotifier(cfg.Notifier))
	}
	if s.Engine, err = authz.New(ctx, opts...); err != nil {
		return fmt.Errorf("stack: policy engine: %w", err)
	}
	s.closers = append(s.closers, s.Engine.Close)

	usersConfig := cfg.Users
	if usersConfig.Logger == nil {
		usersConfig.Logger = cfg.Logger
	}
	if s.Users, err = users.New(stores.Users, usersConfig); err != nil {
		return fmt.Errorf("stack: users: %w", err)
	}
	s.Revocations = stores.Revocations
	tokensConfig := cfg.Tokens
	if tokensConfig.Issuer == "" {
		tokensConfig.Issuer = cfg.Issuer
	}
	if tokensConfig.Issuer == "" {
		tokensConfig.Issuer = DefaultIssuer
	}
	if len(tokensConfig.Keys) == 0 {
		key, err := token.HS256("k1", cfg.Secret)
		if err != nil {
			return fmt.Errorf("%w: Secret: %w", ErrConfig, err)
		}
		tokensConfig.Keys = []token.Key{key}
	}
	if tokensConfig.Revocations == nil {
		tokensConfig.Revocations = s.Revocations
	}
	if s.Tokens, err = token.New(tokensConfig); err != nil {
		return fmt.Errorf("stack: tokens: %w", err)
	}
	refreshConfig := cfg.Refresh
	if refreshConfig.Logger == nil {
		refreshConfig.Logger = cfg.Logger
	}
	if s.Refresh, err = refresh.New(stores.Refresh, refreshConfig); err != nil {
		return fmt.Errorf("stack: refresh tokens: %w", err)
	}
	if s.Throttle, err = throttle.New(stores.Throttle, cfg.Throttle); err != nil {
		return fmt.Errorf("stack: throttle: %w", err)
	}
	if s.APIKeys, err = apikey.New(stores.APIKeys, cfg.APIKeys); err != nil {
		return fmt.Errorf("stack: API keys: %w", err)
	}
	if s.Sessions, err = session.New(stores.Sessions, cfg.Sessions); err != nil {
		return fmt.Errorf("stack: sessions: %w", err)
	}
	factors, mfaTokens, err := s.buildSecondFactors(stores, tokensConfig.Issuer)
	if err != nil {
		return err
	}
	accountConfig := account.Config{
		Users: s.Users, Tokens: s.Tokens, Revocations: tokensConfig.Revocations, Refresh: s.Refresh,
		Throttle: s.Throttle, APIKeys: s.APIKeys, Sessions: s.Sessions, Logger: cfg.Logger,
		SecondFactors: factors, MFATokens: mfaTokens, Events: cfg.SecurityEvents,
	}
	if s.Passkeys != nil {
		accountConfig.Passkeys = s.Passkeys
	}
	s.Accounts, err = account.New(accountConfig)
	if err != nil {
		return fmt.Errorf("stack: accounts: %w", err)
	}
	s.API, err = accountapi.New(accountapi.Config{
		Accounts: s.Accounts, Users: s.Users, Engine: s.Engine, APIKeys: s.APIKeys, Sessions: s.Sessions,
		NewUserRoles: cfg.NewUserRoles, Logger: cfg.Logger, TOTP: s.TOTP, RecoveryCodes: s.RecoveryCodes,
		Passkeys: s.Passkeys,
	})
	if err != nil {
		return fmt.Errorf("stack: account API: %w", err)
	}
	return s.buildExternal(stores.Identities, tokensConfig.Issuer)
}

// buildExternal builds the identity links and, with providers, the
// verifier of their tokens.
func (s *Stack) buildExternal(store identity.Store, ownIssuer string) error {
	cfg := s.cfg.Identities
	if cfg.Store == nil {
		cfg.Store = store
	}
	if cfg.Users == nil {
		cfg.Users = s.Users
	}
	if cfg.Logger == nil {
		cfg.Logger = s.cfg.Logger
	}
	if cfg.OnCreate == nil {
		roles := s.cfg.NewUserRoles
		if roles == nil {
			roles = []string{"user"}
		}
		cfg.Create = true
		cfg.OnCreate = func(ctx context.Context, u users.User, _ authn.ExternalIdentity) error {
			for _, role := range roles {
				if err := s.Engine.AssignRole(ctx, u.ID, role); err != nil && !errors.Is(err, authz.ErrExists) {
					return err
				}
			}
			return nil
		}
	}
	var err error
	if s.Identities, err = identity.New(cfg); err != nil {
		return fmt.Errorf("stack: identities: %w", err)
	}
	ext := s.cfg.External
	if len(ext.Providers) == 0 {
		return nil
	}
	for _, p := range ext.Providers {
		if p.Issuer == ownIssuer {
			return fmt.Errorf("%w: external provider %s has the stack's own issuer %q", ErrConfig, p.Name, ownIssuer)
		}
	}
	if ext.Linker == nil {
		ext.Linker = s.Identities
	}
	if ext.Logger == nil {
		ext.Logger = s.cfg.Logger
	}
	ext.PassOtherIssuers = true
	if s.External, err = external.New(ext); err != nil {
		return fmt.Errorf("stack: external providers: %w", err)
	}
	s.closers = append(s.closers, s.External.Close)
	return nil
}

// Guard is the configuration of the adapters' guard for this stack: the
// account flows authenticate requests (bearer tokens, API keys, session
// cookies), after the external providers' tokens when Config.External
// lists providers, the engine decides, the API's login, registration and refresh
// routes are public, and only user ids are taken as subjects, so a
// credential naming a role is refused. Add the application's own public
// and optional paths to it before use.
func (s *Stack) Guard() guard.Config {
	var authenticator authn.Authenticator = s.Accounts.Authenticator()
	if s.External != nil {
		authenticator = authn.Chain{s.External, authenticator}
	}
	return guard.Config{
		Authenticator: authenticator,
		Engine:        s.Engine,
		PublicPaths:   s.API.PublicPaths(),
		IsSubject:     users.IsID,
		Logger:        s.cfg.Logger,
	}
}

// Routes returns the account API's routes, for an adapter's Mount.
func (s *Stack) Routes() []endpoint.Route { return s.API.Routes() }

// Ready returns nil when this process can serve: its policy and revoked
// tokens are current (replicas fail closed while they cannot vouch for
// them), and its database and Redis, if any, answer within a second. It is
// what a readiness probe (/healthz) should report.
func (s *Stack) Ready(ctx context.Context) error {
	if err := s.Engine.Err(); err != nil {
		return err
	}
	if err := s.Revocations.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if s.cfg.Redis != nil {
		if err := s.cfg.Redis.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("stack: redis: %w", err)
		}
	}
	if s.cfg.DB != nil {
		sqlDB, err := s.cfg.DB.DB()
		if err != nil {
			return fmt.Errorf("stack: database: %w", err)
		}
		if err := sqlDB.PingContext(ctx); err != nil {
			return fmt.Errorf("stack: database: %w", err)
		}
	}
	return nil
}

// Close stops following other replicas. It closes neither the database,
// nor the Redis client, nor the notifier, which the application opened.
func (s *Stack) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}
