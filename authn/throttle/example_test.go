package throttle_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// A login handler checks before it verifies the password, records each
// failure, and resets the account after a success.
func ExampleLimiter_Check() {
	dir, err := os.MkdirTemp("", "gatehouse-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}

	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	limiter, err := throttle.New(ctx, db, throttle.Config{Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}

	login := func(email, address, password string) error {
		if err := limiter.Check(ctx, email, address); err != nil {
			return err // 429, before the password is looked at
		}
		if password != "correct horse" { // a real handler verifies a hash
			_ = limiter.RecordFailure(ctx, email, address)
			return authn.ErrInvalidCredentials
		}
		return limiter.Reset(ctx, email)
	}

	for i := 0; i < 5; i++ {
		fmt.Println(login("alice@example.com", "192.0.2.1", "guess"))
	}
	err = login("alice@example.com", "192.0.2.1", "correct horse")
	var throttled *authn.ThrottledError
	fmt.Println(err, errors.As(err, &throttled), authn.RetryAfterSeconds(throttled.RetryAfter))

	now = now.Add(15 * time.Minute)
	fmt.Println(login("alice@example.com", "192.0.2.1", "correct horse"))
	// Output:
	// invalid credentials
	// invalid credentials
	// invalid credentials
	// invalid credentials
	// invalid credentials
	// too many attempts: retry after 900s true 900
	// <nil>
}
