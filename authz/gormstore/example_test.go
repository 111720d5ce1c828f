package gormstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Policies persist in any database GORM opens; SQLite needs no server.
// Every edit is in the database before it returns, and an engine started
// later, in this process or another, loads it.
func Example() {
	dir, err := os.MkdirTemp("", "gatehouse-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	open := func() *authz.Engine {
		db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			log.Fatal(err)
		}
		store, err := gormstore.New(ctx, db) // creates casbin_rule and gatehouse's two tables
		if err != nil {
			log.Fatal(err)
		}
		engine, err := authz.New(ctx, authz.WithStore(store)) // the first start seeds the default policy
		if err != nil {
			log.Fatal(err)
		}
		return engine
	}

	engine := open()
	if err := engine.AssignRole(ctx, "bob", "moderator"); err != nil {
		log.Fatal(err)
	}

	restarted := open()
	roles, _ := restarted.Roles(ctx, "bob")
	fmt.Println(roles)
	// Output: [moderator user]
}

// Under the model with tenants, an engine restricted to some tenants — one
// replica of a deployment whose tenants are split across replicas — loads
// only the lines that can apply there: its tenants', those of the tenants
// above them, and those for every tenant.
func ExampleStore_LoadTenants() {
	dir, err := os.MkdirTemp("", "gatehouse-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	open := func(opts ...authz.Option) *authz.Engine {
		db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			log.Fatal(err)
		}
		store, err := gormstore.New(ctx, db)
		if err != nil {
			log.Fatal(err)
		}
		engine, err := authz.New(ctx, append([]authz.Option{authz.WithModel(gatehouse.TenantModel()), authz.WithStore(store)}, opts...)...)
		if err != nil {
			log.Fatal(err)
		}
		return engine
	}

	platform := open()
	for _, tenant := range []string{"acme", "globex"} {
		if err := platform.Tenant(tenant).AddGrant(ctx, authz.Grant{Subject: "admin", Permission: "users:*", Scope: permissions.Any}); err != nil {
			log.Fatal(err)
		}
	}
	if err := platform.Tenant("acme/eu").AssignRole(ctx, "alice", "admin"); err != nil {
		log.Fatal(err)
	}
	if err := platform.Tenant(authz.AllTenants).AssignRole(ctx, "ops", "admin"); err != nil {
		log.Fatal(err)
	}

	acme := open(authz.WithTenants("acme"))
	p, _ := acme.Policy(ctx)
	fmt.Print(p)
	// Output:
	// p, admin, acme, users:*, any, allow
	// g, alice, admin, acme/eu
	// g, ops, admin, *
}
