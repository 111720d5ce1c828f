package rediswatch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/internal/connection"
	"github.com/gatehouse-go/gatehouse/watch/internal/fanout"
)

// Notifier is a watch.Notifier on Redis pub/sub. Create one with New or
// NewFromClient; it is safe for concurrent use.
type Notifier struct {
	cfg     Config
	client  redis.UniversalClient
	owned   bool // New made client, and Close closes it
	ps      *redis.PubSub
	server  string          // for logs: never the password
	ctx     context.Context // ends at Close
	stop    context.CancelFunc
	wg      sync.WaitGroup // the receiving and subscribing goroutines
	closing sync.Once
	closed  atomic.Bool
	changed chan struct{} // wakes the subscribing goroutine

	mu      sync.Mutex
	up      bool                           // the subscription connection answers
	lastErr error                          // why it does not
	subs    fanout.Registry[*subscription] // a channel is joined once handed to the PubSub
	pings   uint64                         // the last PING token taken
}

var _ watch.Notifier = (*Notifier)(nil)

// New returns a Notifier on the Redis server that rawURL names, a redis://
// or rediss:// URL as redis.ParseURL accepts, with a client of its own
// that Close closes. A URL that does not parse is refused with an error
// wrapping watch.ErrInvalidConfig. New pings the server before it returns,
// so that a wrong address or credentials show at start: it fails if the
// server does not answer within ctx. After that the Notifier reconnects by
// itself until Close.
func New(ctx context.Context, rawURL string, cfg Config) (*Notifier, error) {
	cfg = cfg.withDefaults()
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			// url.Error quotes the URL, password and all.
			err = urlErr.Err
		}
		return nil, fmt.Errorf("%w: rediswatch: URL does not parse: %w", watch.ErrInvalidConfig, err)
	}
	if opts.ClientName == "" {
		opts.ClientName = cfg.ClientName
	}
	client := redis.NewClient(opts)
	n, err := start(ctx, client, cfg, true)
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	return n, nil
}

// NewFromClient returns a Notifier that publishes and subscribes through
// client, for an application that already has one; Close leaves client
// open. Like New, it fails if the server does not answer within ctx.
func NewFromClient(ctx context.Context, client redis.UniversalClient, cfg Config) (*Notifier, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: rediswatch: nil client", watch.ErrInvalidConfig)
	}
	return start(ctx, client, cfg.withDefaults(), false)
}

func start(ctx context.Context, client redis.UniversalClient, cfg Config, owned bool) (*Notifier, error) {
	n := &Notifier{
		cfg:     cfg,
		client:  client,
		owned:   owned,
		server:  serverOf(client),
		changed: make(chan struct{}, 1),
		up:      true,
	}
	if err := client.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("rediswatch: ping %s: %w", n.server, err)
	}
	// The PubSub connects on first use: a PING opens the subscription
	// connection now, and its answer is the first the receiver reads.
	n.ps = client.Subscribe(ctx)
	if err := n.ps.Ping(ctx, pingPayload(n.takeToken())); err != nil {
		_ = n.ps.Close()
		return nil, fmt.Errorf("rediswatch: subscription connection to %s: %w", n.server, err)
	}
	n.ctx, n.stop = context.WithCancel(context.Background())
	n.wg.Add(2)
	go n.receive()
	go n.subscribe()
	return n, nil
}

func serverOf(client redis.UniversalClient) string {
	switch c := client.(type) {
	case *redis.Client:
		return c.Options().Addr
	case *redis.ClusterClient:
		return strings.Join(c.Options().Addrs, ",")
	}
	return fmt.Sprintf("%T", client)
}

// Publish sends payload to the subscribers of channel with PUBLISH. It
// refuses a payload longer than watch.MaxPayload with
// watch.ErrPayloadTooLarge, and an empty channel name with
// watch.ErrInvalidConfig.
func (n *Notifier) Publish(ctx context.Context, channel, payload string) error {
	// Close cancels publications in flight, so that it never waits on one.
	ctx, done, err := connection.BeginPublish(ctx, n.ctx, n.closed.Load(), checkChannel(channel), payload)
	if err != nil {
		return err
	}
	defer done()

	err = n.client.Publish(ctx, channel, payload).Err()
	switch {
	case err == nil:
		return nil
	case n.closed.Load():
		return watch.ErrClosed
	default:
		return fmt.Errorf("rediswatch: publish on %q: %w", channel, err)
	}
}

// Subscribe calls handle with the events of channel until cancel is
// called; see watch.Notifier. The first event is watch.EventConnected once
// the server has confirmed the subscription, so that every message
// published after it reaches handle, or watch.EventDisconnected while the
// connection is down. A nil handle or an empty channel name is refused
// with watch.ErrInvalidConfig.
func (n *Notifier) Subscribe(channel string, handle func(watch.Event)) (cancel func(), err error) {
	if handle == nil {
		return nil, fmt.Errorf("%w: rediswatch: nil handler", watch.ErrInvalidConfig)
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
	s := newSubscription(channel, handle)
	n.subs.Add(channel, s)
	if !n.up {
		s.Disconnect(n.lastErr)
	}
	n.wake()
	return func() { n.unsubscribe(s) }, nil
}

func (n *Notifier) unsubscribe(s *subscription) {
	n.mu.Lock()
	if n.subs.Remove(s.Channel(), s) {
		n.wake() // to UNSUBSCRIBE
	}
	n.mu.Unlock()
	s.Stop()
}

// wake tells the subscribing goroutine that the subscriptions changed.
func (n *Notifier) wake() {
	select {
	case n.changed <- struct{}{}:
	default:
	}
}

// Close ends every subscription, closes the subscription connection, and
// the client if New made it, and waits for the Notifier's goroutines to
// return. Publish and Subscribe return watch.ErrClosed afterwards. It does
// not wait for a handler in progress, which finishes on its own; no
// handler is called afterwards. Close is idempotent and always returns
// nil.
func (n *Notifier) Close() error {
	n.closing.Do(func() {
		// Subscribe reads closed under n.mu: once Close holds n.mu, no
		// subscription can be added behind its back.
		n.closed.Store(true)
		n.mu.Lock()
		subs := n.subs.Clear()
		n.mu.Unlock()
		n.stop()
		_ = n.ps.Close() // ends the receiver's read
		n.wg.Wait()
		if n.owned {
			_ = n.client.Close()
		}
		for _, s := range subs {
			s.Stop()
		}
	})
	return nil
}

func checkChannel(channel string) error {
	if channel == "" {
		return fmt.Errorf("%w: rediswatch: empty channel name", watch.ErrInvalidConfig)
	}
	return nil
}
