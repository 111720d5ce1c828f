package authz

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// DecisionEvent is one decision as a DecisionSink receives it.
type DecisionEvent struct {
	// ID numbers the engine's decisions, from 1: unique within the engine
	// (sampled out decisions keep their numbers), for telling one
	// decision's log line from another's.
	ID uint64
	// Decision is the answer, with the request and the deciding rule and
	// relation, as Decide returned it.
	Decision Decision
	// Err is the error Decide returned with it: the decision then denies.
	Err error
	// Revision is the store's revision of the policy the decision read
	// (0 without a store).
	Revision int64
	// Duration is how long the decision took.
	Duration time.Duration
}

// DecisionSink receives decisions (WithDecisionSink): to log them, count
// them, ship them as events. Decided is called on the deciding goroutine,
// after the decision is made, for every decision the sampling keeps,
// possibly from many goroutines at once; it must be quick and must not
// keep e, nor call back into the engine's edits. A panic in it is
// recovered and logged, and the decision stands.
type DecisionSink interface {
	Decided(ctx context.Context, e DecisionEvent)
}

// WithDecisionSink makes the engine hand every Nth decision of Decide,
// Tenant.Decide and DecideAll (every decision for every <= 1) to sink,
// with its id, the policy's revision and, by default, the time it took.
// Without a sink, decisions cost what they did: no clock is read and
// nothing is allocated.
func WithDecisionSink(sink DecisionSink, every int) Option {
	return func(c *config) {
		c.sink = sink
		c.sinkEvery = uint64(max(every, 1))
		if c.timingEvery == 0 && !c.timingSet {
			c.timingEvery = 1
		}
	}
}

// WithDecisionTiming times one decision in every of those handed to the
// decision sink (DecisionEvent.Duration), and none for every <= 0; the
// others have Duration 0. Default 1: every one. Timing reads the clock
// twice, which costs more than a decision itself on some machines (see
// docs/PERFORMANCE.md): time a sample where every nanosecond counts.
func WithDecisionTiming(every int) Option {
	return func(c *config) {
		c.timingEvery, c.timingSet = uint64(max(every, 0)), true
	}
}

// timed reports whether the decision numbered n (counted from 1, the
// next is decisions+1) is timed.
func (e *Engine) timed(n uint64) bool {
	return e.timingEvery != 0 && n%(e.sinkEvery*e.timingEvery) == 0
}

// decided hands the decision numbered n to the sink when sampling keeps
// it, with its duration since start when it was timed. A panic in the sink
// is contained: the decision stands.
func (e *Engine) decided(ctx context.Context, n uint64, d *Decision, err error, start time.Time) {
	if e.sinkEvery > 1 && n%e.sinkEvery != 0 {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			e.logger.Error("authz: the decision sink panicked; the decision stands", "decision", n, "panic", fmt.Sprint(r))
		}
	}()
	var took time.Duration
	if !start.IsZero() {
		took = time.Since(start)
	}
	e.sink.Decided(ctx, DecisionEvent{ID: n, Decision: *d, Err: err, Revision: e.liveRevision.Load(), Duration: took})
}

// SlogSink is a DecisionSink writing one log line a decision: the
// decision's id, subject, permission, tenant, resource, outcome, deciding
// rule and relation, the policy's revision and the time taken. Requests
// hold no secret; the line holds nothing else.
type SlogSink struct {
	// Logger receives the lines. Required.
	Logger *slog.Logger
	// Level is the level of allowed decisions; denied ones and failures
	// are logged one level up (Info → Warn). Default Info (the zero
	// Level).
	Level slog.Level
}

// Decided logs e.
func (s SlogSink) Decided(ctx context.Context, e DecisionEvent) {
	level, outcome := s.Level, "allow"
	if !e.Decision.Allowed {
		level, outcome = s.Level+4, "deny"
	}
	if !s.Logger.Enabled(ctx, level) {
		return
	}
	req := e.Decision.Request
	attrs := []slog.Attr{
		slog.Uint64("decision", e.ID), slog.String("outcome", outcome),
		slog.String("subject", req.Subject), slog.String("permission", string(req.Permission)),
	}
	if req.Tenant != "" {
		attrs = append(attrs, slog.String("tenant", req.Tenant))
	}
	if req.Resource.ID != "" {
		attrs = append(attrs, slog.String("resource", req.Resource.ID))
	}
	if req.Resource.Owner != "" {
		attrs = append(attrs, slog.String("owner", req.Resource.Owner))
	}
	if e.Decision.Matched() {
		attrs = append(attrs, slog.String("rule", e.Decision.Rule.String()))
	}
	if e.Decision.Relation.Subject != "" {
		attrs = append(attrs, slog.String("relation", e.Decision.Relation.String()))
	}
	attrs = append(attrs, slog.Int64("revision", e.Revision), slog.Duration("took", e.Duration))
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	}
	s.Logger.LogAttrs(ctx, level, "authz decision", attrs...)
}
