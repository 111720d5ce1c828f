package refresh

// Outcome is what Store.Rotate found, and so what it did.
type Outcome int

// The outcomes of Store.Rotate.
const (
	// Rotated: the token was live; it is now used, and its successor is
	// stored.
	Rotated Outcome = iota + 1
	// NotFound: no token has the hash; nothing changed.
	NotFound
	// Revoked: the token's family was revoked; nothing changed.
	Revoked
	// Reused: the token had been rotated already; its family is now
	// revoked.
	Reused
	// Expired: the token or its family had expired; nothing changed.
	Expired
)

// String names the outcome, for messages.
func (o Outcome) String() string {
	switch o {
	case Rotated:
		return "rotated"
	case NotFound:
		return "not found"
	case Revoked:
		return "revoked"
	case Reused:
		return "reused"
	case Expired:
		return "expired"
	}
	return "unknown outcome"
}

// Rotation is Store.Rotate's answer.
type Rotation struct {
	// Outcome is what the store found and did.
	Outcome Outcome
	// Presented is the presented token as the store found it, before the
	// call changed anything; zero for NotFound.
	Presented Record
	// Next is the successor as stored; zero unless Outcome is Rotated.
	Next Record
}
