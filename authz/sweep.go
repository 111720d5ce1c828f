package authz

import (
	"context"
	"sync"
	"time"
)

// SweepExpired removes from the policy, and from its store, every grant,
// role assignment and relation whose expiry is not after now (the
// engine's clock), in one edit, and returns how many lines it removed.
// Decisions ignore such lines already; sweeping keeps the policy and its
// store from growing with them. Call it now and then, or let the engine
// call it with WithSweepEvery.
func (e *Engine) SweepExpired(ctx context.Context) (removed int, err error) {
	err = e.edit(defaultSource(ctx, SourceSweep), func() (Change, error) {
		c := e.expired(e.now())
		removed = len(c.RemoveGrants) + len(c.RemoveRoles) + len(c.RemoveRelations)
		return c, nil
	})
	if err != nil {
		return 0, err
	}
	return removed, nil
}

// expired returns the removal of every line expired at now (Unix
// seconds); the caller holds editMu.
func (e *Engine) expired(now int64) Change {
	var c Change
	ix := e.index.Load()
	if ix == nil {
		return c
	}
	if ix.expiring > 0 {
		for i := range ix.shards {
			ix.shards[i].each(func(h holderRecord) {
				for _, g := range h.grants() {
					if !live(g.expires, now) {
						c.RemoveGrants = append(c.RemoveGrants, g.grant)
					}
				}
				for _, l := range h.parents() {
					if !live(l.expires, now) {
						c.RemoveRoles = append(c.RemoveRoles, RoleAssignment{Member: h.name, Role: l.role, Tenant: l.tenant, Expires: unixExpiry(l.expires)})
					}
				}
			})
		}
	}
	if ix.rel != nil {
		for i := range ix.rel.resources {
			ix.rel.resources[i].each(func(r *resourceRecord) {
				for _, entry := range r.relations {
					if !live(entry.expires, now) {
						c.RemoveRelations = append(c.RemoveRelations, Relation{Subject: entry.subject, Role: entry.role, Resource: r.name, Expires: unixExpiry(entry.expires)})
					}
				}
			})
		}
	}
	return c
}

// WithSweepEvery makes the engine call SweepExpired every interval, from
// New until Close, logging the sweeps that fail. Replicas sharing a store
// may all sweep: a sweep that finds the lines gone already changes
// nothing.
func WithSweepEvery(interval time.Duration) Option {
	return func(c *config) { c.sweepEvery = interval }
}

// sweeper calls SweepExpired every interval until stopped.
type sweeper struct {
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func (e *Engine) startSweeper(interval time.Duration) {
	s := &sweeper{stop: make(chan struct{}), done: make(chan struct{})}
	e.sweeper = s
	go func() {
		defer close(s.done)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-ticker.C:
				ctx, cancel := context.WithTimeout(context.Background(), interval)
				if n, err := e.SweepExpired(ctx); err != nil {
					e.logger.Warn("gatehouse: sweeping expired policy lines failed", "error", err)
				} else if n > 0 {
					e.logger.Debug("gatehouse: swept expired policy lines", "lines", n)
				}
				cancel()
			}
		}
	}()
}

// close stops the sweeper and waits for a sweep under way.
func (s *sweeper) close() {
	s.once.Do(func() { close(s.stop) })
	<-s.done
}
