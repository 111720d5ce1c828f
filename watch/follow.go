package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// State is what a Follower keeps current: the in-memory copy of something
// a store holds and peers edit. The Follower calls its methods one at a
// time, never concurrently.
type State interface {
	// Apply applies a message published on the channel, by a peer or by
	// this process. A message that cannot be applied on its own (it is out
	// of order, or asks for a reload) returns an error, and the Follower
	// reloads; one that does not concern this state returns nil.
	Apply(ctx context.Context, payload string) error
	// Reload replaces the state with the store's, all or nothing.
	Reload(ctx context.Context) error
	// Check asks the store, cheaply, whether the state is current. It
	// returns false when the state needs a Reload, and an error when the
	// store does not answer.
	Check(ctx context.Context) (current bool, err error)
}

// FollowConfig configures Follow.
type FollowConfig struct {
	// Channel is the notifier channel the state's changes are published on.
	// Required.
	Channel string
	// Interval is how often the Follower checks the store, to notice a
	// store that stopped answering and messages that were lost. Default 1s.
	Interval time.Duration
	// Timeout bounds each Apply, Reload and Check. Default 5s.
	Timeout time.Duration
	// Logger receives a line when the state becomes unavailable and when it
	// recovers. Default slog.Default().
	Logger *slog.Logger
}

// DefaultInterval and DefaultTimeout are FollowConfig's defaults.
const (
	DefaultInterval = time.Second
	DefaultTimeout  = 5 * time.Second
)

// Follower keeps a State current with its peers' changes and says whether
// it can vouch for it. Create one with Follow; it is safe for concurrent
// use.
type Follower struct {
	state  State
	cfg    FollowConfig
	cancel func()

	// err is nil while the state is current, else an error wrapping
	// ErrUnavailable; decisions read it on every request.
	err atomic.Pointer[error]
	// What Status reports, written by run.
	connected   atomic.Bool
	lastCurrent atomic.Int64 // unix nanoseconds
	reloads     atomic.Uint64

	mu     sync.Mutex
	events []Event
	wake   chan struct{}
	stop   chan struct{}
	done   chan struct{}
	synced chan struct{} // closed after the first successful reload
	once   sync.Once
}

// Follow subscribes to cfg.Channel on n and keeps state current until
// Close: it applies each message, reloads after every (re)connection and
// whenever a message cannot be applied, and checks the store every
// cfg.Interval. It returns once the subscription is established and the
// state reloaded, or with an error wrapping ErrUnavailable when ctx ends
// first.
func Follow(ctx context.Context, n Notifier, state State, cfg FollowConfig) (*Follower, error) {
	if n == nil || state == nil || cfg.Channel == "" {
		return nil, fmt.Errorf("%w: Follow needs a notifier, a state and a channel", ErrInvalidConfig)
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	f := &Follower{
		state:  state,
		cfg:    cfg,
		wake:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		synced: make(chan struct{}),
	}
	f.setErr(errors.New("not yet synchronised"))
	cancel, err := n.Subscribe(cfg.Channel, f.enqueue)
	if err != nil {
		return nil, fmt.Errorf("%w: subscribe to %q: %w", ErrUnavailable, cfg.Channel, err)
	}
	f.cancel = cancel
	go f.run()
	select {
	case <-f.synced:
		return f, nil
	case <-ctx.Done():
		cause := f.Err()
		f.Close()
		return nil, fmt.Errorf("%w: %w (%w)", ErrUnavailable, ctx.Err(), cause)
	}
}

// Err returns nil while the state is current, and otherwise an error
// wrapping ErrUnavailable that says why: the notifier is disconnected, the
// store does not answer, or a reload failed. It is cheap enough to call on
// every decision.
func (f *Follower) Err() error {
	if p := f.err.Load(); p != nil {
		return *p
	}
	return nil
}

// FollowStatus is a Follower's state, as Status reports it.
type FollowStatus struct {
	// Connected reports whether the notifier's subscription is up.
	Connected bool
	// Current reports whether the state is vouched for (Err is nil).
	Current bool
	// LastCurrent is when the state was last found current: reloaded,
	// or checked against the store. The zero Time before the first
	// reload. How long ago it was is how stale the state may be.
	LastCurrent time.Time
	// Reloads counts the reloads since Follow, the first one included.
	Reloads uint64
}

// Status reports the Follower's state, for monitoring. It is cheap and
// safe to call from any goroutine.
func (f *Follower) Status() FollowStatus {
	s := FollowStatus{Connected: f.connected.Load(), Current: f.Err() == nil, Reloads: f.reloads.Load()}
	if n := f.lastCurrent.Load(); n != 0 {
		s.LastCurrent = time.Unix(0, n)
	}
	return s
}

// Close stops following; Err reports ErrClosed afterwards. It does not
// close the notifier.
func (f *Follower) Close() {
	f.once.Do(func() {
		f.cancel()
		close(f.stop)
		<-f.done
		f.connected.Store(false)
		f.setErr(ErrClosed)
	})
}

func (f *Follower) setErr(err error) {
	if err == nil {
		f.err.Store(nil)
		return
	}
	if !errors.Is(err, ErrUnavailable) && !errors.Is(err, ErrClosed) {
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	f.err.Store(&err)
}

// enqueue receives the subscription's events; run handles them, so that
// the notifier never waits on a reload.
func (f *Follower) enqueue(ev Event) {
	f.mu.Lock()
	f.events = append(f.events, ev)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *Follower) takeEvents() []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	events := f.events
	f.events = nil
	return events
}

// run is the Follower's one goroutine: every call into the state is made
// from here.
func (f *Follower) run() {
	defer close(f.done)
	ticker := time.NewTicker(f.cfg.Interval)
	defer ticker.Stop()
	var (
		connected  bool
		needReload bool
		healthy    bool
	)
	unhealthy := func(err error) {
		if healthy {
			f.cfg.Logger.Warn("gatehouse: replica state unavailable; deciding nothing until it recovers",
				"channel", f.cfg.Channel, "error", err)
		}
		healthy = false
		f.setErr(err)
	}
	for {
		select {
		case <-f.stop:
			return
		case <-f.wake:
			for _, ev := range f.takeEvents() {
				switch ev.Kind {
				case EventConnected:
					connected, needReload = true, true
					f.connected.Store(true)
				case EventDisconnected:
					connected = false
					f.connected.Store(false)
					unhealthy(fmt.Errorf("notifier disconnected: %w", ev.Err))
				case EventMessage:
					if !connected || needReload {
						continue // the reload to come covers it
					}
					if err := f.call(f.state.Apply, ev.Payload); err != nil {
						needReload = true
					}
				}
			}
		case <-ticker.C:
			if !connected || needReload {
				break
			}
			current, err := f.check()
			switch {
			case err != nil:
				// Whatever happened meanwhile, start again from the store
				// once it answers.
				needReload = true
				unhealthy(fmt.Errorf("store does not answer: %w", err))
			case !current:
				needReload = true
			case healthy:
				f.lastCurrent.Store(time.Now().UnixNano())
			}
		}
		if connected && needReload {
			if err := f.reload(); err != nil {
				unhealthy(fmt.Errorf("reload: %w", err))
				continue // try again at the next tick or event
			}
			needReload = false
			f.reloads.Add(1)
			f.lastCurrent.Store(time.Now().UnixNano())
			recovered := !healthy
			healthy = true
			f.setErr(nil)
			select {
			case <-f.synced:
				if recovered {
					f.cfg.Logger.Info("gatehouse: replica state current again", "channel", f.cfg.Channel)
				}
			default:
				close(f.synced) // after setErr: Follow's caller finds the state current
			}
		}
	}
}

// A panic in the state's methods is an error like any other: the state
// is reloaded, and its owner fails closed meanwhile.

func (f *Follower) call(fn func(context.Context, string) error, payload string) (err error) {
	defer f.contain(&err, "apply")
	ctx, cancel := context.WithTimeout(context.Background(), f.cfg.Timeout)
	defer cancel()
	return fn(ctx, payload)
}

func (f *Follower) check() (current bool, err error) {
	defer f.contain(&err, "check")
	ctx, cancel := context.WithTimeout(context.Background(), f.cfg.Timeout)
	defer cancel()
	return f.state.Check(ctx)
}

func (f *Follower) reload() (err error) {
	defer f.contain(&err, "reload")
	ctx, cancel := context.WithTimeout(context.Background(), f.cfg.Timeout)
	defer cancel()
	return f.state.Reload(ctx)
}

// contain recovers a panic into *err.
func (f *Follower) contain(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s panicked: %v", what, r)
		f.cfg.Logger.Error("gatehouse: recovered a panic while following peers", "channel", f.cfg.Channel,
			"operation", what, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}
