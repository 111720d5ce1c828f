package rediswatch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/internal/backoff"
)

// tokenPrefix starts the payload of the Notifier's PINGs, followed by a
// number that tells which subscriptions the answer confirms.
const tokenPrefix = "gatehouse-watch:"

// receive is the receiving goroutine: it reads the subscription
// connection, dispatches messages, checks that a silent connection is
// alive, and after a failure waits and pings until the connection is back.
//
// go-redis's PubSub reconnects by itself: when a read or write fails it
// closes the connection, dials a new one at once and subscribes it to
// every channel again, or, if that fails, dials on its next use. It says
// nothing of it, though, and does not wait between attempts; receive does
// both.
func (n *Notifier) receive() {
	defer n.wg.Done()
	b := backoff.Backoff{Min: n.cfg.ReconnectMin, Max: n.cfg.ReconnectMax}
	awaiting := true // a PING's answer is due: start sent one
	for {
		msg, err := n.next(awaiting)
		if n.ctx.Err() != nil {
			return
		}
		if err == nil {
			awaiting = false
			switch m := msg.(type) {
			case *redis.Message:
				n.dispatch(m)
			case *redis.Pong:
				b.Reset()
				n.confirm(parseToken(m.Payload))
			case *redis.Subscription:
				// The PING sent after the SUBSCRIBE confirms it.
			}
			continue
		}
		if !awaiting && isTimeout(err) {
			// Silent for PingInterval: ask for a sign of life.
			if err = n.ping(); err == nil {
				awaiting = true
				continue
			}
			if n.ctx.Err() != nil {
				return
			}
		}
		n.disconnected(err)
		if !n.reconnect(&b) {
			return
		}
		awaiting = true
	}
}

// next reads the next message. While a PING's answer is due it reads under
// a context deadline, and go-redis counts a timeout as a failure of the
// connection, which it drops; otherwise a timeout after PingInterval
// leaves the connection be.
func (n *Notifier) next(awaiting bool) (any, error) {
	if !awaiting {
		return n.ps.ReceiveTimeout(n.ctx, n.cfg.PingInterval)
	}
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.Timeout)
	defer cancel()
	return n.ps.ReceiveTimeout(ctx, 0)
}

// reconnect waits, with backoff, until a PING goes through, which makes
// go-redis dial and subscribe again if it has not yet. It reports false
// at Close.
func (n *Notifier) reconnect(b *backoff.Backoff) bool {
	for {
		if !backoff.Sleep(n.ctx, b.Next()) {
			return false
		}
		err := n.ping()
		if err == nil {
			return true
		}
		if n.ctx.Err() != nil {
			return false
		}
		n.disconnected(err)
	}
}

func (n *Notifier) ping() error {
	n.mu.Lock()
	token := n.takeToken()
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.Timeout)
	defer cancel()
	return n.ps.Ping(ctx, pingPayload(token))
}

// takeToken returns a new PING token. n.mu is held.
func (n *Notifier) takeToken() uint64 {
	n.pings++
	return n.pings
}

func pingPayload(token uint64) string { return tokenPrefix + strconv.FormatUint(token, 10) }

// parseToken returns the token of a PING's answer, or 0, which confirms
// nothing, for another's.
func parseToken(payload string) uint64 {
	s, ok := strings.CutPrefix(payload, tokenPrefix)
	if !ok {
		return 0
	}
	token, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0
	}
	return token
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

func (n *Notifier) dispatch(m *redis.Message) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for s := range n.subs.On(m.Channel) {
		s.Deliver(m.Payload)
	}
}

// confirm records the answer to the PING with token: the connection is
// alive, and every subscription whose channel was subscribed to before
// that PING was sent is in effect.
func (n *Notifier) confirm(token uint64) {
	n.mu.Lock()
	wasUp := n.up
	n.up, n.lastErr = true, nil
	for s := range n.subs.All() {
		if s.confirmAfter < token {
			s.Connect()
		}
	}
	n.mu.Unlock()
	if !wasUp {
		n.cfg.Logger.Info("gatehouse: watch subscription connection is back", "server", n.server)
	}
}

// disconnected records that the subscription connection failed. Every
// subscription not told so yet hears EventDisconnected.
func (n *Notifier) disconnected(err error) {
	err = fmt.Errorf("rediswatch: subscription connection to %s: %w", n.server, err)
	n.mu.Lock()
	wasUp := n.up
	n.up, n.lastErr = false, err
	for s := range n.subs.All() {
		if s.Connected() {
			// Its channel is in the PubSub's list, which a new connection
			// subscribes to before anything else: any answer read from
			// now on confirms it.
			s.confirmAfter = 0
		}
		s.Disconnect(err)
	}
	n.mu.Unlock()
	if wasUp {
		n.cfg.Logger.Warn("gatehouse: watch subscription connection lost; reconnecting",
			"server", n.server, "error", err)
	} else {
		n.cfg.Logger.Debug("gatehouse: watch subscription connection still down",
			"server", n.server, "error", err)
	}
}

// subscribe is the subscribing goroutine: it hands the channels of new
// subscriptions to the PubSub, takes those of the last cancelled ones
// away, and sends the PING whose answer confirms new subscriptions. Doing
// this on a goroutine of its own keeps Subscribe and cancel from waiting
// on the network, and keeps SUBSCRIBE and UNSUBSCRIBE of one channel in
// order.
func (n *Notifier) subscribe() {
	defer n.wg.Done()
	b := backoff.Backoff{Min: n.cfg.ReconnectMin, Max: n.cfg.ReconnectMax}
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-n.changed:
		case <-retry.C:
		}
		err := n.syncChannels()
		if n.ctx.Err() != nil {
			return
		}
		if err == nil {
			b.Reset()
			retry.Stop()
			continue
		}
		n.cfg.Logger.Debug("gatehouse: watch could not update its subscriptions; retrying",
			"server", n.server, "error", err)
		retry.Reset(b.Next())
	}
}

func (n *Notifier) syncChannels() error {
	n.mu.Lock()
	add, remove := n.subs.Changes()
	n.mu.Unlock()

	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.Timeout)
	defer cancel()
	if len(remove) > 0 {
		// Even if this fails, go-redis has forgotten the channels, and a
		// new connection does not subscribe to them.
		_ = n.ps.Unsubscribe(ctx, remove...)
	}
	if len(add) > 0 {
		// go-redis keeps the channels for its next connection even if this
		// fails; but if the write failed it has already dialed that
		// connection without them, so try again.
		if err := n.ps.Subscribe(ctx, add...); err != nil {
			return fmt.Errorf("SUBSCRIBE: %w", err)
		}
	}

	n.mu.Lock()
	n.subs.Join(add)
	waiting := false
	for s := range n.subs.InEffect() {
		if s.Connected() {
			continue
		}
		waiting = true
		if s.confirmAfter == notYet {
			s.confirmAfter = n.pings
		}
	}
	var token uint64
	if waiting {
		token = n.takeToken()
	}
	n.mu.Unlock()
	if !waiting {
		return nil
	}
	if err := n.ps.Ping(ctx, pingPayload(token)); err != nil {
		return fmt.Errorf("PING: %w", err)
	}
	return nil
}
