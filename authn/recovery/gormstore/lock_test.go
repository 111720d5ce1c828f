package gormstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// isFree reports whether no session holds MySQL's named lock of userID.
func isFree(t *testing.T, s *Store, userID string) bool {
	t.Helper()
	var free sql.NullInt64
	require.NoError(t, s.db.Raw("SELECT IS_FREE_LOCK(?)", lockName(s.database, userID)).Row().Scan(&free))
	return free.Valid && free.Int64 == 1
}

// On MySQL, Replace and DeleteUser hold the user's named lock while they
// run and release it after, whether they succeed or fail.
func TestNamedLockIsReleased(t *testing.T) {
	t.Parallel()
	b := testdb.MySQL
	b.SkipUnlessConfigured(t)
	db := b.Open(t)
	s, err := New(context.Background(), db)
	require.NoError(t, err)
	ctx := context.Background()
	d := sha256.Sum256([]byte("a code"))
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

	require.NoError(t, s.Replace(ctx, "usr_1", [][32]byte{d}, at))
	assert.True(t, isFree(t, s, "usr_1"), "after Replace")
	_, err = s.DeleteUser(ctx, "usr_1")
	require.NoError(t, err)
	assert.True(t, isFree(t, s, "usr_1"), "after DeleteUser")
}

// A Replace that fails, waiting for the lock or inside it, leaves the lock
// free, and the next Replace of the user goes through.
func TestNamedLockIsReleasedOnFailure(t *testing.T) {
	t.Parallel()
	b := testdb.MySQL
	b.SkipUnlessConfigured(t)
	database := b.New(t)
	db := database.Open(t)
	s, err := New(context.Background(), db)
	require.NoError(t, err)
	d := sha256.Sum256([]byte("a code"))
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

	// Another session holds the lock: a Replace gives up at its deadline.
	holder, err := database.Open(t).DB()
	require.NoError(t, err)
	conn, err := holder.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	var got int
	require.NoError(t, conn.QueryRowContext(context.Background(), "SELECT GET_LOCK(?, 0)", lockName(s.database, "usr_1")).Scan(&got))
	require.Equal(t, 1, got)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	assert.Error(t, s.Replace(ctx, "usr_1", [][32]byte{d}, at))
	_, err = conn.ExecContext(context.Background(), "DO RELEASE_LOCK(?)", lockName(s.database, "usr_1"))
	require.NoError(t, err)
	// The server may still grant the abandoned GET_LOCK before it sees its
	// connection closed; it frees the lock when it ends that session.
	assert.Eventually(t, func() bool { return isFree(t, s, "usr_1") }, 10*time.Second, 20*time.Millisecond,
		"after a Replace that gave up waiting")

	// The transaction fails inside the lock.
	require.NoError(t, db.Migrator().DropTable(tableName))
	assert.Error(t, s.Replace(context.Background(), "usr_1", [][32]byte{d}, at))
	assert.True(t, isFree(t, s, "usr_1"), "after a Replace that failed")
	_, err = s.DeleteUser(context.Background(), "usr_1")
	assert.Error(t, err)
	assert.True(t, isFree(t, s, "usr_1"), "after a DeleteUser that failed")

	_, err = New(context.Background(), db)
	require.NoError(t, err)
	require.NoError(t, s.Replace(context.Background(), "usr_1", [][32]byte{d}, at))
	n, err := s.Remaining(context.Background(), "usr_1")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

// Lock names fit MySQL's 64 characters, and differ between users and
// between databases on one server.
func TestLockName(t *testing.T) {
	t.Parallel()
	long := lockName(strings.Repeat("d", 64), strings.Repeat("u", 64))
	assert.LessOrEqual(t, len(long), 64)
	assert.NotEqual(t, lockName("app", "usr_a"), lockName("app", "usr_A"))
	assert.NotEqual(t, lockName("app", "usr_a"), lockName("other", "usr_a"))
	assert.Equal(t, lockName("app", "usr_a"), lockName("app", "usr_a"))
}
