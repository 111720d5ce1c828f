package blogtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func adminUserSteps() []step {
	seeded := map[string]string{"alice": "admin", "carol": "moderator", "bob": "user", "dave": "user"}
	return []step{
		{"anonymous may not list users", "GET", "/admin/users", "", "", 401, "unauthorized", nil},
		{"a user may not list users", "GET", "/admin/users", "bob", "", 403, "forbidden", nil},
		{"a moderator lists users", "GET", "/admin/users", "carol", "", 200, "", listsUsers(seeded, nil)},
		{"an admin lists users", "GET", "/admin/users", "alice", "", 200, "", listsUsers(seeded, nil)},

		{"a moderator may not set roles", "PUT", "/admin/users/{{bob.id}}/roles", "carol", `{"roles":["moderator"]}`,
			403, "forbidden", nil},
		{"a user may not set his own roles", "PUT", "/admin/users/{{bob.id}}/roles", "bob", `{"roles":["admin"]}`,
			403, "forbidden", nil},
		{"roles must be an array", "PUT", "/admin/users/{{bob.id}}/roles", "alice", `{"roles":"moderator"}`,
			400, "invalid_request", nil},
		{"malformed JSON", "PUT", "/admin/users/{{bob.id}}/roles", "alice", `{"roles":`, 400, "invalid_request", nil},
		{"an admin makes bob a moderator", "PUT", "/admin/users/{{bob.id}}/roles", "alice", `{"roles":["moderator"]}`,
			200, "", rolesSet("bob", "moderator")},
		{"bob's existing token lists users at once", "GET", "/admin/users", "bob", "", 200, "", nil},
		{"bob's /me shows the new role", "GET", "/me", "bob", "", 200, "", isMe(me{user: "bob",
			hasRoles: []string{"moderator", "user"}, hasPerms: []string{"users:read"}})},
		{"an admin makes bob a user again", "PUT", "/admin/users/{{bob.id}}/roles", "alice", `{"roles":["user"]}`,
			200, "", rolesSet("bob", "user")},
		{"bob's existing token no longer lists users", "GET", "/admin/users", "bob", "", 403, "forbidden", nil},
	}
}

// rolesSet checks the answer to PUT /admin/users/{id}/roles: exactly
// {id, roles}, user's id, roles including role.
func rolesSet(user, role string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		assert.NoError(t, o.hasKeys("id", "roles"))
		id, err := o.id("id")
		assert.NoError(t, err)
		assert.Equal(t, w.idOf(t, user), id)
		roles, err := o.strings("roles")
		require.NoError(t, err)
		assert.Contains(t, roles, role)
	}
}

// listsUsers checks GET /admin/users: {"users": [{id, email, name,
// roles}]}, each email once, every user in present listed with their id
// and holding the given role, and no user in absent listed.
func listsUsers(present map[string]string, absent []string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("users"))
		users, err := o.list("users")
		require.NoError(t, err)
		byEmail := map[string]object{}
		for _, u := range users {
			assert.NoError(t, u.hasKeys("id", "email", "name", "roles"))
			email, err := u.text("email")
			if !assert.NoError(t, err) {
				continue
			}
			if email == "" {
				continue // a user from an external provider without a verified email
			}
			_, twice := byEmail[email]
			assert.False(t, twice, "%s listed twice", email)
			byEmail[email] = u
		}
		for user, role := range present {
			u, ok := byEmail[user+"@example.com"]
			if !assert.True(t, ok, "%s is not listed", user) {
				continue
			}
			id, err := u.id("id")
			assert.NoError(t, err)
			assert.Equal(t, w.idOf(t, user), id, "%s's id", user)
			roles, err := u.strings("roles")
			assert.NoError(t, err)
			assert.Contains(t, roles, role, "%s's roles", user)
		}
		for _, user := range absent {
			_, ok := byEmail[user+"@example.com"]
			assert.False(t, ok, "%s is listed", user)
		}
	}
}

// grant is a policy grant as POST /admin/policy/grants takes it; subject
// may hold placeholders. An empty effect is left out of the body, which
// means allow.
type grant struct {
	subject, permission, scope, effect string
}

func (g grant) json() string {
	m := map[string]string{"subject": g.subject, "permission": g.permission, "scope": g.scope}
	if g.effect != "" {
		m["effect"] = g.effect
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// The grants the steps add. Subjects of the policy are user ids (the
// subject authn proves and authz decides about) and role names.
var (
	daveMayNotWrite = grant{"{{dave.id}}", "posts:write", "any", "deny"}
	daveReadsUsers  = grant{"{{dave.id}}", "users:read", "any", ""}
	// adminPolicy and moderatorIsUser come from the default policy.
	adminPolicy = grant{"admin", "policy:*", "any", "allow"}
)

func adminPolicySteps() []step {
	return []step{
		{"anonymous may not read the policy", "GET", "/admin/policy", "", "", 401, "unauthorized", nil},
		{"a user may not read the policy", "GET", "/admin/policy", "bob", "", 403, "forbidden", nil},
		{"a moderator may not read the policy", "GET", "/admin/policy", "carol", "", 403, "forbidden", nil},
		{"an admin reads the policy", "GET", "/admin/policy", "alice", "", 200, "",
			policy([]grant{adminPolicy}, nil, [][2]string{{"moderator", "user"}, {"admin", "moderator"}, {"{{bob.id}}", "user"}})},

		{"a user may not grant", "POST", "/admin/policy/grants", "bob", daveReadsUsers.json(), 403, "forbidden", nil},
		{"a moderator may not grant", "POST", "/admin/policy/grants", "carol", daveReadsUsers.json(), 403, "forbidden", nil},
		{"anonymous may not grant", "POST", "/admin/policy/grants", "", daveReadsUsers.json(), 401, "unauthorized", nil},

		{"dave writes before the deny", "POST", "/posts", "dave", daveFirst.json(), 201, "", isPost(daveFirst)},
		{"an admin denies dave posts:write", "POST", "/admin/policy/grants", "alice", daveMayNotWrite.json(), 201, "", nil},
		{"the deny holds on dave's next request", "POST", "/posts", "dave", daveFirst.json(), 403, "forbidden", nil},
		{"the policy lists the deny", "GET", "/admin/policy", "alice", "", 200, "", policy([]grant{daveMayNotWrite}, nil, nil)},
		{"an admin removes the deny", "DELETE", "/admin/policy/grants", "alice", daveMayNotWrite.json(), 204, "", nil},
		{"dave writes again", "POST", "/posts", "dave", daveSecond.json(), 201, "", isPost(daveSecond)},
		{"the policy no longer lists the deny", "GET", "/admin/policy", "alice", "", 200, "",
			policy(nil, []grant{daveMayNotWrite}, nil)},

		{"dave may not list users", "GET", "/admin/users", "dave", "", 403, "forbidden", nil},
		{"an admin grants dave users:read, allow by default", "POST", "/admin/policy/grants", "alice", daveReadsUsers.json(),
			201, "", nil},
		{"dave lists users on his next request", "GET", "/admin/users", "dave", "", 200, "", nil},
		{"the policy lists the grant as allow", "GET", "/admin/policy", "alice", "", 200, "",
			policy([]grant{{daveReadsUsers.subject, "users:read", "any", "allow"}}, nil, nil)},

		{"grant: malformed JSON", "POST", "/admin/policy/grants", "alice", `{"subject":`, 400, "invalid_request", nil},
		{"grant: malformed permission", "POST", "/admin/policy/grants", "alice",
			grant{"{{dave.id}}", "not a permission", "any", ""}.json(), 400, "invalid_request", nil},
		{"grant: unknown scope", "POST", "/admin/policy/grants", "alice",
			grant{"{{dave.id}}", "posts:read", "everywhere", ""}.json(), 400, "invalid_request", nil},
		{"grant: unknown effect", "POST", "/admin/policy/grants", "alice",
			grant{"{{dave.id}}", "posts:read", "any", "maybe"}.json(), 400, "invalid_request", nil},
		{"grant: missing subject", "POST", "/admin/policy/grants", "alice", `{"permission":"posts:read","scope":"any"}`,
			400, "invalid_request", nil},
		{"grant: wrongly typed fields", "POST", "/admin/policy/grants", "alice",
			`{"subject":1,"permission":["posts:read"],"scope":true}`, 400, "invalid_request", nil},
		{"revoke: malformed JSON", "DELETE", "/admin/policy/grants", "alice", `{"subject":`, 400, "invalid_request", nil},
		{"revoke: unknown scope", "DELETE", "/admin/policy/grants", "alice",
			grant{"{{dave.id}}", "posts:read", "everywhere", ""}.json(), 400, "invalid_request", nil},
	}
}

var (
	daveFirst  = post{"dave", "Dave's first post", "Before the deny.", true}
	daveSecond = post{"dave", "Dave's second post", "After the deny was lifted.", true}
)

// policy checks GET /admin/policy: exactly {grants: [{subject, permission,
// scope, effect}], roles: [{member, role}], relations: [{subject, role,
// resource}]}, with the grants of has, none of lacks, and the role edges of
// roles (member, role). relationsOf reads the relations.
func policy(has, lacks []grant, roles [][2]string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("grants", "roles", "relations"))
		_, err := relationsOf(o)
		require.NoError(t, err)
		grantList, err := o.list("grants")
		require.NoError(t, err)
		var grants []grant
		for _, g := range grantList {
			assert.NoError(t, g.hasKeys("subject", "permission", "scope", "effect"))
			var got grant
			var errs [4]error
			got.subject, errs[0] = g.text("subject")
			got.permission, errs[1] = g.text("permission")
			got.scope, errs[2] = g.text("scope")
			got.effect, errs[3] = g.text("effect")
			for _, err := range errs {
				assert.NoError(t, err)
			}
			grants = append(grants, got)
		}
		edgeList, err := o.list("roles")
		require.NoError(t, err)
		var edges [][2]string
		for _, e := range edgeList {
			assert.NoError(t, e.hasKeys("member", "role"))
			member, err1 := e.text("member")
			role, err2 := e.text("role")
			assert.NoError(t, err1)
			assert.NoError(t, err2)
			edges = append(edges, [2]string{member, role})
		}

		expandGrant := func(g grant) grant {
			g.subject = w.expand(t, g.subject)
			if g.effect == "" {
				g.effect = "allow"
			}
			return g
		}
		for _, g := range has {
			g = expandGrant(g)
			assert.True(t, slices.Contains(grants, g), "grant %+v is not listed", g)
		}
		for _, g := range lacks {
			g = expandGrant(g)
			assert.False(t, slices.Contains(grants, g), "grant %+v is listed", g)
		}
		for _, e := range roles {
			e[0] = w.expand(t, e[0])
			assert.True(t, slices.Contains(edges, e), "role edge %s is not listed", fmt.Sprintf("%s → %s", e[0], e[1]))
		}
	}
}

// deleteUserSteps arm erin with every kind of credential, then have an
// admin delete her: all of them must stop working at once.
func deleteUserSteps() []step {
	return []step{
		do("erin opens a session", openSession("erin.session", "erin")),
		{"erin creates an API key", "POST", "/api-keys", "erin", `{"name":"erin's"}`, 201, "", saveKey("erin.key", "erin's")},
		{"erin's token works", "GET", "/me", "erin", "", 200, "", meIs("erin")},
		{"erin's session works", "GET", "/me", "erin.session", "", 200, "", meIs("erin")},
		{"erin's key works", "GET", "/me", "erin.key", "", 200, "", meIs("erin")},
		{"a moderator may not delete users", "DELETE", "/admin/users/{{erin.id}}", "carol", "", 403, "forbidden", nil},
		{"a user may not delete users", "DELETE", "/admin/users/{{erin.id}}", "bob", "", 403, "forbidden", nil},
		{"an admin deletes erin", "DELETE", "/admin/users/{{erin.id}}", "alice", "", 204, "", nil},
		{"erin's access token is refused", "GET", "/me", "erin", "", 401, "invalid_token", nil},
		{"erin's session is refused", "GET", "/me", "erin.session", "", 401, "unauthorized", nil},
		{"erin's key is refused", "GET", "/me", "erin.key", "", 401, "unauthorized", nil},
		{"erin's refresh token is refused", "POST", "/auth/refresh", "", `{"refresh_token":"{{erin.refresh}}"}`, 401, "", nil},
		{"erin cannot log in", "POST", "/auth/login", "", credentialsOf("erin", "erin-password"), 401, "invalid_credentials", nil},
		{"erin is no longer listed", "GET", "/admin/users", "alice", "", 200, "",
			listsUsers(map[string]string{"alice": "admin"}, []string{"erin"})},
	}
}
