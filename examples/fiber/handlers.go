package main

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// server holds what the handlers need: the blog, and the middleware to ask
// who the caller is and to write refusals.
type server struct {
	app *blog.App
	mw  *fiberadapter.Middleware
}

// health answers GET /healthz: 200 when this replica can serve, 503 when
// it cannot (see blog.App.Ready), for a load balancer.
func (s *server) health(c fiber.Ctx) error {
	if err := s.app.Ready(c.Context()); err != nil {
		return s.fail(c, err)
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

// page answers GET /passkeys and its assets (blog.PagePaths).
func (s *server) page(c fiber.Ctx) error {
	body, contentType, ok := blog.Page(c.Path())
	if !ok {
		return s.fail(c, guard.ErrNotFound)
	}
	for k, v := range blog.PageHeaders {
		c.Set(k, v)
	}
	c.Set(fiber.HeaderContentType, contentType)
	return c.Status(fiber.StatusOK).Send(body)
}

// listPosts answers GET /posts: the published posts and those the policy
// lets the caller read, found with one query from the caller's list
// filter. Anonymous callers, whose filter finds nothing more, see titles.
func (s *server) listPosts(c fiber.Ctx) error {
	filter, ok, err := s.mw.Filter(c, permissions.PostsRead)
	if !ok {
		return err
	}
	posts, err := s.app.Posts.ListVisible(c.Context(), filter)
	if err != nil {
		return s.fail(c, err)
	}
	if caller, _ := fiberadapter.SubjectFrom(c); caller.IsZero() {
		return c.JSON(fiber.Map{"posts": blog.Titles(posts)})
	}
	return c.JSON(fiber.Map{"posts": posts})
}

// getPost answers GET /posts/:id: a published post, or a draft the caller
// may read; 404 for any other.
func (s *server) getPost(c fiber.Ctx) error {
	caller, _ := fiberadapter.SubjectFrom(c)
	post, err := s.app.Posts.Read(c.Context(), caller, c.Params("id"))
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(post)
}

// loadPost finds the post :id for the ownership guards, which decide on
// its author and hand it to the handler.
func (s *server) loadPost(c fiber.Ctx) (guard.Loaded, error) {
	post, err := s.app.Posts.Get(c.Context(), c.Params("id"))
	if err != nil {
		return guard.Loaded{}, blog.HTTPError(err)
	}
	return guard.Loaded{Resource: post.Resource(), Value: post}, nil
}

// createPost answers POST /posts with the post, by the caller.
func (s *server) createPost(c fiber.Ctx) error {
	var in blog.PostInput
	if err := fiberadapter.ReadJSON(c, &in); err != nil {
		return s.fail(c, err)
	}
	caller, _ := fiberadapter.SubjectFrom(c)
	post, err := s.app.Posts.Create(c.Context(), caller.ID, in)
	if err != nil {
		return s.fail(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(post)
}

// updatePost answers PUT /posts/:id with the post its guard loaded,
// changed.
func (s *server) updatePost(c fiber.Ctx) error {
	var in blog.PostInput
	if err := fiberadapter.ReadJSON(c, &in); err != nil {
		return s.fail(c, err)
	}
	post, _ := fiberadapter.Loaded[blog.Post](c)
	post, err := s.app.Posts.Update(c.Context(), post, in)
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(post)
}

// deletePost answers DELETE /posts/:id: the post its guard loaded is
// deleted.
func (s *server) deletePost(c fiber.Ctx) error {
	post, _ := fiberadapter.Loaded[blog.Post](c)
	if err := s.app.Posts.Delete(blog.AsActor(c.Context(), s.actor(c)), post); err != nil {
		return s.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// loadReadablePost finds the post :id for the guards of its editors and
// its access list, as the caller may read it: a draft the caller may not
// read is 404, as GET /posts/:id answers, before any 403.
func (s *server) loadReadablePost(c fiber.Ctx) (guard.Loaded, error) {
	caller, _ := fiberadapter.SubjectFrom(c)
	post, err := s.app.Posts.Read(c.Context(), caller, c.Params("id"))
	if err != nil {
		return guard.Loaded{}, blog.HTTPError(err)
	}
	return guard.Loaded{Resource: post.Resource(), Value: post}, nil
}

// shareWithEditor answers PUT /posts/:id/editors/:user_id: the user edits
// the post its guard loaded, from their next request. Sharing again, or
// with the post's author, changes nothing; 404 for no such user.
func (s *server) shareWithEditor(c fiber.Ctx) error {
	post, _ := fiberadapter.Loaded[blog.Post](c)
	if err := s.app.Posts.Share(blog.AsActor(c.Context(), s.actor(c)), post, userParam(c)); err != nil {
		return s.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// removeEditor answers DELETE /posts/:id/editors/:user_id: the user no
// longer edits the post; 404 when they did not.
func (s *server) removeEditor(c fiber.Ctx) error {
	post, _ := fiberadapter.Loaded[blog.Post](c)
	if err := s.app.Posts.Unshare(blog.AsActor(c.Context(), s.actor(c)), post, userParam(c)); err != nil {
		return s.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// userParam is the :user_id of the path, unescaped as net/http and Gin
// unescape path values (Fiber leaves them as sent), and copied: Fiber's
// parameters alias the connection's buffer, which the next request on it
// overwrites, and the id becomes a line of the policy. gatehouse copies
// what it keeps too; the copy here keeps the handler right whatever it
// calls.
func userParam(c fiber.Ctx) string {
	raw := c.Params("user_id")
	id, err := url.PathUnescape(raw)
	if err != nil {
		id = raw // a malformed escape names no user: 404
	}
	return strings.Clone(id)
}

// postAccess answers GET /posts/:id/access: who may do what to the post
// its guard loaded, and why.
func (s *server) postAccess(c fiber.Ctx) error {
	post, _ := fiberadapter.Loaded[blog.Post](c)
	access, err := s.app.Posts.Access(c.Context(), post)
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(access)
}

// listUsers answers GET /admin/users with every account and its roles.
func (s *server) listUsers(c fiber.Ctx) error {
	users, err := s.app.Admin.Users(c.Context())
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(fiber.Map{"users": users})
}

// setUserRoles answers PUT /admin/users/:id/roles: the user's roles
// become those given, and the user's next request, with the credential
// already held, is judged by them.
func (s *server) setUserRoles(c fiber.Ctx) error {
	var in blog.RolesInput
	if err := fiberadapter.ReadJSON(c, &in); err != nil {
		return s.fail(c, err)
	}
	id := c.Params("id")
	roles, err := s.app.Admin.SetRoles(c.Context(), s.actor(c), id, in)
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(fiber.Map{"id": id, "roles": roles})
}

// deleteUser answers DELETE /admin/users/:id: every credential of the
// user dies at once, and the account goes.
func (s *server) deleteUser(c fiber.Ctx) error {
	if err := s.app.Admin.DeleteUser(c.Context(), s.actor(c), c.Params("id")); err != nil {
		return s.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// policy answers GET /admin/policy with every grant, role assignment and
// relation.
func (s *server) policy(c fiber.Ctx) error {
	policy, err := s.app.Admin.Policy(c.Context())
	if err != nil {
		return s.fail(c, err)
	}
	return c.JSON(policy)
}

// addGrant answers POST /admin/policy/grants with the grant added.
func (s *server) addGrant(c fiber.Ctx) error {
	var in blog.GrantInput
	if err := fiberadapter.ReadJSON(c, &in); err != nil {
		return s.fail(c, err)
	}
	grant, err := s.app.Admin.AddGrant(c.Context(), s.actor(c), in)
	if err != nil {
		return s.fail(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(grant)
}

// removeGrant answers DELETE /admin/policy/grants: the grant is removed.
func (s *server) removeGrant(c fiber.Ctx) error {
	var in blog.GrantInput
	if err := fiberadapter.ReadJSON(c, &in); err != nil {
		return s.fail(c, err)
	}
	if err := s.app.Admin.RemoveGrant(c.Context(), s.actor(c), in); err != nil {
		return s.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// actor is the id of the caller, whom the policy's history names as who
// made the edits of the request.
func (s *server) actor(c fiber.Ctx) string {
	caller, _ := fiberadapter.SubjectFrom(c)
	return caller.ID
}
