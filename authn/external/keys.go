package external

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/time/rate"

	"github.com/gatehouse-go/gatehouse/authn/internal/providername"
)

// minRSABits is the smallest RSA modulus a provider's key may have.
const minRSABits = 2048

// keySet holds one provider's public keys and fetches them: in the
// background every Config.RefreshInterval, and when a token names a key it
// does not hold, at most once per Config.UnknownKeyInterval. A fetch in
// flight is shared: whoever needs one while it runs waits for it.
type keySet struct {
	provider Provider
	cfg      *Config
	// base ends fetches when the Verifier closes.
	base context.Context
	// limiter allows the fetches that tokens naming unknown keys cause.
	limiter *rate.Limiter
	// fetches counts the fetches of the key set begun, for tests.
	fetches atomic.Int64

	current atomic.Pointer[publicKeys]

	mu      sync.Mutex
	jwksURL string        // Provider.JWKSURL, or discovery's, once known
	running chan struct{} // closed when the fetch in flight ends; nil when none is
	lastErr error         // of the last fetch; nil when it succeeded
	retries int           // failed fetches since the last success
}

// publicKeys are a provider's keys as one fetch found them.
type publicKeys struct {
	byID    map[string][]publicKey
	count   int
	fetched time.Time
}

// publicKey is one key of a provider's JWK set.
type publicKey struct {
	key any    // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
	alg string // the JWK's "alg", or "" when it names none
}

func newKeySet(base context.Context, p Provider, cfg *Config) *keySet {
	return &keySet{
		provider: p,
		cfg:      cfg,
		base:     base,
		limiter:  rate.NewLimiter(rate.Every(cfg.UnknownKeyInterval), 1),
		jwksURL:  p.JWKSURL,
	}
}

// key returns the public key that verifies a token with header kid and
// alg: the key named kid (the only key, when kid is "" and there is just
// one) whose type and "alg" suit alg. When there is none, it fetches the
// set again if the limiter allows, and looks once more.
func (s *keySet) key(ctx context.Context, kid, alg string) (any, error) {
	if k, err := s.find(kid, alg); err == nil || !errors.Is(err, ErrUnknownKey) && !errors.Is(err, ErrNoKeys) {
		return k, err
	}
	done, ok := s.fetch(func() bool { return s.limiter.AllowN(s.cfg.Clock(), 1) })
	if ok {
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.find(kid, alg)
}

// find looks kid up in the keys held, without fetching.
func (s *keySet) find(kid, alg string) (any, error) {
	keys := s.current.Load()
	if keys == nil {
		return nil, fmt.Errorf("%w: none fetched yet", ErrNoKeys)
	}
	if age := s.cfg.Clock().Sub(keys.fetched); age > s.cfg.MaxKeyAge {
		return nil, fmt.Errorf("%w: the last fetch that succeeded was %s ago", ErrNoKeys, age.Truncate(time.Second))
	}
	candidates := keys.byID[kid]
	if kid == "" {
		// RFC 7515 §4.1.4: without a kid, the key must be clear from
		// elsewhere; here, only when the provider has one key.
		if keys.count != 1 {
			return nil, fmt.Errorf("%w: the token names no key and the provider has %d", ErrUnknownKey, keys.count)
		}
		for _, only := range keys.byID {
			candidates = only
		}
	}
	if len(candidates) == 0 {
		return nil, ErrUnknownKey
	}
	for _, k := range candidates {
		if suits(k, alg) {
			return k.key, nil
		}
	}
	return nil, fmt.Errorf("%w: the key named is not for %s", ErrUnknownKey, alg)
}

// suits reports whether k may verify a signature made with alg: alg must
// be k's own "alg" when it names one, and suit its type in any case. The
// algorithm a token names is never enough.
func suits(k publicKey, alg string) bool {
	if k.alg != "" && k.alg != alg {
		return false
	}
	switch key := k.key.(type) {
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
	case *ecdsa.PublicKey:
		switch key.Curve {
		case elliptic.P256():
			return alg == "ES256"
		case elliptic.P384():
			return alg == "ES384"
		case elliptic.P521():
			return alg == "ES512"
		}
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// fetch starts a fetch of the key set when none is in flight and start
// allows it, and returns a channel closed when the fetch in flight ends;
// false when there is none.
func (s *keySet) fetch(start func() bool) (<-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil {
		return s.running, true
	}
	if !start() {
		return nil, false
	}
	done := make(chan struct{})
	s.running = done
	s.fetches.Add(1)
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(s.base, s.timeout())
		defer cancel()
		err := s.loadSafely(ctx)
		s.mu.Lock()
		s.running, s.lastErr = nil, err
		if err != nil {
			s.retries++
		} else {
			s.retries = 0
		}
		s.mu.Unlock()
		if err != nil {
			s.cfg.Logger.Warn("external: fetching a provider's keys failed; the keys held stay in use",
				"provider", s.provider.Name, "error", err)
		}
	}()
	return done, true
}

// timeout bounds one fetch, discovery included: two requests, each of the
// client's timeout, or of DefaultHTTPTimeout when it has none.
func (s *keySet) timeout() time.Duration {
	if t := s.cfg.HTTPClient.Timeout; t > 0 {
		return 2 * t
	}
	return 2 * DefaultHTTPTimeout
}

// refresh fetches the key set now, or waits for the fetch in flight, and
// returns its error.
func (s *keySet) refresh(ctx context.Context) error {
	done, _ := s.fetch(func() bool { return true })
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// loadSafely is load, with a panic of the libraries that read the
// provider's answers turned into an error: whatever a provider sends, it
// cannot take the process down from this goroutine.
func (s *keySet) loadSafely(ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("keys: reading the provider's answer panicked: %v", p)
		}
	}()
	return s.load(ctx)
}

// load fetches the key set, discovering where it is first if need be, and
// puts the keys in use. On failure the keys held stay in use.
func (s *keySet) load(ctx context.Context) error {
	s.mu.Lock()
	url := s.jwksURL
	s.mu.Unlock()
	if url == "" {
		discovered, err := s.discover(ctx)
		if err != nil {
			return err
		}
		url = discovered
	}
	keys, err := s.get(ctx, url)
	if err != nil {
		if s.provider.JWKSURL == "" {
			// The provider may have moved its keys: discover again next time.
			s.mu.Lock()
			s.jwksURL = ""
			s.mu.Unlock()
		}
		return err
	}
	keys.fetched = s.cfg.Clock()
	s.current.Store(keys)
	return nil
}

// discover reads the provider's OpenID configuration, with go-oidc, and
// returns its "jwks_uri". go-oidc refuses a document whose "issuer" is not
// Provider.Issuer exactly (OpenID Connect Discovery 1.0 §4.3).
func (s *keySet) discover(ctx context.Context) (string, error) {
	discovered, err := oidc.NewProvider(oidc.ClientContext(ctx, s.cfg.HTTPClient), s.provider.Issuer)
	if err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := discovered.Claims(&doc); err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	if err := providername.CheckURL(doc.JWKSURI, true); err != nil {
		return "", fmt.Errorf("discovery: jwks_uri: %w", err)
	}
	s.mu.Lock()
	s.jwksURL = doc.JWKSURI
	s.mu.Unlock()
	return doc.JWKSURI, nil
}

// get fetches and reads the JWK set at url. Keys that cannot verify
// signatures (encryption keys, symmetric keys, RSA keys under 2048 bits,
// types jwkset does not know) are left out; a set with no key left is an
// error, so that a broken answer never empties the keys in use.
func (s *keySet) get(ctx context.Context, url string) (*publicKeys, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("keys: %s answered %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeySetSize+1))
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if len(body) > maxKeySetSize {
		return nil, fmt.Errorf("keys: %s sent more than %d bytes", url, maxKeySetSize)
	}
	var set jwkset.JWKSMarshal
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("keys: %s sent no JWK set: %w", url, err)
	}
	keys := &publicKeys{byID: map[string][]publicKey{}}
	var skipped []string
	for _, m := range set.Keys {
		k, err := readKey(m)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%q: %v", m.KID, err))
			continue
		}
		keys.byID[m.KID] = append(keys.byID[m.KID], k)
		keys.count++
	}
	if len(skipped) > 0 {
		s.cfg.Logger.Debug("external: keys left out of a provider's set", "provider", s.provider.Name,
			"keys", strings.Join(skipped, "; "))
	}
	if keys.count == 0 {
		return nil, fmt.Errorf("keys: %s holds no signature key gatehouse can use", url)
	}
	return keys, nil
}

// readKey reads one JWK, with jwkset, as a public signature key.
func readKey(m jwkset.JWKMarshal) (publicKey, error) {
	if m.USE != "" && m.USE != jwkset.UseSig {
		return publicKey{}, fmt.Errorf("use %q", m.USE)
	}
	if m.KTY == jwkset.KtyOct {
		return publicKey{}, errors.New("a symmetric key")
	}
	jwk, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
	if err != nil {
		return publicKey{}, err
	}
	k := publicKey{alg: m.ALG.String()}
	switch key := jwk.Key().(type) {
	case *rsa.PublicKey:
		if key.N.BitLen() < minRSABits {
			return publicKey{}, fmt.Errorf("an RSA key of %d bits", key.N.BitLen())
		}
		k.key = key
	case *ecdsa.PublicKey, ed25519.PublicKey:
		k.key = key
	default:
		return publicKey{}, fmt.Errorf("a key of type %T", key)
	}
	return k, nil
}

// run fetches the key set now and then every Config.RefreshInterval,
// sooner after a failure, until ctx is done.
func (s *keySet) run(ctx context.Context) {
	for {
		_ = s.refresh(ctx)
		s.mu.Lock()
		wait := s.cfg.RefreshInterval
		if s.retries > 0 {
			// 1s, 2s, 4s … up to a minute, or RefreshInterval if shorter.
			wait = min(time.Second<<min(s.retries-1, 6), time.Minute, s.cfg.RefreshInterval)
		}
		s.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// ready returns nil when keys are held and not older than MaxKeyAge.
func (s *keySet) ready() error {
	keys := s.current.Load()
	switch {
	case keys == nil:
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.lastErr != nil {
			return fmt.Errorf("provider %s: %w: %w", s.provider.Name, ErrNoKeys, s.lastErr)
		}
		return fmt.Errorf("provider %s: %w: none fetched yet", s.provider.Name, ErrNoKeys)
	case s.cfg.Clock().Sub(keys.fetched) > s.cfg.MaxKeyAge:
		return fmt.Errorf("provider %s: %w: older than MaxKeyAge", s.provider.Name, ErrNoKeys)
	}
	return nil
}
