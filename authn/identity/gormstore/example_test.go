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

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/identity/gormstore"
)

// Links kept in a SQL database: the table is created on first use, and
// every process of the application opening the same database shares them.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "gatehouse-identity-gormstore-example")
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
	err = store.Create(ctx, identity.Link{
		Issuer:    "https://accounts.example.com",
		Subject:   "248289761001",
		UserID:    "usr_0123456789abcdef0123456789abcdef",
		CreatedAt: time.Now(),
	})
	if err != nil {
		log.Fatal(err)
	}

	link, found, err := store.Find(ctx, "https://accounts.example.com", "248289761001")
	fmt.Println(link.UserID, found, err)
	// Subjects compare byte for byte: a trailing space is another identity.
	_, found, err = store.Find(ctx, "https://accounts.example.com", "248289761001 ")
	fmt.Println(found, err)
	// Output:
	// usr_0123456789abcdef0123456789abcdef true <nil>
	// false <nil>
}
