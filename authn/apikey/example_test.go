package apikey_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/apikey/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/apikey/memstore"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
)

// A key is shown once, at creation; afterwards only its hash is stored, and
// it authenticates as its owner. The keys are kept in a SQL database
// through gormstore; the other example keeps them in memory.
func ExampleKeys_Create() {
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
	fmt.Println("printed by mistake:", secret)
	plain := secret.Reveal() // hand this to the user, once
	fmt.Println(strings.HasPrefix(plain, key.Display()+"_"))

	subject, err := keys.Verify(ctx, plain)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(subject.ID, subject.Method, subject.CredentialID == key.ID)

	// The same, from a request header.
	req := authntest.Request{Headers: map[string]string{"X-API-Key": plain}}
	subject, err = keys.Authenticator().Authenticate(ctx, req)
	fmt.Println(subject.ID, err)

	_ = keys.Revoke(ctx, key.ID)
	_, err = keys.Verify(ctx, plain)
	fmt.Println(errors.Is(err, authn.ErrInvalidAPIKey))
	// Output:
	// printed by mistake: [REDACTED]
	// true
	// user-42 api_key true
	// user-42 <nil>
	// true
}

// A handler creating a key for its caller passes the caller's Subject: a
// login older than MaxLoginAge must be renewed first. The keys are kept in
// memory, as a test or a single process may.
func ExampleKeys_CreateFor() {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	keys, err := apikey.New(memstore.New(), apikey.Config{Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}
	// As a session or bearer token authenticates it.
	caller := authn.Subject{ID: "user-42", Method: authn.MethodSession, AuthenticatedAt: now.Add(-time.Hour)}

	_, _, err = keys.CreateFor(ctx, caller, "CI deploy", nil)
	var reauth *authn.ReauthenticationError
	fmt.Println(errors.As(err, &reauth), reauth.MaxAge) // 401: log in again

	caller.AuthenticatedAt = now.Add(-time.Minute) // after logging in again
	key, _, err := keys.CreateFor(ctx, caller, "CI deploy", nil)
	fmt.Println(key.OwnerID, err)
	// Output:
	// true 15m0s
	// user-42 <nil>
}
