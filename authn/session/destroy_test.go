package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestDestroy(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{})
		s := f.create(t, "alice")
		other := f.create(t, "alice")

		require.NoError(t, f.m.Destroy(ctx, s.Token.Reveal()))
		for _, method := range []string{"GET", "POST"} {
			sub, err := f.m.Authenticate(ctx, f.request(method, s.Token.Reveal(), s.CSRFToken.Reveal()))
			assert.ErrorIs(t, err, authn.ErrInvalidSession, method)
			assert.True(t, sub.IsZero())
		}
		_, err := f.get(other.Token.Reveal())
		assert.NoError(t, err, "the subject's other sessions live on")

		for _, token := range []string{s.Token.Reveal(), "", "garbage", other.ID} {
			assert.NoError(t, f.m.Destroy(ctx, token), "%q names no session: not an error", token)
		}
		assert.Equal(t, int64(1), f.count(t))
	})
}

func TestDestroySubject(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{})
		alice1, alice2 := f.create(t, "alice"), f.create(t, "alice")
		bob := f.create(t, "bob")

		require.NoError(t, f.m.DestroySubject(ctx, "alice"))
		for _, s := range []session.Session{alice1, alice2} {
			_, err := f.get(s.Token.Reveal())
			assert.ErrorIs(t, err, authn.ErrInvalidSession)
		}
		sub, err := f.get(bob.Token.Reveal())
		require.NoError(t, err)
		assert.Equal(t, "bob", sub.ID)

		assert.NoError(t, f.m.DestroySubject(ctx, "nobody"))
		assert.ErrorIs(t, f.m.DestroySubject(ctx, ""), session.ErrInvalidSubject)
		assert.Equal(t, int64(1), f.count(t))

		fresh := f.create(t, "alice")
		_, err = f.get(fresh.Token.Reveal())
		assert.NoError(t, err, "logging in again works")
	})
}

func TestCleanup(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 30 * time.Minute, Lifetime: 2 * time.Hour})

		// Every 20 minutes for 2 hours, old is used; idle starts after an hour
		// and is never used again; live starts 20 minutes before the end.
		old := f.create(t, "alice")
		var idle, live session.Session
		for step := 1; step <= 5; step++ {
			f.clock.Advance(20 * time.Minute)
			_, err := f.get(old.Token.Reveal())
			require.NoError(t, err, "step %d", step)
			switch step {
			case 3:
				idle = f.create(t, "bob")
			case 5:
				live = f.create(t, "carol")
			}
		}
		f.clock.Advance(20 * time.Minute)
		// Now old has reached its lifetime though used 20 minutes ago, idle has
		// been unused for an hour, and live for 20 minutes.

		n, err := f.m.Cleanup(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(2), n)
		assert.Equal(t, int64(1), f.count(t))
		for _, s := range []session.Session{old, idle} {
			_, err := f.get(s.Token.Reveal())
			assert.ErrorIs(t, err, authn.ErrInvalidSession)
		}
		_, err = f.get(live.Token.Reveal())
		assert.NoError(t, err)

		n, err = f.m.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "nothing left to clean")
	})
}

func TestCleanupAtTheBoundary(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 30 * time.Minute})
		s := f.create(t, "alice")
		f.clock.Advance(30*time.Minute - time.Second)
		n, err := f.m.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "a second before its idle timeout it lives")
		f.clock.Advance(time.Second)
		n, err = f.m.Cleanup(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		_, err = f.get(s.Token.Reveal())
		assert.ErrorIs(t, err, authn.ErrInvalidSession)
	})
}
