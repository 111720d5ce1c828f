package session

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Manager creates, authenticates and destroys sessions kept in a database.
// It implements authn.Authenticator. It is safe for concurrent use, and
// several Managers (in one process or many) may share a database.
type Manager struct {
	db  *gorm.DB
	cfg Config
}

var _ authn.Authenticator = (*Manager)(nil)

// New returns a Manager that keeps sessions in db, creating the table
// gatehouse_sessions if it is missing. It refuses a nil db and an invalid
// cfg with an error matching ErrInvalidConfig, and a failure to create the
// table with one matching ErrStore.
func New(ctx context.Context, db *gorm.DB, cfg Config) (*Manager, error) {
	if db == nil {
		return nil, fmt.Errorf("session: %w: db is nil", ErrInvalidConfig)
	}
	resolved, err := cfg.resolve()
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("session: %w: create table %s: %w", ErrStore, record{}.TableName(), err)
	}
	return &Manager{db: db, cfg: resolved}, nil
}

// CookieName returns the name of the session cookie, for adapters that read
// or clear it.
func (m *Manager) CookieName() string { return m.cfg.CookieName }

// CSRFHeader returns the name of the header that must carry the CSRF token
// on unsafe requests, for adapters and pages that set it.
func (m *Manager) CSRFHeader() string { return m.cfg.CSRFHeader }

func (m *Manager) now() time.Time { return m.cfg.Now() }
