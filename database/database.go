// Package database opens the SQL database gatehouse keeps its state in —
// policy, users, tokens, sessions, keys, throttle counters — from one DSN,
// so that an application switches from the embedded SQLite file to a
// server shared by several replicas by configuration alone.
//
//	sqlite:PATH                              a file, created when missing
//	postgres://user:pass@host:5432/db?...    PostgreSQL (also postgresql://)
//	mysql://user:pass@host:3306/db?...       MySQL or MariaDB
//
// SQLite is compiled from Go (github.com/glebarez/sqlite, on modernc.org's
// translation of SQLite's C source): a program built with CGO_ENABLED=0
// opens sqlite: DSNs, and building gatehouse needs no C compiler. A sqlite:
// DSN may carry the driver's parameters after a "?": _pragma=NAME(VALUE),
// once per pragma (as in _pragma=journal_mode(WAL)), and _txlock=deferred,
// immediate or exclusive. Open waits up to 5 s for another connection's lock
// (_pragma=busy_timeout(5000)) and begins transactions with the write lock
// (_txlock=immediate) unless the DSN says otherwise.
package database

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// ErrInvalidDSN reports a DSN Open cannot use: an unknown scheme, or a
// malformed one. The message names the schemes it knows.
var ErrInvalidDSN = errors.New("invalid database DSN")

// Open opens dsn with GORM, its logger silenced (GORM logs SQL with its
// arguments, which would put password hashes and token digests in logs) and
// its error translation on, so unique-index conflicts come back as
// gorm.ErrDuplicatedKey whatever the database. It does not connect: the
// first query does (call DB().PingContext to check early).
func Open(dsn string) (*gorm.DB, error) {
	dialector, err := Dialector(dsn)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Discard, TranslateError: true})
	if err != nil {
		return nil, fmt.Errorf("database: open %s: %w", Redact(dsn), err)
	}
	return db, nil
}

// Dialector returns the GORM dialector for dsn, for callers that want
// their own gorm.Config.
func Dialector(dsn string) (gorm.Dialector, error) {
	scheme, rest, ok := strings.Cut(dsn, ":")
	if !ok {
		return nil, fmt.Errorf("%w: %q has no scheme; use sqlite:PATH, postgres://… or mysql://…", ErrInvalidDSN, Redact(dsn))
	}
	switch scheme {
	case "sqlite":
		if rest == "" {
			return nil, fmt.Errorf("%w: sqlite: needs a file path, as in sqlite:gatehouse.db", ErrInvalidDSN)
		}
		converted, err := sqliteDSN(rest)
		if err != nil {
			return nil, err
		}
		return sqlite.Open(converted), nil
	case "postgres", "postgresql":
		if _, err := url.Parse(dsn); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidDSN, err)
		}
		return postgres.Open(dsn), nil
	case "mysql":
		converted, err := mysqlDSN(dsn)
		if err != nil {
			return nil, err
		}
		return mysql.Open(converted), nil
	}
	return nil, fmt.Errorf("%w: unknown scheme %q; use sqlite:PATH, postgres://… or mysql://…", ErrInvalidDSN, scheme)
}

// mysqlDSN turns mysql://user:pass@host:port/db?param=value into the Go
// MySQL driver's form, with parseTime on so times scan into time.Time.
func mysqlDSN(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidDSN, err)
	}
	if u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return "", fmt.Errorf("%w: mysql://user:password@host:port/database, got %q", ErrInvalidDSN, Redact(dsn))
	}
	cfg := mysqldriver.NewConfig()
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", u.Host, strings.Trim(u.Path, "/")
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.ParseTime = true
	params := map[string]string{}
	for k, v := range u.Query() {
		if k == "parseTime" {
			continue
		}
		params[k] = v[len(v)-1]
	}
	if len(params) > 0 {
		cfg.Params = params
	}
	return cfg.FormatDSN(), nil
}

// Redact returns dsn with any password replaced by "xxxxx", for messages
// and logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		// Unreadable: it may hold a password anywhere; keep the scheme only.
		scheme, _, _ := strings.Cut(dsn, ":")
		return scheme + ":(unreadable DSN)"
	}
	if u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
