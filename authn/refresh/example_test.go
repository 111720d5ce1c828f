package refresh_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/refresh/gormstore"
)

// A login issues the first token of a family; each refresh exchanges the
// client's token for the next. A token presented a second time is taken as
// stolen, and the whole family dies. The tokens are kept in a SQL database
// through gormstore; refresh/memstore keeps them in memory.
func ExampleTokens_Rotate() {
	dir, err := os.MkdirTemp("", "gatehouse-refresh")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	store, err := gormstore.New(ctx, db) // creates the table gatehouse_refresh_tokens
	if err != nil {
		log.Fatal(err)
	}
	refreshes, err := refresh.New(store, refresh.Config{})
	if err != nil {
		log.Fatal(err)
	}

	first, err := refreshes.Issue(ctx, "user-42") // at login
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(first.Value.Reveal(), "rt_"), first.Value) // printing never leaks it

	second, err := refreshes.Rotate(ctx, first.Value.Reveal()) // at refresh
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(second.Subject, second.FamilyID == first.FamilyID)

	_, err = refreshes.Rotate(ctx, first.Value.Reveal()) // the old token again: theft
	fmt.Println(errors.Is(err, authn.ErrTokenReused))

	_, err = refreshes.Rotate(ctx, second.Value.Reveal()) // the family is dead
	fmt.Println(errors.Is(err, authn.ErrTokenRevoked))
	// Output:
	// true [REDACTED]
	// user-42 true
	// true
	// true
}
