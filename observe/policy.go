package observe

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Edited counts an edit by its source and result, and the lines it
// changed.
func (o *Observer) Edited(ctx context.Context, e authz.EditEvent) {
	source := e.Actor.Source
	if source == "" {
		source = "unspecified"
	}
	source = oneOf(source, authz.SourceAPI, authz.SourceConsole, authz.SourceCLI, authz.SourceImport,
		authz.SourceSweep, authz.SourceSeed, "unspecified")
	result := "committed"
	switch {
	case e.Err == nil:
	case failed(e.Err):
		result = "failed"
	default:
		result = "refused"
	}
	o.edits.Add(ctx, 1, metric.WithAttributes(attribute.String("source", source), attribute.String("result", result)))
	if e.Added > 0 {
		o.linesChanged.Add(ctx, int64(e.Added), o.added...)
	}
	if e.Removed > 0 {
		o.linesChanged.Add(ctx, int64(e.Removed), o.removed...)
	}
}

// failed reports whether err is a failure of the engine or its store,
// rather than a refusal of the edit.
func failed(err error) bool {
	return errors.Is(err, authz.ErrStore) || errors.Is(err, authz.ErrEngine) || errors.Is(err, authz.ErrUnavailable) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// PeerEdited records how long a peer's edit took to arrive.
func (o *Observer) PeerEdited(ctx context.Context, e authz.PeerEditEvent) {
	if e.Lag > 0 {
		o.peerEditLag.Record(ctx, e.Lag.Seconds())
	}
}

// StoreFailed counts a failure of the policy's store.
func (o *Observer) StoreFailed(ctx context.Context, operation string, _ error) {
	operation = oneOf(operation, authz.StoreEdit, authz.StoreLoad, authz.StoreCheck, authz.StoreHistory)
	o.storeErrors.Add(ctx, 1, metric.WithAttributes(attribute.String("component", "policy"), attribute.String("operation", operation)))
}

// ObserveEngine reports e's state (authz.Engine.Status) when the meter
// collects: PolicyRevisionName, PolicyAvailableName, PolicyReloadsName,
// and for an engine following its peers ReplicaConnectedName and
// ReplicaStalenessName.
func (o *Observer) ObserveEngine(e *authz.Engine) error {
	if e == nil {
		return errors.New("observe: nil engine")
	}
	var errs []error
	gauge := func(name, unit, description string) metric.Int64ObservableGauge {
		g, err := o.meter.Int64ObservableGauge(name, metric.WithUnit(unit), metric.WithDescription(description))
		if err != nil {
			errs = append(errs, fmt.Errorf("observe: %s: %w", name, err))
		}
		return g
	}
	revision := gauge(PolicyRevisionName, "{revision}", "The revision of the policy decisions read.")
	available := gauge(PolicyAvailableName, "", "1 while the engine vouches for its policy and decides; 0 while decisions fail closed.")
	connected := gauge(ReplicaConnectedName, "", "1 while the notifier a replica follows its peers on is connected, 0 otherwise.")
	reloads, err := o.meter.Int64ObservableCounter(PolicyReloadsName, metric.WithUnit("{reload}"),
		metric.WithDescription("Loads of the whole policy from the store since the engine started."))
	if err != nil {
		errs = append(errs, fmt.Errorf("observe: %s: %w", PolicyReloadsName, err))
	}
	staleness, err := o.meter.Float64ObservableGauge(ReplicaStalenessName, metric.WithUnit("s"),
		metric.WithDescription("How long ago a replica last found its policy current with the store."))
	if err != nil {
		errs = append(errs, fmt.Errorf("observe: %s: %w", ReplicaStalenessName, err))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	_, err = o.meter.RegisterCallback(func(_ context.Context, ob metric.Observer) error {
		s := e.Status()
		ob.ObserveInt64(revision, s.Revision)
		ob.ObserveInt64(available, boolValue(s.Available))
		ob.ObserveInt64(reloads, s.Reloads)
		if s.Following {
			ob.ObserveInt64(connected, boolValue(s.Connected))
			if !s.LastCurrent.IsZero() {
				ob.ObserveFloat64(staleness, max(time.Since(s.LastCurrent).Seconds(), 0))
			}
		}
		return nil
	}, revision, available, reloads, connected, staleness)
	if err != nil {
		return fmt.Errorf("observe: the engine's state: %w", err)
	}
	return nil
}

func boolValue(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
