package pgwatch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/internal/connection"
	"github.com/gatehouse-go/gatehouse/watch/internal/fanout"
)

// maxChannel is the longest channel name PostgreSQL keeps whole: an
// identifier of NAMEDATALEN-1 bytes.
const maxChannel = 63

// Notifier is a watch.Notifier on PostgreSQL LISTEN/NOTIFY. Create one
// with New; it is safe for concurrent use.
type Notifier struct {
	cfg     Config
	connCfg *pgx.ConnConfig // the listener's
	pool    *pgxpool.Pool   // Publish's
	server  string          // host, port and database, for logs: never the password
	ctx     context.Context // ends at Close
	stop    context.CancelFunc
	done    chan struct{} // closed when the listener goroutine returns
	closing sync.Once
	pid     atomic.Uint32 // the listener's backend, 0 while disconnected
	closed  atomic.Bool

	mu        sync.Mutex
	connected bool                                  // the listener has a connection
	lastErr   error                                 // why it has none
	subs      fanout.Registry[*fanout.Subscription] // a channel is joined once LISTENed on the current connection
	dirty     bool                                  // subs changed since the listener last looked
	interrupt func()                                // ends the listener's current wait
}

var _ watch.Notifier = (*Notifier)(nil)

// New returns a Notifier on the PostgreSQL server that dsn names, a
// postgres:// URL or key=value string as pgx.ParseConfig accepts. A dsn
// that does not parse is refused with an error wrapping
// watch.ErrInvalidConfig. New connects the listener before it returns, so
// that a wrong address or credentials show at start: it fails if the first
// connection does not succeed within ctx and Config.Timeout. After that
// the Notifier reconnects by itself until Close.
func New(ctx context.Context, dsn string, cfg Config) (*Notifier, error) {
	cfg = cfg.withDefaults()
	if strings.TrimSpace(dsn) == "" {
		return nil, fmt.Errorf("%w: pgwatch: empty DSN", watch.ErrInvalidConfig)
	}
	poolCfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: pgwatch: %w", watch.ErrInvalidConfig, parseError(err))
	}
	if _, ok := poolCfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		poolCfg.ConnConfig.RuntimeParams["application_name"] = cfg.ApplicationName
	}
	poolCfg.MaxConns = cfg.PublishConns
	poolCfg.MinConns = 0

	n := &Notifier{
		cfg:     cfg,
		connCfg: poolCfg.ConnConfig.Copy(),
		server:  fmt.Sprintf("%s:%d/%s", poolCfg.ConnConfig.Host, poolCfg.ConnConfig.Port, poolCfg.ConnConfig.Database),
		done:    make(chan struct{}),
	}
	conn, err := n.connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgwatch: connect to %s: %w", n.server, err)
	}
	n.pool, err = pgxpool.NewWithConfig(context.Background(), poolCfg)
	if err != nil {
		closeConn(conn, cfg.Timeout)
		return nil, fmt.Errorf("pgwatch: publishing pool for %s: %w", n.server, err)
	}
	n.ctx, n.stop = context.WithCancel(context.Background())
	n.connected = true
	go n.listen(conn)
	return n, nil
}

// Publish sends payload to the subscribers of channel with pg_notify, in
// its own transaction. It refuses a payload longer than watch.MaxPayload
// with watch.ErrPayloadTooLarge, and a channel name PostgreSQL cannot
// carry with watch.ErrInvalidConfig.
func (n *Notifier) Publish(ctx context.Context, channel, payload string) error {
	// Close cancels publications in flight, so that it never waits on one.
	ctx, done, err := connection.BeginPublish(ctx, n.ctx, n.closed.Load(), checkChannel(channel), payload)
	if err != nil {
		return err
	}
	defer done()

	err = n.notify(ctx, channel, payload)
	if err != nil && isTerminated(err) {
		// The pool handed out a connection whose backend had been
		// terminated: the statement never ran, and a fresh connection
		// will do.
		err = n.notify(ctx, channel, payload)
	}
	switch {
	case err == nil:
		return nil
	case n.closed.Load():
		return watch.ErrClosed
	default:
		return fmt.Errorf("pgwatch: publish on %q: %w", channel, err)
	}
}

func (n *Notifier) notify(ctx context.Context, channel, payload string) error {
	_, err := n.pool.Exec(ctx, "SELECT pg_notify($1, $2)", channel, payload)
	return err
}

// Subscribe calls handle with the events of channel until cancel is
// called; see watch.Notifier. The first event is watch.EventConnected once
// the listener has run LISTEN on channel, so that every message published
// after it reaches handle, or watch.EventDisconnected while the listener
// is reconnecting. A nil handle or a channel name PostgreSQL cannot carry
// is refused with watch.ErrInvalidConfig.
func (n *Notifier) Subscribe(channel string, handle func(watch.Event)) (cancel func(), err error) {
	if handle == nil {
		return nil, fmt.Errorf("%w: pgwatch: nil handler", watch.ErrInvalidConfig)
	}
	if err := checkChannel(channel); err != nil {
		return nil, err
	}
	// The name is kept for as long as the subscription lasts.
	channel = strings.Clone(channel)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed.Load() {
		return nil, watch.ErrClosed
	}
	s := fanout.Start(channel, handle)
	n.subs.Add(channel, s)
	switch {
	case !n.connected:
		s.Disconnect(n.lastErr)
	case n.subs.Joined(channel):
		s.Connect()
	default:
		n.wakeListener()
	}
	return func() { n.unsubscribe(s) }, nil
}

func (n *Notifier) unsubscribe(s *fanout.Subscription) {
	n.mu.Lock()
	if n.subs.Remove(s.Channel(), s) {
		n.wakeListener() // to UNLISTEN
	}
	n.mu.Unlock()
	s.Stop()
}

// wakeListener tells the listener that the subscriptions changed. n.mu is
// held.
func (n *Notifier) wakeListener() {
	n.dirty = true
	if n.interrupt != nil {
		n.interrupt()
	}
}

// Close ends every subscription, closes the listener and the publishing
// pool, and waits for the listener goroutine to return. Publish and
// Subscribe return watch.ErrClosed afterwards. It does not wait for a
// handler in progress, which finishes on its own; no handler is called
// afterwards. Close is idempotent and always returns nil.
func (n *Notifier) Close() error {
	n.closing.Do(func() {
		// Subscribe reads closed under n.mu: once Close holds n.mu, no
		// subscription can be added behind its back.
		n.closed.Store(true)
		n.mu.Lock()
		subs := n.subs.Clear()
		n.mu.Unlock()
		n.stop()
		<-n.done
		n.pool.Close()
		for _, s := range subs {
			s.Stop()
		}
	})
	return nil
}

// listenerPID returns the process ID of the listener's backend, or 0 while
// it is disconnected; tests terminate it.
func (n *Notifier) listenerPID() uint32 { return n.pid.Load() }

func checkChannel(channel string) error {
	switch {
	case channel == "":
		return fmt.Errorf("%w: pgwatch: empty channel name", watch.ErrInvalidConfig)
	case len(channel) > maxChannel:
		return fmt.Errorf("%w: pgwatch: channel name of %d bytes, at most %d", watch.ErrInvalidConfig, len(channel), maxChannel)
	case strings.IndexByte(channel, 0) >= 0 || !utf8.ValidString(channel):
		return fmt.Errorf("%w: pgwatch: channel name %q is not valid UTF-8 text", watch.ErrInvalidConfig, channel)
	}
	return nil
}

// parseError returns why a DSN does not parse without the DSN itself:
// pgconn redacts the password in its own message but not in the net/url
// error it wraps.
func parseError(err error) error {
	var pce *pgconn.ParseConfigError
	if !errors.As(err, &pce) {
		return err // pgxpool's own settings, which it names without the DSN
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return fmt.Errorf("DSN is not a valid URL: %w", urlErr.Err)
	}
	if cause := pce.Unwrap(); cause != nil {
		return fmt.Errorf("DSN does not parse: %w", cause)
	}
	return errors.New("DSN does not parse")
}

// isTerminated reports whether err is PostgreSQL saying that it ended the
// connection's backend before running the statement.
func isTerminated(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
		return true
	}
	return false
}
