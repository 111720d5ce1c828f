package memstore

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/internal/storecall"
)

// Store keeps a Limiter's counts in the memory of one process. Create one
// with New; the zero value is not ready. It is safe for concurrent use.
type Store struct {
	mu sync.Mutex
	// entries holds each key's entries, in no particular order; a key
	// without entries is deleted. The lists are changed through their
	// pointers, never by assigning to the map again: that would make the
	// map keep the caller's string as its key, whose memory the caller may
	// reuse.
	entries map[string]*[]entry
	// swept is the now of the last sweep of every key: one runs when a
	// call's now is a window past it, so that keys nobody asks about again
	// do not stay in memory for good.
	swept time.Time
}

// entry is one failure or attempt in progress under one key.
type entry struct {
	at      time.Time
	id      string // the attempt's; "" for a failure recorded without one
	pending bool
}

var _ throttle.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{entries: make(map[string]*[]entry)}
}

// Reserve implements throttle.Store: the count and the reservation are one
// step under the store's lock.
func (s *Store) Reserve(_ context.Context, id string, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	if err := storecall.Reserve(id, limits, window); err != nil {
		return nil, err
	}
	now = normal(now)
	since := now.Add(-window)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now, window)
	usage := make([]throttle.Usage, len(limits))
	room := true
	for i, l := range limits {
		s.drop(l.Key, func(e entry) bool { return !e.at.After(since) })
		usage[i] = s.usage(l, since)
		room = room && usage[i].Count < l.Max
	}
	if room {
		id = strings.Clone(id)
		for _, l := range limits {
			s.add(l.Key, entry{at: now, id: id, pending: true})
		}
	}
	return usage, nil
}

// Usage implements throttle.Store.
func (s *Store) Usage(_ context.Context, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	if err := storecall.Usage(limits, window); err != nil {
		return nil, err
	}
	since := normal(now).Add(-window)
	s.mu.Lock()
	defer s.mu.Unlock()
	usage := make([]throttle.Usage, len(limits))
	for i, l := range limits {
		usage[i] = s.usage(l, since)
	}
	return usage, nil
}

// usage counts the newest l.Max entries of l.Key after since.
func (s *Store) usage(l throttle.Limit, since time.Time) throttle.Usage {
	list, ok := s.entries[l.Key]
	if !ok {
		return throttle.Usage{}
	}
	var within []entry
	for _, e := range *list {
		if e.at.After(since) {
			within = append(within, e)
		}
	}
	if len(within) == 0 {
		return throttle.Usage{}
	}
	slices.SortFunc(within, func(a, b entry) int { return b.at.Compare(a.at) })
	within = within[:min(len(within), l.Max)]
	u := throttle.Usage{Count: len(within), Oldest: within[len(within)-1].at}
	for _, e := range within {
		u.Pending = u.Pending || e.pending
	}
	return u
}

// Fail implements throttle.Store.
func (s *Store) Fail(_ context.Context, id string, keys []string, now time.Time, window time.Duration) error {
	if err := storecall.Fail(id, keys, window); err != nil {
		return err
	}
	now = normal(now)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now, window)
	for _, key := range keys {
		list, ok := s.entries[key]
		if !ok {
			continue
		}
		for i, e := range *list {
			if e.pending && e.id == id {
				(*list)[i] = entry{at: now, id: e.id}
			}
		}
	}
	return nil
}

// Succeed implements throttle.Store.
func (s *Store) Succeed(_ context.Context, id string, keys []string, reset string) error {
	if err := storecall.Succeed(id, keys, reset); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range keys {
		s.drop(key, func(e entry) bool { return e.pending && e.id == id })
	}
	s.drop(reset, func(e entry) bool { return !e.pending })
	return nil
}

// Cancel implements throttle.Store.
func (s *Store) Cancel(_ context.Context, id string, keys []string) error {
	if err := storecall.Cancel(id, keys); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range keys {
		s.drop(key, func(e entry) bool { return e.pending && e.id == id })
	}
	return nil
}

// AddFailure implements throttle.Store.
func (s *Store) AddFailure(_ context.Context, keys []string, at time.Time, window time.Duration) error {
	if err := storecall.AddFailure(keys, window); err != nil {
		return err
	}
	at = normal(at)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range keys {
		s.add(key, entry{at: at})
	}
	return nil
}

// Reset implements throttle.Store.
func (s *Store) Reset(_ context.Context, key string) error {
	if err := storecall.Reset(key); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop(key, func(e entry) bool { return !e.pending })
	return nil
}

// Cleanup implements throttle.Store. It visits every key.
func (s *Store) Cleanup(_ context.Context, before time.Time) (int64, error) {
	before = normal(before)
	s.mu.Lock()
	defer s.mu.Unlock()
	var deleted int64
	for key := range s.entries {
		deleted += int64(s.drop(key, func(e entry) bool { return !e.at.After(before) }))
	}
	return deleted, nil
}

// add appends e to key's entries, keeping a copy of a key new to the
// store: the caller may reuse the memory of its string.
func (s *Store) add(key string, e entry) {
	if list, ok := s.entries[key]; ok {
		*list = append(*list, e)
		return
	}
	s.entries[strings.Clone(key)] = &[]entry{e}
}

// drop deletes key's entries that match, and the key when none remain,
// and returns how many it deleted.
func (s *Store) drop(key string, match func(entry) bool) int {
	list, ok := s.entries[key]
	if !ok {
		return 0
	}
	before := len(*list)
	*list = slices.DeleteFunc(*list, match)
	if len(*list) == 0 {
		delete(s.entries, key)
	}
	return before - len(*list)
}

// sweep drops the entries of every key that have left the window, when
// the last sweep is a window old, so that the memory of keys nobody asks
// about again is freed in time proportional to the calls made. A clock set
// back restarts the wait.
func (s *Store) sweep(now time.Time, window time.Duration) {
	if now.Before(s.swept) {
		s.swept = now
	}
	if now.Sub(s.swept) < window {
		return
	}
	s.swept = now
	since := now.Add(-window)
	for key := range s.entries {
		s.drop(key, func(e entry) bool { return !e.at.After(since) })
	}
}

// normal returns t in UTC at microsecond precision, as every store keeps
// it.
func normal(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
