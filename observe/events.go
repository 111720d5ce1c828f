package observe

import (
	"context"
	"regexp"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/gatehouse-go/gatehouse/authn/account"
)

// loginMethod is what a login's method may look like as an attribute: a
// method or factor name, or a login's methods joined by "+".
var loginMethod = regexp.MustCompile(`^[a-z_]{1,20}(\+[a-z_]{1,20}){0,4}$`)

// The security events SecurityEventsName counts by name; any other is
// "other".
var securityEvents = []string{
	account.EventLoginSucceeded, account.EventLoginFailed, account.EventLoginThrottled, account.EventMFARequired,
	account.EventMFAFailed, account.EventMFAThrottled, account.EventFactorChanged, account.EventSessionStarted,
	account.EventSessionEnded, account.EventLogout, account.EventPasswordChanged, account.EventPasswordReset,
	account.EventFamilyRevoked, account.EventCredentialsRevoked, account.EventUserLocked, account.EventUserDeleted,
	account.EventSignedUp,
}

// SecurityEvent counts e by name, and the logins and second-factor steps
// among them by method and outcome.
func (o *Observer) SecurityEvent(ctx context.Context, e account.Event) {
	o.securityEvents.Add(ctx, 1, metric.WithAttributes(attribute.String("event", oneOf(e.Name, securityEvents...))))
	var outcome string
	switch e.Name {
	case account.EventLoginSucceeded:
		outcome = "succeeded"
	case account.EventLoginFailed, account.EventMFAFailed:
		outcome = "failed"
	case account.EventLoginThrottled, account.EventMFAThrottled:
		outcome = "throttled"
	case account.EventMFARequired:
		outcome = "mfa_required"
	default:
		return
	}
	method := e.Method
	switch {
	case method == "" && (e.Name == account.EventLoginThrottled || e.Name == account.EventMFARequired):
		method = "pwd" // the password step is what is throttled, or passed
	case !loginMethod.MatchString(method):
		method = "other"
	}
	o.logins.Add(ctx, 1, metric.WithAttributes(attribute.String("method", method), attribute.String("outcome", outcome)))
}
