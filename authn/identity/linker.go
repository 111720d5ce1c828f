package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// ErrNotLinked: an identity is linked to no local user, and the Linker
// does not create users (Config.Create is false). It matches
// authn.ErrInvalidCredentials.
var ErrNotLinked = errkind.New("identity: not linked to a local user", authn.ErrInvalidCredentials)

// ErrConfig reports a Config New cannot use.
var ErrConfig = errors.New("identity: invalid configuration")

// DefaultFallbackName names users created without a name when
// Config.FallbackName is empty.
const DefaultFallbackName = "User"

// DefaultCacheTTL is how long a Linker remembers a link when
// Config.CacheTTL is zero.
const DefaultCacheTTL = time.Minute

// maxCached bounds the links a Linker remembers.
const maxCached = 10000

// Config configures a Linker.
type Config struct {
	// Store keeps the links. Required.
	Store Store
	// Users is where local users are found and created. Required.
	Users *users.Directory
	// Create makes a local user, without a password, on the first sight of
	// an identity linked to none (just-in-time provisioning), with the
	// email the provider verified, if any and if no other account has it,
	// and the provider's display name. Default false: such identities are
	// refused with ErrNotLinked, and the application links them with Link
	// (from a settings page where a signed-in user connects a provider).
	Create bool
	// OnCreate, when set, is called with each user Create makes, once the
	// link is made and before the request that made it is answered: where
	// the application gives the new user its roles (engine.AssignRole(ctx,
	// u.ID, "user")). A request of the same identity racing it, on another
	// process, may be answered first, as the user without those roles yet:
	// refused what they would allow, never allowed more. An error undoes
	// the user and the link, and the request is answered
	// authn.ErrUnavailable, to be tried again.
	OnCreate func(ctx context.Context, u users.User, id authn.ExternalIdentity) error
	// LinkByEmail names the providers (authn.ExternalIdentity.Provider)
	// trusted to vouch for email addresses: an identity of one of them,
	// linked to no user, whose email the provider says it verified, is
	// linked to the local account with that email, if there is one and
	// its owner verified the address here too (an account registered with
	// an address nobody proved may have been prepared by an attacker for
	// its owner to sign in to; such an identity gets a user of its own).
	// Only
	// list providers that verify every address they put in tokens and
	// never let a user change it unverified: whoever controls an address
	// there takes over the local account that has it. Default none: every
	// identity gets a user of its own.
	LinkByEmail []string
	// FallbackName is the display name of users created from an identity
	// whose provider gave none. Default DefaultFallbackName.
	FallbackName string
	// CacheTTL is how long a link found is remembered before the store is
	// asked again; a link removed with Unlink on another process goes on
	// working here that long. The local user is read on every call all the
	// same, so that a locked or deleted user is refused at once. Default
	// DefaultCacheTTL.
	CacheTTL time.Duration
	// Logger records users created and linked, with ids only. Default
	// slog.Default().
	Logger *slog.Logger
	// Clock returns the current time; for tests. Default time.Now.
	Clock func() time.Time
}

// Linker maps identities at external providers to local users: it
// implements authn.IdentityLinker for authn/external's Verifier and
// authn/oidclogin. It is safe for concurrent use.
type Linker struct {
	cfg Config

	mu    sync.Mutex
	cache map[identityKey]cachedLink
}

type identityKey struct{ issuer, subject string }

type cachedLink struct {
	userID  string
	expires time.Time
}

var _ authn.IdentityLinker = (*Linker)(nil)

// New returns a Linker of cfg.
func New(cfg Config) (*Linker, error) {
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("%w: no Store", ErrConfig)
	case cfg.Users == nil:
		return nil, fmt.Errorf("%w: no Users", ErrConfig)
	case cfg.CacheTTL < 0:
		return nil, fmt.Errorf("%w: negative CacheTTL", ErrConfig)
	}
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	if cfg.FallbackName == "" {
		cfg.FallbackName = DefaultFallbackName
	}
	if strings.TrimSpace(cfg.FallbackName) == "" || !utf8.ValidString(cfg.FallbackName) ||
		strings.ContainsFunc(cfg.FallbackName, unicode.IsControl) {
		return nil, fmt.Errorf("%w: FallbackName %q is not a display name", ErrConfig, cfg.FallbackName)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	cfg.LinkByEmail = slices.Clone(cfg.LinkByEmail)
	return &Linker{cfg: cfg, cache: map[identityKey]cachedLink{}}, nil
}

// LinkIdentity returns the id of the local user id is linked to: with the
// link found (remembered for CacheTTL) and its user read, one round trip
// to the store of users. An identity linked to none is linked, as Config
// says, to the account with its verified email (LinkByEmail), or to a user
// created for it (Create); otherwise it is refused with ErrNotLinked. A
// link to a user since deleted is removed and the identity taken as new.
//
// A locked user is refused with an error matching users.ErrLocked and
// authn.ErrInvalidCredentials. A store that fails is an error matching
// ErrStore or users.ErrStore, which authenticators answer
// authn.ErrUnavailable.
func (l *Linker) LinkIdentity(ctx context.Context, id authn.ExternalIdentity) (string, error) {
	key := identityKey{id.Issuer, id.Subject}
	userID, err := l.find(ctx, key)
	if err != nil {
		return "", err
	}
	for userID != "" {
		u, err := l.cfg.Users.Get(ctx, userID)
		switch {
		case errors.Is(err, users.ErrNotFound):
			// The user was deleted; the identity starts again.
			if userID, err = l.removeStale(ctx, id, userID); err != nil {
				return "", err
			}
		case err != nil:
			return "", err
		default:
			return userOf(u)
		}
	}
	return l.firstSight(ctx, id)
}

// removeStale removes the link of id to the deleted user deletedID and
// returns "". The link may have come from memory, and another Linker may
// have replaced it already with a link to the user it created: that link
// is kept, and its user returned to be read in turn, so that the identity
// does not lose the user made for it, nor get a third.
func (l *Linker) removeStale(ctx context.Context, id authn.ExternalIdentity, deletedID string) (string, error) {
	key := identityKey{id.Issuer, id.Subject}
	l.forget(key)
	link, found, err := l.cfg.Store.Find(ctx, id.Issuer, id.Subject)
	switch {
	case err != nil:
		return "", fmt.Errorf("identity: find a link: %w: %w", ErrStore, err)
	case !found:
		return "", nil
	case link.UserID != deletedID:
		l.remember(key, link.UserID)
		return link.UserID, nil
	}
	if _, err := l.cfg.Store.Delete(ctx, id.Issuer, id.Subject); err != nil {
		return "", fmt.Errorf("identity: remove the link to deleted user %s: %w: %w", deletedID, ErrStore, err)
	}
	l.cfg.Logger.InfoContext(ctx, "identity: link to a deleted user removed", "provider", id.Provider, "user", deletedID)
	return "", nil
}

// userOf returns u's id, or an error when u may not sign in.
func userOf(u users.User) (string, error) {
	if u.Locked() {
		return "", fmt.Errorf("identity: user %s: %w", u.ID, users.ErrLocked)
	}
	return u.ID, nil
}

// find returns the user key is linked to, from memory or the store; ""
// when none.
func (l *Linker) find(ctx context.Context, key identityKey) (string, error) {
	now := l.cfg.Clock()
	l.mu.Lock()
	c, ok := l.cache[key]
	l.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.userID, nil
	}
	link, found, err := l.cfg.Store.Find(ctx, key.issuer, key.subject)
	switch {
	case err != nil:
		return "", fmt.Errorf("identity: find a link: %w: %w", ErrStore, err)
	case !found:
		return "", nil
	}
	l.remember(key, link.UserID)
	return link.UserID, nil
}

func (l *Linker) remember(key identityKey, userID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.cache) >= maxCached {
		clear(l.cache)
	}
	l.cache[key] = cachedLink{userID: userID, expires: l.cfg.Clock().Add(l.cfg.CacheTTL)}
}

func (l *Linker) forget(key identityKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.cache, key)
}

// firstSight links an identity linked to no user, as Config says.
func (l *Linker) firstSight(ctx context.Context, id authn.ExternalIdentity) (string, error) {
	if id.EmailVerified && slices.Contains(l.cfg.LinkByEmail, id.Provider) {
		u, err := l.cfg.Users.GetByEmail(ctx, id.Email)
		switch {
		case err == nil && !u.Verified():
			// Whoever registered the address here never proved it is
			// theirs: linking would hand the provider's user an account
			// someone may have prepared for them (pre-hijacking). The
			// identity gets a user of its own, without the address.
			l.cfg.Logger.InfoContext(ctx, "identity: not linked to an account whose email is unverified",
				"provider", id.Provider, "user", u.ID)
		case err == nil:
			if u.Locked() {
				return userOf(u)
			}
			linked, err := l.link(ctx, id, u.ID)
			if err == nil {
				l.cfg.Logger.InfoContext(ctx, "identity: linked to the account of its verified email",
					"provider", id.Provider, "user", linked)
			}
			return linked, err
		case !errors.Is(err, users.ErrNotFound) && !errors.Is(err, users.ErrInvalidEmail):
			return "", err
		}
	}
	if !l.cfg.Create {
		return "", fmt.Errorf("%w: provider %s", ErrNotLinked, id.Provider)
	}
	return l.create(ctx, id)
}

// create makes a user for id and links it. When another process links the
// identity first, the user made here is deleted and the other's link wins.
func (l *Linker) create(ctx context.Context, id authn.ExternalIdentity) (string, error) {
	email := ""
	if id.EmailVerified {
		email = id.Email
	}
	u, err := l.cfg.Users.RegisterExternal(ctx, email, id.Name, l.cfg.FallbackName)
	if errors.Is(err, users.ErrEmailTaken) || errors.Is(err, users.ErrInvalidEmail) {
		// The address belongs to another account, which this provider
		// may not vouch for, or is not one: the user gets none.
		u, err = l.cfg.Users.RegisterExternal(ctx, "", id.Name, l.cfg.FallbackName)
	}
	if err != nil {
		return "", err
	}
	linked, err := l.link(ctx, id, u.ID)
	if err != nil || linked != u.ID {
		l.deleteUser(ctx, u.ID)
		return linked, err
	}
	if l.cfg.OnCreate != nil {
		if err := l.cfg.OnCreate(ctx, u, id); err != nil {
			l.forget(identityKey{id.Issuer, id.Subject})
			if _, delErr := l.cfg.Store.Delete(ctx, id.Issuer, id.Subject); delErr != nil {
				l.cfg.Logger.WarnContext(ctx, "identity: undoing a link failed", "user", u.ID, "error", delErr)
			}
			l.deleteUser(ctx, u.ID)
			return "", fmt.Errorf("identity: OnCreate for user %s: %w", u.ID, err)
		}
	}
	l.cfg.Logger.InfoContext(ctx, "identity: user created for an external identity", "provider", id.Provider, "user", u.ID)
	return u.ID, nil
}

// deleteUser deletes a user create made and no longer needs.
func (l *Linker) deleteUser(ctx context.Context, userID string) {
	if err := l.cfg.Users.Delete(ctx, userID); err != nil && !errors.Is(err, users.ErrNotFound) {
		l.cfg.Logger.WarnContext(ctx, "identity: deleting an unneeded user failed", "user", userID, "error", err)
	}
}

// link links id to userID, or, when another link won a race to it, returns
// the user of that link.
func (l *Linker) link(ctx context.Context, id authn.ExternalIdentity, userID string) (string, error) {
	err := l.cfg.Store.Create(ctx, Link{Issuer: id.Issuer, Subject: id.Subject, UserID: userID,
		CreatedAt: l.cfg.Clock().UTC().Truncate(time.Microsecond)})
	key := identityKey{id.Issuer, id.Subject}
	switch {
	case errors.Is(err, ErrLinked):
		winner, err := l.find(ctx, key)
		if err != nil {
			return "", err
		}
		if winner == "" {
			return "", fmt.Errorf("identity: a link was made and removed meanwhile: %w", ErrStore)
		}
		return winner, nil
	case errors.Is(err, ErrInvalidLink):
		return "", fmt.Errorf("identity: %w: %w", authn.ErrInvalidCredentials, err)
	case err != nil:
		return "", fmt.Errorf("identity: create a link: %w: %w", ErrStore, err)
	}
	l.remember(key, userID)
	return userID, nil
}

// Link links id to the local user userID, for an application where a
// signed-in user connects a provider account. It fails with an error
// matching ErrLinked when the identity is linked already (to that user or
// another), and users.ErrNotFound when there is no such user.
func (l *Linker) Link(ctx context.Context, userID string, id authn.ExternalIdentity) error {
	if _, err := l.cfg.Users.Get(ctx, userID); err != nil {
		return err
	}
	err := l.cfg.Store.Create(ctx, Link{Issuer: id.Issuer, Subject: id.Subject, UserID: userID,
		CreatedAt: l.cfg.Clock().UTC().Truncate(time.Microsecond)})
	switch {
	case errors.Is(err, ErrLinked), errors.Is(err, ErrInvalidLink):
		return fmt.Errorf("identity: link: %w", err)
	case err != nil:
		return fmt.Errorf("identity: link: %w: %w", ErrStore, err)
	}
	l.remember(identityKey{id.Issuer, id.Subject}, userID)
	return nil
}

// Unlink removes the link of the identity issuer and subject, and reports
// whether there was one. Other processes of the application go on using
// the link until their memory of it expires (Config.CacheTTL).
func (l *Linker) Unlink(ctx context.Context, issuer, subject string) (bool, error) {
	l.forget(identityKey{issuer, subject})
	found, err := l.cfg.Store.Delete(ctx, issuer, subject)
	if err != nil {
		return false, fmt.Errorf("identity: unlink: %w: %w", ErrStore, err)
	}
	return found, nil
}

// Links returns the links of a user, for a settings page.
func (l *Linker) Links(ctx context.Context, userID string) ([]Link, error) {
	links, err := l.cfg.Store.ByUser(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("identity: links of %s: %w: %w", userID, ErrStore, err)
	}
	return links, nil
}
