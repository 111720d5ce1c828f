package main

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/stack"
)

// demoUser is an account the first start creates.
type demoUser struct {
	email, password, name string
	// roles are the user's roles by organization; "*" for every one.
	roles map[string]string
}

// demoUsers: alice is an admin of acme and a viewer of globex, bob a
// member of acme and the owner of globex, carol owns acme, dave is a
// guest in acme, and ops operates the platform.
var demoUsers = []demoUser{
	{"alice@example.com", "alice-password", "Alice", map[string]string{"acme": roleAdmin, "globex": roleViewer}},
	{"bob@example.com", "bob-password", "Bob", map[string]string{"acme": roleMember, "globex": roleOwner}},
	{"carol@example.com", "carol-password", "Carol", map[string]string{"acme": roleOwner}},
	{"dave@example.com", "dave-password", "Dave", map[string]string{"acme": roleGuest}},
	{"ops@example.com", "ops-password", "Ops", map[string]string{authz.AllTenants: operator}},
}

// demoProjects are the projects the first start creates, by organization
// and owner's email.
var demoProjects = []struct{ org, owner, name string }{
	{"acme", "carol@example.com", "Roadmap"},
	{"acme", "bob@example.com", "Website"},
	{"acme", "dave@example.com", "Dave's notes"},
	{"globex", "bob@example.com", "Launch"},
}

// seed creates the demo users, organizations, roles and projects on the
// first start. Its steps may be run again: users and roles are made only
// where missing, and the rows are written in one transaction with the mark
// that ends the seeding, so a start that failed half way is completed by
// the next.
func seed(ctx context.Context, auth *stack.Stack, st *store) error {
	var marks int64
	if err := st.db.WithContext(ctx).Model(&seedMark{}).Where("name = ?", "demo").Count(&marks).Error; err != nil || marks > 0 {
		return err
	}
	ids := map[string]string{} // email → user id
	for _, u := range demoUsers {
		account, err := auth.EnsureUser(ctx, u.email, u.password, u.name)
		if err != nil {
			return err
		}
		ids[u.email] = account.ID
		for tenant, role := range u.roles {
			err := auth.Engine.Tenant(tenant).AssignRole(ctx, account.ID, role)
			if err != nil && !errors.Is(err, authz.ErrExists) {
				return fmt.Errorf("tenants: seed %s as %s of %s: %w", u.email, role, tenant, err)
			}
		}
	}
	return st.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, name := range []string{"acme", "globex"} {
			if err := tx.Create(&org{Name: name}).Error; err != nil {
				return err
			}
		}
		for _, p := range demoProjects {
			if err := tx.Create(&project{Org: p.org, OwnerID: ids[p.owner], Name: p.name}).Error; err != nil {
				return err
			}
		}
		return tx.Create(&seedMark{Name: "demo"}).Error
	})
}
