package blog

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
)

// Config is the example's configuration, read from the environment.
type Config struct {
	// Addr is the listen address (ADDR), default 127.0.0.1:8080.
	Addr string
	// DatabasePath is the SQLite file of GATEHOUSE_DATABASE=sqlite:PATH,
	// default gatehouse-example.db in the working directory.
	DatabasePath string
	// JWTSecret signs access tokens (GATEHOUSE_JWT_SECRET, at least 32
	// bytes). When the variable is unset a random secret is generated and
	// SecretGenerated is true: tokens then die with the process.
	JWTSecret       []byte
	SecretGenerated bool
	// JWTIssuer is the tokens' iss (GATEHOUSE_JWT_ISSUER), default
	// "gatehouse".
	JWTIssuer string
}

// ConfigFromEnv reads the configuration through getenv (os.Getenv in
// main), with a clear error for every value it cannot use.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Addr: getenv("ADDR"), JWTIssuer: getenv("GATEHOUSE_JWT_ISSUER")}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.JWTIssuer == "" {
		cfg.JWTIssuer = "gatehouse"
	}

	database := getenv("GATEHOUSE_DATABASE")
	if database == "" {
		database = "sqlite:gatehouse-example.db"
	}
	scheme, rest, _ := strings.Cut(database, ":")
	switch scheme {
	case "sqlite":
		if rest == "" {
			return Config{}, errors.New("GATEHOUSE_DATABASE: sqlite: needs a file path, as in sqlite:gatehouse-example.db")
		}
		cfg.DatabasePath = rest
	case "postgres", "postgresql", "mysql":
		return Config{}, fmt.Errorf("GATEHOUSE_DATABASE: %s is not supported by this version of the example; use sqlite:PATH", scheme)
	default:
		return Config{}, fmt.Errorf("GATEHOUSE_DATABASE: unknown scheme %q; use sqlite:PATH", scheme)
	}

	secret := getenv("GATEHOUSE_JWT_SECRET")
	switch {
	case secret == "":
		cfg.JWTSecret = make([]byte, 32)
		if _, err := rand.Read(cfg.JWTSecret); err != nil {
			return Config{}, fmt.Errorf("generate a JWT secret: %w", err)
		}
		cfg.SecretGenerated = true
	case len(secret) < 32:
		return Config{}, fmt.Errorf("GATEHOUSE_JWT_SECRET: %d bytes; use at least 32 random bytes", len(secret))
	default:
		cfg.JWTSecret = []byte(secret)
	}
	return cfg, nil
}
