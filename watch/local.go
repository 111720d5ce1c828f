package watch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gatehouse-go/gatehouse/watch/internal/deliver"
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

// localSub is one Subscribe call. Its queue delivers its events in order
// from a goroutine of its own, so that a publisher never waits on a
// subscriber.
type localSub struct {
	*deliver.Queue[Event]
	channel string
}

// NewLocal returns a connected Local notifier.
func NewLocal() *Local {
	return &Local{subs: make(map[*localSub]struct{}), connected: true}
}

// Publish delivers payload to the channel's subscribers. While the notifier
// is disconnected it fails, as a real one would. It refuses an empty
// channel name with ErrInvalidConfig, and a payload longer than MaxPayload
// with ErrPayloadTooLarge.
func (l *Local) Publish(ctx context.Context, channel, payload string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkLocalChannel(channel); err != nil {
		return err
	}
	if err := CheckPayload(payload); err != nil {
		return err
	}
	// Subscribers read it after Publish has returned.
	payload = strings.Clone(payload)
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
			s.Push(Event{Kind: EventMessage, Payload: payload})
		}
	}
	return nil
}

// Subscribe calls handle with the channel's events. A nil handle or an
// empty channel name is refused with ErrInvalidConfig.
func (l *Local) Subscribe(channel string, handle func(Event)) (func(), error) {
	if handle == nil {
		return nil, errors.Join(ErrInvalidConfig, errors.New("nil handler"))
	}
	if err := checkLocalChannel(channel); err != nil {
		return nil, err
	}
	// The name is kept for as long as the subscription lasts.
	channel = strings.Clone(channel)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	s := &localSub{Queue: deliver.Start(handle), channel: channel}
	l.subs[s] = struct{}{}
	if l.connected {
		s.Push(Event{Kind: EventConnected})
	} else {
		s.Push(Event{Kind: EventDisconnected, Err: errLocalDisconnected})
	}
	return func() {
		l.mu.Lock()
		delete(l.subs, s)
		l.mu.Unlock()
		s.Stop()
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
		s.Push(Event{Kind: EventDisconnected, Err: errLocalDisconnected})
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
		s.Push(Event{Kind: EventConnected})
	}
}

// Close ends every subscription.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for s := range l.subs {
		s.Stop()
	}
	clear(l.subs)
	return nil
}

var errLocalDisconnected = errors.New("watch: local notifier disconnected")

// checkLocalChannel refuses the empty channel name, as pgwatch and
// rediswatch do, so that code tried on a Local does not fail first on a
// server.
func checkLocalChannel(channel string) error {
	if channel == "" {
		return fmt.Errorf("%w: watch: empty channel name", ErrInvalidConfig)
	}
	return nil
}
