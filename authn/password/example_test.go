package password_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
)

// Hash a password when it is chosen; verify it at login.
func ExampleNewArgon2id() {
	hasher, err := password.NewArgon2id(password.DefaultArgon2idParams)
	if err != nil {
		log.Fatal(err)
	}
	encoded, err := hasher.Hash("correct horse battery staple")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(encoded[:31])

	ok, _ := hasher.Verify(encoded, "correct horse battery staple")
	fmt.Println(ok)
	ok, _ = hasher.Verify(encoded, "Tr0ub4dor&3")
	fmt.Println(ok)
	// Output:
	// $argon2id$v=19$m=19456,t=2,p=1$
	// true
	// false
}

// A system moving from bcrypt to Argon2id keeps verifying its bcrypt
// hashes, and replaces each at its owner's next login.
func ExampleVerify() {
	stored := "$2a$04$aMkI/uiZPER4wJj7VB8l4e67JJ6pWeYyAWnx8ACIisafqK4BfWv1G" // legacy bcrypt
	hasher, _ := password.NewArgon2id(password.DefaultArgon2idParams)

	ok, err := password.Verify(stored, "correct horse battery staple")
	if err != nil {
		log.Fatal(err)
	}
	if ok && hasher.NeedsRehash(stored) {
		stored, _ = hasher.Hash("correct horse battery staple")
	}
	fmt.Println(ok, stored[:10])

	_, err = password.Verify("5f4dcc3b5aa765d61d8327deb882cf99", "password")
	fmt.Println(errors.Is(err, password.ErrMalformedHash))
	// Output:
	// true $argon2id$
	// true
}

func ExampleRules_Check() {
	rules := password.Rules{} // 12 to 128 characters
	for _, candidate := range []string{"hunter2", "Tr0ub4dor&3", "correct horse battery staple", "ünïcödé pässwörd"} {
		if err := rules.Check(candidate); err != nil {
			fmt.Println(errors.Is(err, password.ErrInvalidPassword), err)
			continue
		}
		fmt.Println("ok")
	}
	// Output:
	// true password: password too short: 7 characters, at least 12
	// true password: password too short: 11 characters, at least 12
	// ok
	// ok
}

// Pepper the hashes: the pepper comes from outside the database, here an
// environment variable holding 32 random bytes in base64.
func ExamplePeppered() {
	pepper := mustDecode("Q2hhbmdlIG1lOiBhIHBlcHBlciBpcyAzMiByYW5kb20gYnl0ZXMh") // os.Getenv("PASSWORD_PEPPER")
	argon, err := password.NewArgon2id(password.DefaultArgon2idParams)
	if err != nil {
		log.Fatal(err)
	}
	hasher, err := password.Peppered(argon, pepper)
	if err != nil {
		log.Fatal(err)
	}
	encoded, err := hasher.Hash("correct horse battery staple")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(encoded[:39])
	ok, _ := hasher.Verify(encoded, "correct horse battery staple")
	fmt.Println(ok)

	// Without the pepper, the hash is of no use.
	_, err = password.Verify(encoded, "correct horse battery staple")
	fmt.Println(errors.Is(err, password.ErrMalformedHash))
	_, err = password.Peppered(argon, []byte("too short"))
	fmt.Println(errors.Is(err, authn.ErrWeakSecret))
	// Output:
	// $pepper$$argon2id$v=19$m=19456,t=2,p=1$
	// true
	// true
	// true
}

// Introduce a pepper to a system that already stores hashes: the old ones
// keep verifying and are replaced by peppered ones at each owner's next
// login (package users does this by itself). Remove AcceptUnpeppered once
// none is left.
func ExampleAcceptUnpeppered() {
	stored := "$2a$04$aMkI/uiZPER4wJj7VB8l4e67JJ6pWeYyAWnx8ACIisafqK4BfWv1G" // made before the pepper
	argon, _ := password.NewArgon2id(password.DefaultArgon2idParams)
	hasher, err := password.Peppered(argon, mustDecode("Q2hhbmdlIG1lOiBhIHBlcHBlciBpcyAzMiByYW5kb20gYnl0ZXMh"), password.AcceptUnpeppered())
	if err != nil {
		log.Fatal(err)
	}

	ok, err := hasher.Verify(stored, "correct horse battery staple")
	if err != nil {
		log.Fatal(err)
	}
	if ok && hasher.NeedsRehash(stored) {
		stored, _ = hasher.Hash("correct horse battery staple")
	}
	fmt.Println(ok, stored[:18], hasher.NeedsRehash(stored))
	// Output:
	// true $pepper$$argon2id$ false
}

func mustDecode(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		log.Fatal(err)
	}
	return b
}
