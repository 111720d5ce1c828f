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

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/apikey/gormstore"
)

// API keys kept in a SQL database: the table is created on first use, and
// every process of the application opening the same database shares them.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "gatehouse-apikey-example")
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

	store, err := gormstore.New(ctx, db) // creates the table gatehouse_api_keys
	if err != nil {
		log.Fatal(err)
	}
	keys, err := apikey.New(store, apikey.Config{})
	if err != nil {
		log.Fatal(err)
	}
	key, secret, err := keys.Create(ctx, "user-42", "CI deploy", nil)
	if err != nil {
		log.Fatal(err)
	}

	var hashes []string
	db.Table("gatehouse_api_keys").Where("id = ?", key.ID).Pluck("hash", &hashes)
	fmt.Println(len(hashes), len(hashes[0]), hashes[0] != secret.Reveal())
	// Output: 1 64 true
}
