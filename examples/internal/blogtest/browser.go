package blogtest

import (
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

// Browser drives the example's passkey page in a real Chromium (Debian's
// chromium package, driven by playwright-core from npm) with a virtual
// authenticator: a person registers, logs in with a password, registers
// a passkey, logs in with it alone and as a second factor, and removes it
// (testdata/browser/passkeys.mjs). The server listens on a port of its own
// and is reached as http://localhost:PORT, its passkey origin: browsers
// offer passkeys on localhost, never on an IP address.
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
	cmd := exec.CommandContext(ctx, node, "passkeys.mjs", origin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromiumPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		logs := ""
		if srv.Logs != nil {
			logs = srv.Logs()
		}
		t.Fatalf("the passkey page failed in Chromium: %v\n%s\nserver logs:\n%s", err, out, logs)
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
