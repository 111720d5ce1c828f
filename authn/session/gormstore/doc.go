// Package gormstore keeps sessions in a SQL database through GORM, in the
// table gatehouse_sessions: SQLite, PostgreSQL and MySQL/MariaDB. It is the
// store session.Manager used before stores could be chosen, with the same
// table and columns, so an existing database keeps its sessions. New adds
// the column methods (the authentication methods of each session's login)
// to a table created before it had one; the sessions already in it read
// as of unknown methods.
//
//	store, err := gormstore.New(ctx, db) // creates the table if missing
//	if err != nil {
//		return err
//	}
//	sessions, err := session.New(store, session.Config{})
//
// The table holds the SHA-256 of each cookie value, never the value. Expired
// rows stay until Manager.Cleanup deletes them, so run it now and then.
// Every process of an application may open a Store on one database: a
// login's replacement of the previous session is one transaction, retried
// when MySQL or PostgreSQL break a deadlock, and the write of a session's
// activity never revives a session another process has destroyed.
//
// To keep sessions elsewhere, implement session.Store, whose documentation
// is the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does on every database it supports.
package gormstore
