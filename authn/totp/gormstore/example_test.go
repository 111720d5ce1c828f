package gormstore_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/gormstore"
)

// Second factors kept in a SQL database: the table is created on first
// use, and every process of the application opening the same database,
// with the same key, shares them.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "gatehouse-totp-example")
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

	store, err := gormstore.New(ctx, db) // creates the table gatehouse_totp
	if err != nil {
		log.Fatal(err)
	}
	key := make([]byte, totp.KeySize) // in production, from a secret manager
	if _, err := rand.Read(key); err != nil {
		log.Fatal(err)
	}
	mfa, err := totp.New(store, totp.Config{Issuer: "Example", Key: key})
	if err != nil {
		log.Fatal(err)
	}
	e, err := mfa.Enroll(ctx, "usr_42", "alice@example.com")
	if err != nil {
		log.Fatal(err)
	}

	var row struct{ Pending []byte }
	db.Table("gatehouse_totp").Where("user_id = ?", "usr_42").Select("pending").Scan(&row)
	fmt.Println(len(row.Pending), string(row.Pending) != e.Secret.Reveal())
	// Output: 49 true
}
