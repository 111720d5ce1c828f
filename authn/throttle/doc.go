// To stop password guessing, reserve an attempt with Limiter.Reserve before
// checking a password and end it with the outcome; account.Service.Login
// and the other password flows of package account do so for you. Package
// throttle counts failed logins per account and per client address in a
// Store, and refuses further attempts while either count is at its limit. With a store that every
// process shares (gormstore in a database, redisstore in Redis) the counts
// are shared by every replica and survive restarts; memstore keeps them in
// one process's memory.
//
//	store, err := gormstore.New(ctx, db) // or redisstore.New(client, redisstore.Config{}), or memstore.New()
//	limiter, err := throttle.New(store, throttle.Config{})
//
// A login handler calls Reserve before it verifies the password and gives
// up with the *authn.ThrottledError it returns (HTTP 429 with
// Retry-After): a throttled account is refused even when the password
// offered is right, which is the point, since otherwise a guesser would
// learn when it has found the password. Reserve counts and reserves in one
// call to the store, which does both as one step (a locked transaction, a
// Lua script), so that of any number of attempts started at once, on any
// number of processes, no more than the limit check a password. The
// handler then ends the Attempt: Failed after a wrong password or an
// unknown account, Succeeded after the right one, or Cancel when no
// password was checked at all. Count unknown accounts too, so that probing
// for accounts is throttled like guessing passwords.
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
//
// # Stores
//
// The Limiter keeps the logic (keys, limits, windows, the clock, what a
// refusal's RetryAfter is) and a Store only keeps entries: failures and
// attempts in progress under keys, at the times the Limiter gives it. To
// keep them somewhere else, implement Store's eight methods as its
// documentation's contract says, and run the conformance suite against
// the implementation in a test of its own:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			data := newEmptyDataSet(t) // of this test's own
//			return func(t *testing.T) throttle.Store { return openMyStore(t, data) }
//		})
//	}
//
// The suite races reservations from two handles on one data set and
// checks that exactly the limit get through, runs a long random sequence
// against a model, and tries hostile keys. memstore is the shortest
// implementation to start from.
package throttle
