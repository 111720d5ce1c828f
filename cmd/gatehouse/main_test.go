package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// binary is the gatehouse command built once for every test, which run it
// as a user would: arguments, standard input, outputs and exit status.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "gatehouse-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "gatehouse")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		return 2
	}
	return m.Run()
}

// result is what one run of the command printed and returned.
type result struct {
	args   []string
	stdout string
	stderr string
	code   int
}

// String shows the run in failure messages.
func (r result) String() string {
	return fmt.Sprintf("gatehouse %s\nexit status %d\n--- stdout\n%s--- stderr\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// invocation is how the command is run beyond its arguments.
type invocation struct {
	stdin string
	// env is added to the environment, from which GATEHOUSE_DATABASE and
	// GATEHOUSE_REDIS are removed so that the tests' own cannot leak in.
	env []string
	// dir is the working directory, the package's when empty.
	dir string
}

// cli runs the command with args and returns what it did.
func cli(t *testing.T, args ...string) result {
	t.Helper()
	return invocation{}.run(t, args...)
}

func (in invocation) run(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GATEHOUSE_DATABASE=") && !strings.HasPrefix(kv, "GATEHOUSE_REDIS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, in.env...)
	cmd.Stdin = strings.NewReader(in.stdin)
	cmd.Dir = in.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		require.NoError(t, err, "run gatehouse %s", strings.Join(args, " "))
	}
	require.NoError(t, ctx.Err(), "gatehouse %s did not finish in time", strings.Join(args, " "))
	return r
}

// lines splits output into its lines, without the final newline.
func lines(output string) []string {
	output = strings.TrimSuffix(output, "\n")
	if output == "" {
		return nil
	}
	return strings.Split(output, "\n")
}
