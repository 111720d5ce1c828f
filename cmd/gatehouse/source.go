package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/redis/go-redis/v9/logging"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/pgwatch"
	"github.com/gatehouse-go/gatehouse/watch/rediswatch"
)

// embeddedPolicySource names the embedded default policy in messages and
// reports, as authz names it.
const embeddedPolicySource = "policy.csv (embedded)"

// errNoStore reports a database that holds no gatehouse policy: a command
// that only reads refuses to create one where a DSN was mistyped.
var errNoStore = errors.New("no policy store")

// sourceFlags choose the policy a command reads: a model and a policy
// file (embedded defaults when not given), or the live policy of a
// database.
type sourceFlags struct {
	model    string
	policy   string
	database string
	table    string
}

// register adds --model and --policy, and --database and --table when
// withDatabase.
func (src *sourceFlags) register(fs *flagSet, withDatabase bool) {
	fs.StringVar(&src.model, "model", "", modelHelp)
	fs.StringVar(&src.policy, "policy", "", "the policy `FILE`, in Casbin's CSV format (default: gatehouse's embedded policy.csv)")
	if withDatabase {
		fs.StringVar(&src.database, "database", "",
			"read the live policy of the database `DSN` (sqlite:PATH, postgres://… or mysql://…) instead of a policy file; its rules are only read")
		fs.StringVar(&src.table, "table", "", "the policy `TABLE` of --database (default: "+gormstore.DefaultTable+")")
	}
}

// check refuses flags that contradict each other.
func (src *sourceFlags) check() error {
	switch {
	case src.policy != "" && src.database != "":
		return usagef("--policy and --database are exclusive: read a policy file or a database, not both")
	case src.table != "" && src.database == "":
		return usagef("--table needs --database")
	}
	return nil
}

// modelOptions reads --model; none means the embedded model.
func (src *sourceFlags) modelOptions() ([]authz.Option, error) {
	return modelOptions(src.model)
}

// policyText returns the policy file's source name and text, the embedded
// default's when no --policy was given.
func (src *sourceFlags) policyText() (source, text string, err error) {
	switch {
	case src.policy == "" && src.model == tenantModelName:
		return "", "", usagef("--model %s needs a policy with tenants: gatehouse's embedded policy has none; give --policy FILE",
			tenantModelName)
	case src.policy == "":
		return embeddedPolicySource, gatehouse.DefaultPolicy(), nil
	}
	b, err := os.ReadFile(src.policy)
	if err != nil {
		return "", "", err
	}
	return src.policy, string(b), nil
}

// engine opens an engine on the chosen policy: in memory from files, or on
// the database's store, which must exist. close releases what it holds.
func (src *sourceFlags) engine(ctx context.Context, stderr io.Writer) (e *authz.Engine, close func(), err error) {
	modelOpts, err := src.modelOptions()
	if err != nil {
		return nil, nil, err
	}
	if src.database != "" {
		return openStore(ctx, storeConfig{dsn: src.database, table: src.table, stderr: stderr}, modelOpts...)
	}
	source, text, err := src.policyText()
	if err != nil {
		return nil, nil, err
	}
	e, err = newFileEngine(ctx, modelOpts, source, text)
	return e, func() {}, err
}

// newFileEngine returns an in-memory engine on the policy text read from
// source; a bad line is reported as source:line.
func newFileEngine(ctx context.Context, modelOpts []authz.Option, source, text string) (*authz.Engine, error) {
	if _, err := authz.ParsePolicy(source, text); err != nil {
		return nil, err
	}
	return authz.New(ctx, append(modelOpts, authz.WithPolicy(text))...)
}

// storeCreation says what opening a database that has no policy store
// does.
type storeCreation int

const (
	// mustExist refuses with errNoStore, and creates no file: a command
	// that only reads must not leave a store where a DSN was mistyped.
	mustExist storeCreation = iota
	// createEmpty creates the store holding no rules, and seeded, so that
	// applications opening it later find it seeded already: import does,
	// since the file it reads is the policy wanted.
	createEmpty
	// createSeeded creates the store seeded with gatehouse's default
	// policy, as authz.New seeds a new store: the edits do, since an
	// application opening a new store would start from that policy.
	createSeeded
)

// storeConfig says how to open a database's policy store.
type storeConfig struct {
	dsn   string
	table string
	// create says what to do where the database has no store.
	create storeCreation
	// created, when set, is called once the store has been created,
	// with what it was seeded with.
	created func(where string, seed authz.Policy)
	// redis, when set, is the URL of the Redis server that carries edits
	// to running replicas; otherwise a postgres:// store carries them
	// itself, and other stores none.
	redis string
	// follow connects a notifier (see redis), so that edits reach
	// running replicas at once.
	follow bool
	stderr io.Writer
	// modelOpts load the model; tenanted says whether it has tenants,
	// under which a new store starts empty, since gatehouse's default
	// policy has none.
	modelOpts []authz.Option
	tenanted  bool
	// actor is who makes the edits, as the policy's history records them
	// (from the command line: authz.SourceCLI, or authz.SourceImport for
	// import).
	actor authz.Actor
}

// tableName returns the store's table, the default when none was given.
func (cfg storeConfig) tableName() string {
	if cfg.table == "" {
		return gormstore.DefaultTable
	}
	return cfg.table
}

// seed returns the policy a store this config creates starts with.
func (cfg storeConfig) seed() (authz.Policy, error) {
	if cfg.create != createSeeded || cfg.tenanted {
		return authz.Policy{}, nil
	}
	return authz.ParsePolicy(embeddedPolicySource, gatehouse.DefaultPolicy())
}

// openStore opens an engine on the policy store of cfg.dsn, creating the
// store as cfg.create says when the database has none.
func openStore(ctx context.Context, cfg storeConfig, opts ...authz.Option) (_ *authz.Engine, _ func(), err error) {
	table := cfg.tableName()
	where := database.Redact(cfg.dsn)
	if cfg.create == mustExist {
		if err := sqliteFileExists(cfg.dsn); err != nil {
			return nil, nil, err
		}
	} else if err := sqliteDirExists(cfg.dsn); err != nil {
		return nil, nil, err
	}
	db, err := openDatabase(cfg.dsn)
	if err != nil {
		return nil, nil, err
	}
	var closers []func()
	release := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			release()
		}
	}()
	sqlDB, err := db.DB()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where, err)
	}
	closers = append(closers, func() { _ = sqlDB.Close() })
	if err := sqlDB.PingContext(ctx); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where, err)
	}
	existed := hasTable(ctx, db, table)
	if cfg.create == mustExist && !existed {
		return nil, nil, fmt.Errorf("%w: %s has no table %s; %s", errNoStore, storeLocation(cfg.dsn), table, createHint)
	}
	seed, err := cfg.seed()
	if err != nil {
		return nil, nil, err
	}

	logger := slog.New(slog.NewTextHandler(cfg.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := gormstore.New(ctx, db, gormstore.WithTable(table))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where, err)
	}
	// The engine seeds an existing store with nothing: a store is seeded
	// once, by whoever creates it, and a table that predates its seed
	// record is taken as it is.
	initial := ""
	if !existed {
		initial = seed.String()
	}
	// Under the default model, a store refused for its tenants holds rules
	// for a model with tenants: the error says how to read it.
	defaultModel := len(cfg.modelOpts) == 0 && len(opts) == 0
	opts = append(append(append([]authz.Option{}, cfg.modelOpts...), opts...),
		authz.WithStore(store), authz.WithPolicy(initial), authz.WithLogger(logger))
	if cfg.follow {
		notifier, err := openNotifier(ctx, cfg, logger)
		if err != nil {
			return nil, nil, err
		}
		if notifier != nil {
			closers = append(closers, func() { _ = notifier.Close() })
			opts = append(opts, authz.WithNotifier(notifier))
		}
	}
	e, err := authz.New(ctx, opts...)
	if err != nil && errors.Is(err, authz.ErrInvalidTenant) && defaultModel {
		return nil, nil, fmt.Errorf("%s: %w; read a store of rules with tenants with --model FILE, or --model %s",
			where, err, tenantModelName)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where, err)
	}
	closers = append(closers, e.Close)
	if !existed && cfg.created != nil {
		cfg.created(fmt.Sprintf("(table %s) in %s", table, storeLocation(cfg.dsn)), seed)
	}
	return e, release, nil
}

// createHint says how a policy store comes to be, after errNoStore.
const createHint = "'gatehouse policy import FILE' creates one holding FILE's rules, " +
	"and 'gatehouse policy grant' one seeded with the default policy"

// storeExists reports whether the database of cfg.dsn has a policy store,
// creating nothing: a missing SQLite file has none.
func storeExists(ctx context.Context, cfg storeConfig) (bool, error) {
	if err := sqliteFileExists(cfg.dsn); errors.Is(err, errNoStore) {
		return false, sqliteDirExists(cfg.dsn)
	} else if err != nil {
		return false, err
	}
	db, err := openDatabase(cfg.dsn)
	if err != nil {
		return false, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return false, fmt.Errorf("%s: %w", database.Redact(cfg.dsn), err)
	}
	defer func() { _ = sqlDB.Close() }()
	if err := sqlDB.PingContext(ctx); err != nil {
		return false, fmt.Errorf("%s: %w", database.Redact(cfg.dsn), err)
	}
	return hasTable(ctx, db, cfg.tableName()), nil
}

// openDatabase opens dsn; a DSN with no scheme at all reads as a file
// name, and the error says how to write it.
func openDatabase(dsn string) (*gorm.DB, error) {
	db, err := database.Open(dsn)
	if errors.Is(err, database.ErrInvalidDSN) && !strings.Contains(dsn, ":") {
		return nil, fmt.Errorf("%w; for the SQLite file %s, write --database sqlite:%s", err, dsn, dsn)
	}
	return db, err
}

// openNotifier connects what carries edits to running replicas: Redis
// when cfg.redis is set, a PostgreSQL store itself, or nothing (nil), in
// which case replicas catch up at their periodic check of the store.
func openNotifier(ctx context.Context, cfg storeConfig, logger *slog.Logger) (watch.Notifier, error) {
	switch {
	case cfg.redis != "":
		// go-redis logs every failed dial on its own; the error below
		// says what matters, once.
		logging.Disable()
		n, err := rediswatch.New(ctx, cfg.redis, rediswatch.Config{Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("redis %s: %w", database.Redact(cfg.redis), err)
		}
		return n, nil
	case strings.HasPrefix(cfg.dsn, "postgres://"), strings.HasPrefix(cfg.dsn, "postgresql://"):
		n, err := pgwatch.New(ctx, cfg.dsn, pgwatch.Config{Logger: logger})
		if err != nil {
			return nil, err
		}
		return n, nil
	}
	return nil, nil
}

// sqlitePath returns the file a sqlite: DSN names, "" for any other DSN
// and for SQLite's in-memory and URI forms.
func sqlitePath(dsn string) string {
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return ""
	}
	path, _, _ = strings.Cut(path, "?")
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return ""
	}
	return path
}

// storeLocation names where a store is for messages: a SQLite file by its
// absolute path, so that a mistyped or relative path shows where it
// lands; another database by its DSN without password.
func storeLocation(dsn string) string {
	path := sqlitePath(dsn)
	if path == "" {
		return database.Redact(dsn)
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// sqliteFileExists refuses a sqlite: DSN whose file is missing, which
// opening it would create.
func sqliteFileExists(dsn string) error {
	path := sqlitePath(dsn)
	if path == "" {
		return nil
	}
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s does not exist; %s", errNoStore, storeLocation(dsn), createHint)
	}
	return err
}

// sqliteDirExists refuses a sqlite: DSN whose file could not be created:
// its directory is missing, most likely mistyped.
func sqliteDirExists(dsn string) error {
	path := sqlitePath(dsn)
	if path == "" {
		return nil
	}
	dir := filepath.Dir(storeLocation(dsn))
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: the directory %s does not exist", dsn, dir)
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s: %s is not a directory", dsn, dir)
	}
	return nil
}

// hasTable reports whether db has table. An error reads as no table; the
// engine, opening the store, reports the real one.
func hasTable(ctx context.Context, db *gorm.DB, table string) bool {
	return db.WithContext(ctx).Migrator().HasTable(table)
}
