package account

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// Security events: what a Service logs of the flows it runs, one line
// each, with the message "security event" and the attribute "event" one of
// these names, the user's id where it is known, the client's address where
// it was given, the method or factor where there is one — and never a
// credential, a token or an email address someone typed. Refusals and
// throttling are at Warn, the rest at Info.
const (
	EventLoginSucceeded     = "login.succeeded"
	EventLoginFailed        = "login.failed"
	EventLoginThrottled     = "login.throttled"
	EventMFARequired        = "mfa.required"
	EventMFAFailed          = "mfa.failed"
	EventMFAThrottled       = "mfa.throttled"
	EventFactorChanged      = "mfa.factor_changed"
	EventSessionStarted     = "session.started"
	EventSessionEnded       = "session.ended"
	EventLogout             = "logout"
	EventPasswordChanged    = "password.changed"
	EventPasswordReset      = "password.reset"
	EventFamilyRevoked      = "refresh_family.revoked"
	EventCredentialsRevoked = "credentials.revoked"
	EventUserLocked         = "user.locked"
	EventUserDeleted        = "user.deleted"
	EventSignedUp           = "user.signed_up"
)

// Event is a security event as an EventObserver hears of it.
type Event struct {
	// Name is one of the Event* names.
	Name string
	// Level is the level it is logged at: Warn for refusals and
	// throttling, Info for the rest.
	Level slog.Level
	// UserID is the user's id where it is known.
	UserID string
	// Method is the credential or factor: the method of a refusal
	// ("pwd", "passkey"), the factor of an MFA event ("totp", "passkey",
	// "recovery_code"), and for a login the methods its access tokens
	// name (amr), joined by "+" ("pwd+otp+mfa"). "" where there is none.
	Method string
}

// EventObserver hears a Service's security events as they are logged, to
// count them (package observe does, with OpenTelemetry). SecurityEvent is
// called on the goroutine of the flow; it must be quick. A panic in it is
// recovered and logged, and the flow goes on.
type EventObserver interface {
	SecurityEvent(ctx context.Context, e Event)
}

// event logs the security event name at level with attrs, and reports it
// to Config.Events.
func (s *Service) event(ctx context.Context, level slog.Level, name string, attrs ...any) {
	s.log.Log(ctx, level, "security event", append([]any{"event", name}, attrs...)...)
	if s.cfg.Events == nil {
		return
	}
	e := Event{Name: name, Level: level}
	for i := 0; i+1 < len(attrs); i += 2 {
		switch v := attrs[i+1].(type) {
		case string:
			switch attrs[i] {
			case "user":
				e.UserID = v
			case "method", "factor":
				e.Method = v
			}
		case []string:
			if attrs[i] == "amr" {
				e.Method = strings.Join(v, "+")
			}
		}
	}
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("account: the event observer panicked; the flow goes on", "panic", fmt.Sprint(r))
		}
	}()
	s.cfg.Events.SecurityEvent(ctx, e)
}

// RecordFactorChange logs the security event EventFactorChanged: userID's
// second factor named factor ("totp", "passkey", "recovery_code") changed
// as change says ("enrolled", "confirmed", "removed", "registered",
// "regenerated"), for flows outside the Service that change factors, such
// as the account API's.
func (s *Service) RecordFactorChange(ctx context.Context, userID, factor, change string) {
	s.event(ctx, slog.LevelInfo, EventFactorChanged, "user", userID, "factor", factor, "change", change)
}
