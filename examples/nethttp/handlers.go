package main

import (
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// server holds what the handlers need: the blog, and the middleware to ask
// who the caller is and to write refusals.
type server struct {
	app *blog.App
	mw  *httpadapter.Middleware
}

// health answers GET /healthz: 200 when this replica can serve, 503 when
// it cannot (see blog.App.Ready), for a load balancer.
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.app.Ready(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// page answers GET /passkeys and its assets (blog.PagePaths).
func (s *server) page(w http.ResponseWriter, r *http.Request) {
	body, contentType, ok := blog.Page(r.URL.Path)
	if !ok {
		s.notFound(w, r)
		return
	}
	for k, v := range blog.PageHeaders {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write(body)
}

// listPosts answers GET /posts: the published posts and those the policy
// lets the caller read, found with one query from the caller's list
// filter. Anonymous callers, whose filter finds nothing more, see titles.
func (s *server) listPosts(w http.ResponseWriter, r *http.Request) {
	filter, ok := s.mw.Filter(w, r, permissions.PostsRead)
	if !ok {
		return
	}
	posts, err := s.app.Posts.ListVisible(r.Context(), filter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if caller, _ := httpadapter.SubjectFrom(r.Context()); caller.IsZero() {
		writeJSON(w, http.StatusOK, map[string]any{"posts": blog.Titles(posts)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": posts})
}

// getPost answers GET /posts/{id}: a published post, or a draft the
// caller may read; 404 for any other.
func (s *server) getPost(w http.ResponseWriter, r *http.Request) {
	caller, _ := httpadapter.SubjectFrom(r.Context())
	post, err := s.app.Posts.Read(r.Context(), caller, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, post)
}

// loadPost finds the post {id} for the ownership guards, which decide on
// its author and hand it to the handler.
func (s *server) loadPost(r *http.Request) (guard.Loaded, error) {
	post, err := s.app.Posts.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return guard.Loaded{}, blog.HTTPError(err)
	}
	return guard.Loaded{Resource: post.Resource(), Value: post}, nil
}

// createPost answers POST /posts with the post, by the caller.
func (s *server) createPost(w http.ResponseWriter, r *http.Request) {
	var in blog.PostInput
	if !s.decode(w, r, &in) {
		return
	}
	caller, _ := httpadapter.SubjectFrom(r.Context())
	post, err := s.app.Posts.Create(r.Context(), caller.ID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, post)
}

// updatePost answers PUT /posts/{id} with the post its guard loaded,
// changed.
func (s *server) updatePost(w http.ResponseWriter, r *http.Request) {
	var in blog.PostInput
	if !s.decode(w, r, &in) {
		return
	}
	post, _ := httpadapter.Loaded[blog.Post](r)
	post, err := s.app.Posts.Update(r.Context(), post, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, post)
}

// deletePost answers DELETE /posts/{id}: the post its guard loaded is
// deleted.
func (s *server) deletePost(w http.ResponseWriter, r *http.Request) {
	post, _ := httpadapter.Loaded[blog.Post](r)
	if err := s.app.Posts.Delete(blog.AsActor(r.Context(), s.actor(r)), post); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// loadReadablePost finds the post {id} for the guards of its editors and
// its access list, as the caller may read it: a draft the caller may not
// read is 404, as GET /posts/{id} answers, before any 403.
func (s *server) loadReadablePost(r *http.Request) (guard.Loaded, error) {
	caller, _ := httpadapter.SubjectFrom(r.Context())
	post, err := s.app.Posts.Read(r.Context(), caller, r.PathValue("id"))
	if err != nil {
		return guard.Loaded{}, blog.HTTPError(err)
	}
	return guard.Loaded{Resource: post.Resource(), Value: post}, nil
}

// shareWithEditor answers PUT /posts/{id}/editors/{user_id}: the user
// edits the post its guard loaded, from their next request. Sharing again,
// or with the post's author, changes nothing; 404 for no such user.
func (s *server) shareWithEditor(w http.ResponseWriter, r *http.Request) {
	post, _ := httpadapter.Loaded[blog.Post](r)
	if err := s.app.Posts.Share(blog.AsActor(r.Context(), s.actor(r)), post, r.PathValue("user_id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// removeEditor answers DELETE /posts/{id}/editors/{user_id}: the user no
// longer edits the post; 404 when they did not.
func (s *server) removeEditor(w http.ResponseWriter, r *http.Request) {
	post, _ := httpadapter.Loaded[blog.Post](r)
	if err := s.app.Posts.Unshare(blog.AsActor(r.Context(), s.actor(r)), post, r.PathValue("user_id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// postAccess answers GET /posts/{id}/access: who may do what to the post
// its guard loaded, and why.
func (s *server) postAccess(w http.ResponseWriter, r *http.Request) {
	post, _ := httpadapter.Loaded[blog.Post](r)
	access, err := s.app.Posts.Access(r.Context(), post)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, access)
}

// listUsers answers GET /admin/users with every account and its roles.
func (s *server) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.app.Admin.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

// setUserRoles answers PUT /admin/users/{id}/roles: the user's roles
// become those given, and the user's next request, with the credential
// already held, is judged by them.
func (s *server) setUserRoles(w http.ResponseWriter, r *http.Request) {
	var in blog.RolesInput
	if !s.decode(w, r, &in) {
		return
	}
	id := r.PathValue("id")
	roles, err := s.app.Admin.SetRoles(r.Context(), s.actor(r), id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "roles": roles})
}

// deleteUser answers DELETE /admin/users/{id}: every credential of the
// user dies at once, and the account goes.
func (s *server) deleteUser(w http.ResponseWriter, r *http.Request) {
	if err := s.app.Admin.DeleteUser(r.Context(), s.actor(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// policy answers GET /admin/policy with every grant, role assignment and
// relation.
func (s *server) policy(w http.ResponseWriter, r *http.Request) {
	policy, err := s.app.Admin.Policy(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, policy)
}

// addGrant answers POST /admin/policy/grants with the grant added.
func (s *server) addGrant(w http.ResponseWriter, r *http.Request) {
	var in blog.GrantInput
	if !s.decode(w, r, &in) {
		return
	}
	grant, err := s.app.Admin.AddGrant(r.Context(), s.actor(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, grant)
}

// removeGrant answers DELETE /admin/policy/grants: the grant is removed.
func (s *server) removeGrant(w http.ResponseWriter, r *http.Request) {
	var in blog.GrantInput
	if !s.decode(w, r, &in) {
		return
	}
	if err := s.app.Admin.RemoveGrant(r.Context(), s.actor(r), in); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// actor is the id of the caller, whom the policy's history names as who
// made the edits of the request.
func (s *server) actor(r *http.Request) string {
	caller, _ := httpadapter.SubjectFrom(r.Context())
	return caller.ID
}
