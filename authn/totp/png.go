package totp

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/gatehouse-go/gatehouse/authn"
)

// PNG is an image in PNG format that holds a secret, as an enrolment's QR
// code does. Its bytes are written as they are (w.Write(e.QRCode)), but it
// prints as authn.Redacted with fmt (every verb), log/slog and
// encoding/json, as authn.Secret does, so that logging or dumping an
// Enrollment does not leak the secret drawn in it.
type PNG []byte

// String returns authn.Redacted.
func (p PNG) String() string { return authn.Redacted }

// GoString returns authn.Redacted, for %#v.
func (p PNG) GoString() string { return authn.Redacted }

// Format prints authn.Redacted for every verb, including %x and %v.
func (p PNG) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(authn.Redacted)) }

// LogValue returns authn.Redacted for log/slog.
func (p PNG) LogValue() slog.Value { return slog.StringValue(authn.Redacted) }

// MarshalJSON encodes authn.Redacted.
func (p PNG) MarshalJSON() ([]byte, error) { return json.Marshal(authn.Redacted) }

// MarshalText encodes authn.Redacted.
func (p PNG) MarshalText() ([]byte, error) { return []byte(authn.Redacted), nil }
