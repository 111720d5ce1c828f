package stack

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
)

// EnsureUser makes sure an account with email exists and holds roles, for
// seeding an application's first administrator or a test's users. An
// account that is missing is registered with password and name; one that
// exists is left as it is, its password included, and only given the
// roles it lacks. It is safe when replicas start together.
func (s *Stack) EnsureUser(ctx context.Context, email, password, name string, roles ...string) (users.User, error) {
	u, _, err := s.Users.RegisterOrFind(ctx, email, password, name)
	if err != nil {
		return users.User{}, fmt.Errorf("stack: ensure user %s: %w", email, err)
	}
	for _, role := range roles {
		if err := s.Engine.AssignRole(ctx, u.ID, role); err != nil && !errors.Is(err, authz.ErrExists) {
			return u, fmt.Errorf("stack: ensure user %s holds %q: %w", email, role, err)
		}
	}
	return u, nil
}
