package casbinwatch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/gatehouse-go/gatehouse/watch"
)

// Watcher is a Casbin persist.WatcherEx on a watch.Notifier, for
// applications that keep a casbin.Enforcer of their own next to a store
// several replicas share. (gatehouse's authz.Engine does not need it: it
// follows its peers by itself with authz.WithNotifier.)
//
// Set it on each replica's enforcer with SetWatcher, then hand it the
// callback that applies peers' edits, UpdateCallback(enforcer):
// Casbin announces each edit through the UpdateFor* methods, and every
// other replica applies it to its model as it comes, without reloading.
// After the notifier reconnects, when messages may have been lost, the
// callback hears an "Update" and reloads the whole policy.
type Watcher struct {
	notifier watch.Notifier
	channel  string
	origin   string // marks this watcher's messages, which its callback skips
	timeout  time.Duration
	key      []byte // seals messages when set

	mu        sync.Mutex
	callback  func(string)
	connected bool          // a first watch.EventConnected has been heard
	ready     chan struct{} // closed at the first watch.EventConnected
	cancel    func()
	closed    bool
}

var _ persist.WatcherEx = (*Watcher)(nil)

// Message is what a Watcher publishes: the WatcherEx method
// that was called and its arguments. Method "Update" (and
// "UpdateForSavePolicy") asks for a full reload.
type Message struct {
	Method      string     `json:"method"`
	Origin      string     `json:"origin"`
	Sec         string     `json:"sec,omitempty"`
	Ptype       string     `json:"ptype,omitempty"`
	Rules       [][]string `json:"rules,omitempty"`
	FieldIndex  int        `json:"field_index,omitempty"`
	FieldValues []string   `json:"field_values,omitempty"`
}

// Config configures New.
type Config struct {
	// Timeout bounds each publication. Default watch.DefaultTimeout.
	Timeout time.Duration
	// Key, when set, seals every message (watch.Seal) and makes the watcher
	// ignore messages not sealed with it, so that publishing on the
	// channel is not enough to edit the replicas' policy. Share it between
	// the replicas as a secret (watch.NewKey makes one); a key shorter than
	// watch.KeySize is refused. Without it, only trusted processes may be able to
	// publish on the notifier.
	Key []byte
}

// New subscribes to channel on n and returns once the
// subscription is established, so that every edit published afterwards
// reaches it; it fails with watch.ErrUnavailable when the notifier does not
// connect within the timeout. Load the enforcer's policy after it returns:
// an edit made between an earlier load and the subscription would be
// missed.
func New(n watch.Notifier, channel string, cfg Config) (*Watcher, error) {
	if n == nil || channel == "" {
		return nil, fmt.Errorf("%w: New needs a notifier and a channel", watch.ErrInvalidConfig)
	}
	if cfg.Key != nil {
		if err := watch.CheckKey(cfg.Key); err != nil {
			return nil, fmt.Errorf("%w: Config.Key: %w", watch.ErrInvalidConfig, err)
		}
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = watch.DefaultTimeout
	}
	origin := make([]byte, 12)
	if _, err := rand.Read(origin); err != nil {
		return nil, err
	}
	w := &Watcher{notifier: n, channel: channel, origin: hex.EncodeToString(origin), timeout: timeout, key: cfg.Key,
		ready: make(chan struct{})}
	cancel, err := n.Subscribe(channel, w.hear)
	if err != nil {
		return nil, err
	}
	w.cancel = cancel
	select {
	case <-w.ready:
		return w, nil
	case <-time.After(timeout):
		w.Close()
		return nil, fmt.Errorf("%w: the notifier did not connect within %s", watch.ErrUnavailable, timeout)
	}
}

// hear hands peers' messages to the callback, and an "Update" after every
// reconnection.
func (w *Watcher) hear(ev watch.Event) {
	w.mu.Lock()
	callback := w.callback
	var payload string
	switch ev.Kind {
	case watch.EventMessage:
		payload = ev.Payload
		if w.key != nil {
			opened, err := watch.Open(w.key, payload)
			if err != nil {
				w.mu.Unlock()
				return // not sealed with the replicas' key: ignore it
			}
			payload = opened
		}
		var m Message
		if json.Unmarshal([]byte(payload), &m) == nil && m.Origin == w.origin {
			w.mu.Unlock()
			return
		}
	case watch.EventConnected:
		first := !w.connected
		w.connected = true
		if first {
			close(w.ready)
			w.mu.Unlock()
			return
		}
		payload = w.encode(Message{Method: "Update"})
	default:
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	if callback != nil {
		callback(payload)
	}
}

// SetUpdateCallback sets the function peers' messages are handed to;
// UpdateCallback(enforcer) is the one to use.
func (w *Watcher) SetUpdateCallback(callback func(string)) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return watch.ErrClosed
	}
	w.callback = callback
	return nil
}

// Update asks peers to reload their whole policy.
func (w *Watcher) Update() error { return w.send(Message{Method: "Update"}) }

// UpdateForAddPolicy tells peers a rule was added.
func (w *Watcher) UpdateForAddPolicy(sec, ptype string, params ...string) error {
	return w.send(Message{Method: "UpdateForAddPolicies", Sec: sec, Ptype: ptype, Rules: [][]string{params}})
}

// UpdateForRemovePolicy tells peers a rule was removed.
func (w *Watcher) UpdateForRemovePolicy(sec, ptype string, params ...string) error {
	return w.send(Message{Method: "UpdateForRemovePolicies", Sec: sec, Ptype: ptype, Rules: [][]string{params}})
}

// UpdateForRemoveFilteredPolicy tells peers the rules matching a filter
// were removed.
func (w *Watcher) UpdateForRemoveFilteredPolicy(sec, ptype string, fieldIndex int, fieldValues ...string) error {
	return w.send(Message{Method: "UpdateForRemoveFilteredPolicy", Sec: sec, Ptype: ptype, FieldIndex: fieldIndex, FieldValues: fieldValues})
}

// UpdateForSavePolicy asks peers to reload: the whole policy was saved.
func (w *Watcher) UpdateForSavePolicy(model.Model) error {
	return w.send(Message{Method: "UpdateForSavePolicy"})
}

// UpdateForAddPolicies tells peers rules were added.
func (w *Watcher) UpdateForAddPolicies(sec, ptype string, rules ...[]string) error {
	return w.send(Message{Method: "UpdateForAddPolicies", Sec: sec, Ptype: ptype, Rules: rules})
}

// UpdateForRemovePolicies tells peers rules were removed.
func (w *Watcher) UpdateForRemovePolicies(sec, ptype string, rules ...[]string) error {
	return w.send(Message{Method: "UpdateForRemovePolicies", Sec: sec, Ptype: ptype, Rules: rules})
}

// Close ends the subscription; the callback is not called afterwards.
func (w *Watcher) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.closed = true
		w.callback = nil
		w.cancel()
	}
}

// send publishes m, or an "Update" when m is too long for one message.
func (w *Watcher) send(m Message) error {
	w.mu.Lock()
	closed := w.closed
	w.mu.Unlock()
	if closed {
		return watch.ErrClosed
	}
	limit := watch.MaxPayload
	if w.key != nil {
		limit = watch.SealedMaxPayload
	}
	payload := w.encode(m)
	if len(payload) > limit {
		payload = w.encode(Message{Method: "Update"})
	}
	if w.key != nil {
		payload = watch.Seal(w.key, payload)
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout)
	defer cancel()
	return w.notifier.Publish(ctx, w.channel, payload)
}

func (w *Watcher) encode(m Message) string {
	m.Origin = w.origin
	b, _ := json.Marshal(m) // strings and slices of strings always marshal
	return string(b)
}

// UpdateCallback returns the callback that applies a Watcher's
// messages to e: rules added and removed are applied to e's model and role
// links directly, under e's lock, without touching its adapter (the peer
// that made the edit has stored it) and without reloading; "Update", and
// any message it cannot apply, reloads the whole policy with e.LoadPolicy.
func UpdateCallback(e *casbin.SyncedEnforcer) func(string) {
	return func(payload string) {
		lock := e.GetLock()
		lock.Lock()
		err := applyMessage(e.Enforcer, payload)
		lock.Unlock()
		if err != nil {
			_ = e.LoadPolicy()
		}
	}
}

func applyMessage(e *casbin.Enforcer, payload string) error {
	var m Message
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		return err
	}
	if m.Sec != "p" && m.Sec != "g" {
		return fmt.Errorf("reload for %q", m.Method)
	}
	mdl := e.GetModel()
	var (
		affected [][]string
		op       model.PolicyOp
		err      error
	)
	switch m.Method {
	case "UpdateForAddPolicies":
		op = model.PolicyAdd
		affected, err = mdl.AddPoliciesWithAffected(m.Sec, m.Ptype, m.Rules)
	case "UpdateForRemovePolicies":
		op = model.PolicyRemove
		affected, err = mdl.RemovePoliciesWithAffected(m.Sec, m.Ptype, m.Rules)
	case "UpdateForRemoveFilteredPolicy":
		op = model.PolicyRemove
		_, affected, err = mdl.RemoveFilteredPolicy(m.Sec, m.Ptype, m.FieldIndex, m.FieldValues...)
	default:
		return fmt.Errorf("reload for %q", m.Method)
	}
	if err != nil {
		return err
	}
	if m.Sec == "g" && len(affected) > 0 {
		return e.BuildIncrementalRoleLinks(op, m.Ptype, affected)
	}
	return nil
}
