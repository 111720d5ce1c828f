package observe

import (
	"context"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Decided counts e by its outcome, and records its duration when it was
// timed. It allocates nothing.
func (o *Observer) Decided(ctx context.Context, e authz.DecisionEvent) {
	opts := &o.denied
	switch {
	case e.Err != nil:
		opts = &o.undecided
	case e.Decision.Allowed:
		opts = &o.allowed
	}
	o.decisions.Add(ctx, 1, opts.add...)
	if e.Duration > 0 {
		o.decisionTime.Record(ctx, e.Duration.Seconds(), opts.record...)
	}
}
