package blog

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/gatehouse-go/gatehouse/database"
)

// Config is the example's configuration, read from the environment.
type Config struct {
	// Addr is the listen address (ADDR), default 127.0.0.1:8080.
	Addr string
	// Database is the DSN of the store (GATEHOUSE_DATABASE): sqlite:PATH,
	// postgres://… or mysql://…; default sqlite:gatehouse-example.db in
	// the working directory.
	Database string
	// Redis is the URL of a Redis server (GATEHOUSE_REDIS, redis://… or
	// rediss://…) carrying policy edits between replicas, and keeping the
	// revoked access tokens every replica checks, the cookie sessions and
	// the login throttle's counts (otherwise in the store,
	// GATEHOUSE_DATABASE). When it is unset, a postgres:// store carries
	// the changes itself with LISTEN/NOTIFY, and replicas on a mysql://
	// store notice each other's changes at their periodic check of the
	// store (within two seconds); a sqlite: store serves one process.
	Redis string
	// RedisPrefix begins the name of every key the example keeps in Redis
	// (GATEHOUSE_REDIS_PREFIX), default "gatehouse:": the login throttle's
	// are under RedisPrefix+"throttle:", the revoked tokens' under
	// RedisPrefix+"token:". Give each application sharing a Redis its own,
	// or their failed logins count together.
	RedisPrefix string
	// JWTSecret signs access tokens (GATEHOUSE_JWT_SECRET, at least 32
	// bytes). When the variable is unset a random secret is generated and
	// SecretGenerated is true: tokens then die with the process.
	JWTSecret       []byte
	SecretGenerated bool
	// SecondFactorKey switches on second factors (TOTP with recovery
	// codes) and seals their secrets (GATEHOUSE_SECOND_FACTOR_KEY, at
	// least 32 bytes). When the variable is unset a random key is
	// generated and SecondFactorKeyGenerated is true: enrolments then die
	// with the process.
	SecondFactorKey          []byte
	SecondFactorKeyGenerated bool
	// JWTIssuer is the tokens' iss (GATEHOUSE_JWT_ISSUER), default
	// "gatehouse".
	JWTIssuer string
	// OIDCIssuer, when set (GATEHOUSE_OIDC_ISSUER), is an OpenID provider
	// whose access tokens the API accepts beside its own: its issuer URL,
	// where its keys are discovered. OIDCAudience (GATEHOUSE_OIDC_AUDIENCE,
	// required with it) is the API's identifier at the provider, which the
	// tokens' "aud" must name. OIDCName (GATEHOUSE_OIDC_NAME, default
	// "oidc") names the provider in logs and links.
	OIDCIssuer   string
	OIDCAudience string
	OIDCName     string
	// PasskeyOrigin is the origin the blog's pages are served from, to
	// which users' passkeys are bound (GATEHOUSE_PASSKEY_ORIGIN, such as
	// https://blog.example.com): its host is the relying party id. Default
	// http://localhost and the port of Addr: open the passkey page at
	// that address, since browsers offer passkeys on localhost and on
	// https sites, never on an IP address.
	PasskeyOrigin string
	PasskeyRPID   string
	// MetricsAddr, when set (GATEHOUSE_METRICS_ADDR, such as
	// 127.0.0.1:9090), serves Prometheus metrics at GET /metrics on a
	// listener of its own, apart from the API's: keep it on an address
	// only the monitoring reaches.
	MetricsAddr string
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

	cfg.Database = getenv("GATEHOUSE_DATABASE")
	if cfg.Database == "" {
		cfg.Database = "sqlite:gatehouse-example.db"
	}
	if _, err := database.Dialector(cfg.Database); err != nil {
		return Config{}, fmt.Errorf("GATEHOUSE_DATABASE: %w", err)
	}
	cfg.Redis = getenv("GATEHOUSE_REDIS")
	if cfg.Redis != "" && !strings.HasPrefix(cfg.Redis, "redis://") && !strings.HasPrefix(cfg.Redis, "rediss://") {
		return Config{}, fmt.Errorf("GATEHOUSE_REDIS: %q: use redis://host:port/db or rediss://…", database.Redact(cfg.Redis))
	}
	cfg.RedisPrefix = getenv("GATEHOUSE_REDIS_PREFIX")
	if cfg.RedisPrefix == "" {
		cfg.RedisPrefix = "gatehouse:"
	}

	cfg.OIDCIssuer, cfg.OIDCAudience = getenv("GATEHOUSE_OIDC_ISSUER"), getenv("GATEHOUSE_OIDC_AUDIENCE")
	cfg.OIDCName = getenv("GATEHOUSE_OIDC_NAME")
	if cfg.OIDCName == "" {
		cfg.OIDCName = "oidc"
	}
	switch {
	case cfg.OIDCIssuer != "" && cfg.OIDCAudience == "":
		return Config{}, fmt.Errorf("GATEHOUSE_OIDC_AUDIENCE: required with GATEHOUSE_OIDC_ISSUER: the API's identifier at the provider")
	case cfg.OIDCIssuer == "" && cfg.OIDCAudience != "":
		return Config{}, fmt.Errorf("GATEHOUSE_OIDC_ISSUER: required with GATEHOUSE_OIDC_AUDIENCE")
	}

	if cfg.MetricsAddr = getenv("GATEHOUSE_METRICS_ADDR"); cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			return Config{}, fmt.Errorf("GATEHOUSE_METRICS_ADDR: %q: use host:port, such as 127.0.0.1:9090", cfg.MetricsAddr)
		}
	}
	if err := cfg.readPasskeyOrigin(getenv("GATEHOUSE_PASSKEY_ORIGIN")); err != nil {
		return Config{}, err
	}

	switch key := getenv("GATEHOUSE_SECOND_FACTOR_KEY"); {
	case key == "":
		cfg.SecondFactorKey = make([]byte, 32)
		if _, err := rand.Read(cfg.SecondFactorKey); err != nil {
			return Config{}, fmt.Errorf("generate a second-factor key: %w", err)
		}
		cfg.SecondFactorKeyGenerated = true
	case len(key) < 32:
		return Config{}, fmt.Errorf("GATEHOUSE_SECOND_FACTOR_KEY: %d bytes; use at least 32 random bytes", len(key))
	default:
		cfg.SecondFactorKey = []byte(key)
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

// readPasskeyOrigin sets PasskeyOrigin and PasskeyRPID from origin, or
// from Addr when it is empty.
func (cfg *Config) readPasskeyOrigin(origin string) error {
	if origin == "" {
		_, port, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			return fmt.Errorf("ADDR: %q: %w", cfg.Addr, err)
		}
		origin = "http://localhost:" + port
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("GATEHOUSE_PASSKEY_ORIGIN: %q: use scheme://host[:port], such as https://blog.example.com", origin)
	}
	cfg.PasskeyOrigin, cfg.PasskeyRPID = u.Scheme+"://"+u.Host, u.Hostname()
	return nil
}
