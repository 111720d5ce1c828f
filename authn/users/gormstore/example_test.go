package gormstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/gormstore"
)

// Accounts kept in a SQL database: the table is created on first use, and
// every process of the application opening the same database shares them.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "gatehouse-users-gormstore-example")
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
	directory, err := users.New(store, users.Config{})
	if err != nil {
		log.Fatal(err)
	}
	bob, err := directory.Register(ctx, "Bob@Example.com", "correct horse battery staple", "Bob")
	if err != nil {
		log.Fatal(err)
	}

	var hashes []string
	db.Table("gatehouse_users").Where("id = ?", bob.ID).Pluck("password_hash", &hashes)
	fmt.Println(bob.Email, strings.HasPrefix(hashes[0], "$argon2id$"))
	// Output: bob@example.com true
}
