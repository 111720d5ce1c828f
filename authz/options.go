package authz

import (
	"log/slog"
	"regexp"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/watch"
)

// Option configures New.
type Option func(*config)

// config collects what the options set; New resolves it.
type config struct {
	modelText   string
	modelFile   string
	policyText  string
	policyFile  string
	policySet   bool
	db          *gorm.DB
	table       string
	tableWasSet bool

	notifier     watch.Notifier
	channel      string
	syncInterval time.Duration
	logger       *slog.Logger
}

// DefaultTable is the table WithDB stores the policy in: the GORM adapter's
// own default, so Casbin tools pointed at the same database see the same
// policy.
const DefaultTable = "casbin_rule"

// tableNamePattern keeps table names to plain identifiers: the GORM adapter
// writes them into SQL unquoted.
var tableNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// WithModel sets the Casbin model from its text. It must have gatehouse's
// shape (see New). Default: the model embedded in package gatehouse.
func WithModel(text string) Option {
	return func(c *config) { c.modelText, c.modelFile = text, "" }
}

// WithModelFile reads the Casbin model from a file when New runs.
func WithModelFile(path string) Option {
	return func(c *config) { c.modelFile, c.modelText = path, "" }
}

// WithPolicy sets the initial policy from text in Casbin's CSV format (see
// ParsePolicy). Without WithDB it is the policy, and edits to it live in
// memory only. With WithDB it seeds the store the first time the engine
// opens it, if the store's table is empty then; it is never applied again, so
// a policy an administrator has emptied stays empty. WithPolicy("") starts
// from no rules at all. Default: the policy embedded in package gatehouse.
func WithPolicy(text string) Option {
	return func(c *config) { c.policyText, c.policyFile, c.policySet = text, "", true }
}

// WithPolicyFile is WithPolicy with the text read from a file when New runs;
// errors name the file and line.
func WithPolicyFile(path string) Option {
	return func(c *config) { c.policyFile, c.policyText, c.policySet = path, "", true }
}

// WithDB persists the policy in db through Casbin's GORM adapter, in table
// DefaultTable unless WithTable says otherwise. New creates the tables it
// needs. Every edit is written to db, in one transaction, before it returns
// and before any decision sees it; an edit the database refuses changes
// nothing.
//
// The engine reads db when it opens and when Reload is called; edits made
// by other processes on the same database are seen then, or as they happen
// with WithNotifier. An edit made on a policy another process has changed
// since the engine read it is not lost nor applied blindly: the engine
// reloads and checks the edit again.
func WithDB(db *gorm.DB) Option {
	return func(c *config) { c.db = db }
}

// WithTable names the table WithDB stores the policy in: a plain SQL
// identifier (letters, digits, underscore; not starting with a digit).
// Default: DefaultTable.
func WithTable(name string) Option {
	return func(c *config) { c.table, c.tableWasSet = name, true }
}
