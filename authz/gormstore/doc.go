// Package gormstore keeps an authz policy in a SQL database through
// Casbin's GORM adapter: an authz.SharedStore for SQLite, PostgreSQL and
// MySQL or MariaDB, which several processes of an application may share.
//
// The policy lives in Casbin's own table (DefaultTable, "casbin_rule",
// unless WithTable names another), one row a line, so Casbin's tools read
// the same policy. Beside it, gatehouse keeps two small tables of its own:
// gatehouse_policy_revisions numbers the policy's states (every edit, from
// any process, raises the revision by one in the transaction that writes
// it) and holds the store's id and the key that seals change
// notifications; gatehouse_policy_seeds records that a table has been
// seeded, so that a policy emptied on purpose is not seeded again.
//
//	store, err := gormstore.New(ctx, db)
//	if err != nil { … }
//	engine, err := authz.New(ctx, authz.WithStore(store))
//
// This is the only package of gatehouse that imports the GORM adapter: an
// application that keeps its policy elsewhere, or in memory, links neither
// GORM nor a SQL driver through authz. A store of one's own implements
// authz.Store (and authz.SharedStore to replicate) and passes the suite of
// package authz/storetest, as this one does on every database it supports.
package gormstore
