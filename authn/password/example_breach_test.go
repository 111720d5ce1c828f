package password_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

// Ask the Pwned Passwords service whether a password has leaked. Only the
// first five hex digits of its SHA-1 are sent. Here a local server stands
// in for the service, answering as it does for the prefix of "Tr0ub4dor&3";
// in production leave BaseURL empty.
func ExamplePwnedPasswords() {
	service := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("asked for", r.URL.Path)
		fmt.Fprint(w, "2E7A5AE6A49466A6AC578B98ADBA78C6AA6:1311\r\n0005AD76BD555C1D6D771DE417A4B87E4B4:0\r\n")
	}))
	defer service.Close()

	checker, err := password.NewPwnedPasswords(password.PwnedPasswordsConfig{BaseURL: service.URL})
	if err != nil {
		log.Fatal(err)
	}
	breached, err := checker.Breached(context.Background(), "Tr0ub4dor&3")
	fmt.Println(breached, err)
	breached, err = checker.Breached(context.Background(), "a passphrase nobody has used")
	fmt.Println(breached, err)

	service.Close()
	_, err = checker.Breached(context.Background(), "Tr0ub4dor&3")
	fmt.Println(errors.Is(err, password.ErrBreachCheckUnavailable))
	// Output:
	// asked for /range/87457
	// true <nil>
	// asked for /range/B84BE
	// false <nil>
	// true
}

// Check new passwords against a list kept by the application, such as the
// most common passwords that the Rules would let through.
func ExampleReadList() {
	common, err := password.ReadList(strings.NewReader("password1234\nqwertyuiop123\niloveyou1234\n"))
	if err != nil {
		log.Fatal(err)
	}
	for _, candidate := range []string{"qwertyuiop123", "QWERTYUIOP123", "correct horse battery staple"} {
		breached, _ := common.Breached(context.Background(), candidate)
		fmt.Println(candidate, breached)
	}
	// Output:
	// qwertyuiop123 true
	// QWERTYUIOP123 false
	// correct horse battery staple false
}
