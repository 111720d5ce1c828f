// Package testdb opens the databases that gatehouse's own tests run on.
//
// SQLite databases are real files, not ":memory:", because the stores are
// meant for several connections and several processes on one database, and
// a test that reopens a file is how persistence across a restart is shown.
// Busy waits are long enough that parallel tests on one file queue rather
// than fail with "database is locked", and GORM's logger is silenced so that
// expected errors do not flood the test output.
//
// The stores' suites also run on PostgreSQL and MySQL/MariaDB when their
// DSNs are in the environment (see Servers): Each runs a test once per
// Backend, each in a database of its own, and a Database opened twice is
// two replicas, or one process before and after a restart.
//
// The package is internal: applications choose their own database, and the
// examples show them doing so.
package testdb
