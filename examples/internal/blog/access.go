package blog

import (
	"context"

	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// postPermissions are the permissions a post's routes check, in the order
// PostAccess lists them. posts:write, which creates posts, is about none.
var postPermissions = []permissions.Permission{
	permissions.PostsRead, permissions.PostsUpdate, permissions.PostsDelete,
	permissions.PostsShare, permissions.PostsAudit,
}

// PostAccess is who may do what to a post, and why, as the policy has it.
type PostAccess struct {
	ID       int64  `json:"id"`
	AuthorID string `json:"author_id"`
	// Published posts are read by anyone, anonymous callers included,
	// whatever Permissions say: the blog shows them, not the policy.
	Published bool `json:"published"`
	// Editors are the ids of the users the post is shared with.
	Editors []string `json:"editors"`
	// Permissions holds, for each permission a post's routes check
	// ("posts:read", "posts:update", "posts:delete", "posts:share",
	// "posts:audit"), every answer to "who may": the author, the editors,
	// the roles whose members may on any post, and users allowed by
	// grants of their own; never nil.
	Permissions map[string][]Access `json:"permissions"`
}

// Access is one subject that may, and why.
type Access struct {
	// Subject is a user's id or, for Kind "role", a role's name: its
	// members may, unless a deny of their own applies to them.
	Subject string `json:"subject"`
	// Kind is how the subject comes to be allowed: "owner" (the author,
	// by a grant scoped own), "relation" (an editor, through Relation),
	// "role" or "grant" (by grants scoped any).
	Kind string `json:"kind"`
	// Rule is the grant that allows it.
	Rule Grant `json:"rule"`
	// Relation, for Kind "relation", is the role the subject holds on the
	// post.
	Relation *Relation `json:"relation,omitempty"`
}

// Relation is a subject holding a role on one resource: "posts:7".
type Relation struct {
	Subject  string `json:"subject"`
	Role     string `json:"role"`
	Resource string `json:"resource"`
}

// Access returns who may do what to p, and why.
func (s *Posts) Access(ctx context.Context, p Post) (PostAccess, error) {
	editors, err := s.Editors(ctx, p)
	if err != nil {
		return PostAccess{}, err
	}
	out := PostAccess{ID: p.ID, AuthorID: p.AuthorID, Published: p.Published, Editors: editors,
		Permissions: make(map[string][]Access, len(postPermissions))}
	for _, perm := range postPermissions {
		answers, err := s.engine.WhoCan(ctx, perm, p.Resource())
		if err != nil {
			return PostAccess{}, err
		}
		list := make([]Access, len(answers))
		for i, a := range answers {
			list[i] = accessOf(a)
		}
		out.Permissions[string(perm)] = list
	}
	return out, nil
}

func accessOf(a authz.Access) Access {
	out := Access{Subject: a.Subject, Kind: string(a.Kind), Rule: grantOf(a.Rule)}
	switch a.Kind {
	case authz.AccessRelation:
		out.Relation = &Relation{Subject: a.Relation.Subject, Role: a.Relation.Role, Resource: a.Relation.Resource}
	case authz.AccessGrant:
		// WhoCan tells a role by its members; the blog's subjects are its
		// users, so any other name is a role, held by nobody yet (editor,
		// before any post is shared).
		if !users.IsID(a.Subject) {
			out.Kind = string(authz.AccessRole)
		}
	}
	return out
}
