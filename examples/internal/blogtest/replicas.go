package blogtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// Replicas runs two servers made by start on one store, as two replicas
// behind a load balancer, once on PostgreSQL (changes travel by
// LISTEN/NOTIFY) and once on MariaDB with Redis (changes travel by pub/sub,
// and sessions and failed logins are kept there), each when the servers'
// DSNs are set: a role given on one replica governs the other, a token
// logged out on one fails on the other, a cookie session serves on both and
// ends on both, failed logins on both count together, and while the store
// does not answer both answer 503 and recover by themselves.
func Replicas(t *testing.T, start Start) {
	pairs := []struct {
		name, store, redis string
	}{
		{"postgres+listen", "GATEHOUSE_TEST_POSTGRES", ""},
		{"mariadb+redis", "GATEHOUSE_TEST_MYSQL", "GATEHOUSE_TEST_REDIS"},
	}
	for _, pair := range pairs {
		t.Run(pair.name, func(t *testing.T) {
			env := map[string]string{
				"ADDR":                 "127.0.0.1:0",
				"GATEHOUSE_JWT_SECRET": jwtSecret,
				"GATEHOUSE_JWT_ISSUER": jwtIssuer,
				// Each replica's metrics, on a port of its own.
				"GATEHOUSE_METRICS_ADDR": "127.0.0.1:0",
			}
			if pair.redis != "" {
				if env["GATEHOUSE_REDIS"] = os.Getenv(pair.redis); env["GATEHOUSE_REDIS"] == "" {
					t.Skipf("%s is not set: no Redis to carry changes", pair.redis)
				}
				env["GATEHOUSE_REDIS_PREFIX"] = redisPrefix(t, env["GATEHOUSE_REDIS"])
			}
			_, dsn := testdb.ServerDSN(t, pair.store)
			// The store is reached through a proxy the test can cut.
			u, err := url.Parse(dsn)
			require.NoError(t, err)
			proxy := watchtest.NewProxy(t, u.Host)
			u.Host = proxy.Addr()
			env["GATEHOUSE_DATABASE"] = u.String()
			a, b := start(t, env), start(t, env)
			t.Cleanup(b.Stop)
			t.Cleanup(a.Stop)
			replicasAgree(t, a.URL, b.URL)
			replicasMeasured(t, a, b)
			failClosed(t, a.URL, b.URL, proxy)
		})
	}
}

func replicasAgree(t *testing.T, a, b string) {
	c := &replicaClient{t: t, http: &http.Client{Timeout: 30 * time.Second}}
	for _, url := range []string{a, b} {
		c.expect(200, "GET", url+"/healthz", "", nil)
	}

	// A role given on a reaches b.
	admin := c.login(a, "alice@example.com", "alice-password")
	bob := c.login(b, "bob@example.com", "bob-password")
	c.expect(403, "GET", b+"/admin/users", bob, nil)
	var me struct {
		ID string `json:"id"`
	}
	c.expect(200, "GET", b+"/me", bob, &me)
	c.expect(200, "PUT", a+"/admin/users/"+me.ID+"/roles", admin, nil, `{"roles":["moderator"]}`)
	c.eventually(200, "GET", b+"/admin/users", bob, "bob's new role never reached replica b")

	// A token logged out on a fails on b.
	c.expect(204, "POST", a+"/auth/logout", bob, nil, `{}`)
	c.eventually(401, "GET", b+"/me", bob, "a token logged out on replica a still works on replica b")

	// A cookie session begun on a serves on b, and once ended on b it is
	// over on a: sessions live in the shared store (Redis when it is
	// configured, the database otherwise).
	cookie, csrf := c.startSession(a, "carol@example.com", "carol-password")
	require.Equal(t, 200, c.sendSession("GET", b+"/me", cookie, ""), "a session begun on replica a is unknown to replica b")
	require.Equal(t, 204, c.sendSession("DELETE", b+"/auth/session", cookie, csrf))
	require.Equal(t, 401, c.sendSession("GET", a+"/me", cookie, ""), "a session ended on replica b still works on replica a")

	// Failed logins on both count together: five failures, spread over
	// the replicas, lock the account on each.
	for i, url := range []string{a, b, a, b, a} {
		status := c.send("POST", url+"/auth/login", "", `{"email":"carol@example.com","password":"wrong-password"}`, nil)
		require.Equal(t, 401, status, "failed login %d", i+1)
	}
	for _, url := range []string{a, b} {
		status := c.send("POST", url+"/auth/login", "", `{"email":"carol@example.com","password":"carol-password"}`, nil)
		require.Equal(t, 429, status, "the replicas did not count failed logins together")
	}
}

// failClosed cuts the store: every replica answers 503, to the load
// balancer's health check and to every request that needs the store or a
// decision, and serves again by itself once the store is back.
func failClosed(t *testing.T, a, b string, store *watchtest.Proxy) {
	c := &replicaClient{t: t, http: &http.Client{Timeout: 30 * time.Second}}
	admin := c.login(a, "alice@example.com", "alice-password")
	store.Refuse()
	for _, url := range []string{a, b} {
		c.eventually(503, "GET", url+"/healthz", "", "a replica did not notice its store was gone")
		c.expect(503, "GET", url+"/admin/users", admin, nil)
		c.expect(503, "GET", url+"/me", admin, nil)
		c.expect(503, "POST", url+"/auth/login", "", nil, `{"email":"alice@example.com","password":"alice-password"}`)
	}
	store.Restore()
	for _, url := range []string{a, b} {
		c.eventually(200, "GET", url+"/healthz", "", "a replica never recovered")
		c.eventually(200, "GET", url+"/admin/users", admin, "a replica recovered but refuses")
	}
}

// replicaClient is the little HTTP the replicas test needs.
type replicaClient struct {
	t    *testing.T
	http *http.Client
}

func (c *replicaClient) login(url, email, password string) string {
	var tokens struct {
		AccessToken string `json:"access_token"`
	}
	c.expect(200, "POST", url+"/auth/login", "", &tokens, `{"email":"`+email+`","password":"`+password+`"}`)
	require.NotEmpty(c.t, tokens.AccessToken)
	return tokens.AccessToken
}

// startSession logs in with a cookie session on url and returns the
// cookie, as a Cookie header, and its CSRF token.
func (c *replicaClient) startSession(url, email, password string) (cookie, csrf string) {
	c.t.Helper()
	req, err := http.NewRequest("POST", url+"/auth/session", bytes.NewBufferString(`{"email":"`+email+`","password":"`+password+`"}`))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	require.Equal(c.t, 200, resp.StatusCode, "POST /auth/session")
	require.NoError(c.t, json.NewDecoder(resp.Body).Decode(&out))
	cookies := resp.Cookies()
	require.Len(c.t, cookies, 1, "the session cookie")
	return cookies[0].Name + "=" + cookies[0].Value, out.CSRFToken
}

// sendSession makes one request with the session cookie, and the CSRF
// token unless it is "", and returns its status.
func (c *replicaClient) sendSession(method, url, cookie, csrf string) int {
	c.t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(c.t, err)
	req.Header.Set("Cookie", cookie)
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode
}

// send makes one request and returns its status, decoding a JSON body into
// out when out is set.
func (c *replicaClient) send(method, url, token, body string, out any) int {
	c.t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	require.NoError(c.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(c.t, json.Unmarshal(raw, out), "%s %s: %s", method, url, raw)
	}
	return resp.StatusCode
}

func (c *replicaClient) expect(status int, method, url, token string, out any, body ...string) {
	c.t.Helper()
	var b string
	if len(body) > 0 {
		b = body[0]
	}
	require.Equal(c.t, status, c.send(method, url, token, b, out), "%s %s", method, url)
}

// eventually waits, generously, until the request answers status.
func (c *replicaClient) eventually(status int, method, url, token, msg string) {
	c.t.Helper()
	require.Eventually(c.t, func() bool { return c.send(method, url, token, "", nil) == status },
		15*time.Second, 10*time.Millisecond, msg)
}

// redisPrefix returns a key prefix of the test's own on the Redis at
// rawURL, which other tests and runs share: the replicas' failed logins
// must count together, and not with theirs. It deletes the prefix's keys
// when the test ends.
func redisPrefix(t *testing.T, rawURL string) string {
	t.Helper()
	prefix := "gatehouse-test:" + rand.Text() + ":"
	opts, err := redis.ParseURL(rawURL)
	require.NoError(t, err)
	t.Cleanup(func() {
		client := redis.NewClient(opts)
		defer client.Close()
		ctx := context.Background()
		for iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator(); iter.Next(ctx); {
			_ = client.Del(ctx, iter.Val()).Err()
		}
	})
	return prefix
}

// replicasMeasured checks, through each replica's Prometheus endpoint, that
// the replica state is measured: both connected to the notifier, current
// with the store moments ago, available, at one revision; and b, which
// heard of a's edits, timed how long they took to arrive.
func replicasMeasured(t *testing.T, a, b Server) {
	client := &http.Client{Timeout: 30 * time.Second}
	var revisions []float64
	for _, srv := range []Server{a, b} {
		families := serverMetrics(t, client, srv)
		assert.Equal(t, 1.0, metricValue(families, "gatehouse_replica_connected", nil), "%s: the notifier is connected", srv.URL)
		assert.Equal(t, 1.0, metricValue(families, "gatehouse_policy_available", nil), "%s: the policy is available", srv.URL)
		assert.Contains(t, families, "gatehouse_replica_staleness_seconds")
		assert.Less(t, metricValue(families, "gatehouse_replica_staleness_seconds", nil), 30.0, "%s: checked against the store recently", srv.URL)
		revisions = append(revisions, metricValue(families, "gatehouse_policy_revision", nil))
	}
	assert.Positive(t, revisions[0])
	assert.Equal(t, revisions[0], revisions[1], "both replicas decide on one revision")
	assert.Positive(t, metricValue(serverMetrics(t, client, b), "gatehouse_replica_edit_lag_seconds", nil),
		"replica b timed the arrival of replica a's edits")
}
