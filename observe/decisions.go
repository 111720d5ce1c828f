package observe

import (
	"context"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Decided counts e by its outcome, and records its duration when it was
// timed. It allocates nothing, and counting costs an atomic add.
func (o *Observer) Decided(ctx context.Context, e authz.DecisionEvent) {
	i, opts := 1, o.denied
	switch {
	case e.Err != nil:
		i, opts = 2, o.undecided
	case e.Decision.Allowed:
		i, opts = 0, o.allowed
	}
	o.decisions.add(i)
	if e.Duration > 0 {
		o.decisionTime.Record(ctx, e.Duration.Seconds(), opts...)
	}
}
