package purpose_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/purpose/gormstore"
)

// A password reset: the link works once, and only while the password it was
// sent for is still the current one.
func Example() {
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
	store, err := gormstore.New(ctx, db) // or redisstore.New, memstore.New
	if err != nil {
		log.Fatal(err)
	}
	resets, err := purpose.New(store, purpose.Config{
		Purpose: purpose.PasswordReset,
		Key:     []byte("example only: 32+ random bytes from your secret store"), // this purpose's own key
		Issuer:  "https://example.com",
	})
	if err != nil {
		log.Fatal(err)
	}

	passwordHashes := map[string]string{"user-42": "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$b2xk"}
	currentHash := func(_ context.Context, subject string) (string, error) {
		return passwordHashes[subject], nil
	}

	tok, err := resets.Issue(ctx, "user-42", passwordHashes["user-42"])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("mail a link carrying", tok.Value) // tok.Value.Reveal() in the real mail
	link := tok.Value.Reveal()

	subject, err := resets.Verify(ctx, link, currentHash) // GET: show the form
	fmt.Println("show the form to", subject, err)

	subject, err = resets.Consume(ctx, link, currentHash) // POST: use the token up
	if err != nil {
		log.Fatal(err)
	}
	passwordHashes[subject] = "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$bmV3"
	fmt.Println("new password set for", subject)

	_, err = resets.Consume(ctx, link, currentHash)
	fmt.Println("second use revoked:", errors.Is(err, authn.ErrTokenRevoked))
	// Output:
	// mail a link carrying [REDACTED]
	// show the form to user-42 <nil>
	// new password set for user-42
	// second use revoked: true
}

// Each purpose has its own Tokens and its own key; a token of one purpose
// is refused by every other.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "gatehouse-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	newKey := func() []byte {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			log.Fatal(err)
		}
		return key
	}

	ctx := context.Background()
	store, err := gormstore.New(ctx, db) // or redisstore.New, memstore.New
	if err != nil {
		log.Fatal(err)
	}
	verifications, err := purpose.New(store, purpose.Config{Purpose: purpose.EmailVerification, Key: newKey(), Issuer: "https://example.com"})
	if err != nil {
		log.Fatal(err)
	}
	resets, err := purpose.New(store, purpose.Config{Purpose: purpose.PasswordReset, Key: newKey(), Issuer: "https://example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(verifications.TTL(), resets.TTL())

	tok, err := verifications.Issue(ctx, "user-42", "")
	if err != nil {
		log.Fatal(err)
	}
	_, err = resets.Consume(ctx, tok.Value.Reveal(), nil)
	fmt.Println(errors.Is(err, authn.ErrInvalidToken))

	subject, err := verifications.Consume(ctx, tok.Value.Reveal(), nil)
	fmt.Println(subject, err)
	// Output:
	// 24h0m0s 30m0s
	// true
	// user-42 <nil>
}
