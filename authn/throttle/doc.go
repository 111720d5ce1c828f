// Package throttle slows down password guessing: it counts failed logins
// per account and per client address in a database, so the counts survive
// restarts and are shared by every process that uses the database, and
// refuses further attempts while either count is at its limit.
//
// A login handler calls Reserve before it verifies the password and gives
// up with the *authn.ThrottledError it returns (HTTP 429 with
// Retry-After): a throttled account is refused even when the password
// offered is right, which is the point, since otherwise a guesser would
// learn when it has found the password. Reserve counts and reserves in one
// transaction, holding a lock on the account's and the address's rows, so
// that of any number of attempts started at once, on any number of
// processes, no more than the limit check a password. The handler then
// ends the Attempt: Failed after a wrong password or an unknown account,
// Succeeded after the right one, or Cancel when no password was checked at
// all. Count unknown accounts too, so that probing for accounts is
// throttled like guessing passwords.
//
// The window slides: an attempt is refused while the account has
// Config.MaxFailures failures, and attempts in progress, in the Window
// just ended, and allowed again as soon as enough of them are older than
// that. The per-address limit is higher, because one address (an office, a
// mobile carrier's NAT) may front many users; it stops one client from
// guessing across many accounts. Addresses are counted by IP, whatever the
// port, and IPv6 addresses by their /64, the block one host usually has.
// Behind a reverse proxy, pass the client's address as the proxy reports
// it, and only from a proxy you trust (adapters/guard.ClientAddress), or
// every client is counted as the proxy.
//
// Throttling per account lets anyone who knows an account name keep its
// owner out for a Window at a time by failing on purpose. That is the usual
// price of stopping online guessing; keep Window short, and offer a way in
// that does not need the password, such as a reset link.
package throttle
