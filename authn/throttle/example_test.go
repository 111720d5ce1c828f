package throttle_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/memstore"
)

// A login handler reserves an attempt before it verifies the password,
// and ends it with the outcome. The address may carry a port, as
// http.Request.RemoteAddr does: the port is not counted. The counts are
// kept in memory here; several replicas share them through
// gormstore.New(ctx, db) or redisstore.New(client, redisstore.Config{})
// instead.
func ExampleLimiter_Reserve() {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	limiter, err := throttle.New(memstore.New(), throttle.Config{Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}

	login := func(email, remoteAddr, password string) error {
		attempt, err := limiter.Reserve(ctx, email, remoteAddr)
		if err != nil {
			return err // 429, before the password is looked at
		}
		if password != "correct horse" { // a real handler verifies a hash
			if err := attempt.Failed(ctx); err != nil {
				return err
			}
			return authn.ErrInvalidCredentials
		}
		return attempt.Succeeded(ctx)
	}

	for port := 40000; port < 40005; port++ {
		fmt.Println(login("alice@example.com", fmt.Sprintf("192.0.2.1:%d", port), "guess"))
	}
	err = login("alice@example.com", "192.0.2.1:40005", "correct horse")
	var throttled *authn.ThrottledError
	fmt.Println(err, errors.As(err, &throttled), authn.RetryAfterSeconds(throttled.RetryAfter))

	now = now.Add(15 * time.Minute)
	fmt.Println(login("alice@example.com", "192.0.2.1:40006", "correct horse"))
	// Output:
	// invalid credentials
	// invalid credentials
	// invalid credentials
	// invalid credentials
	// invalid credentials
	// too many attempts: retry after 900s true 900
	// <nil>
}
