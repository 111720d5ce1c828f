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

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
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
