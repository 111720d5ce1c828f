package policylint

import (
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

// A grant, role assignment or relation may end with "until" and an
// instant: decisions ignore it from that instant on. A line that has
// expired already does nothing but wait for Engine.SweepExpired; a line
// that outlives another cannot be judged by it: a deny that ends on Friday
// does not cancel an allow that runs until Sunday.

// checkExpired reports each grant, role assignment and relation whose
// expiry is not after l.now.
func (l *linter) checkExpired() {
	report := func(at *authz.PolicyLine, expires time.Time) {
		if expires.IsZero() || l.now.Unix() < expires.Unix() {
			return
		}
		l.report(at, CheckExpired, "%s expired on %s: decisions ignore it, and Engine.SweepExpired removes it; "+
			"remove the line, or give it a later expiry", at.Text, formatTime(expires))
	}
	for _, g := range l.grants {
		report(g.at, g.Expires)
	}
	for _, a := range l.assignments {
		report(a.at, a.Expires)
	}
	for _, r := range l.relations {
		report(r.at, r.Expires)
	}
}

// outlives reports whether a line expiring at cover applies for as long as
// one expiring at covered does: cover never expires, or covered expires
// no later.
func outlives(cover, covered time.Time) bool {
	return cover.IsZero() || !covered.IsZero() && !covered.After(cover)
}

// formatTime writes t as policy lines do.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
