// Package testdb opens the SQLite databases that gatehouse's own tests run
// on. Each is a real file, not ":memory:", because the stores are meant for
// several connections and several processes on one database, and a test that
// reopens a file is how persistence across a restart is shown. Busy waits
// are long enough that parallel tests on one file queue rather than fail
// with "database is locked", and GORM's logger is silenced so that expected
// errors do not flood the test output.
//
// The package is internal: applications choose their own database, and the
// examples show them doing so.
package testdb
