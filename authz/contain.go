package authz

import (
	"context"
	"fmt"
	"runtime/debug"
)

// A panic inside Casbin or a store must not take the application down, nor
// leave it deciding on a policy nobody wrote. Every entry point that calls
// into either defers contain, which turns the panic into an error matching
// ErrEngine and logs it with its stack. A decision that panics is a denial.
// An edit that panics after it may have touched memory marks the engine
// failed: decisions and queries fail closed with ErrUnavailable until the
// engine has rebuilt its policy (recoverLocked).

// contain recovers a panic into *err, an error matching ErrEngine;
// deferred, with err the function's named error result.
func (e *Engine) contain(err *error, what string) {
	if r := recover(); r != nil {
		*err = e.recovered(r, ErrEngine, what)
	}
}

// recovered logs the panic r, met while doing what, and returns it as an
// error matching kind.
func (e *Engine) recovered(r any, kind error, what string) error {
	e.logger.Error("gatehouse: recovered a panic in the policy engine", "operation", what,
		"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	return fmt.Errorf("%w: %s panicked: %v", kind, what, r)
}

// loadStore reads the whole policy from the store and validates it.
func (e *Engine) loadStore(ctx context.Context) (policy Policy, revision int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = e.recovered(r, ErrStore, "loading the policy store")
		}
	}()
	source := storeSource(e.store)
	if ts, ok := e.store.(TenantStore); ok && e.shard != nil {
		policy, revision, err = ts.LoadTenants(ctx, e.shard.selects)
	} else {
		policy, revision, err = e.store.Load(ctx)
	}
	if err != nil {
		e.storeFailed(ctx, StoreLoad, err)
		return Policy{}, 0, fmt.Errorf("%w: load %s: %w", ErrStore, source, err)
	}
	// Whatever the store returned, a restricted engine keeps its own.
	policy = e.shard.filter(policy)
	if err := e.validateStored(source, policy); err != nil {
		return Policy{}, 0, err
	}
	return policy, revision, nil
}

// applyStore commits c to the store at the revision after base. A panic
// leaves it unknown whether the store took c, so it marks memory failed,
// to be reloaded. A store that answers with another revision than base+1
// has not kept its contract: memory is marked failed too.
func (e *Engine) applyStore(ctx context.Context, c Change, base int64) (revision int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = e.recovered(r, ErrStore, "committing an edit to the policy store")
			e.fail(err)
		}
	}()
	if revision, err = e.store.Apply(ctx, c, base); err != nil {
		return 0, err
	}
	if revision != base+1 {
		err = fmt.Errorf("%s answered revision %d to an edit at revision %d", storeSource(e.store), revision, base)
		e.fail(err)
		return 0, err
	}
	return revision, nil
}

// engineFailure is why the policy in memory cannot be vouched for.
type engineFailure struct{ err error }

// fail marks memory untrustworthy after cause; decisions fail closed with
// ErrUnavailable until recoverLocked succeeds.
func (e *Engine) fail(cause error) {
	e.failed.Store(&engineFailure{err: fmt.Errorf(
		"%w: the policy in memory may be inconsistent after %w; it is rebuilt by the next edit or Reload", ErrUnavailable, cause)})
}

// failure returns the error set by fail, or nil.
func (e *Engine) failure() error {
	if f := e.failed.Load(); f != nil {
		return f.err
	}
	return nil
}

// recoverLocked rebuilds memory after a failure: from the store when there
// is one, which holds every committed edit; otherwise from the decision
// index, which an edit changes only after Casbin has taken it, or, for a
// model the index does not serve, from what Casbin still holds. The caller
// holds editMu. A successful install clears the failure.
func (e *Engine) recoverLocked(ctx context.Context) (err error) {
	defer e.contain(&err, "rebuilding the policy")
	if e.store != nil {
		return e.reloadLocked(context.WithoutCancel(ctx))
	}
	var policy Policy
	if ix := e.index.Load(); ix != nil {
		policy = ix.policy()
	} else if policy, err = e.currentPolicy(); err != nil {
		return err
	}
	return e.install(policy)
}
