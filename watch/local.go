package watch

import (
	"context"
	"errors"
	"sync"
)

// Local is a Notifier within one process: every subscriber of a channel,
// in this process, hears every message published on it. It serves engines
// that share a store inside one process, and tests, which also use
// Disconnect and Reconnect to play a dropped connection. The zero value is
// not usable; call NewLocal.
type Local struct {
	mu        sync.Mutex
	subs      map[*localSub]struct{}
	connected bool
	closed    bool
}

// localSub delivers one subscription's events in order from a goroutine of
// its own, so that a publisher never waits on a subscriber.
type localSub struct {
	channel string
	handle  func(Event)

	mu      sync.Mutex
	queue   []Event
	wake    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// NewLocal returns a connected Local notifier.
func NewLocal() *Local {
	return &Local{subs: make(map[*localSub]struct{}), connected: true}
}

// Publish delivers payload to the channel's subscribers. While the notifier
// is disconnected it fails, as a real one would.
func (l *Local) Publish(ctx context.Context, channel, payload string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckPayload(payload); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		return ErrClosed
	case !l.connected:
		return errLocalDisconnected
	}
	for s := range l.subs {
		if s.channel == channel {
			s.push(Event{Kind: EventMessage, Payload: payload})
		}
	}
	return nil
}

// Subscribe calls handle with the channel's events.
func (l *Local) Subscribe(channel string, handle func(Event)) (func(), error) {
	if handle == nil {
		return nil, errors.Join(ErrInvalidConfig, errors.New("nil handler"))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	s := &localSub{channel: channel, handle: handle, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	l.subs[s] = struct{}{}
	go s.run()
	if l.connected {
		s.push(Event{Kind: EventConnected})
	} else {
		s.push(Event{Kind: EventDisconnected, Err: errLocalDisconnected})
	}
	return func() {
		l.mu.Lock()
		delete(l.subs, s)
		l.mu.Unlock()
		s.stop()
	}, nil
}

// Disconnect plays a dropped connection: subscribers hear
// EventDisconnected, and messages published until Reconnect are lost.
func (l *Local) Disconnect() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || !l.connected {
		return
	}
	l.connected = false
	for s := range l.subs {
		s.push(Event{Kind: EventDisconnected, Err: errLocalDisconnected})
	}
}

// Reconnect ends a Disconnect: subscribers hear EventConnected.
func (l *Local) Reconnect() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || l.connected {
		return
	}
	l.connected = true
	for s := range l.subs {
		s.push(Event{Kind: EventConnected})
	}
}

// Close ends every subscription.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for s := range l.subs {
		s.stop()
	}
	clear(l.subs)
	return nil
}

var errLocalDisconnected = errors.New("watch: local notifier disconnected")

func (s *localSub) push(ev Event) {
	s.mu.Lock()
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *localSub) stop() { s.once.Do(func() { close(s.stopped) }) }

func (s *localSub) run() {
	for {
		select {
		case <-s.stopped:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			if len(s.queue) == 0 {
				s.mu.Unlock()
				break
			}
			ev := s.queue[0]
			s.queue = s.queue[1:]
			s.mu.Unlock()
			select {
			case <-s.stopped:
				return
			default:
			}
			s.handle(ev)
		}
	}
}
