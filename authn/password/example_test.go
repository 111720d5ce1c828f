package password_test

import (
	"errors"
	"fmt"
	"log"

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
	rules := password.Rules{} // 8 to 128 characters
	for _, candidate := range []string{"hunter2", "correct horse battery staple", "ünïcödé!"} {
		if err := rules.Check(candidate); err != nil {
			fmt.Println(errors.Is(err, password.ErrInvalidPassword), err)
			continue
		}
		fmt.Println("ok")
	}
	// Output:
	// true password: password too short: 7 characters, at least 8
	// ok
	// ok
}
