package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

const (
	acct  = "account:alice"
	addr  = "address:192.0.2.1"
	other = "account:bob"
)

// endCase is a story (setup, at t0 and after), an end of an attempt
// (call, at t1), and what each key counts then.
type endCase struct {
	name string
	// call ends the attempt of id, reserved by setup under acct and addr.
	call func(e *env, id string) error
	// setup runs before call; it returns the id call is given.
	setup func(e *env) string
	want  map[string]throttle.Usage // with Max all, at t1
}

// t1 is when the attempts of endCases end.
var t1 = t0.Add(2 * time.Minute)

func runEndCases(t *testing.T, fresh Fresh, tests []endCase) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fresh)
			id := tt.setup(e)
			require.NoError(t, tt.call(e, id))
			for key, want := range tt.want {
				assertUsage(t, []throttle.Usage{want}, []throttle.Usage{e.usage(key, all, t1)}, "key %q", key)
			}
		})
	}
}

// reserveBoth reserves an attempt under acct and addr at t0.
func reserveBoth(e *env) string { return e.reserve(t0, acct, addr) }

func testFail(t *testing.T, fresh Fresh) {
	fail := func(keys ...string) func(e *env, id string) error {
		return func(e *env, id string) error { return e.store.Fail(e.ctx, id, keys, t1, window) }
	}
	runEndCases(t, fresh, []endCase{
		{"the pending entries become failures at now", fail(acct, addr), reserveBoth, map[string]throttle.Usage{
			acct: {Count: 1, Oldest: t1}, addr: {Count: 1, Oldest: t1},
		}},
		{"only under the keys given", fail(acct), reserveBoth, map[string]throttle.Usage{
			acct: {Count: 1, Oldest: t1}, addr: {Count: 1, Pending: true, Oldest: t0},
		}},
		{"other attempts stay pending", fail(acct), func(e *env) string {
			e.reserve(t0.Add(-time.Minute), acct)
			return reserveBoth(e)
		}, map[string]throttle.Usage{
			acct: {Count: 2, Pending: true, Oldest: t0.Add(-time.Minute)}, addr: {Count: 1, Pending: true, Oldest: t0},
		}},
		{"an id never reserved: nothing changes", fail(acct, addr), func(e *env) string {
			reserveBoth(e)
			return "never-reserved"
		}, map[string]throttle.Usage{
			acct: {Count: 1, Pending: true, Oldest: t0}, addr: {Count: 1, Pending: true, Oldest: t0},
		}},
		{"failed already: the failure keeps its time", fail(acct, addr), func(e *env) string {
			id := reserveBoth(e)
			require.NoError(e.t, e.store.Fail(e.ctx, id, []string{acct, addr}, t0.Add(time.Minute), window))
			return id
		}, map[string]throttle.Usage{
			acct: {Count: 1, Oldest: t0.Add(time.Minute)}, addr: {Count: 1, Oldest: t0.Add(time.Minute)},
		}},
		{"cancelled already: nothing is recorded", fail(acct, addr), func(e *env) string {
			id := reserveBoth(e)
			require.NoError(e.t, e.store.Cancel(e.ctx, id, []string{acct, addr}))
			return id
		}, map[string]throttle.Usage{acct: {}, addr: {}}},
		{"failures recorded without an attempt are left alone", fail(acct), func(e *env) string {
			e.failed(1, t0.Add(-time.Minute), acct)
			return reserveBoth(e)
		}, map[string]throttle.Usage{acct: {Count: 2, Oldest: t0.Add(-time.Minute)}}},
	})
}

func testSucceed(t *testing.T, fresh Fresh) {
	succeed := func(reset string, keys ...string) func(e *env, id string) error {
		return func(e *env, id string) error { return e.store.Succeed(e.ctx, id, keys, reset) }
	}
	withFailures := func(e *env) string {
		e.failed(2, t0.Add(-time.Minute), acct, addr)
		e.failed(1, t0.Add(-time.Minute), other)
		return reserveBoth(e)
	}
	runEndCases(t, fresh, []endCase{
		{"its entries and the reset key's failures go; the address's failures stay", succeed(acct, acct, addr), withFailures,
			map[string]throttle.Usage{acct: {}, addr: {Count: 2, Oldest: t0.Add(-time.Minute)}, other: {Count: 1, Oldest: t0.Add(-time.Minute)}}},
		{"other attempts in progress on the reset key stay", succeed(acct, acct, addr), func(e *env) string {
			e.reserve(t0.Add(time.Minute), acct)
			return withFailures(e)
		}, map[string]throttle.Usage{acct: {Count: 1, Pending: true, Oldest: t0.Add(time.Minute)}, addr: {Count: 2, Oldest: t0.Add(-time.Minute)}}},
		{"the reset key need not be one of keys", succeed(other, acct, addr), withFailures,
			map[string]throttle.Usage{acct: {Count: 2, Oldest: t0.Add(-time.Minute)}, addr: {Count: 2, Oldest: t0.Add(-time.Minute)}, other: {}}},
		{"an id never reserved still resets", succeed(acct, acct, addr), func(e *env) string {
			withFailures(e)
			return "never-reserved"
		}, map[string]throttle.Usage{acct: {Count: 1, Pending: true, Oldest: t0}, addr: {Count: 3, Pending: true, Oldest: t0.Add(-time.Minute)}}},
		{"failed already: its failure under the reset key goes, under the other stays", succeed(acct, acct, addr), func(e *env) string {
			id := reserveBoth(e)
			require.NoError(e.t, e.store.Fail(e.ctx, id, []string{acct, addr}, t0.Add(time.Minute), window))
			return id
		}, map[string]throttle.Usage{acct: {}, addr: {Count: 1, Oldest: t0.Add(time.Minute)}}},
	})
}

func testCancel(t *testing.T, fresh Fresh) {
	cancel := func(keys ...string) func(e *env, id string) error {
		return func(e *env, id string) error { return e.store.Cancel(e.ctx, id, keys) }
	}
	runEndCases(t, fresh, []endCase{
		{"its entries go", cancel(acct, addr), reserveBoth, map[string]throttle.Usage{acct: {}, addr: {}}},
		{"only under the keys given", cancel(addr), reserveBoth,
			map[string]throttle.Usage{acct: {Count: 1, Pending: true, Oldest: t0}, addr: {}}},
		{"failures and other attempts stay", cancel(acct, addr), func(e *env) string {
			e.failed(1, t0.Add(-time.Minute), acct)
			e.reserve(t0.Add(time.Minute), addr)
			return reserveBoth(e)
		}, map[string]throttle.Usage{acct: {Count: 1, Oldest: t0.Add(-time.Minute)}, addr: {Count: 1, Pending: true, Oldest: t0.Add(time.Minute)}}},
		{"failed already: the failure stays", cancel(acct, addr), func(e *env) string {
			id := reserveBoth(e)
			require.NoError(e.t, e.store.Fail(e.ctx, id, []string{acct, addr}, t0.Add(time.Minute), window))
			return id
		}, map[string]throttle.Usage{acct: {Count: 1, Oldest: t0.Add(time.Minute)}, addr: {Count: 1, Oldest: t0.Add(time.Minute)}}},
		{"an id never reserved, twice: nothing changes", func(e *env, id string) error {
			require.NoError(e.t, e.store.Cancel(e.ctx, id, []string{acct, addr}))
			return e.store.Cancel(e.ctx, id, []string{acct, addr})
		}, func(e *env) string {
			reserveBoth(e)
			return "never-reserved"
		}, map[string]throttle.Usage{acct: {Count: 1, Pending: true, Oldest: t0}, addr: {Count: 1, Pending: true, Oldest: t0}}},
	})
	t.Run("an attempt ends once", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, fresh)
		id := reserveBoth(e)
		require.NoError(t, e.store.Cancel(e.ctx, id, []string{acct, addr}))
		require.NoError(t, e.store.Fail(e.ctx, id, []string{acct, addr}, t1, window))
		require.NoError(t, e.store.Succeed(e.ctx, id, []string{acct, addr}, other))
		assert.Zero(t, e.count(acct, t1))
		assert.Zero(t, e.count(addr, t1))
	})
}
