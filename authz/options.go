package authz

import (
	"log/slog"
	"time"

	"github.com/gatehouse-go/gatehouse/watch"
)

// Option configures New.
type Option func(*config)

// config collects what the options set; New resolves it.
type config struct {
	modelText  string
	modelFile  string
	policyText string
	policyFile string
	policySet  bool
	store      Store
	tenants    []string
	clock      func() time.Time
	sweepEvery time.Duration

	sink        DecisionSink
	sinkEvery   uint64
	timingEvery uint64
	timingSet   bool
	observer    Observer

	notifier     watch.Notifier
	channel      string
	syncInterval time.Duration
	logger       *slog.Logger
}

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
// ParsePolicy). Without WithStore it is the policy, and edits to it live in
// memory only. With WithStore it seeds the store the first time an engine
// opens it, if the store is empty then; it is never applied again, so a
// policy an administrator has emptied stays empty. WithPolicy("") starts
// from no rules at all. Default: the policy embedded in package gatehouse.
func WithPolicy(text string) Option {
	return func(c *config) { c.policyText, c.policyFile, c.policySet = text, "", true }
}

// WithPolicyFile is WithPolicy with the text read from a file when New runs;
// errors name the file and line.
func WithPolicyFile(path string) Option {
	return func(c *config) { c.policyFile, c.policyText, c.policySet = path, "", true }
}
