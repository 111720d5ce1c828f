package session

import "time"

// Record is one session as a Store keeps it. It holds the hash of the
// cookie value, never the value itself, so a copy of a store lets no one
// in. The Manager writes its times in UTC, to the second.
type Record struct {
	// ID is public: "ses_" and 16 hex digits, safe to log and to show the
	// user in a list of their sessions. It is unique among stored
	// sessions.
	ID string
	// TokenHash is the hex SHA-256 of the cookie value, unique among
	// stored sessions. A plain hash is enough because the value is 32
	// random bytes: there is nothing to guess, so a slow password hash
	// would add only cost.
	TokenHash string
	// Subject is the id of the subject the session authenticates.
	Subject string
	// CreatedAt is when the session began: the login.
	CreatedAt time.Time
	// LastSeenAt is the last recorded use; activity is recorded at most
	// once per Config.TouchInterval.
	LastSeenAt time.Time
	// ExpiresAt is the absolute expiry, CreatedAt plus Config.Lifetime,
	// never extended.
	ExpiresAt time.Time
	// Methods are the authentication methods of the login the session
	// began with (RFC 8176, see authn.AMRPassword), separated by single
	// spaces ("pwd otp mfa"); "" when unknown, as for sessions stored
	// before they were recorded. At most MaxMethodsLength bytes.
	// Authenticate hands them on as authn.Subject.AMR, from which
	// Subject.RequireMFA decides.
	Methods string
}

// Expiry returns when the session dies unless it is used again: the
// earlier of its absolute expiry and the moment it will have been unused
// for idleTimeout. A store that expires data by itself sets the session's
// time to live from it.
func (r Record) Expiry(idleTimeout time.Duration) time.Time {
	expires := r.ExpiresAt
	if idle := r.LastSeenAt.Add(idleTimeout); idle.Before(expires) {
		expires = idle
	}
	return expires
}

// Live reports whether the session is alive at now: now is before both its
// absolute expiry and the end of its idle timeout. Authenticate, List and
// Cleanup draw the line here, and so must every Store.
func (r Record) Live(now time.Time, idleTimeout time.Duration) bool {
	return now.Before(r.Expiry(idleTimeout))
}

// Use is one request's use of a session, as Store.Touch applies it. Its
// times come from the Manager's clock.
type Use struct {
	// Now is the time of the request. Touch finds only a session live at
	// Now.
	Now time.Time
	// IdleTimeout is how long a session may go unused: Config.IdleTimeout.
	IdleTimeout time.Duration
	// SeenAt is the LastSeenAt to record: Now to the second. The zero
	// time records nothing, which the Manager asks for on a request it is
	// about to refuse.
	SeenAt time.Time
	// TouchInterval is how old LastSeenAt must be, at Now, before SeenAt
	// replaces it: Config.TouchInterval, so that reads do not all become
	// writes.
	TouchInterval time.Duration
}

// Due reports whether the use is to be recorded on r: SeenAt is set, r's
// LastSeenAt is TouchInterval or more before Now, and SeenAt is later than
// it, so that LastSeenAt never moves back, whatever the order in which
// concurrent requests reach the store.
func (u Use) Due(r Record) bool {
	return !u.SeenAt.IsZero() && u.Now.Sub(r.LastSeenAt) >= u.TouchInterval && r.LastSeenAt.Before(u.SeenAt)
}

// stamp is t as the Manager writes it: UTC, truncated to the second, so
// that every store keeps it exactly and compares it as it was written.
// Truncation only ever makes a session end earlier, never later.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
