package observe

// The instruments' names, as OpenTelemetry knows them; a Prometheus
// exporter adds the unit and _total suffixes.
const (
	// DecisionsName counts decisions, by outcome: "allow", "deny", or
	// "error" for a request that could not be decided (which denies).
	DecisionsName = "gatehouse_decisions"
	// DecisionDurationName is the histogram of the timed decisions'
	// durations, in seconds, by outcome (authz.WithDecisionTiming).
	DecisionDurationName = "gatehouse_decision_duration"
	// PolicyEditsName counts the edits made through this process, by
	// "source" (authz.Actor.Source: api, console, cli, import, sweep, or
	// "other") and "result": committed, refused, failed.
	PolicyEditsName = "gatehouse_policy_edits"
	// PolicyLinesName counts the lines committed edits added and removed,
	// by "change": added, removed.
	PolicyLinesName = "gatehouse_policy_lines_changed"
	// PolicyRevisionName is the revision of the policy decisions read
	// (ObserveEngine).
	PolicyRevisionName = "gatehouse_policy_revision"
	// PolicyAvailableName is 1 while the engine vouches for its policy and
	// decides, 0 while decisions fail closed (ObserveEngine).
	PolicyAvailableName = "gatehouse_policy_available"
	// PolicyReloadsName counts the loads of the whole policy since the
	// engine started (ObserveEngine).
	PolicyReloadsName = "gatehouse_policy_reloads"
	// ReplicaConnectedName is 1 while a following engine's notifier is
	// connected, 0 otherwise (ObserveEngine, engines with a notifier).
	ReplicaConnectedName = "gatehouse_replica_connected"
	// ReplicaStalenessName is how long ago, in seconds, a following engine
	// last found its policy current with the store (ObserveEngine).
	ReplicaStalenessName = "gatehouse_replica_staleness"
	// ReplicaEditLagName is the histogram of how long after a peer
	// committed an edit it was applied here, in seconds.
	ReplicaEditLagName = "gatehouse_replica_edit_lag"
	// StoreErrorsName counts failures of stores, by "component" and
	// "operation": policy (edit, load, check, history), and credentials
	// (authenticate: a credential that could not be checked).
	StoreErrorsName = "gatehouse_store_errors"
	// AuthenticationsName counts the credentials of requests the guard
	// checked, by "credential" (bearer, api_key, session,
	// client_certificate, external_token, none, other) and "outcome"
	// (accepted, anonymous, refused, throttled, error).
	AuthenticationsName = "gatehouse_authentications"
	// LoginsName counts the logins and second-factor steps of the account
	// flows, by "method" (pwd, passkey, totp, recovery_code, a login's
	// methods joined by +, or other) and "outcome" (succeeded, failed,
	// throttled, mfa_required).
	LoginsName = "gatehouse_logins"
	// SecurityEventsName counts the account flows' security events, by
	// "event" (account.EventLoginFailed, …).
	SecurityEventsName = "gatehouse_security_events"
	// DroppedLogsName counts the log lines of denials and refused
	// authentications the guard held back (guard.Config.LogBurst).
	DroppedLogsName = "gatehouse_guard_dropped_log_lines"
)
