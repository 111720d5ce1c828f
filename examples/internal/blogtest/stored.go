package blogtest

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/gatehouse-go/gatehouse/database"
)

// storedSecretColumns are where gatehouse keeps what must never leave the
// server: the digests that stand for passwords, refresh tokens, API keys
// and sessions, and the keys that seal the revocation and policy messages
// between replicas. Each row is named by its id column in failure
// messages. Token ids (revoked and used-purpose jti) and public ids are
// left out: they are not secret.
var storedSecretColumns = []struct {
	kind, table, id, column string
}{
	{kindPasswordHash, "gatehouse_users", "id", "password_hash"},
	{kindRefreshHash, "gatehouse_refresh_tokens", "id", "token_hash"},
	{kindAPIKeyHash, "gatehouse_api_keys", "id", "hash"},
	{kindSessionHash, "gatehouse_sessions", "id", "token_hash"},
	{kindRevocationKey, "gatehouse_revocation_state", "id", "seal_key"},
	{kindPolicyKey, "gatehouse_policy_revisions", "policy_table", "seal_key"},
}

// storedSecrets reads every non-empty value of storedSecretColumns from the
// database dsn ("sqlite:PATH"), opened as the examples open it. It holds
// only what is still there at the end of the run: rows deleted on the way
// (an ended session, a deleted user) are gone.
func storedSecrets(ctx context.Context, dsn string) ([]secret, error) {
	// Opening a missing SQLite file would create an empty one and report
	// its tables missing; say what is wrong instead.
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return nil, fmt.Errorf("stored secrets: %q is not a sqlite: DSN", database.Redact(dsn))
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("stored secrets: %w", err)
	}
	db, err := database.Open(dsn)
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("stored secrets: %w", err)
	}
	defer sqlDB.Close()
	var out []secret
	for _, c := range storedSecretColumns {
		// The names are constants of this file, never input.
		rows, err := sqlDB.QueryContext(ctx, fmt.Sprintf("SELECT %s, %s FROM %s", c.id, c.column, c.table))
		if err != nil {
			return nil, fmt.Errorf("stored secrets: read %s.%s: %w", c.table, c.column, err)
		}
		for rows.Next() {
			var id, v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("stored secrets: read %s.%s: %w", c.table, c.column, err)
			}
			if v != "" {
				out = append(out, secret{kind: c.kind, value: v,
					origin: fmt.Sprintf("%s.%s of %s", c.table, c.column, id), issuedBy: -1})
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("stored secrets: read %s.%s: %w", c.table, c.column, err)
		}
	}
	return out, nil
}
