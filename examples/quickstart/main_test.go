package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartRunsTwiceOnTheSameFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "quickstart.db")
	var first, second bytes.Buffer
	require.NoError(t, run(context.Background(), &first, path))
	require.NoError(t, run(context.Background(), &second, path))
	assert.Equal(t, first.String(), second.String(), "a second run finds the store as the first left it")

	out := first.String()
	for _, want := range []string{
		`ALLOW bob    posts:update  owner=bob    allowed by rule "p, user, posts:update, own, allow"`,
		`DENY  bob    posts:update  owner=carol  denied: no rule grants "posts:update" to "bob" on resource owned by "carol"`,
		`ALLOW carol  posts:delete  owner=bob    allowed by rule "p, moderator, posts:delete, any, allow"`,
		`DENY  carol  users:delete  owner=bob    denied: no rule grants "users:delete" to "carol" on resource owned by "bob"`,
		`ALLOW alice  users:delete  owner=bob    allowed by rule "p, admin, users:*, any, allow"`,
		`DENY  bob    posts:update  owner=bob    denied by rule "p, suspended, posts:update, any, deny"`,
		`ALLOW bob    posts:delete  owner=bob    allowed by rule "p, user, posts:delete, own, allow"`,
		`bob      SELECT * FROM posts WHERE author_id = ? [bob]`,
		`carol    SELECT * FROM posts WHERE 1 = 1 []`,
		`mallory  SELECT * FROM posts WHERE 1 = 0 []`,
	} {
		assert.Contains(t, out, want)
	}
}

func TestQuickstartReportsAnUnopenableStore(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), &bytes.Buffer{}, filepath.Join(t.TempDir(), "missing-dir", "x.db"))
	assert.Error(t, err)
}
