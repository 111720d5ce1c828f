package blogtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hostile sends a server made by start the requests an attacker would:
// oversized, deeply nested and ambiguous JSON, bodies that are not JSON,
// repeated and oversized credentials, bytes that are not UTF-8, paths
// dressed up to slip past a permission check, ids no integer holds, user
// ids that name nobody to share a post with, and a burst of logins to one
// account. Every one gets a 4xx JSON error (or the
// normal answer, where the input is fine), never a 5xx, and none of them
// changes the users, their roles, the policy or the posts.
//
// Two kinds of refusal come from the HTTP server before the application
// sees the request, so their body is the framework's, not the API's JSON:
// a request the HTTP/1.1 parser rejects (a bare CR or a NUL in a header:
// 400) and a header section over the server's limit of 64 KiB (431). The
// suite requires only that they are refused with a 4xx.
func Hostile(t *testing.T, start Start) {
	env := map[string]string{
		"ADDR":                 "127.0.0.1:0",
		"GATEHOUSE_DATABASE":   "sqlite:" + filepath.Join(t.TempDir(), "blog.db"),
		"GATEHOUSE_JWT_SECRET": jwtSecret,
		"GATEHOUSE_JWT_ISSUER": jwtIssuer,
	}
	srv := start(t, env)
	t.Cleanup(srv.Stop)
	h := &hostile{
		addr: strings.TrimPrefix(srv.URL, "http://"),
		// Its own transport, whose idle connections are closed before the
		// server stops: Fiber's graceful shutdown can wait on one.
		client: &replicaClient{t: t, http: &http.Client{
			Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: 30 * time.Second}},
	}
	t.Cleanup(h.client.http.CloseIdleConnections)
	h.setUp(t)
	before := h.state(t)

	for _, group := range []struct {
		name  string
		cases []hostileCase
	}{
		{"bodies", h.bodyCases()},
		{"content types", h.contentTypeCases()},
		{"credentials", h.credentialCases(t)},
		{"paths", h.pathCases()},
		{"ids", h.idCases()},
		{"editors", h.editorCases()},
		{"passkeys", h.passkeyCases(t)},
	} {
		t.Run(group.name, func(t *testing.T) {
			for _, c := range group.cases {
				t.Run(c.name, func(t *testing.T) { h.run(t, c) })
			}
		})
	}
	t.Run("framing", h.framing)
	t.Run("what frameworks route differently", h.consistency)
	t.Run("slow headers", h.slowHeaders)
	t.Run("large bodies from a standard client", h.largeBodies)
	t.Run("concurrent logins", h.concurrentLogins)
	t.Run("passkeys left nothing", h.passkeyCasesLeftNothing)

	assert.Equal(t, before, h.state(t), "a hostile request changed the users, their roles, the policy or the posts")
}

// hostile is what the cases share: the server's address and the
// credentials of alice (admin) and bob (a plain user).
type hostile struct {
	addr   string
	client *replicaClient
	url    string
	// alice and bob are access tokens; bobKey is an API key of bob's;
	// aliceCookie and bobCookie are session cookies ("name=value").
	alice, bob, bobKey     string
	aliceCookie, bobCookie string
	bobID, bobPost         string
}

// hostileCase is one hostile request and the statuses it may get.
type hostileCase struct {
	name string
	req  rawRequest
	// status lists the statuses allowed; the first is the contract's, the
	// others are tolerated (say, 404 for a path no route matches where
	// another framework's router first cleans it and answers 403).
	status []int
	// code is the error code wanted; "" accepts any the status allows.
	code string
	// byServer marks a request the HTTP server refuses before the
	// application sees it: any 4xx, with the framework's own body.
	byServer bool
}

func (h *hostile) setUp(t *testing.T) {
	h.url = "http://" + h.addr
	h.alice = h.client.login(h.url, "alice@example.com", "alice-password")
	h.bob = h.client.login(h.url, "bob@example.com", "bob-password")
	var me struct {
		ID string `json:"id"`
	}
	h.client.expect(200, "GET", h.url+"/me", h.bob, &me)
	h.bobID = me.ID
	var key struct {
		Key string `json:"key"`
	}
	h.client.expect(201, "POST", h.url+"/api-keys", h.bob, &key, `{"name":"hostile"}`)
	require.NotEmpty(t, key.Key)
	h.bobKey = key.Key
	var post struct {
		ID int64 `json:"id"`
	}
	h.client.expect(201, "POST", h.url+"/posts", h.bob, &post, `{"title":"Bob's post","body":"hello","published":false}`)
	h.bobPost = fmt.Sprint(post.ID)
	h.aliceCookie = h.sessionCookie(t, "alice")
	h.bobCookie = h.sessionCookie(t, "bob")
}

// cookieName is the name of the server's session cookie, read off the one
// it set for bob.
func (h *hostile) cookieName() string {
	name, _, _ := strings.Cut(h.bobCookie, "=")
	return name
}

// sessionCookie logs user in with a session and returns "name=value".
func (h *hostile) sessionCookie(t *testing.T, user string) string {
	res, err := h.client.http.Post(h.url+"/auth/session", "application/json", strings.NewReader(credentialsOf(user, user+"-password")))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	require.Len(t, res.Cookies(), 1)
	c := res.Cookies()[0]
	return c.Name + "=" + c.Value
}

// state is everything a hostile request must leave as it was, as alice
// sees it: the users with their roles, the policy and the posts.
func (h *hostile) state(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, path := range []string{"/admin/users", "/admin/policy", "/posts", "/posts/" + h.bobPost} {
		var body json.RawMessage
		h.client.expect(200, "GET", h.url+path, h.alice, &body)
		out[path] = string(body)
	}
	return out
}

func (h *hostile) run(t *testing.T, c hostileCase) {
	r, err := sendRaw(h.addr, c.req)
	require.NoError(t, err, "%s %s: no response", c.req.method, c.req.target)
	if c.byServer {
		assert.True(t, r.status >= 400 && r.status < 500, "%s %s → %d, want a 4xx; body %s", c.req.method, c.req.target, r.status, r.brief())
		return
	}
	for _, v := range contractViolations(c.req.asRequest(), r) {
		t.Errorf("%s %s → %d: %s", c.req.method, c.req.target, r.status, v)
	}
	if !slices.Contains(c.status, r.status) {
		t.Errorf("%s %s → %d, want %v; body %s", c.req.method, c.req.target, r.status, c.status, r.brief())
		return
	}
	if c.code != "" && r.status == c.status[0] {
		assert.Equal(t, c.code, r.errorCode(), "%s %s: body %s", c.req.method, c.req.target, r.brief())
	}
}

// mint signs an access token for sub with the servers' key, as another
// service holding the key would: no kid, since the servers have one key.
func mint(t *testing.T, sub string) string {
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Issuer: jwtIssuer, Audience: jwt.ClaimStrings{jwtIssuer}, Subject: sub, ID: "minted-" + sub,
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(5 * time.Minute)),
	})
	tok.Header["typ"] = "at+jwt"
	signed, err := tok.SignedString([]byte(jwtSecret))
	require.NoError(t, err)
	return signed
}

// Header lines the cases combine.
func bearer(token string) [2]string { return [2]string{"Authorization", "Bearer " + token} }
func apiKey(key string) [2]string   { return [2]string{"X-API-Key", key} }
func cookie(c string) [2]string     { return [2]string{"Cookie", c} }

var jsonType = [2]string{"Content-Type", "application/json"}

func (h *hostile) bodyCases() []hostileCase {
	post := func(name, body string, status int, code string) hostileCase {
		return hostileCase{name: name, req: rawRequest{method: "POST", target: "/posts",
			header: [][2]string{bearer(h.bob), jsonType}, body: []byte(body)}, status: []int{status}, code: code}
	}
	roles := func(name, body string) hostileCase {
		return hostileCase{name: name, req: rawRequest{method: "PUT", target: "/admin/users/" + h.bobID + "/roles",
			header: [][2]string{bearer(h.alice), jsonType}, body: []byte(body)}, status: []int{400}, code: "invalid_request"}
	}
	grant := func(name, body string) hostileCase {
		return hostileCase{name: name, req: rawRequest{method: "POST", target: "/admin/policy/grants",
			header: [][2]string{bearer(h.alice), jsonType}, body: []byte(body)}, status: []int{400}, code: "invalid_request"}
	}
	login := func(name, body string) hostileCase {
		return hostileCase{name: name, req: rawRequest{method: "POST", target: "/auth/login",
			header: [][2]string{jsonType}, body: []byte(body)}, status: []int{400}, code: "invalid_request"}
	}
	title := func(n int) string { return `{"title":"t","body":"` + strings.Repeat("x", n) + `"}` }
	const mib = 1 << 20
	cases := []hostileCase{
		post("body one byte over 1 MiB", title(mib-len(title(0))+1), 413, "payload_too_large"),
		post("body of 3 MiB", title(3*mib), 413, "payload_too_large"),
		// Past 4 MiB Fiber refuses before the handler; the API's 413 must
		// still reach the client rather than a reset connection.
		post("body of 8 MiB", title(8*mib), 413, "payload_too_large"),
		post("100,000 nested arrays", strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000), 400, "invalid_request"),
		post("100,000 nested objects in a field", `{"title":"t","body":`+strings.Repeat(`{"a":`, 100_000)+`1`+strings.Repeat("}", 100_000)+`}`, 400, "invalid_request"),
		post("duplicate key", `{"title":"a","body":"b","title":"c"}`, 400, "invalid_request"),
		post("duplicate key in other letter case", `{"title":"a","body":"b","Title":"c"}`, 400, "invalid_request"),
		post("trailing garbage", `{"title":"a","body":"b"} x`, 400, "invalid_request"),
		post("two objects", `{"title":"a","body":"b"}{"title":"a","body":"b"}`, 400, "invalid_request"),
		post("title is a number", `{"title":1,"body":"b"}`, 400, "invalid_request"),
		post("published is a string", `{"title":"a","body":"b","published":"true"}`, 400, "invalid_request"),
		post("an array", `[{"title":"a","body":"b"}]`, 400, "invalid_request"),
		post("a string", `"title"`, 400, "invalid_request"),
		post("null", `null`, 400, "invalid_request"),
		post("unknown field", `{"title":"a","body":"b","author_id":"alice"}`, 400, "invalid_request"),
		post("not UTF-8", "{\"title\":\"\xff\xfe\",\"body\":\"b\"}", 400, "invalid_request"),
		post("a NUL byte", "{\"title\":\"a\x00\",\"body\":\"b\"}", 400, "invalid_request"),
		roles("roles given twice", `{"roles":["admin"],"roles":["user"]}`),
		roles("roles is a string", `{"roles":"admin"}`),
		roles("roles nested", `{"roles":[["admin"]]}`),
		roles("roles then garbage", `{"roles":["admin"]}]`),
		grant("grant given twice", `{"subject":"user","permission":"users:read","scope":"any","subject":"bob"}`),
		grant("grant with a number", `{"subject":"user","permission":"users:read","scope":1}`),
		login("login naming two accounts", `{"email":"bob@example.com","password":"bob-password","email":"alice@example.com"}`),
		login("login password not UTF-8", "{\"email\":\"bob@example.com\",\"password\":\"bob-password\xff\"}"),
	}
	// Emails no account can have fail like a wrong password: never a 5xx,
	// and no hint that the input, not the password, was wrong.
	for _, email := range []string{strings.Repeat("a", 330) + "@example.com", "bob\u200b@example.com", "ｂob@exa mple.com", "not an email"} {
		for _, path := range []string{"/auth/login", "/auth/session"} {
			body, _ := json.Marshal(map[string]string{"email": email, "password": "bob-password"})
			cases = append(cases, hostileCase{name: fmt.Sprintf("%s with email %.20q…", path, email), req: rawRequest{method: "POST",
				target: path, header: [][2]string{jsonType}, body: body}, status: []int{401}, code: "invalid_credentials"})
		}
	}
	return cases
}

// contentTypeCases hold the contract for request bodies: a body is JSON,
// declared as application/json (charset, if any, utf-8), or the request
// is refused with 415 unsupported_media_type before the body is read.
func (h *hostile) contentTypeCases() []hostileCase {
	body := []byte(`{"title":"typed","body":"b"}`)
	post := func(name string, status int, contentType ...string) hostileCase {
		header := [][2]string{bearer(h.bob)}
		for _, ct := range contentType {
			header = append(header, [2]string{"Content-Type", ct})
		}
		code := ""
		if status == 415 {
			code = "unsupported_media_type"
		}
		return hostileCase{name: name, req: rawRequest{method: "POST", target: "/posts", header: header, body: body},
			status: []int{status}, code: code}
	}
	login := func(name string, status int, contentType string) hostileCase {
		return hostileCase{name: name, req: rawRequest{method: "POST", target: "/auth/login",
			header: [][2]string{{"Content-Type", contentType}}, body: []byte(credentialsOf("bob", "bob-password"))}, status: []int{status}}
	}
	return []hostileCase{
		post("text/plain", 415, "text/plain"),
		post("multipart", 415, "multipart/form-data; boundary=x"),
		post("form", 415, "application/x-www-form-urlencoded"),
		post("none", 415),
		post("application/jsonx", 415, "application/jsonx"),
		post("a charset other than UTF-8", 415, "application/json; charset=latin1"),
		post("malformed", 415, "application/json; ;;"),
		post("two content types", 415, "application/json", "text/plain"),
		login("login as text/plain", 415, "text/plain"),
		login("login with charset utf-8", 200, "application/json; charset=UTF-8"),
		login("login with upper-case type", 200, "Application/JSON"),
		{name: "no body needs no type", req: rawRequest{method: "POST", target: "/auth/logout",
			header: [][2]string{bearer(h.client.login(h.url, "bob@example.com", "bob-password"))}}, status: []int{204}},
	}
}

func (h *hostile) credentialCases(t *testing.T) []hostileCase {
	long := strings.Repeat("A", 10_000)
	get := func(name, target string, status []int, code string, header ...[2]string) hostileCase {
		return hostileCase{name: name, req: rawRequest{method: "GET", target: target, header: header}, status: status, code: code}
	}
	ambiguous := []int{400}
	return []hostileCase{
		get("bob's then alice's token", "/admin/users", ambiguous, "invalid_request", bearer(h.bob), bearer(h.alice)),
		get("alice's then bob's token", "/me", ambiguous, "invalid_request", bearer(h.alice), bearer(h.bob)),
		get("bob's token then garbage", "/me", ambiguous, "invalid_request", bearer(h.bob), bearer("abc.def.ghi")),
		get("the same token twice", "/me", []int{200}, "", bearer(h.bob), bearer(h.bob)),
		// Minted with the server's own key: only the subject is wrong.
		get("a token whose subject is the admin role", "/admin/users", []int{401}, "invalid_token", bearer(mint(t, "admin"))),
		get("a token whose subject is the user role", "/me", []int{401}, "invalid_token", bearer(mint(t, "user"))),
		get("a token whose subject is not a user id", "/me", []int{401}, "invalid_token", bearer(mint(t, "suspended"))),
		get("a token minted with the key for bob", "/me", []int{200}, "", bearer(mint(t, h.bobID))),
		get("two tokens in one header", "/me", []int{401}, "invalid_token", [2]string{"Authorization", "Bearer " + h.bob + ", Bearer " + h.alice}),
		get("bob's key then another", "/me", ambiguous, "invalid_request", apiKey(h.bobKey), apiKey("ghk_forged")),
		get("another key then bob's", "/me", ambiguous, "invalid_request", apiKey("ghk_forged"), apiKey(h.bobKey)),
		get("two session cookies in one header", "/admin/users", ambiguous, "invalid_request", cookie(h.bobCookie+"; "+h.aliceCookie)),
		get("two session cookies in two headers", "/admin/users", ambiguous, "invalid_request", cookie(h.bobCookie), cookie(h.aliceCookie)),
		get("a session cookie inside another cookie's quotes", "/admin/users", []int{401, 400}, "",
			cookie(`x="; `+h.aliceCookie[:len(h.aliceCookie)-1]+`"`)),
		get("a session cookie with header text", "/me", []int{401}, "", cookie(h.bobCookie+"%0d%0aX-API-Key: "+h.bobKey)),
		get("a session cookie with a semicolon", "/me", []int{401}, "", cookie(strings.Replace(h.bobCookie, "=", "=;", 1))),
		{name: "a bare CR in a cookie", req: rawRequest{method: "GET", target: "/admin/users",
			header: [][2]string{bearer(h.bob), cookie("a=b\rX-API-Key: " + h.bobKey)}}, byServer: true},
		{name: "a NUL in a header", req: rawRequest{method: "GET", target: "/me",
			header: [][2]string{{"Authorization", "Bearer " + h.bob + "\x00"}}}, byServer: true},
		get("a token of 10,000 characters", "/me", []int{401}, "invalid_token", bearer(long)),
		get("an API key of 10,000 characters", "/me", []int{401}, "", apiKey(long)),
		get("a session cookie of 10,000 characters", "/me", []int{401}, "", cookie(h.cookieName()+"="+long)),
		get("bob's token and a 10,000-character header", "/me", []int{200}, "", bearer(h.bob), [2]string{"X-Padding", long}),
		{name: "headers of 100 KiB", req: rawRequest{method: "GET", target: "/me",
			header: [][2]string{bearer(h.bob), {"X-Padding", strings.Repeat("A", 100<<10)}}}, byServer: true},
		get("a token not UTF-8", "/me", []int{401}, "invalid_token", bearer("\xff\xfe\xfd")),
		get("an API key not UTF-8", "/me", []int{401}, "", apiKey("ghk_\xff\xfe")),
		get("a session cookie not UTF-8", "/me", []int{401}, "", cookie(h.cookieName()+"=\xff\xfe")),
		get("bob's token with trailing bytes not UTF-8", "/me", []int{401}, "invalid_token", bearer(h.bob+"\xff")),
	}
}

// pathCases dress /admin/users up as other paths. bob may not list users:
// whatever the router makes of the path, he must never get the list.
func (h *hostile) pathCases() []hostileCase {
	refused := []int{404, 403}
	var out []hostileCase
	for _, target := range []string{
		"/posts/../admin/users",
		"/posts/%2e%2e/admin/users",
		"/posts/%2E%2E/admin/users",
		"/posts/1/..%2f..%2fadmin/users",
		"/admin//users",
		"//admin/users",
		"/./admin/users",
		"/admin/./users",
		"/admin%2Fusers",
		"/admin%2fusers",
		"/admin/users/",
		"/admin/users//",
		"/Admin/Users",
		"/ADMIN/USERS",
		"/admin/users;x",
		"/admin/users;/",
		"/admin/users%00",
		"/admin/users%20",
		"/admin/users#",
		"/admin/users\xff",
		"/%61dmin/users",
		"/admin/users/..",
		"/auth/login/../../admin/users",
		"/healthz/../admin/users",
	} {
		out = append(out,
			hostileCase{name: "bob " + target, req: rawRequest{method: "GET", target: target,
				header: [][2]string{bearer(h.bob)}}, status: refused},
			hostileCase{name: "anonymous " + target, req: rawRequest{method: "GET", target: target},
				status: []int{404, 401}})
	}
	// Writes through dressed-up paths: bob may not give himself a role.
	for _, target := range []string{
		"/posts/../admin/users/" + h.bobID + "/roles",
		"/admin//users/" + h.bobID + "/roles",
		"/admin/users/" + h.bobID + "/roles/",
		"/Admin/Users/" + h.bobID + "/Roles",
	} {
		out = append(out, hostileCase{name: "bob PUT " + target, req: rawRequest{method: "PUT", target: target,
			header: [][2]string{bearer(h.bob), jsonType}, body: []byte(`{"roles":["admin"]}`)}, status: refused})
	}
	return out
}

// badPostIDs name no post, though some look as if they might.
func (h *hostile) badPostIDs() []string {
	return []string{"99999999999999999999999", "9223372036854775808", "-1", "0", "0x10", "1e3", "abc", "%20" + h.bobPost,
		h.bobPost + ".0", "-9223372036854775808"}
}

func (h *hostile) idCases() []hostileCase {
	var out []hostileCase
	for _, id := range h.badPostIDs() {
		out = append(out,
			hostileCase{name: "GET /posts/" + id, req: rawRequest{method: "GET", target: "/posts/" + id,
				header: [][2]string{bearer(h.bob)}}, status: []int{404}, code: "not_found"},
			hostileCase{name: "PUT /posts/" + id, req: rawRequest{method: "PUT", target: "/posts/" + id,
				header: [][2]string{bearer(h.bob), jsonType}, body: []byte(`{"title":"x"}`)}, status: []int{404}, code: "not_found"},
			hostileCase{name: "DELETE /posts/" + id, req: rawRequest{method: "DELETE", target: "/posts/" + id,
				header: [][2]string{bearer(h.bob)}}, status: []int{404}, code: "not_found"},
			hostileCase{name: "DELETE /api-keys/" + id, req: rawRequest{method: "DELETE", target: "/api-keys/" + id,
				header: [][2]string{bearer(h.bob)}}, status: []int{404}, code: "not_found"},
			hostileCase{name: "PUT /admin/users/" + id + "/roles", req: rawRequest{method: "PUT", target: "/admin/users/" + id + "/roles",
				header: [][2]string{bearer(h.alice), jsonType}, body: []byte(`{"roles":["user"]}`)}, status: []int{404}, code: "not_found"},
		)
	}
	return out
}

// editorCases share bob's post, as bob, with ids that name no post or no
// user: each is 404 and makes no editor. Sharing it with bob himself, its
// author, is 204 and changes nothing either, his id escaped or not: path
// values are unescaped on every framework.
func (h *hostile) editorCases() []hostileCase {
	var out []hostileCase
	for _, id := range h.badPostIDs() {
		target := "/posts/" + id + "/editors/" + h.bobID
		out = append(out,
			hostileCase{name: "PUT " + target, req: rawRequest{method: "PUT", target: target,
				header: [][2]string{bearer(h.bob)}}, status: []int{404}, code: "not_found"},
			hostileCase{name: "DELETE " + target, req: rawRequest{method: "DELETE", target: target,
				header: [][2]string{bearer(h.bob)}}, status: []int{404}, code: "not_found"},
			hostileCase{name: "GET /posts/" + id + "/access", req: rawRequest{method: "GET", target: "/posts/" + id + "/access",
				header: [][2]string{bearer(h.bob)}}, status: []int{404}, code: "not_found"},
		)
	}
	for _, user := range []string{noUser, h.bobID + "0", "%20" + h.bobID, h.bobID + "%20", "%75sr_" + h.bobID[5:],
		"moderator", "admin", "editor", "user", "suspended", "*", "%2A", "posts:" + h.bobPost, "abc", "-1",
		strings.Repeat("9", 300), "%C3%A9", "%00", "%FF"} {
		target := "/posts/" + h.bobPost + "/editors/" + user
		out = append(out,
			hostileCase{name: "PUT " + target, req: rawRequest{method: "PUT", target: target,
				header: [][2]string{bearer(h.bob)}}, status: []int{404}, code: "not_found"},
			hostileCase{name: "DELETE " + target, req: rawRequest{method: "DELETE", target: target,
				header: [][2]string{bearer(h.bob)}}, status: []int{404}, code: "not_found"},
		)
	}
	// A malformed escape: net/http refuses the request line itself.
	malformed := "/posts/" + h.bobPost + "/editors/%2" + h.bobID
	out = append(out, hostileCase{name: "PUT " + malformed, req: rawRequest{method: "PUT", target: malformed,
		header: [][2]string{bearer(h.bob)}}, byServer: true})
	for _, self := range []string{h.bobID, "%75sr_" + h.bobID[4:]} {
		target := "/posts/" + h.bobPost + "/editors/" + self
		out = append(out, hostileCase{name: "PUT " + target + " (the author)", req: rawRequest{method: "PUT", target: target,
			header: [][2]string{bearer(h.bob)}}, status: []int{204}})
	}
	return out
}

// concurrentLogins logs bob in 10 times at once. Each login succeeds, or
// is told to retry (429 with Retry-After) when the server is checking as
// many passwords as it will at once, or — on a machine so loaded that a
// password check outlasts the request's time budget — gets a JSON 503
// "unavailable"; never anything else. At least one succeeds, and each
// token issued works.
func (h *hostile) concurrentLogins(t *testing.T) {
	const n = 10
	type result struct {
		status int
		token  string
		body   string // of a refusal
		// retryAfter is the Retry-After of a 429.
		retryAfter string
		err        error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res, err := h.client.http.Post(h.url+"/auth/login", "application/json", strings.NewReader(credentialsOf("bob", "bob-password")))
			if err != nil {
				results[i].err = err
				return
			}
			defer res.Body.Close()
			var pair struct {
				AccessToken string `json:"access_token"`
			}
			results[i].status, results[i].retryAfter = res.StatusCode, res.Header.Get("Retry-After")
			raw, err := io.ReadAll(res.Body)
			if err == nil && res.StatusCode == http.StatusOK {
				err = json.Unmarshal(raw, &pair)
			}
			results[i].token, results[i].body, results[i].err = pair.AccessToken, string(raw), err
		})
	}
	wg.Wait()
	var tokens []string
	for i, r := range results {
		require.NoError(t, r.err, "login %d", i)
		if r.status == http.StatusTooManyRequests {
			assert.NotEmpty(t, r.retryAfter, "login %d: 429 without Retry-After", i)
			continue
		}
		if r.status == http.StatusServiceUnavailable {
			assert.Contains(t, r.body, `"error":"unavailable"`, "login %d", i)
			continue
		}
		require.Equal(t, 200, r.status, "login %d: %s", i, r.body)
		h.client.expect(200, "GET", h.url+"/me", r.token, nil)
		tokens = append(tokens, r.token)
	}
	require.NotEmpty(t, tokens, "every login was refused")
	slices.Sort(tokens)
	assert.Len(t, slices.Compact(tokens), len(tokens), "two logins got the same token")
}

// largeBodies sends bodies over the limit as net/http's client does, which
// stops reading once its write fails: the server must answer 413 before it
// stops reading, never just reset the connection.
func (h *hostile) largeBodies(t *testing.T) {
	for _, size := range []int{2 << 20, 5 << 20, 16 << 20} {
		t.Run(fmt.Sprintf("%d MiB", size>>20), func(t *testing.T) {
			req, err := http.NewRequest("POST", h.url+"/posts", strings.NewReader(`{"title":"t","body":"`+strings.Repeat("x", size)+`"}`))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+h.bob)
			res, err := h.client.http.Do(req)
			require.NoError(t, err, "no response to a body of %d MiB", size>>20)
			defer res.Body.Close()
			assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
		})
	}
}
