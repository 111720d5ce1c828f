package observe

import (
	"context"
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// tally counts what happens on every request — decisions,
// authentications — by a fixed list of attribute sets, each with an
// atomic add, and reports the counts through an observable counter when
// the meter collects: a count costs an atomic add, where a synchronous
// counter looks its attributes up on every call.
type tally struct {
	counts []atomic.Int64
	opts   [][]metric.ObserveOption
}

// newTally registers the observable counter name, whose points are sets.
func newTally(meter metric.Meter, name, unit, description string, sets []attribute.Set) (*tally, error) {
	t := &tally{counts: make([]atomic.Int64, len(sets)), opts: make([][]metric.ObserveOption, len(sets))}
	for i, set := range sets {
		t.opts[i] = []metric.ObserveOption{metric.WithAttributeSet(set)}
	}
	_, err := meter.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(description),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			for i := range t.counts {
				// A point appears with its first count, as a synchronous
				// counter's does.
				if n := t.counts[i].Load(); n > 0 {
					o.Observe(n, t.opts[i]...)
				}
			}
			return nil
		}))
	if err != nil {
		return nil, fmt.Errorf("observe: %s: %w", name, err)
	}
	return t, nil
}

// add counts one of the i-th set.
func (t *tally) add(i int) { t.counts[i].Add(1) }
