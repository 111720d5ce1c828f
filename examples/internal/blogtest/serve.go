package blogtest

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"
)

// RunFunc is the signature of each example's run function: it serves until
// ctx is done and tells ready the address it listens on.
type RunFunc func(ctx context.Context, getenv func(string) string, logs io.Writer, ready func(addr string)) error

// InProcess returns a Start that runs an example's own run function in
// this process, so the test drives exactly the example's wiring.
func InProcess(run RunFunc) Start {
	return func(t *testing.T, env map[string]string) Server {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		addrs := make(chan string, 1)
		exited := make(chan error, 1)
		go func() {
			exited <- run(ctx, func(k string) string { return env[k] }, io.Discard, func(addr string) { addrs <- addr })
		}()
		var addr string
		select {
		case addr = <-addrs:
		case err := <-exited:
			cancel()
			t.Fatalf("the server exited before listening: %v", err)
		case <-time.After(2 * time.Minute):
			cancel()
			t.Fatal("the server did not start listening within 2 minutes")
		}
		var once sync.Once
		stop := func() {
			once.Do(func() {
				cancel()
				if err := <-exited; err != nil {
					t.Errorf("the server stopped with an error: %v", err)
				}
			})
		}
		return Server{URL: "http://" + addr, Stop: stop}
	}
}
