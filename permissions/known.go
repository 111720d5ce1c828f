package permissions

// The permissions of gatehouse's default policy. Applications are free to
// define their own: any valid "resource:action" works.
const (
	// UsersRead lists and reads user accounts.
	UsersRead Permission = "users:read"
	// UsersWrite changes user accounts, including their roles.
	UsersWrite Permission = "users:write"
	// UsersDelete deletes user accounts.
	UsersDelete Permission = "users:delete"

	// PostsRead reads posts, including unpublished ones.
	PostsRead Permission = "posts:read"
	// PostsWrite creates posts.
	PostsWrite Permission = "posts:write"
	// PostsUpdate edits existing posts.
	PostsUpdate Permission = "posts:update"
	// PostsDelete deletes posts.
	PostsDelete Permission = "posts:delete"
	// PostsShare makes others editors of a post, and ends their editing.
	// An editor reads and edits the post as its author does: give it to
	// whoever may decide who else writes it (the default policy: the
	// author, and administrators).
	PostsShare Permission = "posts:share"
	// PostsAudit lists who may do what to a post, and why. The list names
	// the post's author and editors.
	PostsAudit Permission = "posts:audit"

	// PolicyRead reads the authorization policy.
	PolicyRead Permission = "policy:read"
	// PolicyWrite edits the authorization policy. Whoever holds it can grant
	// themselves anything: give it only to administrators.
	PolicyWrite Permission = "policy:write"
)

// Known lists the permissions above, in a stable order.
func Known() []Permission {
	return []Permission{
		UsersRead, UsersWrite, UsersDelete,
		PostsRead, PostsWrite, PostsUpdate, PostsDelete, PostsShare, PostsAudit,
		PolicyRead, PolicyWrite,
	}
}
