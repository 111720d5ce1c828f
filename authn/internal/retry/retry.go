// Package retry runs again the database work a server gave up on to break
// a deadlock between concurrent transactions. MySQL and MariaDB lock gaps
// between index entries, so transactions that each touch different rows
// still deadlock now and then, and the server rolls one of them back and
// asks its client to try again; PostgreSQL does the same, more rarely. A
// store that retries turns these into a short wait instead of a failed
// login or logout.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gatehouse-go/gatehouse/internal/backoff"
)

// attempts bounds OnDeadlock: a deadlock between two requests resolves on
// the second try; the others cover a burst of requests colliding again.
const attempts = 5

// firstWait is the longest wait before the second attempt; each later one
// waits up to twice as long as the one before. The wait is random, so that
// the transactions that deadlocked do not meet again at once.
const firstWait = 5 * time.Millisecond

// Deadlocked reports whether err is a database's refusal to go on with a
// transaction it rolled back to break a deadlock, or could not serialize
// with another: nothing of it was written, and the same work may succeed
// if done again.
func Deadlocked(err error) bool {
	var my *mysqldriver.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1213 // ER_LOCK_DEADLOCK
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40P01" || pg.Code == "40001" // deadlock_detected, serialization_failure
	}
	return false
}

// OnDeadlock runs work, and runs it again after a short random wait while
// it fails with an error Deadlocked recognises, at most five times in all;
// it returns the last error. work must be a whole transaction, or
// statements each complete on their own: it is repeated from its start. It
// stops early when ctx is done.
func OnDeadlock(ctx context.Context, work func() error) error {
	wait := firstWait
	for attempt := 1; ; attempt++ {
		err := work()
		if err == nil || !Deadlocked(err) || attempt == attempts {
			return err
		}
		if !backoff.Sleep(ctx, rand.N(wait)+1) {
			return err
		}
		wait *= 2
	}
}
