package blogtest

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// post is a post as the steps write it and expect it back.
type post struct {
	author    string // the user whose id is author_id
	title     string
	body      string
	published bool
}

// json is the body of POST /posts for p.
func (p post) json() string {
	b, _ := json.Marshal(map[string]any{"title": p.title, "body": p.body, "published": p.published})
	return string(b)
}

// The posts of the steps. Each is saved as the placeholder named in the
// step that creates it ("post.bob.pub").
var (
	bobPost      = post{"bob", "Hello from Bob", "Bob's first published post.", true}
	bobDraft     = post{"bob", "Bob's draft", "Not ready yet.", false}
	aliceDraft   = post{"alice", "Alice's draft", "Notes for the admins.", false}
	carolPost    = post{"carol", "Carol's notes", "Written in a browser session.", true}
	bobTemporary = post{"bob", "Short-lived", "Bob deletes this one.", true}
	bobOffTopic  = post{"bob", "Off topic", "A moderator deletes this one.", true}
	daveSpam     = post{"dave", "Spam", "An admin deletes this one.", true}
	// bobPost after its owner, then an admin, edited it.
	bobRetitled = post{"bob", "Hello again from Bob", bobPost.body, true}
	bobByAdmin  = post{"bob", "Hello again from Bob", "Edited by an admin.", true}
)

// Posts deleted by the steps, for the 404s of missing posts: their ids
// are real ones, whatever form the server gives ids.
var deletedPosts = []string{"post.bob.temporary", "post.bob.offtopic", "post.dave.spam"}

func postSteps() []step {
	allDrafts := []string{"post.bob.draft", "post.alice.draft"}
	published := []string{"post.bob.pub", "post.carol.pub"}
	return []step{
		{"anonymous may not write", "POST", "/posts", "", bobPost.json(), 401, "unauthorized", nil},
		{"bob publishes a post", "POST", "/posts", "bob", bobPost.json(), 201, "", savePost("post.bob.pub", bobPost)},
		{"bob writes a draft", "POST", "/posts", "bob", bobDraft.json(), 201, "", savePost("post.bob.draft", bobDraft)},
		{"alice writes a draft", "POST", "/posts", "alice", aliceDraft.json(), 201, "", savePost("post.alice.draft", aliceDraft)},
		{"bob writes a post to delete", "POST", "/posts", "bob", bobTemporary.json(), 201, "",
			savePost("post.bob.temporary", bobTemporary)},
		{"bob writes a post for a moderator to delete", "POST", "/posts", "bob", bobOffTopic.json(), 201, "",
			savePost("post.bob.offtopic", bobOffTopic)},
		{"dave writes a post for an admin to delete", "POST", "/posts", "dave", daveSpam.json(), 201, "",
			savePost("post.dave.spam", daveSpam)},
		{"malformed JSON", "POST", "/posts", "bob", `{"title":`, 400, "invalid_request", nil},
		{"wrongly typed fields", "POST", "/posts", "bob", `{"title":1,"body":"x","published":"yes"}`, 400, "invalid_request", nil},
		{"missing title", "POST", "/posts", "bob", `{"body":"No title.","published":true}`, 400, "invalid_request", nil},

		{"owner deletes", "DELETE", "/posts/{{post.bob.temporary}}", "bob", "", 204, "", nil},
		{"moderator deletes another's post", "DELETE", "/posts/{{post.bob.offtopic}}", "carol", "", 204, "", nil},
		{"admin deletes another's post", "DELETE", "/posts/{{post.dave.spam}}", "alice", "", 204, "", nil},
		{"another user may not delete", "DELETE", "/posts/{{post.bob.pub}}", "dave", "", 403, "forbidden", nil},
		{"deleting a missing post", "DELETE", "/posts/{{post.bob.temporary}}", "bob", "", 404, "not_found", nil},
		{"anonymous may not delete", "DELETE", "/posts/{{post.bob.pub}}", "", "", 401, "unauthorized", nil},

		{"anonymous lists published titles", "GET", "/posts", "", "", 200, "",
			lists(listing{show: published, hide: slices.Concat(allDrafts, deletedPosts)})},
		{"bob lists published posts and his drafts", "GET", "/posts", "bob", "", 200, "",
			lists(listing{full: true, viewer: "bob", show: slices.Concat(published, []string{"post.bob.draft"}),
				hide: slices.Concat([]string{"post.alice.draft"}, deletedPosts)})},
		{"dave lists published posts only", "GET", "/posts", "dave", "", 200, "",
			lists(listing{full: true, viewer: "dave", show: published, hide: allDrafts})},
		{"carol, moderator, lists every draft", "GET", "/posts", "carol", "", 200, "",
			lists(listing{full: true, show: slices.Concat(published, allDrafts), hide: deletedPosts})},
		{"alice, admin, lists every draft", "GET", "/posts", "alice", "", 200, "",
			lists(listing{full: true, show: slices.Concat(published, allDrafts), hide: deletedPosts})},
		{"a bad token is refused, not ignored", "GET", "/posts", "garbage", "", 401, "invalid_token", nil},

		{"anonymous reads a published post", "GET", "/posts/{{post.bob.pub}}", "", "", 200, "", isPublicPost(bobPost)},
		{"anonymous cannot see a draft", "GET", "/posts/{{post.bob.draft}}", "", "", 404, "not_found", nil},
		{"another user cannot see a draft", "GET", "/posts/{{post.bob.draft}}", "dave", "", 404, "not_found", nil},
		{"a user cannot see an admin's draft", "GET", "/posts/{{post.alice.draft}}", "bob", "", 404, "not_found", nil},
		{"the owner reads his draft", "GET", "/posts/{{post.bob.draft}}", "bob", "", 200, "", isPost(bobDraft)},
		{"a moderator reads any draft", "GET", "/posts/{{post.alice.draft}}", "carol", "", 200, "", isPost(aliceDraft)},
		{"a missing post", "GET", "/posts/{{post.bob.temporary}}", "alice", "", 404, "not_found", nil},
		{"a post a moderator deleted is gone", "GET", "/posts/{{post.bob.offtopic}}", "", "", 404, "not_found", nil},

		{"anonymous may not update", "PUT", "/posts/{{post.bob.pub}}", "", `{"title":"Anonymous"}`, 401, "unauthorized", nil},
		{"owner updates the title only", "PUT", "/posts/{{post.bob.pub}}", "bob", `{"title":"Hello again from Bob"}`,
			200, "", isPost(bobRetitled)},
		{"the update is visible to everyone", "GET", "/posts/{{post.bob.pub}}", "", "", 200, "", isPublicPost(bobRetitled)},
		{"admin updates another's post", "PUT", "/posts/{{post.bob.pub}}", "alice", `{"body":"Edited by an admin."}`,
			200, "", isPost(bobByAdmin)},
		{"moderator may not update another's post", "PUT", "/posts/{{post.bob.pub}}", "carol", `{"title":"Moderated"}`,
			403, "forbidden", nil},
		{"another user may not update", "PUT", "/posts/{{post.bob.pub}}", "dave", `{"title":"Dave's now"}`, 403, "forbidden", nil},
		{"a missing post is 404 before 403", "PUT", "/posts/{{post.bob.temporary}}", "carol", `{"title":"Moderated"}`,
			404, "not_found", nil},
		{"wrongly typed field", "PUT", "/posts/{{post.bob.pub}}", "bob", `{"published":"yes"}`, 400, "invalid_request", nil},
		{"malformed JSON", "PUT", "/posts/{{post.bob.pub}}", "bob", `{"title":`, 400, "invalid_request", nil},
		{"the refused updates changed nothing", "GET", "/posts/{{post.bob.pub}}", "bob", "", 200, "", isPost(bobByAdmin)},
	}
}

// savePost checks the post and saves its id as the placeholder name.
func savePost(name string, p post) check { return all(isPost(p), saveID(name)) }

// fullPost is the shape of a post for an authenticated caller.
var fullPost = []string{"id", "title", "body", "author_id", "published"}

// isPost checks that the body is exactly the full post p.
func isPost(p post) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		assert.NoError(t, o.hasKeys(fullPost...))
		checkPost(t, w, o, p)
	}
}

// isPublicPost checks an anonymous read of the published post p: the
// contract shows anonymous callers {id, title} in lists and does not say
// which shape a single post has, so both the summary and the full post are
// accepted, and whatever is there must be right.
func isPublicPost(p post) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		if err := o.hasKeys("id", "title"); err != nil {
			assert.NoError(t, o.hasKeys(fullPost...), "want {id, title} or a full post")
		}
		checkPost(t, w, o, p)
	}
}

// checkPost checks those fields of o that it has against p.
func checkPost(t *testing.T, w *world, o object, p post) {
	t.Helper()
	_, err := o.id("id")
	assert.NoError(t, err)
	if title, err := o.text("title"); assert.NoError(t, err) {
		assert.Equal(t, p.title, title)
	}
	if _, ok := o["body"]; ok {
		body, err := o.text("body")
		assert.NoError(t, err)
		assert.Equal(t, p.body, body)
	}
	if _, ok := o["author_id"]; ok {
		author, err := o.id("author_id")
		assert.NoError(t, err)
		assert.Equal(t, w.idOf(t, p.author), author, "author_id: want %s's id", p.author)
	}
	if _, ok := o["published"]; ok {
		published, err := o.boolean("published")
		assert.NoError(t, err)
		assert.Equal(t, p.published, published)
	}
}

// listing is what GET /posts must show one caller.
type listing struct {
	// full: full posts; otherwise the anonymous {id, title}.
	full bool
	// viewer, when set, is a user who may read only published posts and
	// their own: every listed post must be one of those.
	viewer string
	// show and hide name the placeholders of posts that must and must not
	// be listed. Other posts (an example may seed some) are allowed.
	show, hide []string
}

func lists(l listing) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("posts"))
		posts, err := o.list("posts")
		require.NoError(t, err)
		listed := map[string]bool{}
		for _, p := range posts {
			if l.full {
				assert.NoError(t, p.hasKeys(fullPost...))
			} else {
				assert.NoError(t, p.hasKeys("id", "title"), "anonymous callers see {id, title} only")
			}
			id, err := p.id("id")
			if !assert.NoError(t, err) {
				continue
			}
			assert.False(t, listed[id], "post %s listed twice", id)
			listed[id] = true
			if l.full && l.viewer != "" {
				published, _ := p.boolean("published")
				author, _ := p.id("author_id")
				assert.True(t, published || author == w.idOf(t, l.viewer),
					"%s may not read post %s (author %s, unpublished)", l.viewer, id, author)
			}
		}
		for _, name := range l.show {
			assert.True(t, listed[w.expand(t, "{{"+name+"}}")], "%s is not listed", name)
		}
		for _, name := range l.hide {
			assert.False(t, listed[w.expand(t, "{{"+name+"}}")], "%s is listed", name)
		}
	}
}
