package fanout

import (
	"iter"
	"maps"
)

// Registry files a notifier's subscriptions by channel, and keeps which
// channels its connection has joined, with LISTEN or SUBSCRIBE, so that
// the notifier joins a channel once for all its subscriptions and leaves
// it with the last. A subscription is in effect once its channel is
// joined. The zero value is empty and ready; a Registry is not safe for
// concurrent use: the notifier guards it with its lock.
type Registry[S comparable] struct {
	subs   map[string]map[S]struct{}
	joined map[string]bool
}

// Add files s under channel.
func (r *Registry[S]) Add(channel string, s S) {
	if r.subs == nil {
		r.subs = make(map[string]map[S]struct{})
	}
	set := r.subs[channel]
	if set == nil {
		set = make(map[S]struct{})
		r.subs[channel] = set
	}
	set[s] = struct{}{}
}

// Remove takes s out of channel, and reports whether it was the channel's
// last subscription: the notifier is then to leave the channel. Removing s
// again, or after Clear, reports false.
func (r *Registry[S]) Remove(channel string, s S) (last bool) {
	set, ok := r.subs[channel]
	if !ok {
		return false
	}
	if _, ok := set[s]; !ok {
		return false
	}
	delete(set, s)
	if len(set) > 0 {
		return false
	}
	delete(r.subs, channel)
	return true
}

// On returns the subscriptions of channel.
func (r *Registry[S]) On(channel string) iter.Seq[S] { return maps.Keys(r.subs[channel]) }

// All returns every subscription.
func (r *Registry[S]) All() iter.Seq[S] {
	return func(yield func(S) bool) {
		for _, set := range r.subs {
			for s := range set {
				if !yield(s) {
					return
				}
			}
		}
	}
}

// InEffect returns the subscriptions whose channel is joined.
func (r *Registry[S]) InEffect() iter.Seq[S] {
	return func(yield func(S) bool) {
		for ch, set := range r.subs {
			if !r.joined[ch] {
				continue
			}
			for s := range set {
				if !yield(s) {
					return
				}
			}
		}
	}
}

// Clear removes every subscription and returns them, for Close to stop.
// The joined channels stay as they are.
func (r *Registry[S]) Clear() []S {
	var all []S
	for s := range r.All() {
		all = append(all, s)
	}
	r.subs = nil
	return all
}

// Joined reports whether the connection has joined channel.
func (r *Registry[S]) Joined(channel string) bool { return r.joined[channel] }

// Changes returns the channels the connection is to join, which have
// subscriptions and are not joined, and those it is to leave, which are
// joined and have none. It forgets the latter at once, before they are
// left, so that a subscription added to one of them meanwhile waits for a
// join after the leave.
func (r *Registry[S]) Changes() (join, leave []string) {
	for ch := range r.subs {
		if !r.joined[ch] {
			join = append(join, ch)
		}
	}
	for ch := range r.joined {
		if _, ok := r.subs[ch]; !ok {
			delete(r.joined, ch)
			leave = append(leave, ch)
		}
	}
	return join, leave
}

// Join records that the connection has joined channels.
func (r *Registry[S]) Join(channels []string) {
	if r.joined == nil {
		r.joined = make(map[string]bool)
	}
	for _, ch := range channels {
		r.joined[ch] = true
	}
}

// LeaveAll forgets every joined channel, for a connection that was lost
// with all it had joined.
func (r *Registry[S]) LeaveAll() { clear(r.joined) }
