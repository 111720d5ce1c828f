package users_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// Register an account, then log in with it.
func ExampleStore_Authenticate() {
	dir, err := os.MkdirTemp("", "gatehouse-users")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	store, err := users.New(ctx, db, users.Config{}) // Argon2id, 8 to 128 characters
	if err != nil {
		log.Fatal(err)
	}
	if _, err := store.Register(ctx, "Bob@Example.com", "correct horse battery staple", "Bob"); err != nil {
		log.Fatal(err)
	}

	u, err := store.Authenticate(ctx, "bob@example.com", "correct horse battery staple")
	fmt.Println(u.Email, u.Name, err)

	_, wrongPassword := store.Authenticate(ctx, "bob@example.com", "Tr0ub4dor&3")
	_, unknownEmail := store.Authenticate(ctx, "eve@example.com", "Tr0ub4dor&3")
	fmt.Println(errors.Is(wrongPassword, authn.ErrInvalidCredentials), wrongPassword.Error() == unknownEmail.Error())
	// Output:
	// bob@example.com Bob <nil>
	// true true
}

// Registration reports every problem with the form at once.
func ExampleStore_Register() {
	dir, err := os.MkdirTemp("", "gatehouse-users")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	store, err := users.New(context.Background(), db, users.Config{})
	if err != nil {
		log.Fatal(err)
	}

	_, err = store.Register(context.Background(), "bob@localhost", "hunter2", "Bob")
	fmt.Println(err)
	fmt.Println(errors.Is(err, users.ErrInvalidEmail))
	// Output:
	// users: invalid email: domain must contain a dot
	// password: password too short: 7 characters, at least 8
	// true
}

func ExampleNormalizeEmail() {
	email, err := users.NormalizeEmail("  Bob.Smith@Example.COM ")
	fmt.Println(email, err)
	_, err = users.NormalizeEmail("Bob <bob@example.com>")
	fmt.Println(err)
	// Output:
	// bob.smith@example.com <nil>
	// users: invalid email: not a bare address such as name@example.com
}
