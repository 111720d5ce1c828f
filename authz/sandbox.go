package authz

import (
	"context"
	"fmt"
)

// Sandbox returns a new engine with e's model and a copy of e's policy as
// it is now, in memory: no store, no notifier, no sweeping, its clock
// e's. Edits to either engine leave the other as it is: a sandbox is for
// trying an edit, or running decision tables whose fixtures assign roles
// (package authztest), without touching the policy that decides
// requests. Under WithTenants the sandbox holds e's tenants alone.
func (e *Engine) Sandbox(ctx context.Context) (*Engine, error) {
	p, err := e.Policy(ctx)
	if err != nil {
		return nil, err
	}
	opts := []Option{WithModel(e.model.ToText()), WithPolicy(p.String()), WithLogger(e.logger)}
	if e.clock != nil {
		opts = append(opts, WithClock(e.clock))
	}
	sandbox, err := New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("authz: sandbox: %w", err)
	}
	return sandbox, nil
}
