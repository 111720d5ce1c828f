package blogtest

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BrowserRequired names the environment variable that makes Browser fail,
// rather than skip, when Chromium, Node.js or the test's npm packages are
// missing: continuous integration sets it once it has installed them.
const BrowserRequired = "GATEHOUSE_TEST_BROWSER"

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// ScreenshotEnv names the environment variable that, set to a file
// name, makes Browser save its screenshot of the policy console there:
// the README's docs/console.png is made so.
const ScreenshotEnv = "GATEHOUSE_CONSOLE_SCREENSHOT"

// Browser drives the example's pages in a real Chromium (Debian's chromium
// package, driven by playwright-core from npm), each against a server of
// its own:
//
//   - the passkey page, with a virtual authenticator: a person registers,
//     logs in with a password, registers a passkey, logs in with it alone
//     and as a second factor, and removes it
//     (testdata/browser/passkeys.mjs);
//   - the policy console: an admin logs in, grants a permission with the
//     form found by its labels, sees it listed, asks "why?" and reads the
//     deciding rule, runs a decision table and opens the role graph; a
//     plain user gets 403, a POST without the CSRF field is refused
//     (testdata/browser/console.mjs), and a screenshot is taken.
//
// The servers listen on ports of their own and are reached as
// http://localhost:PORT, their passkey origin: browsers offer passkeys on
// localhost, never on an IP address.
//
// Without the browser, Node.js or the npm packages (npm ci in
// testdata/browser) the test is skipped, saying what to install, unless
// BrowserRequired is set.
func Browser(t *testing.T, start Start) {
	dir := browserTestDir(t)
	node, missing := browserTools(dir)
	if missing != "" {
		if os.Getenv(BrowserRequired) != "" {
			t.Fatalf("%s is set, but %s", BrowserRequired, missing)
		}
		t.Skipf("browser test skipped: %s (apt-get install -y chromium nodejs npm; npm ci --prefix %s)", missing, dir)
	}
	t.Run("passkeys", func(t *testing.T) { runBrowserScript(t, start, node, dir, "passkeys.mjs") })
	t.Run("console", func(t *testing.T) {
		screenshot := os.Getenv(ScreenshotEnv)
		if screenshot == "" {
			screenshot = filepath.Join(t.TempDir(), "console.png")
		}
		runBrowserScript(t, start, node, dir, "console.mjs", screenshot)
		png, err := os.ReadFile(screenshot)
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("no screenshot of the console in %s: %v", screenshot, err)
		}
	})
}

// runBrowserScript starts a server and runs the script of dir against it
// with node, passing its origin and args.
func runBrowserScript(t *testing.T, start Start, node, dir, script string, args ...string) {
	port := freePort(t)
	origin := "http://localhost:" + port
	srv := start(t, map[string]string{
		"ADDR":                        "127.0.0.1:" + port,
		"GATEHOUSE_DATABASE":          "sqlite:" + filepath.Join(t.TempDir(), "blog.db"),
		"GATEHOUSE_JWT_SECRET":        jwtSecret,
		"GATEHOUSE_JWT_ISSUER":        jwtIssuer,
		"GATEHOUSE_SECOND_FACTOR_KEY": secondFactorKey,
		"GATEHOUSE_PASSKEY_ORIGIN":    origin,
	})
	defer srv.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script, origin}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromiumPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		logs := ""
		if srv.Logs != nil {
			logs = srv.Logs()
		}
		t.Fatalf("%s failed in Chromium: %v\n%s\nserver logs:\n%s", script, err, out, logs)
	}
	t.Logf("%s", out)
}

// browserTestDir is testdata/browser beside this file.
func browserTestDir(t *testing.T) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the browser tests")
	}
	return filepath.Join(filepath.Dir(file), "testdata", "browser")
}

// browserTools returns the path of node, or says what is missing.
func browserTools(dir string) (node, missing string) {
	if _, err := os.Stat(chromiumPath); err != nil {
		return "", "Chromium is not installed at " + chromiumPath
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return "", "Node.js is not installed"
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		return "", "the npm package playwright-core is not installed"
	}
	return node, ""
}

// freePort returns a port nothing listens on now.
func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}
