package account

import (
	"context"
	"log/slog"
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

// event logs the security event name at level with attrs.
func (s *Service) event(ctx context.Context, level slog.Level, name string, attrs ...any) {
	s.log.Log(ctx, level, "security event", append([]any{"event", name}, attrs...)...)
}

// RecordFactorChange logs the security event EventFactorChanged: userID's
// second factor named factor ("totp", "passkey", "recovery_code") changed
// as change says ("enrolled", "confirmed", "removed", "registered",
// "regenerated"), for flows outside the Service that change factors, such
// as the account API's.
func (s *Service) RecordFactorChange(ctx context.Context, userID, factor, change string) {
	s.event(ctx, slog.LevelInfo, EventFactorChanged, "user", userID, "factor", factor, "change", change)
}
