package blog

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// demoUsers are seeded into an empty user table.
var demoUsers = []struct{ email, password, name, role string }{
	{"alice@example.com", "alice-password", "Alice", "admin"},
	{"carol@example.com", "carol-password", "Carol", "moderator"},
	{"bob@example.com", "bob-password", "Bob", "user"},
}

// seed creates the demo users when there are no users at all.
func (a *App) seed(ctx context.Context) error {
	n, err := a.Auth.Users.Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	for _, d := range demoUsers {
		u, err := a.Auth.Users.Register(ctx, d.email, d.password, d.name)
		if errors.Is(err, users.ErrEmailTaken) {
			continue // a replica starting beside this one seeded it
		}
		if err != nil {
			return fmt.Errorf("seed %s: %w", d.email, err)
		}
		if err := a.Auth.Engine.SetRoles(ctx, u.ID, []string{d.role}); err != nil {
			return fmt.Errorf("seed %s: %w", d.email, err)
		}
		// Never the password, though the README publishes it: logs hold no
		// credential of any kind.
		a.log.Info("demo user", "email", d.email, "role", d.role)
	}
	return nil
}
