package pgwatch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gatehouse-go/gatehouse/internal/backoff"
)

// listen is the listener goroutine. It serves conn until the connection
// fails, then reconnects with backoff, until Close.
func (n *Notifier) listen(conn *pgx.Conn) {
	defer close(n.done)
	b := backoff.Backoff{Min: n.cfg.ReconnectMin, Max: n.cfg.ReconnectMax}
	var down time.Time // when the current outage began
	for {
		if conn != nil {
			n.pid.Store(conn.PgConn().PID())
			synced, err := n.serve(conn)
			n.pid.Store(0)
			closeConn(conn, n.cfg.Timeout)
			conn = nil
			if n.ctx.Err() != nil {
				return
			}
			if synced {
				b.Reset()
			}
			down = time.Now()
			n.disconnected(err, true)
		}
		if !backoff.Sleep(n.ctx, b.Next()) {
			return
		}
		c, err := n.connect(n.ctx)
		if err != nil {
			if n.ctx.Err() != nil {
				return
			}
			n.disconnected(err, false)
			continue
		}
		n.reconnected(time.Since(down))
		conn = c
	}
}

func (n *Notifier) connect(ctx context.Context) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	return pgx.ConnectConfig(ctx, n.connCfg)
}

func closeConn(conn *pgx.Conn, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_ = conn.Close(ctx)
}

// serve listens on conn for the channels subscribed to and dispatches
// notifications until the connection fails or Close. synced reports
// whether LISTEN succeeded on it at least once.
func (n *Notifier) serve(conn *pgx.Conn) (synced bool, err error) {
	for {
		n.mu.Lock()
		if n.dirty {
			n.dirty = false
			n.mu.Unlock()
			if err := n.sync(conn); err != nil {
				return synced, err
			}
			synced = true
			continue
		}
		// Subscribe and cancel end the wait through n.interrupt; so does the
		// deadline, after which the connection is checked.
		wait, cancel := context.WithTimeout(n.ctx, n.cfg.PingInterval)
		n.interrupt = cancel
		n.mu.Unlock()

		note, err := conn.WaitForNotification(wait)

		n.mu.Lock()
		n.interrupt = nil
		n.mu.Unlock()
		waitErr := wait.Err()
		cancel()
		if note != nil {
			n.dispatch(note)
		}
		switch {
		case err == nil:
		case n.ctx.Err() != nil:
			return synced, n.ctx.Err()
		case conn.IsClosed():
			return synced, err
		case errors.Is(waitErr, context.DeadlineExceeded):
			if err := n.ping(conn); err != nil {
				return synced, fmt.Errorf("liveness check: %w", err)
			}
		case waitErr != nil:
			// Interrupted: the subscriptions changed.
		default:
			return synced, err
		}
	}
}

// sync brings the channels conn listens on in line with the
// subscriptions, and tells the subscriptions whose channel it now listens
// on that they are connected.
func (n *Notifier) sync(conn *pgx.Conn) error {
	n.mu.Lock()
	listen, unlisten := n.subs.Changes()
	n.mu.Unlock()
	var stmts []string
	for _, ch := range listen {
		stmts = append(stmts, "LISTEN "+pgx.Identifier{ch}.Sanitize())
	}
	for _, ch := range unlisten {
		stmts = append(stmts, "UNLISTEN "+pgx.Identifier{ch}.Sanitize())
	}

	if len(stmts) > 0 {
		ctx, cancel := context.WithTimeout(n.ctx, n.cfg.Timeout)
		defer cancel()
		// One round trip: a simple query may hold several statements.
		if _, err := conn.Exec(ctx, strings.Join(stmts, "; ")); err != nil {
			return fmt.Errorf("LISTEN: %w", err)
		}
	}

	n.mu.Lock()
	defer n.mu.Unlock()
	n.subs.Join(listen)
	for s := range n.subs.InEffect() {
		s.Connect()
	}
	return nil
}

func (n *Notifier) ping(conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.Timeout)
	defer cancel()
	_, err := conn.Exec(ctx, "SELECT 1")
	return err
}

func (n *Notifier) dispatch(note *pgconn.Notification) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for s := range n.subs.On(note.Channel) {
		s.Deliver(note.Payload)
	}
}

// disconnected records that the listener has no connection: lost is true
// when it had one until now, false when an attempt to reconnect failed.
// Every subscription not told so yet hears EventDisconnected.
func (n *Notifier) disconnected(err error, lost bool) {
	err = fmt.Errorf("pgwatch: listener on %s: %w", n.server, err)
	n.mu.Lock()
	n.connected = false
	n.lastErr = err
	n.subs.LeaveAll()
	for s := range n.subs.All() {
		s.Disconnect(err)
	}
	n.mu.Unlock()
	if lost {
		n.cfg.Logger.Warn("gatehouse: watch listener lost its connection; reconnecting",
			"server", n.server, "error", err)
	} else {
		n.cfg.Logger.Debug("gatehouse: watch listener could not reconnect",
			"server", n.server, "error", err)
	}
}

// reconnected records that the listener has a new connection, on which it
// is to LISTEN again on every channel.
func (n *Notifier) reconnected(outage time.Duration) {
	n.mu.Lock()
	n.connected = true
	n.lastErr = nil
	n.dirty = true
	n.mu.Unlock()
	n.cfg.Logger.Info("gatehouse: watch listener reconnected",
		"server", n.server, "outage", outage.Round(time.Millisecond))
}
