package main

import (
	"net/http"
	"strconv"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authz"
)

// projectInput is the body of POST and PATCH on projects.
type projectInput struct {
	Name string `json:"name"`
}

// listProjects answers GET /orgs/{org}/projects: the organization's
// projects the caller may read, found with one query from the caller's
// list filter in the organization. WhereTenant keeps every other
// organization's rows out, and a grant with scope "own" (a guest's) keeps
// out the rows of others.
func (s *server) listProjects(w http.ResponseWriter, r *http.Request) {
	filter, ok := s.org.Filter(w, r, permProjectsRead)
	if !ok {
		return
	}
	if err := s.checkOrg(r.Context(), filter.Tenant); err != nil {
		s.fail(w, r, err)
		return
	}
	where, args, err := filter.WhereTenant("org", "owner_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	projects, err := s.store.listProjects(r.Context(), where, args)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": projects})
}

// createProject answers POST /orgs/{org}/projects {"name": …}: a project
// of the organization, owned by the caller.
func (s *server) createProject(w http.ResponseWriter, r *http.Request) {
	var in projectInput
	if !s.decode(w, r, &in) {
		return
	}
	if err := checkProjectName(in.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	p := project{Org: orgOf(r), OwnerID: callerOf(r), Name: in.Name}
	if err := s.store.createProject(r.Context(), &p); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// loadProject finds the project {id} of the request's organization for
// the ownership guards, which decide on its owner.
func (s *server) loadProject(r *http.Request) (guard.Loaded, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return guard.Loaded{}, guard.BadRequest("a project's id is a positive number")
	}
	p, err := s.store.project(r.Context(), orgOf(r), id)
	if err != nil {
		return guard.Loaded{}, err
	}
	return guard.Loaded{Resource: authz.Resource{Type: "projects", ID: strconv.FormatInt(p.ID, 10), Owner: p.OwnerID}, Value: p}, nil
}

// getProject answers GET /orgs/{org}/projects/{id}.
func (s *server) getProject(w http.ResponseWriter, r *http.Request) {
	p, _ := httpadapter.Loaded[project](r)
	writeJSON(w, http.StatusOK, p)
}

// renameProject answers PATCH /orgs/{org}/projects/{id} {"name": …}.
func (s *server) renameProject(w http.ResponseWriter, r *http.Request) {
	var in projectInput
	if !s.decode(w, r, &in) {
		return
	}
	if err := checkProjectName(in.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	p, _ := httpadapter.Loaded[project](r)
	if err := s.store.renameProject(r.Context(), &p, in.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// deleteProject answers DELETE /orgs/{org}/projects/{id}.
func (s *server) deleteProject(w http.ResponseWriter, r *http.Request) {
	p, _ := httpadapter.Loaded[project](r)
	if err := s.store.deleteProject(r.Context(), p); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
