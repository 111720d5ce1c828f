package blog

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/external"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/console"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/observe"
	"github.com/gatehouse-go/gatehouse/stack"
	"github.com/gatehouse-go/gatehouse/watch"
)

// App is the blog: its database, gatehouse on it, its posts and their
// administration.
type App struct {
	// Auth is gatehouse, built by package stack on the blog's database
	// (and Redis, when configured): the policy engine, the users, their
	// credentials, and the account API (/auth/*, /me, /api-keys) for each
	// framework's adapter to mount.
	Auth *stack.Stack
	// Posts are the blog's posts.
	Posts *Posts
	// Admin runs the users and the policy.
	Admin *Admin
	// Console is the policy console, mounted at /console/: the policy's
	// owners see, test and change it in a browser, after logging in on
	// the /passkeys page.
	Console *console.Console
	// Observer watches gatehouse with OpenTelemetry: decisions, policy
	// edits, replicas, authentications and logins, counted for the
	// Prometheus endpoint of Config.MetricsAddr, and spans of each
	// request's authentication and checks.
	Observer *observe.Observer

	cfg      Config
	db       *gorm.DB
	redis    *redis.Client  // of Config.Redis, shared by the notifier and the stack; nil without it
	notifier watch.Notifier // nil for a single replica
	log      *slog.Logger
	metrics  *metrics // of Config.MetricsAddr; nil without it
}

// Open opens (creating on first start) the database of cfg, builds
// gatehouse's stack and the posts on it, and seeds the demo users into an
// empty user table.
//
// With a notifier (see Config.Redis) the app is one of several replicas:
// its policy and its revoked tokens follow the others' edits, and it
// answers 503 while it cannot vouch for them.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	db, err := database.Open(cfg.Database)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, db: db, log: log}
	if err := a.build(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	if err := a.openRedis(); err != nil {
		return err
	}
	if err := a.openNotifier(ctx); err != nil {
		return err
	}
	if err := a.openObserver(); err != nil {
		return err
	}
	cfg := stack.Config{
		DB:          a.db,
		RedisPrefix: a.cfg.RedisPrefix,
		Notifier:    a.notifier,
		Secret:      a.cfg.JWTSecret,
		// Users may add a TOTP with recovery codes (/me/mfa/totp) and
		// passkeys (/me/passkeys), and log in with a passkey alone
		// (/auth/passkey); the page /passkeys does it in a browser.
		SecondFactors: stack.SecondFactors{Key: a.cfg.SecondFactorKey, Issuer: "gatehouse blog",
			Passkeys: passkey.Config{RPID: a.cfg.PasskeyRPID, RPOrigins: []string{a.cfg.PasskeyOrigin}}},
		Issuer: a.cfg.JWTIssuer,
		Logger: a.log,
		// Every decision counted and timed, every edit, store failure and
		// peer's edit, every security event of the account flows.
		Authz:          []authz.Option{authz.WithDecisionSink(a.Observer, 1), authz.WithObserver(a.Observer)},
		SecurityEvents: a.Observer,
	}
	if a.cfg.OIDCIssuer != "" {
		// Tokens of the provider are accepted beside the blog's own; a
		// subject seen first becomes a local user with the role user.
		cfg.External = external.Config{Providers: []external.Provider{{
			Name: a.cfg.OIDCName, Issuer: a.cfg.OIDCIssuer, Audience: []string{a.cfg.OIDCAudience},
		}}}
	}
	if a.redis != nil {
		// Revoked tokens, sessions and failed-login counts live there.
		// (Set only when there is one: a nil *redis.Client in the
		// interface would not read as "no Redis".)
		cfg.Redis = a.redis
	}
	var err error
	if a.Auth, err = stack.New(ctx, cfg); err != nil {
		return err
	}
	if err := a.Observer.ObserveEngine(a.Auth.Engine); err != nil {
		return err
	}
	if a.Posts, err = newPosts(ctx, a.db, a.Auth.Engine, a.Auth.Users); err != nil {
		return err
	}
	a.Admin = &Admin{auth: a.Auth}
	if a.Console, err = console.New(console.Config{Engine: a.Auth.Engine, Sessions: a.Auth.Sessions, LoginURL: "/passkeys",
		IsSubject: users.IsID, Logger: a.log}); err != nil {
		return err
	}
	if err := a.seed(ctx); err != nil {
		return err
	}
	return a.serveMetrics()
}

// Start is what every example's main does first: read the configuration
// from getenv, log to logs (warning when the JWT secret is generated), and
// open the app.
func Start(ctx context.Context, getenv func(string) string, logs io.Writer) (*App, error) {
	log := slog.New(slog.NewTextHandler(logs, nil))
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if cfg.SecretGenerated {
		log.Warn("GATEHOUSE_JWT_SECRET is not set: using a random secret; tokens will not survive a restart")
	}
	if cfg.SecondFactorKeyGenerated {
		log.Warn("GATEHOUSE_SECOND_FACTOR_KEY is not set: using a random key; TOTP enrolments will not survive a restart")
	}
	return Open(ctx, cfg, log)
}

// Addr is the address to listen on.
func (a *App) Addr() string { return a.cfg.Addr }

// Logger is the app's logger.
func (a *App) Logger() *slog.Logger { return a.log }

// Ready returns nil when this replica can serve: its policy and revoked
// tokens are current, and its database and Redis (if any) answer.
// Otherwise it logs why and returns ErrNotReady, so that /healthz answers
// 503 and a load balancer sends requests elsewhere meanwhile.
func (a *App) Ready(ctx context.Context) error {
	if err := a.Auth.Ready(ctx); err != nil {
		a.log.Warn("not ready", "error", err)
		return fmt.Errorf("%w: %w", ErrNotReady, err)
	}
	return nil
}

// Close stops following the other replicas and closes the notifier, the
// Redis client and the database.
func (a *App) Close() {
	a.closeMetrics()
	if a.Auth != nil {
		a.Auth.Close()
	}
	if a.notifier != nil {
		_ = a.notifier.Close()
	}
	if a.redis != nil {
		_ = a.redis.Close()
	}
	if sqlDB, err := a.db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}
