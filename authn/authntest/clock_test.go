package authntest_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func TestClockMovesOnlyWhenTold(t *testing.T) {
	t.Parallel()
	c := authntest.NewClock(start)
	assert.Equal(t, start, c.Now())
	assert.Equal(t, start, c.Now(), "reading does not move it")

	c.Advance(90 * time.Second)
	assert.Equal(t, start.Add(90*time.Second), c.Now())
	c.Advance(-time.Minute)
	assert.Equal(t, start.Add(30*time.Second), c.Now())

	c.Set(start.Add(-time.Hour))
	assert.Equal(t, start.Add(-time.Hour), c.Now())
}

// Run with -race: the stores read the clock from many goroutines while a
// test moves it.
func TestClockIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	c := authntest.NewClock(start)
	const movers = 8
	var wg sync.WaitGroup
	for range movers {
		wg.Add(2)
		go func() { defer wg.Done(); c.Advance(time.Second) }()
		go func() { defer wg.Done(); _ = c.Now() }()
	}
	wg.Wait()
	assert.Equal(t, start.Add(movers*time.Second), c.Now())
}

// A token's expiry is tested by moving the clock past it, not by waiting.
func ExampleClock() {
	clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	key, _ := token.HS256("hs-1", []byte("0123456789abcdef0123456789abcdef"))
	issuer, _ := token.New(token.Config{
		Issuer: "https://auth.example.com",
		TTL:    5 * time.Minute,
		Keys:   []token.Key{key},
		Now:    clock.Now,
	})
	tok, _ := issuer.Issue(context.Background(), "user-42")

	clock.Advance(4 * time.Minute)
	_, err := issuer.Verify(context.Background(), tok.Value.Reveal())
	fmt.Println(clock.Now().Format(time.RFC3339), err)

	clock.Advance(2 * time.Minute)
	_, err = issuer.Verify(context.Background(), tok.Value.Reveal())
	fmt.Println(clock.Now().Format(time.RFC3339), errors.Is(err, authn.ErrTokenExpired))
	// Output:
	// 2030-01-02T03:08:05Z <nil>
	// 2030-01-02T03:10:05Z true
}
