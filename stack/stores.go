package stack

import (
	"context"
	"fmt"

	apikeygorm "github.com/gatehouse-go/gatehouse/authn/apikey/gormstore"
	apikeymem "github.com/gatehouse-go/gatehouse/authn/apikey/memstore"
	identitygorm "github.com/gatehouse-go/gatehouse/authn/identity/gormstore"
	identitymem "github.com/gatehouse-go/gatehouse/authn/identity/memstore"
	passkeygorm "github.com/gatehouse-go/gatehouse/authn/passkey/gormstore"
	passkeymem "github.com/gatehouse-go/gatehouse/authn/passkey/memstore"
	purposegorm "github.com/gatehouse-go/gatehouse/authn/purpose/gormstore"
	purposemem "github.com/gatehouse-go/gatehouse/authn/purpose/memstore"
	purposeredis "github.com/gatehouse-go/gatehouse/authn/purpose/redisstore"
	recoverygorm "github.com/gatehouse-go/gatehouse/authn/recovery/gormstore"
	recoverymem "github.com/gatehouse-go/gatehouse/authn/recovery/memstore"
	refreshgorm "github.com/gatehouse-go/gatehouse/authn/refresh/gormstore"
	refreshmem "github.com/gatehouse-go/gatehouse/authn/refresh/memstore"
	sessiongorm "github.com/gatehouse-go/gatehouse/authn/session/gormstore"
	sessionmem "github.com/gatehouse-go/gatehouse/authn/session/memstore"
	sessionredis "github.com/gatehouse-go/gatehouse/authn/session/redisstore"
	throttlegorm "github.com/gatehouse-go/gatehouse/authn/throttle/gormstore"
	throttlemem "github.com/gatehouse-go/gatehouse/authn/throttle/memstore"
	throttleredis "github.com/gatehouse-go/gatehouse/authn/throttle/redisstore"
	tokengorm "github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	tokenmem "github.com/gatehouse-go/gatehouse/authn/token/memstore"
	tokenredis "github.com/gatehouse-go/gatehouse/authn/token/redisstore"
	totpgorm "github.com/gatehouse-go/gatehouse/authn/totp/gormstore"
	totpmem "github.com/gatehouse-go/gatehouse/authn/totp/memstore"
	usersgorm "github.com/gatehouse-go/gatehouse/authn/users/gormstore"
	usersmem "github.com/gatehouse-go/gatehouse/authn/users/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
)

// openStores returns Config.Stores with every nil store chosen: the
// long-lived records in the database, the hot ones in Redis when there is
// one, in the database otherwise, and everything in memory without
// either.
func (s *Stack) openStores(ctx context.Context) (Stores, error) {
	cfg, out := s.cfg, s.cfg.Stores
	db, rdb := cfg.DB, cfg.Redis
	var err error
	if out.Policy == nil {
		if db != nil {
			out.Policy, err = gormstore.New(ctx, db)
		} else {
			out.Policy, err = authz.NewMemoryStore()
		}
		if err != nil {
			return out, fmt.Errorf("stack: policy store: %w", err)
		}
	}
	if out.Users == nil {
		if db != nil {
			if out.Users, err = usersgorm.New(ctx, db); err != nil {
				return out, fmt.Errorf("stack: users store: %w", err)
			}
		} else {
			out.Users = usersmem.New()
		}
	}
	if out.Refresh == nil {
		if db != nil {
			if out.Refresh, err = refreshgorm.New(ctx, db); err != nil {
				return out, fmt.Errorf("stack: refresh store: %w", err)
			}
		} else {
			out.Refresh = refreshmem.New()
		}
	}
	if out.APIKeys == nil {
		if db != nil {
			if out.APIKeys, err = apikeygorm.New(ctx, db); err != nil {
				return out, fmt.Errorf("stack: API key store: %w", err)
			}
		} else {
			out.APIKeys = apikeymem.New()
		}
	}
	if out.Sessions == nil {
		switch {
		case rdb != nil:
			out.Sessions, err = sessionredis.New(rdb, sessionredis.WithPrefix(cfg.RedisPrefix+"session:"))
		case db != nil:
			out.Sessions, err = sessiongorm.New(ctx, db)
		default:
			out.Sessions = sessionmem.New()
		}
		if err != nil {
			return out, fmt.Errorf("stack: session store: %w", err)
		}
	}
	if out.Throttle == nil {
		switch {
		case rdb != nil:
			out.Throttle, err = throttleredis.New(rdb, throttleredis.Config{Prefix: cfg.RedisPrefix + "throttle:"})
		case db != nil:
			out.Throttle, err = throttlegorm.New(ctx, db)
		default:
			out.Throttle = throttlemem.New()
		}
		if err != nil {
			return out, fmt.Errorf("stack: throttle store: %w", err)
		}
	}
	if out.Revocations == nil {
		switch {
		case rdb != nil:
			out.Revocations, err = tokenredis.New(rdb, tokenredis.Config{Prefix: cfg.RedisPrefix + "token:"})
		case db != nil:
			var follower *tokengorm.Store
			follower, err = tokengorm.New(ctx, db, tokengorm.Config{Notifier: cfg.Notifier, Logger: cfg.Logger})
			if err == nil {
				out.Revocations = follower
				s.closers = append(s.closers, follower.Close)
			}
		default:
			out.Revocations = tokenmem.New(tokenmem.Config{})
		}
		if err != nil {
			return out, fmt.Errorf("stack: revocation store: %w", err)
		}
	}
	if out.TOTP == nil {
		if db != nil {
			if out.TOTP, err = totpgorm.New(ctx, db); err != nil {
				return out, fmt.Errorf("stack: TOTP store: %w", err)
			}
		} else {
			out.TOTP = totpmem.New()
		}
	}
	if out.RecoveryCodes == nil {
		if db != nil {
			if out.RecoveryCodes, err = recoverygorm.New(ctx, db); err != nil {
				return out, fmt.Errorf("stack: recovery code store: %w", err)
			}
		} else {
			out.RecoveryCodes = recoverymem.New()
		}
	}
	if out.Passkeys == nil {
		if db != nil {
			if out.Passkeys, err = passkeygorm.New(ctx, db); err != nil {
				return out, fmt.Errorf("stack: passkey store: %w", err)
			}
		} else {
			out.Passkeys = passkeymem.New()
		}
	}
	if out.PasskeyChallenges == nil {
		if db != nil {
			if out.PasskeyChallenges, err = passkeygorm.NewChallenges(ctx, db); err != nil {
				return out, fmt.Errorf("stack: passkey ceremony store: %w", err)
			}
		} else {
			out.PasskeyChallenges = passkeymem.NewChallenges()
		}
	}
	if out.UsedTokens == nil {
		switch {
		case rdb != nil:
			out.UsedTokens = purposeredis.New(rdb, purposeredis.Config{Prefix: cfg.RedisPrefix + "purpose:"})
		case db != nil:
			out.UsedTokens, err = purposegorm.New(ctx, db)
		default:
			out.UsedTokens = purposemem.New()
		}
		if err != nil {
			return out, fmt.Errorf("stack: used-token store: %w", err)
		}
	}
	if out.Identities == nil {
		if db != nil {
			if out.Identities, err = identitygorm.New(ctx, db); err != nil {
				return out, fmt.Errorf("stack: identity store: %w", err)
			}
		} else {
			out.Identities = identitymem.New()
		}
	}
	return out, nil
}
