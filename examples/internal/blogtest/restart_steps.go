package blogtest

import (
	"slices"
	"testing"
	"time"
)

// afterRestart checks, against a new server on the same database and
// secret, that everything the contract keeps across a restart was kept,
// and that what was revoked stayed revoked.
func afterRestart() phase {
	return phase{"after restart", slices.Concat([]step{
		{"healthz", "GET", "/healthz", "", "", 200, "", jsonEq(`{"status":"ok"}`)},
		{"the store holds the policy memory held", "GET", "/admin/policy", "alice", "", 200, "",
			policyAfterRestart("policy.before.restart")},

		{"seeding did not run again", "GET", "/admin/users", "alice", "", 200, "",
			listsUsers(map[string]string{"alice": "admin", "carol": "moderator", "bob": "user", "dave": "user"}, []string{"erin"})},
		do("a registered user still logs in", login("dave.after", "dave")),
		{"a deleted user stays deleted", "POST", "/auth/login", "", credentialsOf("erin", "erin-password"),
			401, "invalid_credentials", nil},

		{"an access token from before still works", "GET", "/me", "bob", "", 200, "", meIs("bob")},
		do("the provider issues olivia a new token", func(t *testing.T, w *world) {
			w.saveProviderToken("olivia.after", w.provider.Sign(w.provider.Claims(olivia, 10*time.Minute), "at+jwt"))
		}),
		{"a provider's subject is the same local user after a restart", "GET", "/me", "olivia.after", "", 200, "", meIs("olivia")},
		{"a confirmed TOTP still guards its account", "POST", "/auth/login", "", credentialsOf("quinn", "quinn-password"),
			200, "", saveMFAToken("quinn.mfa.after")},
		{"a logged-out access token stays refused", "GET", "/me", "bob.device", "", 401, "invalid_token", nil},
		{"a refresh token from before still refreshes", "POST", "/auth/refresh", "", `{"refresh_token":"{{bob.refresh}}"}`,
			200, "", savePair("bob.after", "bob")},
		{"a reused refresh family stays dead", "POST", "/auth/refresh", "", `{"refresh_token":"{{bob.family2.refresh}}"}`,
			401, "", nil},

		{"an API key from before still works", "GET", "/me", "bob.key.kept", "", 200, "", meIs("bob")},
		{"a deleted API key stays refused", "GET", "/me", "bob.key.ci", "", 401, "unauthorized", nil},
		{"a session from before still works", "GET", "/me", "carol.session", "", 200, "", meIs("carol")},
		{"its CSRF token too", "POST", "/posts", "carol.session+csrf", carolAfter.json(), 201, "", isPost(carolAfter)},
		{"an ended session stays refused", "GET", "/me", "carol.other", "", 401, "unauthorized", nil},

		{"published posts survived", "GET", "/posts/{{post.bob.pub}}", "", "", 200, "", isPublicPost(bobByAdmin)},
		{"drafts survived, still private", "GET", "/posts/{{post.bob.draft}}", "dave", "", 404, "not_found", nil},
		{"the owner still reads his draft", "GET", "/posts/{{post.bob.draft}}", "bob", "", 200, "", isPost(bobDraft)},
		{"deleted posts stay deleted", "GET", "/posts/{{post.bob.temporary}}", "alice", "", 404, "not_found", nil},

		{"a role change survived", "GET", "/admin/users", "bob", "", 403, "forbidden", nil},
		{"an added grant survived", "GET", "/admin/users", "dave", "", 200, "", nil},
		{"a removed deny stays removed", "POST", "/posts", "dave", daveAfter.json(), 201, "", isPost(daveAfter)},
		{"the policy lists the grant", "GET", "/admin/policy", "alice", "", 200, "",
			policy([]grant{daveReadsUsers}, []grant{daveMayNotWrite}, nil)},
		{"an admin removes the grant", "DELETE", "/admin/policy/grants", "alice", daveReadsUsers.json(), 204, "", nil},
		{"dave may no longer list users", "GET", "/admin/users", "dave", "", 403, "forbidden", nil},
	}, passkeyAfterRestart(), sharedAfterRestart())}
}

var (
	carolAfter = post{"carol", "After the restart", "The session and its CSRF token survived.", true}
	daveAfter  = post{"dave", "Dave after the restart", "Still allowed to write.", true}
)
