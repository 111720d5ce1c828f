package refresh

import (
	"context"
	"fmt"
	"time"
)

// cleanupGrace is how long a dead family is kept before Cleanup deletes it,
// so that a late client is told its token expired or was revoked rather
// than that it is unknown.
const cleanupGrace = 24 * time.Hour

// Cleanup deletes the families that ended more than a day ago — whose
// absolute lifetime is over, or all of whose tokens have expired — and
// returns how many tokens it deleted. Run it now and then, for instance
// daily; nothing depends on it but the table's size.
//
// It deletes whole families only: a used token is kept while its family may
// still be alive, because its reappearance is what reveals a theft.
func (s *Store) Cleanup(ctx context.Context) (int64, error) {
	cutoff := s.now().Add(-cleanupGrace)
	// The inner query is wrapped in a derived table because MySQL refuses a
	// DELETE whose subquery reads the table it deletes from.
	res := s.db.WithContext(ctx).
		Where("family_expires_at < ?", cutoff).
		Or("family_id IN (SELECT family_id FROM (SELECT family_id FROM "+tableName+
			" GROUP BY family_id HAVING MAX(expires_at) < ?) AS dead_families)", cutoff).
		Delete(&record{})
	if res.Error != nil {
		return 0, fmt.Errorf("refresh: cleanup: %w", res.Error)
	}
	return res.RowsAffected, nil
}
