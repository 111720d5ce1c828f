// Package testprovider runs a real OpenID provider in-process for
// gatehouse's tests: zitadel/oidc's provider (package op) on its example
// in-memory storage, with keys that rotate on demand, clients that receive
// JWT access tokens, and switches that take it down. Discovery, the JWK
// set, the token endpoint and the login flow are the provider's own; only
// its keys and clients are set here.
//
// It is for tests only: its users' passwords and client secrets are
// constants.
package testprovider

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// The service client that receives JWT access tokens by the client
// credentials grant, and the audience its tokens carry.
const (
	ServiceClientID     = "gatehouse-api-client"
	ServiceClientSecret = "gatehouse-api-secret"
	Audience            = "gatehouse-api"
)

// User is a user of the provider, who can log in at its login page.
type User struct {
	ID, Username, Password string
	Email                  string
	EmailVerified          bool
	Groups                 []string
}

// Users are the provider's users.
var Users = []User{
	{ID: "p-alice", Username: "alice", Password: "alice-password", Email: "alice@example.com", EmailVerified: true,
		Groups: []string{"staff"}},
	{ID: "p-mallory", Username: "mallory", Password: "mallory-password", Email: "admin@example.com"},
}

// Provider is a running provider.
type Provider struct {
	// Issuer is its issuer URL, the server's.
	Issuer string
	// Server serves it.
	Server *httptest.Server

	store      *keyedStorage
	keyFetches atomic.Int64
	down       atomic.Bool
}

// Start runs a provider until the test ends. Its first key is RS256.
func Start(t testing.TB) *Provider {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	users := userStore{}
	for _, u := range Users {
		users[u.ID] = u
	}
	clients := map[string]*storage.Client{}
	p := &Provider{Issuer: issuer, Server: srv}
	p.store = &keyedStorage{Storage: storage.NewStorageWithClients(users, clients), users: users,
		secrets: map[string]string{}}
	p.store.rotate("RS256")
	router := exampleop.SetupServer(issuer, p.store, nil, false)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path == "/keys" {
			p.keyFetches.Add(1)
		}
		router.ServeHTTP(w, r)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

// AddWebClient registers a confidential web client for the
// authorization code flow.
func (p *Provider) AddWebClient(id, secret string, redirectURIs ...string) {
	c := storage.WebClient(id, secret, redirectURIs...)
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.webClients = append(p.store.webClients, c)
	p.store.secrets[id] = secret
}

// KeyFetches is how many times the JWK set was fetched.
func (p *Provider) KeyFetches() int64 { return p.keyFetches.Load() }

// SetDown makes the provider answer 503 to everything, or serve again.
func (p *Provider) SetDown(down bool) { p.down.Store(down) }

// Rotate makes a new key of alg ("RS256", "PS256", "ES256", "EdDSA") the
// signing key; the older keys stay published until Retire.
func (p *Provider) Rotate(alg string) { p.store.rotate(alg) }

// Retire stops publishing every key but the signing key.
func (p *Provider) Retire() { p.store.retire() }

// KeyID is the signing key's id.
func (p *Provider) KeyID() string { return p.store.signing().id }

// PublicKeyPEM is the signing key's public key, PEM-encoded: what an
// algorithm-confusion attack uses as an HMAC secret.
func (p *Provider) PublicKeyPEM() []byte {
	der, err := x509.MarshalPKIXPublicKey(p.store.signing().public())
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ServiceToken asks the token endpoint for a JWT access token by the
// client credentials grant: a token made by the provider itself, with
// "typ": "JWT", sub ServiceClientID and aud Audience.
func (p *Provider) ServiceToken(t testing.TB) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}
	req, err := http.NewRequest(http.MethodPost, p.Issuer+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(ServiceClientID, ServiceClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token endpoint: %s %s %s %v", resp.Status, body.Error, body.Description, err)
	}
	return body.AccessToken
}

// Claims are the claims of a token signed with Sign, for a user: iss,
// sub, aud, iat, exp and jti, with the user's email and groups.
func (p *Provider) Claims(u User, ttl time.Duration) jwt.MapClaims {
	now := time.Now()
	claims := jwt.MapClaims{"iss": p.Issuer, "sub": u.ID, "aud": []string{Audience}, "iat": now.Unix(),
		"exp": now.Add(ttl).Unix(), "jti": fmt.Sprintf("jti-%d", now.UnixNano())}
	if u.Email != "" {
		claims["email"] = u.Email
		claims["email_verified"] = u.EmailVerified
	}
	if u.Groups != nil {
		claims["groups"] = u.Groups
	}
	return claims
}

// Sign signs claims with the provider's signing key, with header typ (none
// when ""), as the provider would an access token: for tokens the test
// needs that the token endpoint does not make ("at+jwt", expired, for
// another audience).
func (p *Provider) Sign(claims jwt.Claims, typ string) string {
	return p.SignNaming(claims, typ, p.KeyID())
}

// SignNaming signs as Sign does, with the signing key, but names kid in
// the header: a token that claims another key than the one that signed it.
func (p *Provider) SignNaming(claims jwt.Claims, typ, kid string) string {
	k := p.store.signing()
	t := jwt.NewWithClaims(jwt.GetSigningMethod(k.alg), claims)
	t.Header["kid"] = kid
	if typ == "" {
		delete(t.Header, "typ")
	} else {
		t.Header["typ"] = typ
	}
	raw, err := t.SignedString(k.private)
	if err != nil {
		panic(err)
	}
	return raw
}

// keyedStorage is the example storage with rotating keys of any
// algorithm, the service client, web clients and users with groups.
type keyedStorage struct {
	*storage.Storage
	users userStore

	mu         sync.Mutex
	keys       []*signingKey // the last signs
	webClients []*storage.Client
	secrets    map[string]string // of the web clients
}

type signingKey struct {
	id      string
	alg     string
	private crypto.Signer
}

func (k *signingKey) public() crypto.PublicKey { return k.private.Public() }

// SignatureAlgorithm, Key and ID make it an op.SigningKey.
func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm {
	return jose.SignatureAlgorithm(k.alg)
}
func (k *signingKey) Key() any   { return k.private }
func (k *signingKey) ID() string { return k.id }

// publicKey is an op.Key.
type publicKey struct{ k *signingKey }

func (p publicKey) ID() string                         { return p.k.id }
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.SignatureAlgorithm(p.k.alg) }
func (p publicKey) Use() string                        { return "sig" }
func (p publicKey) Key() any                           { return p.k.public() }

var keyCounter atomic.Int64

func (s *keyedStorage) rotate(alg string) {
	var private crypto.Signer
	var err error
	switch alg {
	case "RS256", "PS256":
		private, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		private, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, private, err = ed25519.GenerateKey(rand.Reader)
	default:
		err = fmt.Errorf("testprovider: no algorithm %q", alg)
	}
	if err != nil {
		panic(err)
	}
	k := &signingKey{id: fmt.Sprintf("key-%d-%s", keyCounter.Add(1), strings.ToLower(alg)), alg: alg, private: private}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, k)
}

func (s *keyedStorage) retire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = s.keys[len(s.keys)-1:]
}

func (s *keyedStorage) signing() *signingKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[len(s.keys)-1]
}

// SigningKey implements op.Storage.
func (s *keyedStorage) SigningKey(context.Context) (op.SigningKey, error) { return s.signing(), nil }

// SignatureAlgorithms implements op.Storage.
func (s *keyedStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.SignatureAlgorithm(s.signing().alg)}, nil
}

// KeySet implements op.Storage: every key not retired.
func (s *keyedStorage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]op.Key, len(s.keys))
	for i, k := range s.keys {
		keys[i] = publicKey{k}
	}
	return keys, nil
}

// GetClientByClientID implements op.Storage: the service client and the
// web clients.
func (s *keyedStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	if id == ServiceClientID {
		return serviceClient{}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.webClients {
		if c.GetID() == id {
			return c, nil
		}
	}
	return nil, fmt.Errorf("no client %q", id)
}

// AuthorizeClientIDSecret implements op.Storage.
func (s *keyedStorage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	if id == ServiceClientID && subtle.ConstantTimeCompare([]byte(secret), []byte(ServiceClientSecret)) == 1 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if want, ok := s.secrets[id]; ok && subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1 {
		return nil
	}
	return fmt.Errorf("wrong client or secret")
}

// ClientCredentials implements op.ClientCredentialsStorage for the
// service client.
func (s *keyedStorage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	if id != ServiceClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(ServiceClientSecret)) != 1 {
		return nil, fmt.Errorf("wrong client or secret")
	}
	return serviceClient{}, nil
}

// ClientCredentialsTokenRequest implements op.ClientCredentialsStorage.
func (s *keyedStorage) ClientCredentialsTokenRequest(ctx context.Context, id string, scopes []string) (op.TokenRequest, error) {
	return &oidc.JWTTokenRequest{Subject: id, Audience: []string{Audience}, Scopes: scopes}, nil
}

// serviceClient receives JWT access tokens by the client credentials
// grant.
type serviceClient struct{}

func (serviceClient) GetID() string                       { return ServiceClientID }
func (serviceClient) RedirectURIs() []string              { return nil }
func (serviceClient) PostLogoutRedirectURIs() []string    { return nil }
func (serviceClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (serviceClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (serviceClient) ResponseTypes() []oidc.ResponseType  { return nil }
func (serviceClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeClientCredentials}
}
func (serviceClient) LoginURL(string) string               { return "" }
func (serviceClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (serviceClient) IDTokenLifetime() time.Duration       { return time.Hour }
func (serviceClient) DevMode() bool                        { return true }
func (serviceClient) IsScopeAllowed(string) bool           { return true }
func (serviceClient) IDTokenUserinfoClaimsAssertion() bool { return false }
func (serviceClient) ClockSkew() time.Duration             { return 0 }
func (serviceClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (serviceClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// userStore holds the provider's users for the example storage.
type userStore map[string]User

func (u userStore) GetUserByID(id string) *storage.User {
	user, ok := u[id]
	if !ok {
		return nil
	}
	return &storage.User{ID: user.ID, Username: user.Username, Password: user.Password, FirstName: user.Username,
		LastName: "Example", Email: user.Email, EmailVerified: user.EmailVerified, PreferredLanguage: language.English}
}

func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, user := range u {
		if user.Username == name {
			return u.GetUserByID(user.ID)
		}
	}
	return nil
}

func (u userStore) ExampleClientID() string { return "service" }

// LogIn plays the browser at the provider: it opens authURL, fills the
// login page with the user's username and password, and returns the
// parameters of the redirect back to the client (code and state, or
// error), without following it.
func (p *Provider) LogIn(t testing.TB, authURL string, u User) url.Values {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := url.Parse(p.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	var back *url.URL
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != issuer.Host {
			back = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if back != nil {
		return back.Query() // the provider answered at once, with an error
	}
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("testprovider: no login page at %s: %s", resp.Request.URL, resp.Status)
	}
	resp, err = browser.PostForm(p.Issuer+"/login/username",
		url.Values{"id": {id}, "username": {u.Username}, "password": {u.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if back == nil {
		t.Fatalf("testprovider: the login of %s did not go back to the client: %s", u.Username, resp.Status)
	}
	return back.Query()
}
