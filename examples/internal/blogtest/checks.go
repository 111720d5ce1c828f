package blogtest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// all runs every check in order.
func all(checks ...check) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		for _, c := range checks {
			c(t, w, r)
		}
	}
}

// shape checks that the body is an object with exactly these fields.
func shape(keys ...string) check {
	return func(t *testing.T, _ *world, r *response) {
		t.Helper()
		assert.NoError(t, r.object(t).hasKeys(keys...))
	}
}

// jsonEq checks that the body is the JSON want.
func jsonEq(want string) check {
	return func(t *testing.T, _ *world, r *response) {
		t.Helper()
		assert.JSONEq(t, want, string(r.body))
	}
}

// saveID saves the body's "id" as the placeholder name.
func saveID(name string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		id, err := r.object(t).id("id")
		require.NoError(t, err)
		w.vars[name] = id
	}
}

// statusIn accepts any of statuses, for the few places where the contract
// allows a choice.
func statusIn(statuses ...int) check {
	return func(t *testing.T, _ *world, r *response) {
		t.Helper()
		assert.Contains(t, statuses, r.status, "body %s", r.brief())
	}
}

// saveBody keeps the response's body and WWW-Authenticate header, for
// sameBodyAs.
func saveBody(name string) check {
	return func(t *testing.T, w *world, r *response) {
		w.vars[name+".body"] = string(r.body)
		w.vars[name+".challenge"] = r.header.Get("WWW-Authenticate")
	}
}

// sameBodyAs checks that the response cannot be told from the one
// saveBody(name) kept: same body, same challenge.
func sameBodyAs(name string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		want, ok := w.vars[name+".body"]
		require.True(t, ok, "the step that saves %q failed", name)
		assert.True(t, bytes.Equal([]byte(want), r.body), "body %s, want the identical %s", r.body, want)
		assert.Equal(t, w.vars[name+".challenge"], r.header.Get("WWW-Authenticate"))
	}
}

// idOf returns the saved id of user ("bob"), failing t when it is unknown.
func (w *world) idOf(t *testing.T, user string) string {
	t.Helper()
	id, ok := w.vars[user+".id"]
	require.True(t, ok, "the id of %s is unknown: the login that saves it failed", user)
	return id
}

// me checks a GET /me body: exactly {id, email, name, roles, permissions},
// the caller user, and effective roles and permissions that include (has…)
// and exclude (lacks…) the given ones. A permission is held when it or
// its resource's wildcard is listed.
type me struct {
	user                 string
	hasRoles, lacksRoles []string
	hasPerms, lacksPerms []string
}

func isMe(m me) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		assert.NoError(t, o.hasKeys("id", "email", "name", "roles", "permissions"))
		id, err := o.id("id")
		assert.NoError(t, err)
		assert.Equal(t, w.idOf(t, m.user), id)
		email, err := o.text("email")
		assert.NoError(t, err)
		assert.Equal(t, m.user+"@example.com", email)
		roles, err := o.strings("roles")
		require.NoError(t, err)
		for _, role := range m.hasRoles {
			assert.Contains(t, roles, role, "%s's effective roles", m.user)
		}
		for _, role := range m.lacksRoles {
			assert.NotContains(t, roles, role, "%s's effective roles", m.user)
		}
		perms, err := permissionNames(o["permissions"])
		require.NoError(t, err)
		for _, p := range m.hasPerms {
			assert.True(t, covers(perms, p), "%s's permissions %q do not include %s", m.user, perms, p)
		}
		for _, p := range m.lacksPerms {
			assert.False(t, covers(perms, p), "%s's permissions %q include %s", m.user, perms, p)
		}
	}
}

// meIs is the GET /me check of steps that only care who the caller is.
func meIs(user string) check { return isMe(me{user: user}) }
