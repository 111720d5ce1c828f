package blogtest

import (
	"bytes"
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
// this process, so the test drives exactly the example's wiring. The
// server's log output is kept in memory for Server.Logs.
func InProcess(run RunFunc) Start {
	return func(t *testing.T, env map[string]string) Server {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		addrs := make(chan string, 1)
		exited := make(chan error, 1)
		logs := &logBuffer{}
		go func() {
			exited <- run(ctx, func(k string) string { return env[k] }, logs, func(addr string) { addrs <- addr })
		}()
		var addr string
		select {
		case addr = <-addrs:
		case err := <-exited:
			cancel()
			t.Fatalf("the server exited before listening: %v\n%s", err, logs.String())
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
		return Server{URL: "http://" + addr, Stop: stop, Logs: logs.String}
	}
}

// logBuffer is a server's log output, written by its request goroutines
// at once and read by the test.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p; it never fails.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
