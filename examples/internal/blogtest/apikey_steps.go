package blogtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func apiKeySteps() []step {
	return []step{
		{"anonymous may not create a key", "POST", "/api-keys", "", `{"name":"ci"}`, 401, "unauthorized", nil},
		{"bob creates a key", "POST", "/api-keys", "bob", `{"name":"ci"}`, 201, "", saveKey("bob.key.ci", "ci")},
		{"bob creates a second key", "POST", "/api-keys", "bob", `{"name":"laptop"}`, 201, "", saveKey("bob.key.laptop", "laptop")},
		{"bob creates a key to keep", "POST", "/api-keys", "bob", `{"name":"kept"}`, 201, "", saveKey("bob.key.kept", "kept")},
		{"missing name", "POST", "/api-keys", "bob", `{}`, 400, "invalid_request", nil},
		{"malformed JSON", "POST", "/api-keys", "bob", `{"name":`, 400, "invalid_request", nil},
		{"bob lists his keys without secrets", "GET", "/api-keys", "bob", "", 200, "",
			listsKeys([]string{"bob.key.ci", "bob.key.laptop", "bob.key.kept"}, nil)},
		{"dave does not see bob's keys", "GET", "/api-keys", "dave", "", 200, "",
			listsKeys(nil, []string{"bob.key.ci", "bob.key.laptop", "bob.key.kept"})},
		{"the key authenticates", "GET", "/me", "bob.key.ci", "", 200, "", meIs("bob")},
		{"the key reads bob's drafts", "GET", "/posts", "bob.key.ci", "", 200, "",
			lists(listing{full: true, viewer: "bob", show: []string{"post.bob.draft"}})},
		{"the key writes without a CSRF token", "POST", "/posts", "bob.key.ci", bobKeyPost.json(), 201, "", isPost(bobKeyPost)},
		{"a key may not mint another key", "POST", "/api-keys", "bob.key.ci", `{"name":"minted"}`,
			401, "insufficient_user_authentication", nil},
		{"a mistyped key is refused", "GET", "/me", "bob.key.ci.mistyped", "", 401, "unauthorized", nil},
		{"anonymous may not delete a key", "DELETE", "/api-keys/{{bob.key.laptop.id}}", "", "", 401, "unauthorized", nil},
		{"owner deletes his key", "DELETE", "/api-keys/{{bob.key.laptop.id}}", "bob", "", 204, "", nil},
		{"the deleted key is refused", "GET", "/me", "bob.key.laptop", "", 401, "unauthorized", nil},
		{"another user may not delete a key", "DELETE", "/api-keys/{{bob.key.ci.id}}", "dave", "", 0, "", statusIn(403, 404)},
		{"the key survived that attempt", "GET", "/me", "bob.key.ci", "", 200, "", meIs("bob")},
		{"an admin deletes another's key", "DELETE", "/api-keys/{{bob.key.ci.id}}", "alice", "", 204, "", nil},
		{"the key the admin deleted is refused", "GET", "/me", "bob.key.ci", "", 401, "unauthorized", nil},
		{"the kept key is still listed", "GET", "/api-keys", "bob", "", 200, "", listsKeys([]string{"bob.key.kept"}, nil)},
	}
}

var bobKeyPost = post{"bob", "Posted with an API key", "From a script.", true}

// saveKey checks a new key, {id, name, key}, and saves it as the
// credential cred, its id as the placeholder cred+".id" and its secret as
// cred+".secret"; cred+".mistyped" is the key with its last character
// changed.
func saveKey(cred, name string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		require.NoError(t, o.hasKeys("id", "name", "key"))
		id, err := o.id("id")
		require.NoError(t, err)
		got, err := o.text("name")
		assert.NoError(t, err)
		assert.Equal(t, name, got)
		key, err := o.text("key")
		require.NoError(t, err)
		require.NotEmpty(t, key)
		w.vars[cred+".id"], w.vars[cred+".secret"] = id, key
		w.creds[cred] = credential{apiKey: key}
		w.creds[cred+".mistyped"] = credential{apiKey: mistype(key)}
	}
}

// mistype changes the last character of key to one it certainly is not.
func mistype(key string) string {
	last := "A"
	if strings.HasSuffix(key, "A") {
		last = "B"
	}
	return key[:len(key)-1] + last
}

// listsKeys checks GET /api-keys: the keys named by show listed, with
// their names, those named by hide not, and no secret anywhere. The
// contract does not name the list's field, so the body may be an array or
// an object whose only field is one.
func listsKeys(show, hide []string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		for name, secret := range w.vars {
			if strings.HasSuffix(name, ".secret") {
				require.NotContains(t, string(r.body), secret, "the secret of %s is listed", strings.TrimSuffix(name, ".secret"))
			}
		}
		var items []object
		if err := json.Unmarshal(r.body, &items); err != nil || items == nil {
			o := r.object(t)
			require.Len(t, o, 1, "want an array of keys, or an object with one field holding it; got fields %q", o.keys())
			items, err = o.list(o.keys()[0])
			require.NoError(t, err)
		}
		listed := map[string]bool{}
		for _, k := range items {
			id, err := k.id("id")
			require.NoError(t, err)
			_, err = k.text("name")
			assert.NoError(t, err)
			listed[id] = true
			if raw, ok := k["key"]; ok {
				assert.Equal(t, "null", string(raw), "key %s has a \"key\" field", id)
			}
		}
		for _, name := range show {
			assert.True(t, listed[w.expand(t, "{{"+name+".id}}")], "%s is not listed", name)
		}
		for _, name := range hide {
			assert.False(t, listed[w.expand(t, "{{"+name+".id}}")], "%s is listed", name)
		}
	}
}
