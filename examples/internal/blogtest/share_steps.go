package blogtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The posts of the sharing steps, all bob's drafts.
var (
	bobShared       = post{"bob", "Bob's shared draft", "Bob asks for help.", false}
	bobSharedByDave = post{"bob", "Bob's shared draft", "Dave helped.", false}
	bobSharedByIvan = post{"bob", "Bob's shared draft", "Ivan helped too.", false}
	bobDoomed       = post{"bob", "Doomed draft", "Shared, then deleted.", false}
	bobChurned      = post{"bob", "Churned draft", "Shared and unshared, round after round.", false}
)

// noUser is a user id of the right shape that names nobody.
const noUser = "usr_00000000000000000000000000000000"

// sharingSteps share bob's draft with editors: the owner (or an admin)
// makes a user an editor of one post, PUT /posts/{id}/editors/{user_id},
// and ends it with DELETE. The contract's choices: sharing is idempotent
// (sharing again, or with the post's author, is 204 and changes nothing);
// a user id that names no user is 404, not 422, as a missing post is;
// ending the editing of a user who is no editor is 404. Whoever cannot
// read the post gets 404 before any 403, on the editors' routes and on
// the access list, as GET /posts/{id} answers them.
//
// An editor reads the post, finds it in GET /posts and edits it, and does
// nothing more: no delete, no sharing further, no ending of anyone's
// editing, not even their own, no access list. GET /posts/{id}/access
// answers the author, moderators and admins with who may do what to the
// post and why. Deleting a post deletes its relations (GET /admin/policy
// lists them).
//
// frank never edits anything; dave, ivan and jane are editors.
func sharingSteps() []step {
	shared := "/posts/{{post.bob.shared}}"
	editors := shared + "/editors/"
	access := shared + "/access"
	doomed := "/posts/{{post.bob.doomed}}"
	published := []string{"post.bob.pub", "post.carol.pub"}
	return []step{
		{"register frank", "POST", "/auth/register", "", registration("frank", "Frank"), 201, "", saveID("frank.id")},
		{"register ivan", "POST", "/auth/register", "", registration("ivan", "Ivan"), 201, "", saveID("ivan.id")},
		{"register jane", "POST", "/auth/register", "", registration("jane", "Jane"), 201, "", saveID("jane.id")},
		do("frank logs in", login("frank", "frank")),
		do("ivan logs in", login("ivan", "ivan")),
		do("jane logs in", login("jane", "jane")),
		{"bob writes a draft to share", "POST", "/posts", "bob", bobShared.json(), 201, "", savePost("post.bob.shared", bobShared)},

		{"anonymous may not share", "PUT", editors + "{{dave.id}}", "", "", 401, "unauthorized", nil},
		{"a user who may not read the draft is told it does not exist", "PUT", editors + "{{dave.id}}", "frank", "",
			404, "not_found", nil},
		{"a moderator reads the draft but may not share it", "PUT", editors + "{{dave.id}}", "carol", "", 403, "forbidden", nil},
		{"another user may not share a published post", "PUT", "/posts/{{post.bob.pub}}/editors/{{frank.id}}", "dave", "",
			403, "forbidden", nil},
		{"sharing a missing post", "PUT", "/posts/{{post.bob.temporary}}/editors/{{dave.id}}", "bob", "", 404, "not_found", nil},
		{"sharing with no such user", "PUT", editors + noUser, "bob", "", 404, "not_found", nil},
		{"sharing with a role is sharing with no user", "PUT", editors + "moderator", "bob", "", 404, "not_found", nil},
		{"the refusals made no editor", "GET", access, "bob", "", 200, "", editorsAre("post.bob.shared")},

		{"bob makes dave an editor", "PUT", editors + "{{dave.id}}", "bob", "", 204, "", nil},
		{"sharing again changes nothing", "PUT", editors + "{{dave.id}}", "bob", "", 204, "", nil},
		{"sharing with the author changes nothing", "PUT", editors + "{{bob.id}}", "bob", "", 204, "", nil},
		{"dave is the one editor", "GET", access, "bob", "", 200, "", editorsAre("post.bob.shared", "dave")},

		{"the editor reads the draft", "GET", shared, "dave", "", 200, "", isPost(bobShared)},
		{"the editor lists it", "GET", "/posts", "dave", "", 200, "",
			lists(listing{full: true, show: slices.Concat(published, []string{"post.bob.shared"}),
				hide: []string{"post.bob.draft", "post.alice.draft"}})},
		{"the editor edits it", "PUT", shared, "dave", `{"body":"Dave helped."}`, 200, "", isPost(bobSharedByDave)},
		{"the owner sees the edit", "GET", shared, "bob", "", 200, "", isPost(bobSharedByDave)},
		{"the editor may not delete it", "DELETE", shared, "dave", "", 403, "forbidden", nil},
		{"the editor may not share it further", "PUT", editors + "{{frank.id}}", "dave", "", 403, "forbidden", nil},
		{"the editor may not end his own editing", "DELETE", editors + "{{dave.id}}", "dave", "", 403, "forbidden", nil},
		{"the editor may not list its access", "GET", access, "dave", "", 403, "forbidden", nil},
		{"the editor edits that post only", "PUT", "/posts/{{post.bob.draft}}", "dave", `{"body":"Dave's now"}`,
			403, "forbidden", nil},
		{"and reads no other draft", "GET", "/posts/{{post.bob.draft}}", "dave", "", 404, "not_found", nil},

		{"a stranger cannot see the shared draft", "GET", shared, "frank", "", 404, "not_found", nil},
		{"nor find it in the list", "GET", "/posts", "frank", "", 200, "",
			lists(listing{full: true, viewer: "frank", show: published, hide: []string{"post.bob.shared"}})},
		{"nor edit it", "PUT", shared, "frank", `{"body":"Frank's now"}`, 403, "forbidden", nil},
		{"nor list its access", "GET", access, "frank", "", 404, "not_found", nil},
		{"nor end its editing", "DELETE", editors + "{{dave.id}}", "frank", "", 404, "not_found", nil},
		{"nor list the access of a post he reads", "GET", "/posts/{{post.bob.pub}}/access", "frank", "", 403, "forbidden", nil},
		{"anonymous may not list access", "GET", access, "", "", 401, "unauthorized", nil},
		{"the access list of a missing post", "GET", "/posts/{{post.bob.temporary}}/access", "alice", "", 404, "not_found", nil},

		{"the owner lists who may do what, and why", "GET", access, "bob", "", 200, "", isAccess(sharedAccess("dave"))},
		{"so does a moderator", "GET", access, "carol", "", 200, "", isAccess(sharedAccess("dave"))},
		{"so does an admin", "GET", access, "alice", "", 200, "", isAccess(sharedAccess("dave"))},

		{"an admin shares another's post", "PUT", editors + "{{jane.id}}", "alice", "", 204, "", nil},
		{"jane reads it", "GET", shared, "jane", "", 200, "", isPost(bobSharedByDave)},
		{"the policy holds both relations", "GET", "/admin/policy", "alice", "", 200, "",
			all(policy(nil, nil, nil), relationsOn("post.bob.shared", "dave", "jane"))},

		{"bob makes ivan an editor", "PUT", editors + "{{ivan.id}}", "bob", "", 204, "", nil},
		{"ivan edits it", "PUT", shared, "ivan", `{"body":"Ivan helped too."}`, 200, "", isPost(bobSharedByIvan)},
		{"an admin suspends ivan", "PUT", "/admin/users/{{ivan.id}}/roles", "alice", `{"roles":["user","suspended"]}`,
			200, "", rolesAre("ivan", []string{"user", "suspended"})},
		{"a suspended editor may not edit", "PUT", shared, "ivan", `{"body":"Suspended."}`, 403, "forbidden", nil},
		{"but still reads", "GET", shared, "ivan", "", 200, "", isPost(bobSharedByIvan)},
		{"the access list leaves him out of those who may edit", "GET", access, "bob", "", 200, "",
			isAccess(sharedAccess("dave", "jane", "ivan").suspend("ivan"))},
		{"an admin lifts the suspension", "PUT", "/admin/users/{{ivan.id}}/roles", "alice", `{"roles":["user"]}`,
			200, "", rolesAre("ivan", []string{"user"})},
		{"ivan edits again", "PUT", shared, "ivan", `{"title":"Bob's shared draft"}`, 200, "", isPost(bobSharedByIvan)},

		{"bob ends dave's editing", "DELETE", editors + "{{dave.id}}", "bob", "", 204, "", nil},
		{"ending it again", "DELETE", editors + "{{dave.id}}", "bob", "", 404, "not_found", nil},
		{"ending the editing of a user who never edited", "DELETE", editors + "{{frank.id}}", "bob", "", 404, "not_found", nil},
		{"ending the editing of no such user", "DELETE", editors + noUser, "bob", "", 404, "not_found", nil},
		{"ending the editing of a role", "DELETE", editors + "editor", "bob", "", 404, "not_found", nil},
		{"dave reads it no more", "GET", shared, "dave", "", 404, "not_found", nil},
		{"nor edits it", "PUT", shared, "dave", `{"body":"Dave again."}`, 403, "forbidden", nil},
		{"nor finds it in the list", "GET", "/posts", "dave", "", 200, "",
			lists(listing{full: true, viewer: "dave", hide: []string{"post.bob.shared"}})},
		{"the others still edit it", "GET", access, "bob", "", 200, "", isAccess(sharedAccess("jane", "ivan"))},

		{"bob writes a draft to share and delete", "POST", "/posts", "bob", bobDoomed.json(), 201, "",
			savePost("post.bob.doomed", bobDoomed)},
		{"bob shares it with frank", "PUT", doomed + "/editors/{{frank.id}}", "bob", "", 204, "", nil},
		{"frank reads it", "GET", doomed, "frank", "", 200, "", isPost(bobDoomed)},
		{"the policy holds the relation", "GET", "/admin/policy", "alice", "", 200, "", relationsOn("post.bob.doomed", "frank")},
		{"bob deletes it", "DELETE", doomed, "bob", "", 204, "", nil},
		{"the relation went with it", "GET", "/admin/policy", "alice", "", 200, "", relationsOn("post.bob.doomed")},
		{"frank reads it no more", "GET", doomed, "frank", "", 404, "not_found", nil},
		{"sharing a deleted post", "PUT", doomed + "/editors/{{frank.id}}", "bob", "", 404, "not_found", nil},
		{"ending an editing of a deleted post", "DELETE", doomed + "/editors/{{frank.id}}", "bob", "", 404, "not_found", nil},
		{"the access list of a deleted post", "GET", doomed + "/access", "alice", "", 404, "not_found", nil},
		{"and still no relation on it", "GET", "/admin/policy", "alice", "", 200, "", relationsOn("post.bob.doomed")},
	}
}

// shareChurnRounds is how many rounds of sharing sharingChurnSteps makes.
const shareChurnRounds = 40

// sharingChurnSteps share one draft and end its editing for many rounds,
// by its owner and by an admin, with requests between them that make the
// server reuse its buffers (long paths of missing posts, bodies near the
// limit). After each edit every candidate reads the draft exactly when
// the edit says so, and the one edited edits it, or may not; every ten
// rounds the access list and the policy name exactly the editors. A
// server that kept request memory it does not own (Fiber's buffers) gives
// a relation to a user id some later request overwrote, here.
func sharingChurnSteps() []step {
	rnd := rand.New(rand.NewPCG(21, 5))
	candidates := []string{"frank", "ivan", "jane"}
	path := "/posts/{{post.bob.churned}}"
	steps := []step{
		{"bob writes a draft to share, round after round", "POST", "/posts", "bob", bobChurned.json(), 201, "",
			savePost("post.bob.churned", bobChurned)},
	}
	editing := map[string]bool{}
	editorsNow := func() []string {
		var out []string
		for _, c := range candidates {
			if editing[c] {
				out = append(out, c)
			}
		}
		return out
	}
	for round := 0; round < shareChurnRounds; round++ {
		n := fmt.Sprint(round)
		user := candidates[rnd.IntN(len(candidates))]
		by := "bob"
		if rnd.IntN(4) == 0 {
			by = "alice"
		}
		target := path + "/editors/{{" + user + ".id}}"
		if rnd.IntN(2) == 0 {
			steps = append(steps, step{"round " + n + ": " + by + " makes " + user + " an editor", "PUT", target, by, "", 204, "", nil})
			editing[user] = true
		} else {
			status, code := 204, ""
			if !editing[user] {
				status, code = 404, "not_found"
			}
			steps = append(steps, step{"round " + n + ": " + by + " ends " + user + "'s editing", "DELETE", target, by, "", status, code, nil})
			editing[user] = false
		}
		steps = append(steps, churnLookup(rnd, n))
		if round%3 == 0 {
			steps = append(steps, churnPost(rnd, n))
		}
		for _, c := range candidates {
			if editing[c] {
				steps = append(steps, step{"round " + n + ": " + c + " reads the draft", "GET", path, c, "", 200, "", isPost(bobChurned)})
			} else {
				steps = append(steps, step{"round " + n + ": " + c + " cannot", "GET", path, c, "", 404, "not_found", nil})
			}
		}
		steps = append(steps, step{"round " + n + ": " + user + " edits it, or may not", "PUT", path, user,
			`{"title":"` + bobChurned.title + `"}`, statusFor(editing[user], 200), "", nil})
		if round%10 == 9 {
			now := editorsNow()
			steps = append(steps,
				step{"round " + n + ": the access list names the editors", "GET", path + "/access", "bob", "", 200, "",
					isAccess(sharedAccess(now...).on("post.bob.churned"))},
				step{"round " + n + ": the policy holds their relations", "GET", "/admin/policy", "alice", "", 200, "",
					relationsOn("post.bob.churned", now...)},
			)
		}
	}
	final := editorsNow()
	return append(steps, do("remember the editors", func(t *testing.T, w *world) {
		w.vars["churned.editors"] = strings.Join(final, ",")
	}))
}

// sharedAfterRestart checks that the relations of the sharing steps
// survived a restart, and that the ended ones stayed ended.
func sharedAfterRestart() []step {
	return []step{
		{"a shared draft stays shared", "GET", "/posts/{{post.bob.shared}}", "jane", "", 200, "", isPost(bobSharedByIvan)},
		{"its editor still edits it", "PUT", "/posts/{{post.bob.shared}}", "ivan", `{"body":"Ivan helped too."}`,
			200, "", isPost(bobSharedByIvan)},
		{"an ended editing stays ended", "GET", "/posts/{{post.bob.shared}}", "dave", "", 404, "not_found", nil},
		{"the access list is the one before", "GET", "/posts/{{post.bob.shared}}/access", "bob", "", 200, "",
			isAccess(sharedAccess("jane", "ivan"))},
		{"the churned draft has the editors it had", "GET", "/posts/{{post.bob.churned}}/access", "bob", "", 200, "",
			editorsSaved("post.bob.churned", "churned.editors")},
	}
}

// accessWant is what GET /posts/{id}/access must say of a draft of bob's:
// for each permission, who must be listed (users by name, roles by
// theirs) and who must not.
type accessWant struct {
	post       string // the placeholder of the post
	editors    []string
	has, lacks map[string][]string
}

// sharedAccess is the access list of bob's shared draft, with editors, as
// the default policy has it: bob as the owner, the editors by their
// relation, and the roles whose grants reach every post.
func sharedAccess(editors ...string) accessWant {
	// Users are listed as the owner or editors only: carol and alice by
	// their roles.
	nobody := slices.DeleteFunc([]string{"frank", "carol", "alice", "user", "suspended"},
		func(n string) bool { return slices.Contains(editors, n) })
	return accessWant{
		post:    "post.bob.shared",
		editors: editors,
		has: map[string][]string{
			"posts:read":   slices.Concat([]string{"bob", "moderator", "admin"}, editors),
			"posts:update": slices.Concat([]string{"bob", "admin"}, editors),
			"posts:delete": {"bob", "moderator", "admin"},
			"posts:share":  {"bob", "admin"},
			"posts:audit":  {"bob", "moderator", "admin"},
		},
		lacks: map[string][]string{
			"posts:read":   nobody,
			"posts:update": slices.Concat(nobody, []string{"moderator"}),
			"posts:delete": slices.Concat(nobody, editors),
			"posts:share":  slices.Concat(nobody, editors, []string{"moderator"}),
			"posts:audit":  slices.Concat(nobody, editors),
		},
	}
}

// on is a for the post of the placeholder post.
func (a accessWant) on(post string) accessWant { a.post = post; return a }

// suspend is a with editor suspended: the deny of posts:update takes him
// out of those who may edit.
func (a accessWant) suspend(editor string) accessWant {
	has := map[string][]string{}
	for perm, names := range a.has {
		has[perm] = names
	}
	has["posts:update"] = slices.DeleteFunc(slices.Clone(has["posts:update"]), func(s string) bool { return s == editor })
	lacks := map[string][]string{}
	for perm, names := range a.lacks {
		lacks[perm] = names
	}
	lacks["posts:update"] = append(slices.Clone(lacks["posts:update"]), editor)
	a.has, a.lacks = has, lacks
	return a
}

// accessKinds are the kinds of access the contract names.
var accessKinds = []string{"owner", "relation", "role", "grant"}

// isAccess checks GET /posts/{id}/access: exactly {id, author_id,
// published, editors, permissions}, the post's id and bob as its author,
// exactly want's editors, and for each permission a post's routes check a
// list of {subject, kind, rule, relation (for kind relation only)}, with
// want's subjects in it and none of its lacks. bob is listed as the owner,
// editors by their relation (role editor on this post), roles as roles.
func isAccess(want accessWant) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("id", "author_id", "published", "editors", "permissions"))
		postID := w.expand(t, "{{"+want.post+"}}")
		id, err := o.id("id")
		assert.NoError(t, err)
		assert.Equal(t, postID, id)
		author, err := o.id("author_id")
		assert.NoError(t, err)
		assert.Equal(t, w.idOf(t, "bob"), author)
		published, err := o.boolean("published")
		assert.NoError(t, err)
		assert.False(t, published)
		checkEditors(t, w, o, want.editors)

		perms, err := parseObject(o["permissions"])
		require.NoError(t, err, "permissions")
		require.NoError(t, perms.hasKeys("posts:read", "posts:update", "posts:delete", "posts:share", "posts:audit"))
		name := func(n string) string {
			if id, ok := w.vars[n+".id"]; ok {
				return id
			}
			return n // a role
		}
		for perm := range perms {
			list, err := perms.list(perm)
			require.NoError(t, err, perm)
			kinds := map[string]string{}
			for _, e := range list {
				subject := accessEntry(t, e, perm, postID)
				_, twice := kinds[subject]
				assert.False(t, twice, "%s: %s listed twice", perm, subject)
				kinds[subject], _ = e.text("kind")
			}
			for _, n := range want.has[perm] {
				kind, ok := kinds[name(n)]
				if !assert.True(t, ok, "%s: %s is not listed", perm, n) {
					continue
				}
				wantKind := "role"
				switch {
				case n == "bob":
					wantKind = "owner"
				case slices.Contains(want.editors, n):
					wantKind = "relation"
				}
				assert.Equal(t, wantKind, kind, "%s: %s's kind", perm, n)
			}
			for _, n := range want.lacks[perm] {
				_, listed := kinds[name(n)]
				assert.False(t, listed, "%s: %s is listed", perm, n)
			}
		}
	}
}

// accessEntry checks one entry of an access list for perm on the post
// postID and returns its subject.
func accessEntry(t *testing.T, e object, perm, postID string) string {
	t.Helper()
	kind, err := e.text("kind")
	assert.NoError(t, err)
	assert.Contains(t, accessKinds, kind)
	if kind == "relation" {
		assert.NoError(t, e.hasKeys("subject", "kind", "rule", "relation"))
	} else {
		assert.NoError(t, e.hasKeys("subject", "kind", "rule"))
	}
	subject, err := e.text("subject")
	assert.NoError(t, err)
	rule, err := parseObject(e["rule"])
	require.NoError(t, err, "%s: %s's rule", perm, subject)
	assert.NoError(t, rule.hasKeys("subject", "permission", "scope", "effect"))
	if p, err := rule.text("permission"); assert.NoError(t, err) {
		assert.True(t, covers([]string{p}, perm), "%s: %s's rule is for %s", perm, subject, p)
	}
	effect, _ := rule.text("effect")
	assert.Equal(t, "allow", effect, "%s: %s's rule", perm, subject)
	scope, _ := rule.text("scope")
	assert.Equal(t, kind == "owner", scope == "own", "%s: %s is the owner exactly by a rule scoped own", perm, subject)
	if kind == "relation" {
		rel, err := parseObject(e["relation"])
		require.NoError(t, err, "%s: %s's relation", perm, subject)
		assert.NoError(t, rel.hasKeys("subject", "role", "resource"))
		relSubject, _ := rel.text("subject")
		role, _ := rel.text("role")
		resource, _ := rel.text("resource")
		assert.Equal(t, [3]string{subject, "editor", "posts:" + postID}, [3]string{relSubject, role, resource},
			"%s: %s's relation", perm, subject)
	}
	return subject
}

// editorsAre checks that the access list of the post of the placeholder
// post names exactly users as its editors.
func editorsAre(post string, users ...string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		id, err := o.id("id")
		assert.NoError(t, err)
		assert.Equal(t, w.expand(t, "{{"+post+"}}"), id)
		checkEditors(t, w, o, users)
	}
}

// editorsSaved is editorsAre for the users saved, comma-separated, as the
// placeholder name.
func editorsSaved(post, name string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		saved, ok := w.vars[name]
		require.True(t, ok, "the step that saves %q failed", name)
		var users []string
		if saved != "" {
			users = strings.Split(saved, ",")
		}
		editorsAre(post, users...)(t, w, r)
	}
}

// checkEditors checks that the field editors of o holds exactly the ids of
// users.
func checkEditors(t *testing.T, w *world, o object, users []string) {
	t.Helper()
	got, err := o.strings("editors")
	require.NoError(t, err)
	want := []string{}
	for _, u := range users {
		want = append(want, w.idOf(t, u))
	}
	assert.ElementsMatch(t, want, got, "editors: want %q", users)
}

// relationsOf reads the relations of a GET /admin/policy body: each
// {subject, role, resource}.
func relationsOf(o object) ([][3]string, error) {
	list, err := o.list("relations")
	if err != nil {
		return nil, err
	}
	out := make([][3]string, 0, len(list))
	for _, rel := range list {
		if err := rel.hasKeys("subject", "role", "resource"); err != nil {
			return nil, err
		}
		var r [3]string
		for i, key := range []string{"subject", "role", "resource"} {
			if r[i], err = rel.text(key); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// relationsOn checks that the relations of GET /admin/policy on the post
// of the placeholder post are exactly: users, each an editor.
func relationsOn(post string, users ...string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		relations, err := relationsOf(r.object(t))
		require.NoError(t, err)
		resource := "posts:" + w.expand(t, "{{"+post+"}}")
		var got, want [][3]string
		for _, rel := range relations {
			if rel[2] == resource {
				got = append(got, rel)
			}
		}
		for _, u := range users {
			want = append(want, [3]string{w.idOf(t, u), "editor", resource})
		}
		assert.ElementsMatch(t, want, got, "the relations on %s", resource)
	}
}
