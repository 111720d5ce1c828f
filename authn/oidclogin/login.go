package oidclogin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/providername"
	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Errors of a login, matched with errors.Is.
var (
	// ErrUnknownProvider: no provider of that name is configured.
	ErrUnknownProvider = errors.New("oidclogin: unknown provider")
	// ErrInvalidReturnTo: the page to return to is not a path of this
	// application (see CheckReturnTo).
	ErrInvalidReturnTo = errors.New("oidclogin: return_to is not a local path")
	// ErrLoginFailed: the login was refused: its state does not match
	// the browser's pending login, or that expired; the provider answered
	// with an error; the code was refused; the ID token failed
	// verification or does not carry the login's nonce. It matches
	// authn.ErrInvalidCredentials.
	ErrLoginFailed = errkind.New("oidclogin: login failed", authn.ErrInvalidCredentials)
)

// Login runs the authorization code flow of OpenID Connect with PKCE,
// state and nonce, on golang.org/x/oauth2 and go-oidc: Begin sends the
// browser to the provider; Finish takes it back, exchanges the code,
// verifies the ID token and returns the local user the identity is linked
// to. What lies between the two calls — the Pending login — is kept by the
// caller, in a cookie of the browser that began it (adapters/oidcapi does
// all of this over HTTP). It is safe for concurrent use.
type Login struct {
	cfg    Config
	byName map[string]Provider

	mu         sync.Mutex
	discovered map[string]*oidc.Provider
}

// New returns a Login of cfg. Providers are discovered on their first
// login, and again after a discovery that failed.
func New(cfg Config) (*Login, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	l := &Login{cfg: cfg, byName: map[string]Provider{}, discovered: map[string]*oidc.Provider{}}
	for _, p := range cfg.Providers {
		l.byName[p.Name] = p
	}
	return l, nil
}

// Pending is a login between Begin and Finish: the secrets that bind the
// provider's answer to the browser that asked, kept by the caller in that
// browser's cookie (see Encode), never in a URL.
type Pending struct {
	// Provider names the provider.
	Provider string `json:"p"`
	// State is the OAuth 2.0 state, which the callback must carry back.
	State string `json:"s"`
	// Nonce is the OpenID nonce, which the ID token must carry.
	Nonce string `json:"n"`
	// Verifier is the PKCE code verifier (RFC 7636), which the code
	// exchange must present.
	Verifier string `json:"v"`
	// ReturnTo is the local path to go to after the login.
	ReturnTo string `json:"r"`
	// Expires is when the login is too old to finish.
	Expires time.Time `json:"e"`
}

// Result is a finished login.
type Result struct {
	// SubjectID is the local user the identity is linked to: start the
	// session for it.
	SubjectID string
	// Identity is who the provider says the user is.
	Identity authn.ExternalIdentity
	// ReturnTo is the local path the login began from.
	ReturnTo string
}

// Begin starts a login at the provider named provider, to come back to
// returnTo (a local path, "/" when empty; see CheckReturnTo). It returns
// the provider's authorization URL, to send the browser to, and the
// Pending login to keep in the browser's cookie until Finish. Every login
// has a state, a nonce and a PKCE verifier of its own, drawn from
// crypto/rand. Errors: ErrUnknownProvider, ErrInvalidReturnTo, and
// authn.ErrUnavailable when the provider cannot be discovered.
func (l *Login) Begin(ctx context.Context, provider, returnTo string) (string, Pending, error) {
	p, ok := l.byName[provider]
	if !ok {
		return "", Pending{}, fmt.Errorf("%w: %q", ErrUnknownProvider, provider)
	}
	if returnTo == "" {
		returnTo = "/"
	}
	if err := CheckReturnTo(returnTo); err != nil {
		return "", Pending{}, err
	}
	op, err := l.discover(ctx, p)
	if err != nil {
		return "", Pending{}, err
	}
	pending := Pending{Provider: p.Name, State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier(),
		ReturnTo: returnTo, Expires: l.cfg.Clock().Add(l.cfg.PendingTTL).UTC()}
	authURL := l.oauth2Config(p, op).AuthCodeURL(pending.State, oidc.Nonce(pending.Nonce),
		oauth2.S256ChallengeOption(pending.Verifier))
	return authURL, pending, nil
}

// Finish completes the login pending with the parameters of the request
// the provider sent the browser back with (code, state, or error).
//
// The state must equal the pending login's, which must not have expired;
// an "iss" parameter (RFC 9207), when present, must be the provider's
// issuer; the code is exchanged with the PKCE verifier; the ID token must
// be signed by the provider, issued to this client, current, and carry
// the pending login's nonce, and its "at_hash", when present, must match
// the access token. The identity it proves is then linked to a local user
// by Config.Linker. Each parameter must appear at most once.
//
// Errors match ErrLoginFailed (and authn.ErrInvalidCredentials) for a
// refused login, whatever the Linker refuses with, and
// authn.ErrUnavailable when the provider or the Linker's stores cannot be
// reached.
func (l *Login) Finish(ctx context.Context, pending Pending, params url.Values) (res Result, err error) {
	defer func() {
		// The provider's answers are read by libraries: should one of
		// them panic, the login fails, the process lives on.
		if p := recover(); p != nil {
			l.cfg.Logger.ErrorContext(ctx, "oidclogin: finishing a login panicked", "provider", pending.Provider,
				"panic", fmt.Sprintf("%T", p)) // not its text, which may quote the input
			res, err = Result{}, fmt.Errorf("%w: the provider's answer could not be read", ErrLoginFailed)
		}
	}()
	res, err = l.finish(ctx, pending, params)
	if err != nil && ctx.Err() == nil {
		l.cfg.Logger.InfoContext(ctx, "oidclogin: login refused", "provider", pending.Provider, "reason", err.Error())
	}
	return res, err
}

func (l *Login) finish(ctx context.Context, pending Pending, params url.Values) (Result, error) {
	p, ok := l.byName[pending.Provider]
	if !ok {
		return Result{}, fmt.Errorf("%w: %w: %q", ErrLoginFailed, ErrUnknownProvider, pending.Provider)
	}
	for name, values := range params {
		if len(values) > 1 {
			return Result{}, fmt.Errorf("%w: parameter %q given %d times", ErrLoginFailed, name, len(values))
		}
	}
	if !l.cfg.Clock().Before(pending.Expires) {
		return Result{}, fmt.Errorf("%w: the login began more than %s ago", ErrLoginFailed, l.cfg.PendingTTL)
	}
	if pending.State == "" || subtle.ConstantTimeCompare([]byte(params.Get("state")), []byte(pending.State)) != 1 {
		return Result{}, fmt.Errorf("%w: state does not match the browser's login", ErrLoginFailed)
	}
	if iss := params.Get("iss"); iss != "" && iss != p.Issuer {
		return Result{}, fmt.Errorf("%w: iss %q is not the provider's (RFC 9207)", ErrLoginFailed, iss)
	}
	if e := params.Get("error"); e != "" {
		return Result{}, fmt.Errorf("%w: the provider answered %s", ErrLoginFailed, printable(e))
	}
	code := params.Get("code")
	if code == "" {
		return Result{}, fmt.Errorf("%w: no code", ErrLoginFailed)
	}
	op, err := l.discover(ctx, p)
	if err != nil {
		return Result{}, err
	}
	client := oidc.ClientContext(ctx, l.cfg.HTTPClient)
	tok, err := l.oauth2Config(p, op).Exchange(client, code, oauth2.VerifierOption(pending.Verifier))
	if err != nil {
		var refused *oauth2.RetrieveError
		if errors.As(err, &refused) && refused.Response != nil && refused.Response.StatusCode < 500 {
			return Result{}, fmt.Errorf("%w: the code was refused: %s", ErrLoginFailed, printable(refused.ErrorCode))
		}
		return Result{}, fmt.Errorf("oidclogin: provider %s: exchange the code: %w: %w", p.Name, authn.ErrUnavailable, err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return Result{}, fmt.Errorf("%w: the provider sent no ID token", ErrLoginFailed)
	}
	verifier := op.Verifier(&oidc.Config{ClientID: p.ClientID, Now: l.cfg.Clock})
	idToken, err := verifier.Verify(client, rawID)
	if err != nil {
		return Result{}, fmt.Errorf("%w: ID token: %w", ErrLoginFailed, err)
	}
	if pending.Nonce == "" || subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(pending.Nonce)) != 1 {
		return Result{}, fmt.Errorf("%w: the ID token's nonce is not the login's", ErrLoginFailed)
	}
	if idToken.AccessTokenHash != "" {
		if err := idToken.VerifyAccessToken(tok.AccessToken); err != nil {
			return Result{}, fmt.Errorf("%w: at_hash: %w", ErrLoginFailed, err)
		}
	}
	id, err := identityOf(p, idToken)
	if err != nil {
		return Result{}, err
	}
	if id.Email == "" {
		if err := l.userInfo(client, op, tok, &id); err != nil {
			return Result{}, err
		}
	}
	subjectID, err := l.cfg.Linker.LinkIdentity(ctx, id)
	switch {
	case errors.Is(err, authn.ErrInvalidCredentials):
		return Result{}, fmt.Errorf("%w: %w", ErrLoginFailed, err)
	case err != nil:
		return Result{}, fmt.Errorf("oidclogin: link %s: %w: %w", id.NamespacedID(), authn.ErrUnavailable, err)
	}
	return Result{SubjectID: subjectID, Identity: id, ReturnTo: pending.ReturnTo}, nil
}

// identityOf reads the identity an ID token of p proves.
func identityOf(p Provider, idToken *oidc.IDToken) (authn.ExternalIdentity, error) {
	if err := providername.CheckSubject(idToken.Subject); err != nil {
		return authn.ExternalIdentity{}, fmt.Errorf("%w: sub %w", ErrLoginFailed, err)
	}
	var claims map[string]any
	if err := idToken.Claims(&claims); err != nil {
		return authn.ExternalIdentity{}, fmt.Errorf("%w: ID token claims: %w", ErrLoginFailed, err)
	}
	id, err := providername.Identity(claims, p.Name, p.Issuer, idToken.Subject, p.GroupsClaim)
	if err != nil {
		return authn.ExternalIdentity{}, fmt.Errorf("%w: %w", ErrLoginFailed, err)
	}
	return id, nil
}

// userInfo completes id with the email and name of the provider's
// UserInfo endpoint, for providers that put them there rather than in the
// ID token. Its "sub" must be the ID token's (OpenID Connect Core 1.0
// §5.3.2); a provider without the endpoint leaves id as it is.
func (l *Login) userInfo(ctx context.Context, op *oidc.Provider, tok *oauth2.Token, id *authn.ExternalIdentity) error {
	if op.UserInfoEndpoint() == "" {
		return nil
	}
	info, err := op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return fmt.Errorf("oidclogin: provider %s: userinfo: %w: %w", id.Provider, authn.ErrUnavailable, err)
	}
	if info.Subject != id.Subject {
		return fmt.Errorf("%w: userinfo is of another subject", ErrLoginFailed)
	}
	id.Email, id.EmailVerified = info.Email, info.EmailVerified && info.Email != ""
	var claims struct {
		Name string `json:"name"`
	}
	if id.Name == "" && info.Claims(&claims) == nil {
		id.Name = claims.Name
	}
	return nil
}

// LogoutURL returns where to send the browser to end its session at the
// provider too (OpenID Connect RP-Initiated Logout 1.0), coming back to
// postLogoutRedirect when the provider allows it; "" when the provider
// publishes no end_session_endpoint.
func (l *Login) LogoutURL(ctx context.Context, provider, postLogoutRedirect string) (string, error) {
	p, ok := l.byName[provider]
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownProvider, provider)
	}
	op, err := l.discover(ctx, p)
	if err != nil {
		return "", err
	}
	var doc struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := op.Claims(&doc); err != nil || doc.EndSession == "" {
		return "", nil
	}
	u, err := url.Parse(doc.EndSession)
	if err != nil {
		return "", nil
	}
	q := u.Query()
	q.Set("client_id", p.ClientID)
	if postLogoutRedirect != "" {
		q.Set("post_logout_redirect_uri", postLogoutRedirect)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// discover returns the provider's OpenID configuration, fetched once.
func (l *Login) discover(ctx context.Context, p Provider) (*oidc.Provider, error) {
	l.mu.Lock()
	op, ok := l.discovered[p.Name]
	l.mu.Unlock()
	if ok {
		return op, nil
	}
	op, err := oidc.NewProvider(oidc.ClientContext(ctx, l.cfg.HTTPClient), p.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidclogin: provider %s: discovery: %w: %w", p.Name, authn.ErrUnavailable, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.discovered[p.Name] = op
	return op, nil
}

func (l *Login) oauth2Config(p Provider, op *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(),
		RedirectURL: p.RedirectURL, Scopes: p.Scopes}
}

// printable is s cut to 64 bytes of printable ASCII, for a log: the
// provider's error codes are, but whoever crafted the callback chose them.
func printable(s string) string {
	out := make([]byte, 0, min(len(s), 64))
	for i := 0; i < len(s) && len(out) < 64; i++ {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			out = append(out, c)
		} else {
			out = append(out, '?')
		}
	}
	return string(out)
}
