package gormstore

import (
	"context"
	"errors"
	"fmt"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/identity/internal/linkcheck"
	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store is an identity.Store on a GORM database. It is safe for concurrent
// use, and any number of Stores, in one process or many, may share a
// database. Its zero value has no database: call New.
type Store struct {
	db *gorm.DB
}

var _ identity.Store = (*Store)(nil)

// New returns a Store on db, creating the table gatehouse_identities and
// its indexes if they are missing (several processes starting together
// may race to do so: the loser finds them in place); ctx bounds that. On
// MySQL and MariaDB the table compares text exactly, with a binary
// collation, and a table created before with another is converted. New
// reports a nil db, and a failure to create the table, with an error
// matching identity.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("identity/gormstore: %w: nil *gorm.DB", identity.ErrStore)
	}
	if err := schema.Migrate(ctx, db, &record{}); err != nil {
		return nil, fmt.Errorf("identity/gormstore: %w: create table %s: %w", identity.ErrStore, tableName, err)
	}
	return &Store{db: db}, nil
}

// Create implements identity.Store: one INSERT, which the primary key
// refuses for a linked identity, whichever process linked it.
func (s *Store) Create(ctx context.Context, l identity.Link) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := linkcheck.Link(l); err != nil {
		return fmt.Errorf("identity/gormstore: %w", err)
	}
	row := fromLink(l)
	err := retry.OnDeadlock(ctx, func() error { return s.db.WithContext(ctx).Create(&row).Error })
	if err == nil {
		return nil
	}
	if duplicate(err) {
		return fmt.Errorf("identity/gormstore: %w: %w", identity.ErrLinked, err)
	}
	// A driver duplicate does not know reports the violation in its own
	// words: look for the link that holds the identity.
	if _, found, findErr := s.Find(ctx, l.Issuer, l.Subject); findErr == nil && found {
		return fmt.Errorf("identity/gormstore: %w: %w", identity.ErrLinked, err)
	}
	return fmt.Errorf("identity/gormstore: create: %w", err)
}

// Find implements identity.Store: one query on the primary key. An issuer
// or subject no link can have (see Create) is not found, without a query,
// rather than an error from a database that refuses its bytes.
func (s *Store) Find(ctx context.Context, issuer, subject string) (identity.Link, bool, error) {
	if err := ctx.Err(); err != nil {
		return identity.Link{}, false, err
	}
	if !linkcheck.Identity(issuer, subject) {
		return identity.Link{}, false, nil
	}
	// Find with a limit rather than First, which would log every miss.
	var row record
	res := s.db.WithContext(ctx).Where("issuer = ? AND subject = ?", issuer, subject).Limit(1).Find(&row)
	if res.Error != nil {
		return identity.Link{}, false, fmt.Errorf("identity/gormstore: find: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return identity.Link{}, false, nil
	}
	return row.toLink(), true, nil
}

// ByUser implements identity.Store: one query on the index of user ids.
func (s *Store) ByUser(ctx context.Context, userID string) ([]identity.Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !linkcheck.UserID(userID) {
		return nil, nil
	}
	var rows []record
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("identity/gormstore: by user: %w", err)
	}
	links := make([]identity.Link, len(rows))
	for i, r := range rows {
		links[i] = r.toLink()
	}
	return links, nil
}

// Delete implements identity.Store: one DELETE, whose count of rows says
// whether the link was there.
func (s *Store) Delete(ctx context.Context, issuer, subject string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !linkcheck.Identity(issuer, subject) {
		return false, nil
	}
	n, err := s.delete(ctx, "issuer = ? AND subject = ?", issuer, subject)
	if err != nil {
		return false, fmt.Errorf("identity/gormstore: delete: %w", err)
	}
	return n > 0, nil
}

// DeleteUser implements identity.Store: one DELETE, whose count of rows is
// the answer.
func (s *Store) DeleteUser(ctx context.Context, userID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if !linkcheck.UserID(userID) {
		return 0, nil
	}
	n, err := s.delete(ctx, "user_id = ?", userID)
	if err != nil {
		return 0, fmt.Errorf("identity/gormstore: delete user: %w", err)
	}
	return int(n), nil
}

// delete removes the rows matching the condition in one statement, run
// again if the database broke a deadlock with it (MySQL's gap locks make
// a DELETE by user id deadlock with INSERTs for that user now and then),
// and returns how many it removed.
func (s *Store) delete(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Where(query, args...).Delete(&record{})
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// duplicate reports whether err is a violation of a unique index: as GORM
// translates it, or as MySQL (1062, ER_DUP_ENTRY), PostgreSQL (23505,
// unique_violation) and SQLite (1555 and 2067, SQLITE_CONSTRAINT_PRIMARYKEY
// and SQLITE_CONSTRAINT_UNIQUE) report it when GORM does not. The SQLite
// driver is known by its error's Code method, so that this package does
// not link it.
func duplicate(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var my *mysqldriver.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1062
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		code := lite.Code()
		return code == 1555 || code == 2067
	}
	return false
}
