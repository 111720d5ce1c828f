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

	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/gormstore"
)

// Sessions kept in a SQL database: the table is created on first use, and
// every process of the application opening the same database shares them.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "gatehouse-gormstore-example")
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
	sessions, err := session.New(store, session.Config{})
	if err != nil {
		log.Fatal(err)
	}
	s, err := sessions.Create(ctx, "user-42", "")
	if err != nil {
		log.Fatal(err)
	}

	var hashes []string
	db.Table("gatehouse_sessions").Where("id = ?", s.ID).Pluck("token_hash", &hashes)
	fmt.Println(len(hashes), len(hashes[0]), hashes[0] != s.Token.Reveal())
	// Output: 1 64 true
}
