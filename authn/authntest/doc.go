// Package authntest helps test code built on gatehouse's authn packages
// without a framework or a wall clock: Request is an authn.Credentials built
// from plain values, and Clock is a time source that moves only when told
// to, so that tests of expiry never sleep.
package authntest
