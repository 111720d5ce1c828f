package gormstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"gorm.io/gorm"
)

// lockKey is the lock of a user's codes: a 64-bit hash of the table and
// the user id. Two users who share a key only wait for each other now and
// then.
func lockKey(userID string) int64 {
	h := fnv.New64a()
	h.Write([]byte(tableName))
	h.Write([]byte{0})
	h.Write([]byte(userID))
	return int64(h.Sum64())
}

// lockName is the MySQL named lock of a user's codes in the database
// named database: named locks are the server's, shared by all its
// databases. It is a hash, within the 64 characters MySQL allows.
func lockName(database, userID string) string {
	h := fnv.New64a()
	h.Write([]byte(database))
	h.Write([]byte{0})
	return fmt.Sprintf("%s:%016x:%016x", tableName, h.Sum64(), uint64(lockKey(userID)))
}

// lockWait bounds how long a Replace waits for another of the same user
// on MySQL; a Replace holds the lock for a few milliseconds.
const lockWait = 10 * time.Second

// releaseWait bounds the release of a named lock, which runs even after
// the caller's ctx is done: a lock left held would hold up the user's next
// Replace.
const releaseWait = 5 * time.Second

// errLockWait reports a named lock not granted within lockWait.
var errLockWait = errors.New("another Replace of the user holds its lock")

// withNamedLock runs work on one connection of db that holds MySQL's
// named lock name (GET_LOCK), and releases the lock after. The
// server releases it too when the connection closes, as the driver does
// when ctx is done during a statement; a connection whose release fails
// is closed rather than returned to the pool with the lock.
func withNamedLock(ctx context.Context, db *gorm.DB, name string, work func(conn *gorm.DB) error) error {
	return db.Connection(func(conn *gorm.DB) error {
		// Every statement on conn starts from a new session on it: conn
		// itself would carry one statement's clauses into the next.
		on := func(ctx context.Context) *gorm.DB { return conn.Session(&gorm.Session{NewDB: true, Context: ctx}) }
		var got sql.NullInt64
		if err := on(ctx).Raw("SELECT GET_LOCK(?, ?)", name, int(lockWait/time.Second)).Row().Scan(&got); err != nil {
			return fmt.Errorf("lock user: %w", err)
		}
		if !got.Valid || got.Int64 != 1 {
			return fmt.Errorf("lock user: %w", errLockWait)
		}
		defer release(ctx, on, name)
		return work(on(ctx))
	})
}

// release releases the named lock name held by the connection that on
// starts sessions on, and closes the connection if it cannot.
func release(ctx context.Context, on func(context.Context) *gorm.DB, name string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseWait)
	defer cancel()
	session := on(rctx)
	if session.Exec("DO RELEASE_LOCK(?)", name).Error == nil {
		return
	}
	if c, ok := session.Statement.ConnPool.(*sql.Conn); ok {
		_ = c.Raw(func(any) error { return driver.ErrBadConn })
	}
}
