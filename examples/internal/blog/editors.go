package blog

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
)

// Editors. A post's author, or whoever else holds posts:share on it (the
// default policy: administrators), makes other users editors of that one
// post: the role EditorRole held on the post alone, a relation
// ("g2, usr_…, editor, posts:7"), whose grants let them read and edit it
// and nothing more: not delete it, nor share it further. Who may share is
// the guards' to decide before these run.

// EditorRole is the role an editor holds on the post shared with them.
const EditorRole = "editor"

// Share makes the user userID an editor of p. Sharing is idempotent:
// sharing a post with a user who edits it already, or with its author, who
// may do more already, changes nothing and succeeds. An id that names no
// user is ErrNotFound, and so is a post deleted meanwhile.
func (s *Posts) Share(ctx context.Context, p Post, userID string) error {
	if _, err := s.users.Get(ctx, userID); err != nil {
		return userError(err)
	}
	if userID == p.AuthorID {
		return nil
	}
	rel := editorOf(p, userID)
	if err := s.engine.AddRelation(ctx, rel); err != nil && !errors.Is(err, authz.ErrExists) {
		return err
	}
	// A post deleted while it was shared must not keep the relation: a
	// later post given the same id would inherit it. Delete removes the
	// post's relations after the row, so one of the two sees the other.
	_, err := s.Get(ctx, p.idString())
	if errors.Is(err, ErrNotFound) {
		if rmErr := s.engine.RemoveRelation(ctx, rel); rmErr != nil && !errors.Is(rmErr, authz.ErrNotFound) {
			return rmErr
		}
	}
	return err
}

// Unshare ends the editing of p by the user userID. A user who is not an
// editor of p, or no user at all, is ErrNotFound.
func (s *Posts) Unshare(ctx context.Context, p Post, userID string) error {
	notEditor := fmt.Errorf("%w: %q is not an editor of post %d", ErrNotFound, userID, p.ID)
	if !users.IsID(userID) {
		return notEditor // nor any user's id: not a name to hand the policy
	}
	err := s.engine.RemoveRelation(ctx, editorOf(p, userID))
	if errors.Is(err, authz.ErrNotFound) {
		return notEditor
	}
	return err
}

// Editors returns the ids of p's editors, sorted; never nil.
func (s *Posts) Editors(ctx context.Context, p Post) ([]string, error) {
	relations, err := s.engine.Relations(ctx, p.resourceName())
	if err != nil {
		return nil, err
	}
	editors := []string{}
	for _, r := range relations {
		if r.Role == EditorRole {
			editors = append(editors, r.Subject)
		}
	}
	return editors, nil
}

// editorOf is the relation that makes userID an editor of p.
func editorOf(p Post, userID string) authz.Relation {
	return authz.Relation{Subject: userID, Role: EditorRole, Resource: p.resourceName()}
}
