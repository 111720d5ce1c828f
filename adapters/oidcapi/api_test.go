package oidcapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/adapters/oidcapi"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/identity"
	identitymem "github.com/gatehouse-go/gatehouse/authn/identity/memstore"
	"github.com/gatehouse-go/gatehouse/authn/oidclogin"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/testprovider"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/stack"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// app is an application that logs its users in at the provider.
type app struct {
	url      string
	provider *testprovider.Provider
	auth     *stack.Stack
	links    *identitymem.Store
	srv      *httptest.Server
}

// newApp serves, over TLS (the session cookie is Secure), the account API,
// the login endpoints, and /posts, which needs posts:write.
func newApp(t *testing.T, linkByEmail bool) *app {
	t.Helper()
	ctx := context.Background()
	srv := httptest.NewUnstartedServer(nil)
	a := &app{url: "https://" + srv.Listener.Addr().String(), provider: testprovider.Start(t), links: identitymem.New(),
		srv: srv}
	a.provider.AddWebClient("gatehouse-web", "web-secret", a.url+"/auth/oidc/zitadel/callback")
	var err error
	a.auth, err = stack.New(ctx, stack.Config{Secret: []byte("a test secret of at least thirty-two bytes"), Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(a.auth.Close)
	cfg := identity.Config{Store: a.links, Users: a.auth.Users, Create: true, Logger: quiet,
		OnCreate: func(ctx context.Context, u users.User, _ authn.ExternalIdentity) error {
			return a.auth.Engine.AssignRole(ctx, u.ID, "user")
		}}
	if linkByEmail {
		cfg.LinkByEmail = []string{"zitadel"}
	}
	linker, err := identity.New(cfg)
	require.NoError(t, err)
	login, err := oidclogin.New(oidclogin.Config{Providers: []oidclogin.Provider{{Name: "zitadel",
		Issuer: a.provider.Issuer, ClientID: "gatehouse-web", ClientSecret: "web-secret",
		RedirectURL: a.url + "/auth/oidc/zitadel/callback"}}, Linker: linker, Logger: quiet})
	require.NoError(t, err)
	api, err := oidcapi.New(oidcapi.Config{Login: login, Sessions: a.auth.Sessions, Logger: quiet})
	require.NoError(t, err)

	g := a.auth.Guard()
	g.PublicPaths = append(g.PublicPaths, api.PublicPaths()...)
	g.Logger = quiet
	mw, err := httpadapter.New(httpadapter.Config{Guard: g})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mw.Mount(mux, a.auth.Routes()...)
	mw.Mount(mux, api.Routes()...)
	mux.Handle("GET /posts", mw.RequirePermission(permissions.PostsWrite)(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "the posts") })))
	srv.Config.Handler = mw.Authenticate(mux)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return a
}

// browser is a client with cookies that trusts the app's certificate.
func (a *app) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Transport: a.srv.Client().Transport.(*http.Transport).Clone()}
}

// logIn runs the whole login in browser, as u, starting from the app's
// login link, and returns the last response, the page the login returned
// to.
func (a *app) logIn(t *testing.T, browser *http.Client, u testprovider.User, returnTo string) *http.Response {
	t.Helper()
	resp, err := browser.Get(a.url + "/auth/oidc/zitadel/login?return_to=" + url.QueryEscape(returnTo))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the provider's login page")
	id := resp.Request.URL.Query().Get("authRequestID")
	require.NotEmpty(t, id, "at %s", resp.Request.URL)
	resp, err = browser.PostForm(a.provider.Issuer+"/login/username",
		url.Values{"id": {id}, "username": {u.Username}, "password": {u.Password}})
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func getJSON(t *testing.T, browser *http.Client, url string) (int, map[string]any) {
	t.Helper()
	resp, err := browser.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestLoginEndsInASessionOfTheLinkedUser(t *testing.T) {
	t.Parallel()
	a := newApp(t, false)
	alice := testprovider.Users[0]
	browser := a.browser(t)

	resp := a.logIn(t, browser, alice, "/posts")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "/posts", resp.Request.URL.Path, "back where the login began")
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "the posts", string(body), "the new user holds the role user, which writes posts")

	status, me := getJSON(t, browser, a.url+"/me")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, alice.Email, me["email"], "the provider's verified email")
	localID, _ := me["id"].(string)
	assert.True(t, users.IsID(localID))
	links, err := a.links.ByUser(context.Background(), localID)
	require.NoError(t, err)
	require.Len(t, links, 1)
	assert.Equal(t, identity.Link{Issuer: a.provider.Issuer, Subject: alice.ID, UserID: localID, CreatedAt: links[0].CreatedAt}, links[0])

	// Another login of the same person, in another browser: the same user.
	other := a.browser(t)
	a.logIn(t, other, alice, "/")
	status, me = getJSON(t, other, a.url+"/me")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, localID, me["id"])
	n, err := a.auth.Users.Count(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	// Logout: the session ends here, and the provider's end-session URL
	// comes back.
	status, csrf := getJSON(t, browser, a.url+"/auth/session")
	require.Equal(t, http.StatusOK, status)
	req, err := http.NewRequest(http.MethodPost, a.url+"/auth/oidc/zitadel/logout", nil)
	require.NoError(t, err)
	req.Header.Set(a.auth.Sessions.CSRFHeader(), csrf["csrf_token"].(string))
	out, err := browser.Do(req)
	require.NoError(t, err)
	var logout map[string]string
	require.NoError(t, json.NewDecoder(out.Body).Decode(&logout))
	out.Body.Close()
	assert.Equal(t, http.StatusOK, out.StatusCode)
	assert.True(t, strings.HasPrefix(logout["logout_url"], a.provider.Issuer), logout["logout_url"])
	status, _ = getJSON(t, browser, a.url+"/me")
	assert.Equal(t, http.StatusUnauthorized, status, "the session is over")
	status, _ = getJSON(t, other, a.url+"/me")
	assert.Equal(t, http.StatusOK, status, "the other browser's session lives on")
}

func TestLinkByVerifiedEmailOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t, true)
	ctx := context.Background()
	// Local accounts with the addresses of the provider's users: alice's
	// is verified there, mallory's is not.
	local, err := a.auth.EnsureUser(ctx, "alice@example.com", "alice's local passphrase", "Alice")
	require.NoError(t, err)
	require.NoError(t, a.auth.Users.MarkEmailVerified(ctx, local.ID))
	admin, err := a.auth.EnsureUser(ctx, "admin@example.com", "the admin's passphrase", "Admin", "admin")
	require.NoError(t, err)

	browser := a.browser(t)
	a.logIn(t, browser, testprovider.Users[0], "/")
	_, me := getJSON(t, browser, a.url+"/me")
	assert.Equal(t, local.ID, me["id"], "a verified email links to its account")

	mallory := a.browser(t)
	a.logIn(t, mallory, testprovider.Users[1], "/")
	_, me = getJSON(t, mallory, a.url+"/me")
	assert.NotEqual(t, admin.ID, me["id"], "an unverified email takes over nobody")
	assert.Equal(t, "", me["email"], "nor does the new account get it")
}

// An account registered with an address nobody verified here is not
// linked, even to a provider's verified identity with that address: it may
// have been registered by an attacker for its owner to sign in to.
func TestNoLinkToAnUnverifiedLocalAccount(t *testing.T) {
	t.Parallel()
	a := newApp(t, true)
	prepared, err := a.auth.EnsureUser(context.Background(), "alice@example.com", "the attacker's passphrase", "Alice")
	require.NoError(t, err)
	browser := a.browser(t)
	a.logIn(t, browser, testprovider.Users[0], "/posts")
	_, me := getJSON(t, browser, a.url+"/me")
	assert.NotEqual(t, prepared.ID, me["id"])
	assert.Equal(t, "", me["email"])
}

func TestCallbackRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t, false)
	browser := a.browser(t)
	noRedirects := *browser
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	// A callback nobody began in this browser.
	status, body := getJSON(t, browser, a.url+"/auth/oidc/zitadel/callback?code=x&state=y")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "login_failed", body["error"])

	// A login begun, and a callback with another state.
	resp, err := noRedirects.Get(a.url + "/auth/oidc/zitadel/login")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), a.provider.Issuer))
	status, _ = getJSON(t, browser, a.url+"/auth/oidc/zitadel/callback?code=x&state=forged")
	assert.Equal(t, http.StatusUnauthorized, status)

	tests := []struct {
		path   string
		status int
	}{
		{"/auth/oidc/zitadel/login?return_to=//evil.example", http.StatusBadRequest},
		{"/auth/oidc/zitadel/login?return_to=https://evil.example/", http.StatusBadRequest},
		{"/auth/oidc/zitadel/login?return_to=/a&return_to=/b", http.StatusBadRequest},
		{"/auth/oidc/other/login", http.StatusNotFound},
	}
	for _, tt := range tests {
		resp, err := noRedirects.Get(a.url + tt.path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tt.status, resp.StatusCode, tt.path)
		assert.Empty(t, resp.Header.Get("Location"), tt.path)
	}

	// A whole login, then its callback replayed: the pending login is
	// cleared, and the code spent.
	resp = a.logIn(t, browser, testprovider.Users[0], "/posts")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotNil(t, resp.Request.Response, "the callback redirected to /posts")
	callback := resp.Request.Response.Request.URL
	require.Equal(t, "/auth/oidc/zitadel/callback", callback.Path)
	status, _ = getJSON(t, browser, callback.String())
	assert.Equal(t, http.StatusUnauthorized, status)

	// Logout needs the session, and its CSRF token.
	req, err := http.NewRequest(http.MethodPost, a.url+"/auth/oidc/zitadel/logout", nil)
	require.NoError(t, err)
	out, err := browser.Do(req)
	require.NoError(t, err)
	out.Body.Close()
	assert.Equal(t, http.StatusForbidden, out.StatusCode)
}
