package gormstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/gormstore"
)

// Codes kept in a SQL database: the table is created on first use, and
// every process of the application opening the same database shares them.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "gatehouse-recovery-gormstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	ctx := context.Background()

	store, err := gormstore.New(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	codes, err := recovery.New(store, recovery.Config{})
	if err != nil {
		log.Fatal(err)
	}
	const userID = "usr_0123456789abcdef0123456789abcdef"
	list, err := codes.Generate(ctx, userID)
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println(codes.Use(ctx, userID, list[0].Reveal()))
	// The same code a second time is refused, on this process or another.
	err = codes.Use(ctx, userID, list[0].Reveal())
	fmt.Println(errors.Is(err, recovery.ErrInvalidCode))
	n, err := codes.Remaining(ctx, userID)
	fmt.Println(n, err)
	// Output:
	// <nil>
	// true
	// 9 <nil>
}
