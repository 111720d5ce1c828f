package gormstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/gormstore"
)

// A Limiter whose counts live in a database: every process that opens the
// database shares them, and a restart keeps them.
func Example() {
	dir, err := os.MkdirTemp("", "gatehouse-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	store, err := gormstore.New(ctx, db) // creates the tables if they are missing
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	cfg := throttle.Config{MaxFailures: 2, Now: func() time.Time { return now }}
	limiter, err := throttle.New(store, cfg)
	if err != nil {
		log.Fatal(err)
	}
	for range 2 {
		attempt, err := limiter.Reserve(ctx, "alice@example.com", "192.0.2.1:40000")
		if err != nil {
			log.Fatal(err)
		}
		if err := attempt.Failed(ctx); err != nil { // a wrong password
			log.Fatal(err)
		}
	}

	// Another process, or this one after a restart, on the same database.
	again, err := gormstore.New(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	restarted, err := throttle.New(again, cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(restarted.Check(ctx, "alice@example.com", ""))
	// Output:
	// too many attempts: retry after 900s
}
