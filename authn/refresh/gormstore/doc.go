// Package gormstore keeps the refresh tokens of package refresh in a SQL
// database through GORM, in the table gatehouse_refresh_tokens: SQLite,
// PostgreSQL and MySQL/MariaDB. It is the store refresh used before stores
// could be chosen, with the same table, columns and indexes, so an
// existing database keeps its families.
//
//	store, err := gormstore.New(ctx, db) // creates the table if missing
//	if err != nil {
//		return err
//	}
//	refreshes, err := refresh.New(store, refresh.Config{})
//
// The table holds the SHA-256 of each token, never the token. Every
// process of an application may open a Store on one database. A rotation
// is one transaction whose first statement marks the token used only if it
// is neither used nor revoked, so of racing rotations one wins and the
// others find it used; a revocation repeats its update until a pass finds
// nothing left to revoke, so that it also reaches a successor committed
// while it waited, and on PostgreSQL it holds an advisory lock of the
// family or subject that rotations share, so that a client rotating as
// fast as it can does not stay a step ahead of it. Deadlocks that MySQL or
// PostgreSQL break are retried.
//
// To keep refresh tokens elsewhere, implement refresh.Store, whose
// documentation is the contract, and run storetest.Run against it in its
// tests, as this package's TestConformance does on every database it
// supports.
package gormstore
