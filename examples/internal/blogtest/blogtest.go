package blogtest

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/testprovider"
	"github.com/gatehouse-go/gatehouse/internal/webauthntest"
)

// Server is a running example server.
type Server struct {
	// URL is where the server listens: "http://127.0.0.1:PORT".
	URL string
	// Stop stops the server and waits until it has exited, so that its
	// database file is closed. Run calls it exactly once per Server.
	Stop func()
	// Logs returns everything the server has logged so far; nil when the
	// Start cannot capture the server's logs, which leaves Run's check that
	// no credential is logged undone.
	Logs func() string
}

// Start starts the example's own server with the given environment (ADDR,
// GATEHOUSE_DATABASE, GATEHOUSE_JWT_SECRET, GATEHOUSE_JWT_ISSUER) and
// returns when it is accepting requests. It fails t if the server cannot
// start. Run calls it twice with the same environment, the second time
// after stopping the first server, to test a restart.
type Start func(t *testing.T, env map[string]string) Server

// The environment Run gives the servers. The secret is fixed, so tokens
// issued before the restart must still verify after it; the issuer is not
// the default, so a server that ignores the variable is caught.
const (
	jwtSecret = "blogtest-hs256-secret-0123456789abcdef"
	jwtIssuer = "gatehouse-blogtest"
	// secondFactorKey seals the TOTP secrets, the same across the restart.
	secondFactorKey = "blogtest-second-factor-key-0123456789abcdef"
	// passkeyOrigin is the origin the servers bind passkeys to, and
	// passkeyRPID its host, the relying party id: the suite's software
	// authenticators answer as a page of that origin would. It is not the
	// servers' address, which browsers would refuse (an IP address), and
	// nothing connects to it.
	passkeyOrigin = "http://localhost:8080"
	passkeyRPID   = "localhost"
)

// Run drives the whole contract against servers made by start: every
// endpoint, then a restart on the same database and secret, then the
// checks that users, posts, their editors, policy edits, refresh tokens,
// API keys, sessions and passkeys survived it. Last it checks the
// secrets' hygiene over the whole run (see checkSecrets): no credential or
// stored secret in the servers' logs, and none in a response but the one
// that hands it out.
func Run(t *testing.T, start Start) {
	provider := testprovider.Start(t)
	w := &world{
		start:    start,
		provider: provider,
		env: map[string]string{
			"ADDR":                        "127.0.0.1:0",
			"GATEHOUSE_DATABASE":          "sqlite:" + filepath.Join(t.TempDir(), "blog.db"),
			"GATEHOUSE_JWT_SECRET":        jwtSecret,
			"GATEHOUSE_JWT_ISSUER":        jwtIssuer,
			"GATEHOUSE_OIDC_ISSUER":       provider.Issuer,
			"GATEHOUSE_OIDC_AUDIENCE":     testprovider.Audience,
			"GATEHOUSE_OIDC_NAME":         "zitadel",
			"GATEHOUSE_SECOND_FACTOR_KEY": secondFactorKey,
			"GATEHOUSE_PASSKEY_ORIGIN":    passkeyOrigin,
			"GATEHOUSE_METRICS_ADDR":      "127.0.0.1:0",
		},
		client: &http.Client{
			// Its own transport, so that dropping connections to a stopped
			// server touches nobody else's.
			Transport: http.DefaultTransport.(*http.Transport).Clone(),
			Timeout:   30 * time.Second,
			// A redirect is never part of the contract: report it as it is.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		vars:           map[string]string{},
		creds:          map[string]credential{"garbage": {bearer: "abc.def.ghi"}},
		authenticators: map[string]*webauthntest.Authenticator{},
	}
	w.startServer(t)
	// The secrets are checked however far the run got: a leak is worth
	// reporting beside the failure that cut the run short.
	completed := false
	defer func() { w.checkSecrets(t, completed) }()
	for _, p := range beforeRestart() {
		if !w.runPhase(t, p) {
			t.FailNow()
		}
	}
	w.checkMetrics(t)
	w.stopServer()
	w.startServer(t)
	w.runPhase(t, afterRestart())
	completed = true
}

// beforeRestart is the contract in the order its steps build on each
// other: accounts first, then what accounts do.
func beforeRestart() []phase {
	return []phase{
		{"health", healthSteps()},
		{"register", registerSteps()},
		{"login", loginSteps()},
		{"refresh", refreshSteps()},
		{"logout", logoutSteps()},
		{"session", sessionSteps()},
		{"me", meSteps()},
		{"password change", passwordChangeSteps()},
		{"posts", postSteps()},
		{"sharing", sharingSteps()},
		{"sharing under churn", sharingChurnSteps()},
		{"api keys", apiKeySteps()},
		{"admin users", adminUserSteps()},
		{"admin policy", adminPolicySteps()},
		{"delete user", deleteUserSteps()},
		{"external provider", externalSteps()},
		{"second factor", mfaSteps()},
		{"passkeys", passkeySteps()},
		{"runtime edits under churn", churnSteps()},
	}
}

// world is what the steps share: the running server, the HTTP client, and
// every value an earlier step saved for a later one.
type world struct {
	start  Start
	env    map[string]string
	srv    Server
	stop   func() // stops srv once; nil when nothing runs
	client *http.Client
	// vars are the values of the {{name}} placeholders of paths and
	// bodies: ids ("bob.id", "post.bob.draft") and tokens.
	vars map[string]string
	// creds are the credentials steps present, by the name in step.who.
	creds map[string]credential
	// authenticators are the users' passkey devices, by name ("pat"):
	// software authenticators that answer the ceremonies steps save.
	authenticators map[string]*webauthntest.Authenticator
	// provider is the OpenID provider whose tokens the server accepts;
	// providerTokens the tokens it issued to the steps, which no response
	// or log may hold.
	provider       *testprovider.Provider
	providerTokens []secret
	// transcript is every exchange send made, in order.
	transcript []exchange
	// logs are the logs of the servers started so far, in order.
	logs []serverLog
}

// startServer starts a server with w.env and makes sure it is stopped when
// the test ends, even if the test fails before stopServer.
func (w *world) startServer(t *testing.T) {
	t.Helper()
	env := make(map[string]string, len(w.env))
	for k, v := range w.env {
		env[k] = v
	}
	srv := w.start(t, env)
	require.NotNil(t, srv.Stop, "Start returned a Server without Stop")
	logName := "the server log"
	if len(w.logs) > 0 {
		logName = "the server log after the restart"
	}
	w.logs = append(w.logs, serverLog{name: logName, read: srv.Logs})
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), "Server.URL %q: want http://127.0.0.1:PORT", srv.URL)
	srv.URL = strings.TrimSuffix(srv.URL, "/")
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			srv.Stop()
		}
	}
	w.srv, w.stop = srv, stop
	t.Cleanup(stop)
}

// stopServer stops the running server and drops the client's connections
// to it.
func (w *world) stopServer() {
	if w.stop != nil {
		w.stop()
		w.stop = nil
	}
	w.client.CloseIdleConnections()
}
