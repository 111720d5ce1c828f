package purpose

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Tokens issues and checks the tokens of one purpose. Build one per purpose
// with New and share it: it is safe for concurrent use.
type Tokens struct {
	purpose string
	typ     string // the typ header: "<purpose>+jwt"
	key     []byte
	issuer  string
	ttl     time.Duration
	// maxLifetime is the longest exp - iat Verify accepts: the TTL, in
	// whole seconds as token times are.
	maxLifetime time.Duration
	now         func() time.Time
	logger      *slog.Logger
	store       Store
	parser      *jwt.Parser
}

// New builds the Tokens of cfg.Purpose, recording used tokens in store;
// Tokens of every purpose may share one store. It refuses a nil store and a
// bad Config with an error matching ErrInvalidConfig (and
// authn.ErrWeakSecret for a short key).
func New(store Store, cfg Config) (*Tokens, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidConfig)
	}
	cfg, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	t := &Tokens{
		purpose: cfg.Purpose,
		typ:     cfg.Purpose + "+jwt",
		key:     cfg.Key,
		issuer:  cfg.Issuer,
		ttl:     cfg.TTL,
		// A token issued at 0.9s for 1.5s says it lives from 0 to 2.
		maxLifetime: (cfg.TTL + time.Second - 1).Truncate(time.Second),
		now:         cfg.Now,
		logger:      cfg.Logger,
		store:       store,
	}
	t.parser = jwt.NewParser(
		// Pinning the algorithm stops alg "none" and algorithm confusion:
		// the key is only ever used as an HMAC-SHA256 secret.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(t.now),
		jwt.WithExpirationRequired(),
		jwt.WithNotBeforeRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(t.issuer),
		jwt.WithAudience(t.purpose),
		jwt.WithStrictDecoding(),
	)
	return t, nil
}

// Purpose returns the purpose this Tokens serves.
func (t *Tokens) Purpose() string { return t.purpose }

// TTL returns the lifetime of the tokens Issue makes.
func (t *Tokens) TTL() time.Duration { return t.ttl }
