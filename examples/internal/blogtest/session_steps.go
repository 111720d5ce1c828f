package blogtest

import (
	"net/http"
	"net/http/cookiejar"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sessionSteps() []step {
	return []step{
		{"wrong password", "POST", "/auth/session", "", credentialsOf("carol", "not-carol-password"),
			401, "invalid_credentials", nil},
		{"malformed JSON", "POST", "/auth/session", "", `{"email":`, 400, "invalid_request", nil},
		do("carol opens a session", openSession("carol.session", "carol")),
		{"the cookie authenticates a safe method", "GET", "/me", "carol.session", "", 200, "", meIs("carol")},
		{"unsafe method without the CSRF header", "POST", "/posts", "carol.session", carolPost.json(), 403, "csrf", nil},
		{"unsafe method with a wrong CSRF header", "POST", "/posts", "carol.session+bad-csrf", carolPost.json(), 403, "csrf", nil},
		{"unsafe method with the CSRF header", "POST", "/posts", "carol.session+csrf", carolPost.json(), 201, "",
			savePost("post.carol.pub", carolPost)},
		do("a standard cookie jar keeps the session", sessionInJar("bob")),
		do("carol opens a second session", openSession("carol.other", "carol")),
		{"ending a session needs the CSRF header", "DELETE", "/auth/session", "carol.other", "", 403, "csrf", nil},
		{"end the session", "DELETE", "/auth/session", "carol.other+csrf", "", 204, "", nil},
		{"the ended session's cookie is refused", "GET", "/me", "carol.other", "", 401, "unauthorized", nil},
		{"carol's first session still works", "GET", "/me", "carol.session", "", 200, "", meIs("carol")},
	}
}

// openSession logs user in with POST /auth/session, checks the cookie's
// attributes and saves three credentials: cred (the cookie alone),
// cred+"+csrf" (with its CSRF token) and cred+"+bad-csrf" (with a wrong
// one).
func openSession(cred, user string) func(t *testing.T, w *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		r := w.send(t, w.client, "POST", "/auth/session", credential{}, credentialsOf(user, user+"-password"))
		require.Equal(t, 200, r.status, "session login: %s", r.brief())
		saveSession(cred)(t, w, r)
	}
}

// saveSession checks the answer of a session login, its CSRF token and
// its cookie's attributes, and saves the three credentials openSession
// does.
func saveSession(cred string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("csrf_token"))
		csrf, err := o.text("csrf_token")
		require.NoError(t, err)
		require.NotEmpty(t, csrf)

		require.Len(t, r.cookies, 1, "Set-Cookie %q: want the session cookie", r.header.Values("Set-Cookie"))
		c := r.cookies[0]
		require.NotEmpty(t, c.Value, "session cookie %q", c.Name)
		assert.True(t, c.HttpOnly, "session cookie is not HttpOnly")
		assert.Equal(t, http.SameSiteLaxMode, c.SameSite, "session cookie SameSite")
		assert.Equal(t, "/", c.Path, "session cookie Path")
		assert.NotEqual(t, csrf, c.Value, "the CSRF token must not be the session token")

		w.creds[cred] = credential{cookie: c}
		w.creds[cred+"+csrf"] = credential{cookie: c, csrf: csrf}
		w.creds[cred+"+bad-csrf"] = credential{cookie: c, csrf: "not-the-csrf-token"}
	}
}

// sessionInJar shows that the cookie works as a standard client keeps it,
// domain and path included: the jar, not the test, decides what to send.
func sessionInJar(user string) func(t *testing.T, w *world) {
	return func(t *testing.T, w *world) {
		t.Helper()
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		client := &http.Client{Transport: w.client.Transport, Timeout: w.client.Timeout, Jar: jar,
			CheckRedirect: w.client.CheckRedirect}

		r := w.send(t, client, "POST", "/auth/session", credential{}, credentialsOf(user, user+"-password"))
		require.Equal(t, 200, r.status, "session login: %s", r.brief())
		csrf, err := r.object(t).text("csrf_token")
		require.NoError(t, err)

		r = w.send(t, client, "GET", "/me", credential{}, "")
		require.Equal(t, 200, r.status, "GET /me with the jar's cookie: %s", r.brief())
		meIs(user)(t, w, r)

		r = w.send(t, client, "DELETE", "/auth/session", credential{csrf: csrf}, "")
		require.Equal(t, 204, r.status, "DELETE /auth/session: %s", r.brief())
		r = w.send(t, client, "GET", "/me", credential{}, "")
		assert.Equal(t, 401, r.status, "GET /me after the session ended: %s", r.brief())
	}
}
