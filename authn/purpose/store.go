package purpose

import (
	"context"
	"time"
)

// Store records which purpose tokens have been used, so that each is
// consumed once. Tokens consult it on every Verify and write to it on every
// Consume; Cleanup lets it forget tokens that can no longer verify.
//
// Implementations are in their own packages: gormstore keeps the used ids
// in a SQL table, redisstore in Redis keys that expire by themselves,
// memstore in memory. To write one of your own, implement the three methods
// as their comments say and run the conformance suite of package
// purpose/storetest against it. Every method must be safe for concurrent
// use, by the Tokens of one process and, for a store processes share, by
// all of them. Any error is a failure of the store: Tokens wrap it in
// ErrStore and refuse the token (they never accept one they could not
// check). A store copies whatever it keeps of its arguments.
type Store interface {
	// IsUsed reports whether the token id has been recorded by MarkUsed,
	// for any purpose, and not forgotten since.
	IsUsed(ctx context.Context, id string) (bool, error)

	// MarkUsed records u.ID as used. It reports true when this call
	// recorded it, and false when it was recorded already: of any number
	// of calls with one id, racing or not, in one process or many,
	// exactly one reports true. The record must be kept at least until
	// Leeway after u.ExpiresAt, for as long as Verify could accept the
	// token.
	MarkUsed(ctx context.Context, u UsedToken) (first bool, err error)

	// Cleanup forgets the records of purpose whose token expired before
	// cutoff, and returns how many it forgot. A store whose records
	// expire by themselves may do nothing and return 0.
	Cleanup(ctx context.Context, purpose string, cutoff time.Time) (int64, error)
}

// UsedToken is the record of one consumed token.
type UsedToken struct {
	// ID is the token's id (its jti claim): at most 64 bytes.
	ID string
	// Purpose is the purpose the token served.
	Purpose string
	// Subject is whom the token was issued to.
	Subject string
	// UsedAt is when it was consumed, by the Tokens' clock.
	UsedAt time.Time
	// ExpiresAt is when the token expires.
	ExpiresAt time.Time
}
