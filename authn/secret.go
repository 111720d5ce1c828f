package authn

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Secret is a credential in plain text — a token, an API key, a session id —
// on its way to its owner. It prints as "[REDACTED]" with fmt (every verb),
// log/slog and encoding/json alike, so logging or dumping a value that holds
// one does not leak it. Reveal is the one way to the text: call it where the
// credential is handed over, as in a response body.
type Secret string

// Redacted is what a Secret prints as.
const Redacted = "[REDACTED]"

// Reveal returns the secret's text.
func (s Secret) Reveal() string { return string(s) }

// String returns Redacted.
func (s Secret) String() string { return Redacted }

// GoString returns Redacted, for %#v.
func (s Secret) GoString() string { return Redacted }

// Format prints Redacted for every verb, including %q, %x and %v.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// LogValue returns Redacted for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalJSON encodes Redacted.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(Redacted) }

// MarshalText encodes Redacted.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }
