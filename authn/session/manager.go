package session

import (
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Manager creates, authenticates and destroys sessions kept in a Store. It
// implements authn.Authenticator. It is safe for concurrent use, and
// several Managers (in one process or many) may share a store's backend.
type Manager struct {
	store Store
	cfg   Config
}

var _ authn.Authenticator = (*Manager)(nil)

// New returns a Manager that keeps sessions in store: gormstore.New,
// redisstore.New or memstore.New, or a Store of one's own. It refuses a
// nil store and an invalid cfg with an error matching ErrInvalidConfig.
func New(store Store, cfg Config) (*Manager, error) {
	if store == nil {
		return nil, fmt.Errorf("session: %w: store is nil", ErrInvalidConfig)
	}
	resolved, err := cfg.resolve()
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return &Manager{store: store, cfg: resolved}, nil
}

// CookieName returns the name of the session cookie, for adapters that read
// or clear it.
func (m *Manager) CookieName() string { return m.cfg.CookieName }

// CSRFHeader returns the name of the header that must carry the CSRF token
// on unsafe requests, for adapters and pages that set it.
func (m *Manager) CSRFHeader() string { return m.cfg.CSRFHeader }

func (m *Manager) now() time.Time { return m.cfg.Now() }
