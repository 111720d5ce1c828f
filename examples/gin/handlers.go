package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	ginadapter "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// server holds what the handlers need: the blog, and the middleware to ask
// who the caller is and to write refusals.
type server struct {
	app *blog.App
	mw  *ginadapter.Middleware
}

// health answers GET /healthz: 200 when this replica can serve, 503 when
// it cannot (see blog.App.Ready), for a load balancer.
func (s *server) health(c *gin.Context) {
	if err := s.app.Ready(c.Request.Context()); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// page answers GET /passkeys and its assets (blog.PagePaths).
func (s *server) page(c *gin.Context) {
	body, contentType, ok := blog.Page(c.Request.URL.Path)
	if !ok {
		s.fail(c, guard.ErrNotFound)
		return
	}
	for k, v := range blog.PageHeaders {
		c.Header(k, v)
	}
	c.Data(http.StatusOK, contentType, body)
}

// listPosts answers GET /posts: the published posts and those the policy
// lets the caller read, found with one query from the caller's list
// filter. Anonymous callers, whose filter finds nothing more, see titles.
func (s *server) listPosts(c *gin.Context) {
	filter, ok := s.mw.Filter(c, permissions.PostsRead)
	if !ok {
		return
	}
	posts, err := s.app.Posts.ListVisible(c.Request.Context(), filter)
	if err != nil {
		s.fail(c, err)
		return
	}
	if caller, _ := ginadapter.SubjectFrom(c); caller.IsZero() {
		c.JSON(http.StatusOK, gin.H{"posts": blog.Titles(posts)})
		return
	}
	c.JSON(http.StatusOK, gin.H{"posts": posts})
}

// getPost answers GET /posts/:id: a published post, or a draft the caller
// may read; 404 for any other.
func (s *server) getPost(c *gin.Context) {
	caller, _ := ginadapter.SubjectFrom(c)
	post, err := s.app.Posts.Read(c.Request.Context(), caller, c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, post)
}

// loadPost finds the post :id for the ownership guards, which decide on
// its author and hand it to the handler.
func (s *server) loadPost(c *gin.Context) (guard.Loaded, error) {
	post, err := s.app.Posts.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return guard.Loaded{}, blog.HTTPError(err)
	}
	return guard.Loaded{Resource: post.Resource(), Value: post}, nil
}

// createPost answers POST /posts with the post, by the caller.
func (s *server) createPost(c *gin.Context) {
	var in blog.PostInput
	if !s.decode(c, &in) {
		return
	}
	caller, _ := ginadapter.SubjectFrom(c)
	post, err := s.app.Posts.Create(c.Request.Context(), caller.ID, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, post)
}

// updatePost answers PUT /posts/:id with the post its guard loaded,
// changed.
func (s *server) updatePost(c *gin.Context) {
	var in blog.PostInput
	if !s.decode(c, &in) {
		return
	}
	post, _ := ginadapter.Loaded[blog.Post](c)
	post, err := s.app.Posts.Update(c.Request.Context(), post, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, post)
}

// deletePost answers DELETE /posts/:id: the post its guard loaded is
// deleted.
func (s *server) deletePost(c *gin.Context) {
	post, _ := ginadapter.Loaded[blog.Post](c)
	if err := s.app.Posts.Delete(blog.AsActor(c.Request.Context(), s.actor(c)), post); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// loadReadablePost finds the post :id for the guards of its editors and
// its access list, as the caller may read it: a draft the caller may not
// read is 404, as GET /posts/:id answers, before any 403.
func (s *server) loadReadablePost(c *gin.Context) (guard.Loaded, error) {
	caller, _ := ginadapter.SubjectFrom(c)
	post, err := s.app.Posts.Read(c.Request.Context(), caller, c.Param("id"))
	if err != nil {
		return guard.Loaded{}, blog.HTTPError(err)
	}
	return guard.Loaded{Resource: post.Resource(), Value: post}, nil
}

// shareWithEditor answers PUT /posts/:id/editors/:user_id: the user edits
// the post its guard loaded, from their next request. Sharing again, or
// with the post's author, changes nothing; 404 for no such user.
func (s *server) shareWithEditor(c *gin.Context) {
	post, _ := ginadapter.Loaded[blog.Post](c)
	if err := s.app.Posts.Share(blog.AsActor(c.Request.Context(), s.actor(c)), post, c.Param("user_id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// removeEditor answers DELETE /posts/:id/editors/:user_id: the user no
// longer edits the post; 404 when they did not.
func (s *server) removeEditor(c *gin.Context) {
	post, _ := ginadapter.Loaded[blog.Post](c)
	if err := s.app.Posts.Unshare(blog.AsActor(c.Request.Context(), s.actor(c)), post, c.Param("user_id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// postAccess answers GET /posts/:id/access: who may do what to the post
// its guard loaded, and why.
func (s *server) postAccess(c *gin.Context) {
	post, _ := ginadapter.Loaded[blog.Post](c)
	access, err := s.app.Posts.Access(c.Request.Context(), post)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, access)
}

// listUsers answers GET /admin/users with every account and its roles.
func (s *server) listUsers(c *gin.Context) {
	users, err := s.app.Admin.Users(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"users": users})
}

// setUserRoles answers PUT /admin/users/:id/roles: the user's roles
// become those given, and the user's next request, with the credential
// already held, is judged by them.
func (s *server) setUserRoles(c *gin.Context) {
	var in blog.RolesInput
	if !s.decode(c, &in) {
		return
	}
	id := c.Param("id")
	roles, err := s.app.Admin.SetRoles(c.Request.Context(), s.actor(c), id, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "roles": roles})
}

// deleteUser answers DELETE /admin/users/:id: every credential of the
// user dies at once, and the account goes.
func (s *server) deleteUser(c *gin.Context) {
	if err := s.app.Admin.DeleteUser(c.Request.Context(), s.actor(c), c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// policy answers GET /admin/policy with every grant, role assignment and
// relation.
func (s *server) policy(c *gin.Context) {
	policy, err := s.app.Admin.Policy(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, policy)
}

// addGrant answers POST /admin/policy/grants with the grant added.
func (s *server) addGrant(c *gin.Context) {
	var in blog.GrantInput
	if !s.decode(c, &in) {
		return
	}
	grant, err := s.app.Admin.AddGrant(c.Request.Context(), s.actor(c), in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, grant)
}

// removeGrant answers DELETE /admin/policy/grants: the grant is removed.
func (s *server) removeGrant(c *gin.Context) {
	var in blog.GrantInput
	if !s.decode(c, &in) {
		return
	}
	if err := s.app.Admin.RemoveGrant(c.Request.Context(), s.actor(c), in); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// actor is the id of the caller, whom the policy's history names as who
// made the edits of the request.
func (s *server) actor(c *gin.Context) string {
	caller, _ := ginadapter.SubjectFrom(c)
	return caller.ID
}
