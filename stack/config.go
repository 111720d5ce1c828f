package stack

import (
	"log/slog"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/external"
	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/watch"
)

// DefaultIssuer is the issuer of access tokens when Config.Issuer is
// empty.
const DefaultIssuer = "gatehouse"

// DefaultRedisPrefix starts the stack's Redis keys when
// Config.RedisPrefix is empty.
const DefaultRedisPrefix = "gatehouse:"

// Config configures a Stack. Zero-value fields take the documented
// defaults; every part keeps its own package's defaults unless set here.
type Config struct {
	// DB keeps the policy, users, refresh families, API keys and, without
	// Redis, the sessions, failed-login counts and revoked access tokens,
	// in tables created on first start. Open it with database.Open, whose
	// logger is silenced: GORM's default logger would write password
	// hashes and token digests to the log. Default nil: everything in
	// memory, lost when the process ends.
	DB *gorm.DB
	// Redis, when set, keeps the cookie sessions, failed-login counts and
	// revoked access tokens, which every replica reads on every request or
	// login and Redis expires by itself. Configure it with the noeviction
	// policy: an evicted revocation would bring a token back. A nil
	// *redis.Client counts as none.
	Redis redis.UniversalClient
	// RedisPrefix starts every key the stack writes to Redis, one per
	// application sharing a server. Default DefaultRedisPrefix.
	RedisPrefix string
	// Notifier, when set, makes this process one of several replicas on
	// DB: policy edits and revocations travel on it (watch/pgwatch on
	// PostgreSQL, watch/rediswatch on Redis), and while it is down
	// decisions and token checks fail closed. The stack does not close it.
	Notifier watch.Notifier

	// Secret signs access tokens with HS256, with key id "k1": at least 32
	// random bytes, the same on every replica. Required unless
	// Tokens.Keys is set.
	Secret []byte
	// Issuer is the access tokens' "iss". Default DefaultIssuer.
	Issuer string
	// Tokens configures the access tokens (TTL, Audience, Keys for RS256
	// or EdDSA and rotation, …). Issuer, Keys and Revocations are filled
	// from the fields above when empty.
	Tokens token.Config
	// Users configures the directory (password rules, hasher, breach
	// checker). Logger is filled when nil.
	Users users.Config
	// Refresh configures refresh tokens (lifetime). Logger is filled when
	// nil.
	Refresh refresh.Config
	// Throttle configures the login throttle (failures allowed, window).
	Throttle throttle.Config
	// APIKeys configures API keys (prefix, recent-login age).
	APIKeys apikey.Config
	// Sessions configures cookie sessions (cookie name, lifetimes).
	Sessions session.Config
	// NewUserRoles are the roles of users registered through the HTTP API,
	// and of those created for an external identity on first sight.
	// Default ["user"], the default policy's role for signed-up users.
	NewUserRoles []string
	// External, when it lists providers, makes the stack accept their
	// access tokens beside its own (package authn/external). Each
	// provider's subject is linked to a local user (package
	// authn/identity), created on its first token with NewUserRoles and
	// the email its provider verified, unless another account has it, so
	// that /me and the policy see the same local id on every token of
	// that subject. The Linker is Identities unless set, and
	// PassOtherIssuers is set, so that the stack's own tokens still reach
	// its own verifier. A provider may not have the stack's Issuer.
	External external.Config
	// SecondFactors lets users add a second factor (TOTP with recovery
	// codes, and passkeys) when its Key is set.
	SecondFactors SecondFactors
	// Identities configures the links of external identities to local
	// users. Store, Users, Create (true), OnCreate (NewUserRoles) and
	// Logger are filled in when empty.
	Identities identity.Config
	// Authz are more options for the policy engine (authz.WithModelFile,
	// authz.WithPolicyFile, …). The store, notifier and logger are the
	// stack's.
	Authz []authz.Option
	// Stores replace the default stores one by one.
	Stores Stores
	// Logger records security events and replication reports, never a
	// credential. Default slog.Default().
	Logger *slog.Logger
	// SecurityEvents, when set, hears the account flows' security events
	// as they are logged (account.Config.Events), to count them. Add the
	// engine's observer to Authz (authz.WithObserver) and the guard's to
	// the Guard's Observer. Default none.
	SecurityEvents account.EventObserver
}

// Stores are stores to use instead of the defaults; each nil one is
// chosen from Config.DB and Config.Redis.
type Stores struct {
	Policy      authz.Store
	Users       users.Store
	Refresh     refresh.Store
	APIKeys     apikey.Store
	Sessions    session.Store
	Throttle    throttle.Store
	Revocations token.Revocations
	Identities  identity.Store
	// TOTP, RecoveryCodes and UsedTokens (the used MFA tokens) are used
	// with Config.SecondFactors.
	TOTP          totp.Store
	RecoveryCodes recovery.Store
	UsedTokens    purpose.Store
	// Passkeys and PasskeyChallenges are used with
	// Config.SecondFactors.Passkeys.
	Passkeys          passkey.Store
	PasskeyChallenges passkey.ChallengeStore
}
