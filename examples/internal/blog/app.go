package blog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	apikeygorm "github.com/gatehouse-go/gatehouse/authn/apikey/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	refreshgorm "github.com/gatehouse-go/gatehouse/authn/refresh/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/session"
	sessiongorm "github.com/gatehouse-go/gatehouse/authn/session/gormstore"
	sessionredis "github.com/gatehouse-go/gatehouse/authn/session/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	throttlegorm "github.com/gatehouse-go/gatehouse/authn/throttle/gormstore"
	throttleredis "github.com/gatehouse-go/gatehouse/authn/throttle/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/token"
	tokengorm "github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/token/redisstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	usersgorm "github.com/gatehouse-go/gatehouse/authn/users/gormstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/pgwatch"
	"github.com/gatehouse-go/gatehouse/watch/rediswatch"
)

// App is the blog: its database, its credentials, its policy and its posts.
type App struct {
	cfg         Config
	db          *gorm.DB
	notifier    watch.Notifier // nil for a single replica
	redis       *redis.Client  // of Config.Redis, for the notifier, the revoked tokens, the sessions and the login throttle; nil without it
	engine      *authz.Engine
	revocations token.Revocations
	users       *users.Directory
	accounts    *account.Service
	keys        *apikey.Keys
	sessions    *session.Manager
	posts       *postStore
	passwords   *passwordGate
	log         *slog.Logger
}

// Open opens (creating on first start) the database of cfg, builds every
// part, and seeds the demo users into an empty user table.
//
// With a notifier (see Config.Redis) the app is one of several replicas:
// its policy and its revoked tokens follow the others' edits, and it
// answers 503 while it cannot vouch for them.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	db, err := database.Open(cfg.Database)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, db: db, passwords: newPasswordGate(), log: log}
	if err := a.build(ctx, cfg); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// openRedis opens the client of cfg.Redis, if set, which the notifier, the
// sessions and the login throttle share.
func (a *App) openRedis(cfg Config) error {
	if cfg.Redis == "" {
		return nil
	}
	opts, err := redis.ParseURL(cfg.Redis)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // url.Error quotes the URL, password and all
		}
		return fmt.Errorf("GATEHOUSE_REDIS does not parse: %w", err)
	}
	if opts.ClientName == "" {
		opts.ClientName = "gatehouse-example"
	}
	a.redis = redis.NewClient(opts)
	return nil
}

// openNotifier connects to what carries changes between replicas: Redis
// when configured, else a PostgreSQL store itself; nil otherwise.
func (a *App) openNotifier(ctx context.Context, cfg Config) error {
	var err error
	switch {
	case a.redis != nil:
		a.notifier, err = rediswatch.NewFromClient(ctx, a.redis, rediswatch.Config{Logger: a.log})
		if err == nil {
			a.log.Info("replication on: changes travel by Redis pub/sub", "redis", database.Redact(cfg.Redis))
		}
	case strings.HasPrefix(cfg.Database, "postgres://"), strings.HasPrefix(cfg.Database, "postgresql://"):
		a.notifier, err = pgwatch.New(ctx, cfg.Database, pgwatch.Config{Logger: a.log})
		if err == nil {
			a.log.Info("replication on: changes travel by PostgreSQL LISTEN/NOTIFY")
		}
	case strings.HasPrefix(cfg.Database, "mysql://"):
		// No notifier reaches other processes: replicas notice each
		// other's changes at their periodic check of the store instead.
		a.notifier = watch.NewLocal()
		a.log.Info("replication by polling: replicas see each other's changes within two seconds; set GATEHOUSE_REDIS for milliseconds")
	}
	return err
}

// throttleStore is where the login throttle counts failures, shared by
// every replica: Redis when configured, which keeps that traffic off the
// database, else the database.
func (a *App) throttleStore(ctx context.Context) (throttle.Store, error) {
	if a.redis != nil {
		return throttleredis.New(a.redis, throttleredis.Config{Prefix: a.cfg.RedisPrefix + "throttle:"})
	}
	return throttlegorm.New(ctx, a.db)
}

func (a *App) build(ctx context.Context, cfg Config) error {
	if err := a.openRedis(cfg); err != nil {
		return err
	}
	if err := a.openNotifier(ctx, cfg); err != nil {
		return err
	}
	policyStore, err := gormstore.New(ctx, a.db)
	if err != nil {
		return err
	}
	engineOptions := []authz.Option{authz.WithStore(policyStore)}
	revocationsConfig := tokengorm.Config{}
	if a.notifier != nil {
		engineOptions = append(engineOptions, authz.WithNotifier(a.notifier), authz.WithLogger(a.log))
		revocationsConfig.Notifier, revocationsConfig.Logger = a.notifier, a.log
	}
	if a.engine, err = authz.New(ctx, engineOptions...); err != nil {
		return err
	}
	// Accounts stay in the database, Redis or not.
	usersStore, err := usersgorm.New(ctx, a.db)
	if err != nil {
		return err
	}
	if a.users, err = users.New(usersStore, users.Config{Logger: a.log}); err != nil {
		return err
	}
	if a.revocations, err = a.openRevocations(ctx, revocationsConfig); err != nil {
		return err
	}
	revocations := a.revocations
	key, err := token.HS256("k1", cfg.JWTSecret)
	if err != nil {
		return err
	}
	tokens, err := token.New(token.Config{Issuer: cfg.JWTIssuer, Keys: []token.Key{key}, Revocations: revocations})
	if err != nil {
		return err
	}
	refreshStore, err := refreshgorm.New(ctx, a.db)
	if err != nil {
		return err
	}
	refreshes, err := refresh.New(refreshStore, refresh.Config{Logger: a.log})
	if err != nil {
		return err
	}
	throttleStore, err := a.throttleStore(ctx)
	if err != nil {
		return err
	}
	limiter, err := throttle.New(throttleStore, throttle.Config{})
	if err != nil {
		return err
	}
	apikeyStore, err := apikeygorm.New(ctx, a.db)
	if err != nil {
		return err
	}
	if a.keys, err = apikey.New(apikeyStore, apikey.Config{}); err != nil {
		return err
	}
	sessionStore, err := a.sessionStore(ctx)
	if err != nil {
		return err
	}
	if a.sessions, err = session.New(sessionStore, session.Config{}); err != nil {
		return err
	}
	a.accounts, err = account.New(account.Config{
		Users: a.users, Tokens: tokens, Revocations: revocations, Refresh: refreshes,
		Throttle: limiter, APIKeys: a.keys, Sessions: a.sessions, Logger: a.log,
	})
	if err != nil {
		return err
	}
	if a.posts, err = newPostStore(ctx, a.db); err != nil {
		return err
	}
	return a.seed(ctx)
}

// openRevocations opens the list of revoked access tokens: in Redis when
// one is configured, where every replica sees a logout at once without a
// message to wait for and Redis expires them by itself; otherwise in the
// database, each replica answering from memory and hearing the others'
// logouts through the notifier, configured by cfg.
func (a *App) openRevocations(ctx context.Context, cfg tokengorm.Config) (token.Revocations, error) {
	if a.redis != nil {
		return redisstore.New(a.redis, redisstore.Config{Prefix: a.cfg.RedisPrefix + "token:"})
	}
	return tokengorm.New(ctx, a.db, cfg)
}

// sessionStore keeps the cookie sessions in Redis when one is configured,
// where every replica finds them and Redis expires them by itself, and in
// the database otherwise.
func (a *App) sessionStore(ctx context.Context) (session.Store, error) {
	if a.redis != nil {
		return sessionredis.New(a.redis, sessionredis.WithPrefix(a.cfg.RedisPrefix+"session:"))
	}
	return sessiongorm.New(ctx, a.db)
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
	return Open(ctx, cfg, log)
}

// Addr is the address to listen on.
func (a *App) Addr() string { return a.cfg.Addr }

// Logger is the app's logger.
func (a *App) Logger() *slog.Logger { return a.log }

// Ready returns nil when this replica can serve: its policy and revoked
// tokens are current, and its database and Redis (if any) answer.
func (a *App) Ready(ctx context.Context) error {
	if err := a.engine.Err(); err != nil {
		return err
	}
	if err := a.revocations.Err(); err != nil {
		return err
	}
	sqlDB, err := a.db.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if a.redis != nil {
		// Revoked tokens, sessions and failed-login counts live there.
		if err := a.redis.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis: %w", err)
		}
	}
	return sqlDB.PingContext(ctx)
}

// Close stops following the other replicas and closes the notifier, the
// Redis client and the database.
func (a *App) Close() {
	if a.engine != nil {
		a.engine.Close()
	}
	if follower, ok := a.revocations.(interface{ Close() }); ok {
		follower.Close()
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

// Guard is the adapters' configuration for this app. /healthz and the
// login, registration and refresh endpoints skip authentication (a stale
// token must not stop a login); /posts and /posts/* serve anonymous callers
// too. Session login shares its path with session logout, which needs the
// session: SkipsAuthentication tells the two apart by method.
func (a *App) Guard() guard.Config {
	return guard.Config{
		Authenticator: a.accounts.Authenticator(),
		Engine:        a.engine,
		PublicPaths:   []string{"/healthz", "/auth/register", "/auth/login", "/auth/refresh"},
		OptionalPaths: []string{"/posts", "/posts/*"},
		// Every credential names a user; an id of another shape (a role's
		// name in a token minted elsewhere with the key) is refused.
		IsSubject: users.IsID,
		Logger:    a.log,
	}
}

// SkipsAuthentication reports whether a request is a session login, which
// the adapters' Skip option exempts from authentication: a login must work
// whatever cookie the browser still holds.
func SkipsAuthentication(method, path string) bool {
	return method == "POST" && path == "/auth/session"
}

// demoUsers are seeded into an empty user table.
var demoUsers = []struct{ email, password, name, role string }{
	{"alice@example.com", "alice-password", "Alice", "admin"},
	{"carol@example.com", "carol-password", "Carol", "moderator"},
	{"bob@example.com", "bob-password", "Bob", "user"},
}

// seed creates the demo users when there are no users at all.
func (a *App) seed(ctx context.Context) error {
	n, err := a.users.Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	for _, d := range demoUsers {
		u, err := a.users.Register(ctx, d.email, d.password, d.name)
		if errors.Is(err, users.ErrEmailTaken) {
			continue // a replica starting beside this one seeded it
		}
		if err != nil {
			return fmt.Errorf("seed %s: %w", d.email, err)
		}
		if err := a.engine.SetRoles(ctx, u.ID, []string{d.role}); err != nil {
			return fmt.Errorf("seed %s: %w", d.email, err)
		}
		// Never the password, though the README publishes it: logs hold no
		// credential of any kind.
		a.log.Info("demo user", "email", d.email, "role", d.role)
	}
	return nil
}

// requestTimeout bounds the work of one request on the database.
const requestTimeout = 10 * time.Second
