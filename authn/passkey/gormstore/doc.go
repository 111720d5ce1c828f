// Package gormstore keeps passkeys and ceremonies in flight in a SQL
// database through GORM (SQLite, PostgreSQL, MySQL/MariaDB): a
// passkey.Store on the tables gatehouse_passkeys and
// gatehouse_passkey_users, and a passkey.ChallengeStore on
// gatehouse_passkey_challenges. New creates the tables when they are
// missing.
package gormstore
