package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// testInvalidCalls checks that arguments no Limiter passes are refused
// with ErrInvalidStoreCall, and change nothing: not even with the id of an
// attempt in progress, or keys that hold entries.
func testInvalidCalls(t *testing.T, fresh Fresh) {
	e := newEnv(t, fresh)
	id := e.reserve(t0, acct, addr)
	e.failed(1, t0, acct, addr)

	tooLong := "account:" + strings.Repeat("x", 401-len("account:"))
	idTooLong := strings.Repeat("a", 33)
	lim := func(key string, max int) throttle.Limit { return throttle.Limit{Key: key, Max: max} }
	good := []throttle.Limit{lim(acct, all), lim(addr, all)}
	keys := []string{acct, addr}
	s := e.store
	calls := []struct {
		name string
		call func() error
	}{
		{"Reserve: empty id", func() error { _, err := s.Reserve(e.ctx, "", good, t0, window); return err }},
		{"Reserve: id of 33 bytes", func() error { _, err := s.Reserve(e.ctx, idTooLong, good, t0, window); return err }},
		{"Reserve: no limits", func() error { _, err := s.Reserve(e.ctx, e.id(), nil, t0, window); return err }},
		{"Reserve: empty key", func() error {
			_, err := s.Reserve(e.ctx, e.id(), []throttle.Limit{lim(acct, all), lim("", all)}, t0, window)
			return err
		}},
		{"Reserve: key of 401 bytes", func() error {
			_, err := s.Reserve(e.ctx, e.id(), []throttle.Limit{lim(acct, all), lim(tooLong, all)}, t0, window)
			return err
		}},
		{"Reserve: one key twice", func() error {
			_, err := s.Reserve(e.ctx, e.id(), []throttle.Limit{lim(acct, all), lim(acct, all)}, t0, window)
			return err
		}},
		{"Reserve: Max 0", func() error {
			_, err := s.Reserve(e.ctx, e.id(), []throttle.Limit{lim(acct, all), lim(addr, 0)}, t0, window)
			return err
		}},
		{"Reserve: Max -1", func() error {
			_, err := s.Reserve(e.ctx, e.id(), []throttle.Limit{lim(acct, -1)}, t0, window)
			return err
		}},
		{"Reserve: window 0", func() error { _, err := s.Reserve(e.ctx, e.id(), good, t0, 0); return err }},
		{"Reserve: window under a second", func() error {
			_, err := s.Reserve(e.ctx, e.id(), good, t0, time.Second-time.Microsecond)
			return err
		}},
		{"Reserve: negative window", func() error { _, err := s.Reserve(e.ctx, e.id(), good, t0, -window); return err }},
		{"Usage: no limits", func() error { _, err := s.Usage(e.ctx, nil, t0, window); return err }},
		{"Usage: empty key", func() error { _, err := s.Usage(e.ctx, []throttle.Limit{lim("", 1)}, t0, window); return err }},
		{"Usage: one key twice", func() error {
			_, err := s.Usage(e.ctx, []throttle.Limit{lim(acct, 1), lim(acct, 2)}, t0, window)
			return err
		}},
		{"Usage: Max 0", func() error { _, err := s.Usage(e.ctx, []throttle.Limit{lim(acct, 0)}, t0, window); return err }},
		{"Usage: window 0", func() error { _, err := s.Usage(e.ctx, good, t0, 0); return err }},
		{"Fail: empty id", func() error { return s.Fail(e.ctx, "", keys, t1, window) }},
		{"Fail: id of 33 bytes", func() error { return s.Fail(e.ctx, idTooLong, keys, t1, window) }},
		{"Fail: no keys", func() error { return s.Fail(e.ctx, id, nil, t1, window) }},
		{"Fail: empty key", func() error { return s.Fail(e.ctx, id, []string{acct, ""}, t1, window) }},
		{"Fail: one key twice", func() error { return s.Fail(e.ctx, id, []string{acct, addr, acct}, t1, window) }},
		{"Fail: key of 401 bytes", func() error { return s.Fail(e.ctx, id, []string{acct, tooLong}, t1, window) }},
		{"Fail: window 0", func() error { return s.Fail(e.ctx, id, keys, t1, 0) }},
		{"Succeed: empty id", func() error { return s.Succeed(e.ctx, "", keys, acct) }},
		{"Succeed: no keys", func() error { return s.Succeed(e.ctx, id, nil, acct) }},
		{"Succeed: empty key", func() error { return s.Succeed(e.ctx, id, []string{""}, acct) }},
		{"Succeed: one key twice", func() error { return s.Succeed(e.ctx, id, []string{addr, addr}, acct) }},
		{"Succeed: empty reset key", func() error { return s.Succeed(e.ctx, id, keys, "") }},
		{"Succeed: reset key of 401 bytes", func() error { return s.Succeed(e.ctx, id, keys, tooLong) }},
		{"Cancel: empty id", func() error { return s.Cancel(e.ctx, "", keys) }},
		{"Cancel: no keys", func() error { return s.Cancel(e.ctx, id, nil) }},
		{"Cancel: empty key", func() error { return s.Cancel(e.ctx, id, []string{"", acct}) }},
		{"Cancel: one key twice", func() error { return s.Cancel(e.ctx, id, []string{acct, acct}) }},
		{"AddFailure: no keys", func() error { return s.AddFailure(e.ctx, nil, t0, window) }},
		{"AddFailure: empty key", func() error { return s.AddFailure(e.ctx, []string{acct, ""}, t0, window) }},
		{"AddFailure: one key twice", func() error { return s.AddFailure(e.ctx, []string{acct, acct}, t0, window) }},
		{"AddFailure: key of 401 bytes", func() error { return s.AddFailure(e.ctx, []string{acct, tooLong}, t0, window) }},
		{"AddFailure: window under a second", func() error { return s.AddFailure(e.ctx, keys, t0, time.Millisecond) }},
		{"Reset: empty key", func() error { return s.Reset(e.ctx, "") }},
		{"Reset: key of 401 bytes", func() error { return s.Reset(e.ctx, tooLong) }},
	}
	want := e.counts(t0, acct, addr)
	for _, tt := range calls {
		assert.ErrorIs(t, tt.call(), throttle.ErrInvalidStoreCall, tt.name)
		assert.Equal(t, want, e.counts(t0, acct, addr), "%s: nothing changed", tt.name)
	}
	require.NoError(t, s.Fail(e.ctx, id, keys, t1, window))
	assertUsage(t, []throttle.Usage{{Count: 2, Oldest: t0}, {Count: 2, Oldest: t0}},
		[]throttle.Usage{e.usage(acct, all, t1), e.usage(addr, all, t1)}, "the attempt was still pending")
}
