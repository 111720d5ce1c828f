package session_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

func TestDestroy(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
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
	eachStore(t, func(t *testing.T, b backend) {
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

func TestDestroyByID(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		// devices holds alice's phone and laptop and bob's phone.
		type devices struct{ alicePhone, aliceLaptop, bobPhone session.Session }
		tests := []struct {
			name    string
			subject string
			id      func(d devices) string
			// before runs before DestroyByID.
			before  func(t *testing.T, f fixture, d devices)
			wantErr error
			wantEnd bool // alice's phone's session ends; every other lives
		}{
			{name: "own session", subject: "alice", id: func(d devices) string { return d.alicePhone.ID }, wantEnd: true},
			{name: "another subject's session", subject: "bob", id: func(d devices) string { return d.alicePhone.ID }, wantErr: session.ErrSessionNotFound},
			{name: "subject differing in case", subject: "Alice", id: func(d devices) string { return d.alicePhone.ID }, wantErr: session.ErrSessionNotFound},
			{name: "subject with a trailing space", subject: "alice ", id: func(d devices) string { return d.alicePhone.ID }, wantErr: session.ErrSessionNotFound},
			{name: "unknown id", subject: "alice", id: func(devices) string { return "ses_0123456789abcdef" }, wantErr: session.ErrSessionNotFound},
			{name: "already destroyed", subject: "alice", id: func(d devices) string { return d.alicePhone.ID },
				before: func(t *testing.T, f fixture, d devices) {
					require.NoError(t, f.m.DestroyByID(context.Background(), "alice", d.alicePhone.ID))
				},
				wantErr: session.ErrSessionNotFound, wantEnd: true},
			{name: "empty id", subject: "alice", id: func(devices) string { return "" }, wantErr: session.ErrInvalidSessionID},
			{name: "token instead of id", subject: "alice", id: func(d devices) string { return d.alicePhone.Token.Reveal() }, wantErr: session.ErrInvalidSessionID},
			{name: "id in upper case", subject: "alice", id: func(d devices) string { return "ses_" + strings.ToUpper(d.alicePhone.ID[4:]) }, wantErr: session.ErrInvalidSessionID},
			{name: "id with a trailing space", subject: "alice", id: func(d devices) string { return d.alicePhone.ID + " " }, wantErr: session.ErrInvalidSessionID},
			{name: "id without its prefix", subject: "alice", id: func(d devices) string { return d.alicePhone.ID[4:] }, wantErr: session.ErrInvalidSessionID},
			{name: "SQL", subject: "alice", id: func(devices) string { return "ses_' OR '1'='1'--" }, wantErr: session.ErrInvalidSessionID},
			{name: "empty subject", subject: "", id: func(d devices) string { return d.alicePhone.ID }, wantErr: session.ErrInvalidSubject},
			{name: "overlong subject", subject: strings.Repeat("a", 256), id: func(d devices) string { return d.alicePhone.ID }, wantErr: session.ErrInvalidSubject},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f := newFixtureOn(t, b, session.Config{})
				d := devices{alicePhone: f.create(t, "alice"), aliceLaptop: f.create(t, "alice"), bobPhone: f.create(t, "bob")}
				if tt.before != nil {
					tt.before(t, f, d)
				}

				err := f.m.DestroyByID(ctx, tt.subject, tt.id(d))
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr)
					for _, s := range []session.Session{d.alicePhone, d.aliceLaptop, d.bobPhone} {
						assert.NotContains(t, err.Error(), s.Token.Reveal(), "errors end up in logs")
					}
				} else {
					require.NoError(t, err)
				}

				_, err = f.get(d.alicePhone.Token.Reveal())
				if tt.wantEnd {
					assert.ErrorIs(t, err, authn.ErrInvalidSession, "the destroyed session no longer authenticates")
				} else {
					assert.NoError(t, err, "a refused DestroyByID leaves the session alive")
				}
				for _, s := range []session.Session{d.aliceLaptop, d.bobPhone} {
					_, err := f.get(s.Token.Reveal())
					assert.NoError(t, err, "%s: other sessions live on", s.Subject)
				}
				infos, err := f.m.List(ctx, "alice")
				require.NoError(t, err)
				var listed []string
				for _, info := range infos {
					listed = append(listed, info.ID)
				}
				if tt.wantEnd {
					assert.Equal(t, []string{d.aliceLaptop.ID}, listed)
				} else {
					assert.ElementsMatch(t, []string{d.alicePhone.ID, d.aliceLaptop.ID}, listed)
				}
			})
		}
	})
}

// A session past its timeouts that Cleanup has not yet deleted is ended
// without error: the user asked for it to end, and it has.
func TestDestroyByIDOfExpiredSession(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 30 * time.Minute})
		s := f.create(t, "alice")
		f.clock.Advance(30 * time.Minute)
		require.Equal(t, int64(1), f.count(t))

		assert.NoError(t, f.m.DestroyByID(ctx, "alice", s.ID))
		assert.Zero(t, f.count(t))
		assert.ErrorIs(t, f.m.DestroyByID(ctx, "alice", s.ID), session.ErrSessionNotFound)
	})
}

func TestCleanup(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
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
	eachStore(t, func(t *testing.T, b backend) {
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
