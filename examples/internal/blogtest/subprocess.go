package blogtest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Subprocess returns a Start that runs the example in the current
// directory (the test's own main package) as a process of its own, built
// once with "go build" into parent's temporary directory when first
// needed: replicas then share nothing but their store and notifier, as on
// separate machines. buildEnv, such as "CGO_ENABLED=0", is added to the
// build's environment.
func Subprocess(parent *testing.T, buildEnv ...string) Start {
	var (
		once   sync.Once
		binary string
		err    error
	)
	return func(t *testing.T, env map[string]string) Server {
		t.Helper()
		once.Do(func() {
			binary = filepath.Join(parent.TempDir(), "server")
			build := exec.Command("go", "build", "-o", binary, ".")
			build.Env = append(os.Environ(), buildEnv...)
			out, buildErr := build.CombinedOutput()
			if buildErr != nil {
				err = &buildError{out: string(out), err: buildErr}
			}
		})
		if err != nil {
			t.Fatalf("build the example: %v", err)
		}
		return startProcess(t, binary, env)
	}
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// listening finds the address in the example's "listening" log line.
var listening = regexp.MustCompile(`msg=listening addr=http://(\S+)`)

func startProcess(t *testing.T, binary string, env map[string]string) Server {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", binary, err)
	}
	exited := make(chan error, 1)
	addrs := make(chan string, 1)
	var logs strings.Builder
	var logsMu sync.Mutex
	go func() {
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			line := scanner.Text()
			logsMu.Lock()
			logs.WriteString(line + "\n")
			logsMu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil {
				select {
				case addrs <- m[1]:
				default:
				}
			}
		}
		exited <- cmd.Wait()
	}()
	output := func() string {
		logsMu.Lock()
		defer logsMu.Unlock()
		return logs.String()
	}
	var addr string
	select {
	case addr = <-addrs:
	case err := <-exited:
		t.Fatalf("the server exited before listening: %v\n%s", err, output())
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("the server did not start listening within 2 minutes\n%s", output())
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("the server stopped with an error: %v\n%s", err, output())
				}
			case <-ctx.Done():
				_ = cmd.Process.Kill()
				t.Errorf("the server did not stop within 30 s\n%s", output())
			}
		})
	}
	return Server{URL: "http://" + addr, Stop: stop, Logs: output}
}
