package users_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

// Register an account, then log in with it.
func ExampleDirectory_Authenticate() {
	ctx := context.Background()
	directory, err := users.New(memstore.New(), users.Config{}) // Argon2id, 12 to 128 characters
	if err != nil {
		log.Fatal(err)
	}
	if _, err := directory.Register(ctx, "Bob@Example.com", "correct horse battery staple", "Bob"); err != nil {
		log.Fatal(err)
	}

	u, err := directory.Authenticate(ctx, "bob@example.com", "correct horse battery staple")
	fmt.Println(u.Email, u.Name, err)

	_, wrongPassword := directory.Authenticate(ctx, "bob@example.com", "Tr0ub4dor&3")
	_, unknownEmail := directory.Authenticate(ctx, "eve@example.com", "Tr0ub4dor&3")
	fmt.Println(errors.Is(wrongPassword, authn.ErrInvalidCredentials), wrongPassword.Error() == unknownEmail.Error())
	// Output:
	// bob@example.com Bob <nil>
	// true true
}

// Registration reports every problem with the form at once.
func ExampleDirectory_Register() {
	directory, err := users.New(memstore.New(), users.Config{})
	if err != nil {
		log.Fatal(err)
	}

	_, err = directory.Register(context.Background(), "bob@localhost", "hunter2", "Bob")
	fmt.Println(err)
	fmt.Println(errors.Is(err, users.ErrInvalidEmail))
	// Output:
	// users: invalid email: domain must contain a dot
	// password: password too short: 7 characters, at least 12
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

// Refuse passwords known from data breaches (OWASP ASVS 2.1.7). In
// production, use password.NewPwnedPasswords(password.PwnedPasswordsConfig{})
// to ask Have I Been Pwned; here a short list stands in for it.
func ExampleDirectory_Register_breachedPassword() {
	ctx := context.Background()
	directory, err := users.New(memstore.New(), users.Config{
		BreachChecker: password.NewList([]string{"Password1234!", "qwertyuiop123"}),
	})
	if err != nil {
		log.Fatal(err)
	}

	_, err = directory.Register(ctx, "bob@example.com", "Password1234!", "Bob")
	fmt.Println(err)
	fmt.Println(errors.Is(err, password.ErrBreached), errors.Is(err, password.ErrInvalidPassword))
	_, err = directory.Register(ctx, "bob@example.com", "correct horse battery staple", "Bob")
	fmt.Println(err)
	// Output:
	// users: password appears in a data breach
	// true true
	// <nil>
}

// Pepper the stored hashes (OWASP ASVS 2.4.5): any hasher wrapped by
// password.Peppered will do. The pepper comes from outside the database,
// such as a secrets manager, and never changes.
func ExampleConfig_pepper() {
	pepper := []byte("32+ random bytes from a secrets manager") // not a literal in real code
	argon, err := password.NewArgon2id(password.DefaultArgon2idParams)
	if err != nil {
		log.Fatal(err)
	}
	// AcceptUnpeppered lets users registered before the pepper log in, and
	// peppers their hashes as they do; drop it once all are.
	hasher, err := password.Peppered(argon, pepper, password.AcceptUnpeppered())
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	directory, err := users.New(memstore.New(), users.Config{Hasher: hasher})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := directory.Register(ctx, "bob@example.com", "correct horse battery staple", "Bob"); err != nil {
		log.Fatal(err)
	}
	u, err := directory.Authenticate(ctx, "bob@example.com", "correct horse battery staple")
	fmt.Println(u.Email, err)
	// Output:
	// bob@example.com <nil>
}
