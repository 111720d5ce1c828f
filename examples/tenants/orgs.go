package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// The API's own refusals of membership edits.
var (
	errBadOrgName = guard.BadRequest("an organization's name is 1 to 40 lowercase letters, digits and inner hyphens")
	errOrgTaken   = &guard.Error{Status: http.StatusConflict, Code: guard.CodeConflict, Message: "an organization with this name exists"}
	errBadRole    = guard.BadRequest("roles are " + strings.Join(orgRoles, ", "))
	errNoRoles    = guard.BadRequest("give at least one role; DELETE removes a member")
	errIsMember   = &guard.Error{Status: http.StatusConflict, Code: guard.CodeConflict,
		Message: "already a member; PUT /orgs/{org}/members/{id} changes the roles"}
	errLastOwner = &guard.Error{Status: http.StatusConflict, Code: guard.CodeConflict,
		Message: "an organization keeps at least one owner: make another owner first"}
	errNoAccount = fmt.Errorf("no account with this email: %w", guard.ErrNotFound)
	errNoMember  = fmt.Errorf("no such member: %w", guard.ErrNotFound)
)

// orgView is an organization as the API shows it, with the caller's roles
// there when listed for the caller.
type orgView struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Roles     []string  `json:"roles,omitempty"`
}

// memberView is a member as the API shows it.
type memberView struct {
	ID    string   `json:"id"`
	Email string   `json:"email,omitempty"`
	Name  string   `json:"name,omitempty"`
	Roles []string `json:"roles"`
}

// callerOf returns the authenticated caller's id.
func callerOf(r *http.Request) string {
	caller, _ := httpadapter.SubjectFrom(r.Context())
	return caller.ID
}

// orgOf returns the organization the org middleware admitted the caller
// to.
func orgOf(r *http.Request) string {
	name, _ := httpadapter.Tenant(r)
	return name
}

// checkOrg returns errNoOrg unless the organization name exists. The org
// middleware admits every member of a tenant, and tenants are wider than
// organizations: an operator is a member of every tenant, an admin of
// acme of the tenants below it ("acme/eu").
func (s *server) checkOrg(ctx context.Context, name string) error {
	ok, err := s.store.orgExists(ctx, name)
	if err == nil && !ok {
		err = errNoOrg
	}
	return err
}

// existing serves next only in an organization that exists (see checkOrg).
func (s *server) existing(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkOrg(r.Context(), orgOf(r)); err != nil {
			s.fail(w, r, err)
			return
		}
		next(w, r)
	})
}

// myOrgs answers GET /orgs: the organizations the caller belongs to, with
// the roles held in each.
func (s *server) myOrgs(w http.ResponseWriter, r *http.Request) {
	caller := callerOf(r)
	tenants, err := s.engine.Tenants(r.Context(), caller)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// An operator's "*" is every organization, not one of them.
	tenants = slices.DeleteFunc(tenants, func(t string) bool { return t == authz.AllTenants })
	orgs, err := s.store.orgs(r.Context(), tenants)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]orgView, 0, len(orgs))
	for _, o := range orgs {
		roles, err := s.engine.Tenant(o.Name).AssignedRoles(r.Context(), caller)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = append(out, orgView{Name: o.Name, CreatedAt: o.CreatedAt, Roles: roles})
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgs": out})
}

// createOrg answers POST /orgs {"name": …}: a new organization, whose
// creator is its owner.
func (s *server) createOrg(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if !orgName.MatchString(in.Name) {
		s.fail(w, r, errBadOrgName)
		return
	}
	o, err := s.store.createOrg(r.Context(), in.Name)
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		err = errOrgTaken
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.engine.Tenant(o.Name).AssignRole(r.Context(), callerOf(r), roleOwner); err != nil {
		// An organization nobody holds a role in would be lost to all but
		// the operator: take it back.
		s.fail(w, r, errors.Join(err, s.store.deleteOrg(context.WithoutCancel(r.Context()), o.Name)))
		return
	}
	writeJSON(w, http.StatusCreated, orgView{Name: o.Name, CreatedAt: o.CreatedAt, Roles: []string{roleOwner}})
}

// allOrgs answers GET /admin/orgs, for operators: every organization.
func (s *server) allOrgs(w http.ResponseWriter, r *http.Request) {
	orgs, err := s.store.orgs(r.Context(), nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]orgView, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, orgView{Name: o.Name, CreatedAt: o.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgs": out})
}

// deleteOrg answers DELETE /orgs/{org}, for its owners and operators: the
// organization's rules go in one atomic edit of the policy, then its rows.
// Rules go first, so that the name is free only once nobody holds a role
// under it; if the rows cannot go, the organization stays, without
// members, until the request is made again.
func (s *server) deleteOrg(w http.ResponseWriter, r *http.Request) {
	name := orgOf(r)
	if err := s.engine.RemoveTenant(r.Context(), name); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.deleteOrg(r.Context(), name); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listMembers answers GET /orgs/{org}/members: each member with the roles
// assigned in the organization.
func (s *server) listMembers(w http.ResponseWriter, r *http.Request) {
	memberships, err := s.engine.Tenant(orgOf(r)).Memberships(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]memberView, 0, len(memberships))
	for _, m := range memberships {
		v, err := s.member(r.Context(), m.Subject, m.Roles)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
}

// member returns the view of the member id holding roles, with the
// account's email and name when it still exists.
func (s *server) member(ctx context.Context, id string, roles []string) (memberView, error) {
	v := memberView{ID: id, Roles: roles}
	u, err := s.users.Get(ctx, id)
	switch {
	case errors.Is(err, users.ErrNotFound):
		return v, nil
	case err != nil:
		return v, err
	}
	v.Email, v.Name = u.Email, u.Name
	return v, nil
}

// addMember answers POST /orgs/{org}/members {"email": …, "role": …}: the
// account with that email joins the organization with the role. Making an
// owner takes owners:write besides members:write.
func (s *server) addMember(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if !isOrgRole(in.Role) {
		s.fail(w, r, errBadRole)
		return
	}
	u, err := s.users.GetByEmail(r.Context(), in.Email)
	switch {
	case errors.Is(err, users.ErrInvalidEmail):
		err = guard.BadRequestFor(err, "malformed email")
	case errors.Is(err, users.ErrNotFound):
		err = errNoAccount
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.members.Lock()
	defer s.members.Unlock()
	org := s.engine.Tenant(orgOf(r))
	current, err := org.AssignedRoles(r.Context(), u.ID)
	if err == nil && len(current) > 0 {
		err = errIsMember
	}
	if err == nil && in.Role == roleOwner {
		err = s.require(r, permOwnersWrite)
	}
	if err == nil {
		err = org.AssignRole(r.Context(), u.ID, in.Role)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, memberView{ID: u.ID, Email: u.Email, Name: u.Name, Roles: []string{in.Role}})
}

// setMemberRoles answers PUT /orgs/{org}/members/{user} {"roles": […]}:
// the member's roles in the organization become those given, in one
// atomic edit, in force from the member's next request. Changing an
// owner's roles, or making one, takes owners:write.
func (s *server) setMemberRoles(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Roles []string `json:"roles"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if len(in.Roles) == 0 {
		s.fail(w, r, errNoRoles)
		return
	}
	if slices.ContainsFunc(in.Roles, func(role string) bool { return !isOrgRole(role) }) {
		s.fail(w, r, errBadRole)
		return
	}
	s.changeMember(w, r, in.Roles)
}

// removeMember answers DELETE /orgs/{org}/members/{user}: the member
// loses every role in the organization, and with them access to it.
// Removing an owner takes owners:write.
func (s *server) removeMember(w http.ResponseWriter, r *http.Request) {
	s.changeMember(w, r, nil)
}

// changeMember makes roles the roles of the member {user}, none to remove
// it, and answers with the member, or 204 when removed.
func (s *server) changeMember(w http.ResponseWriter, r *http.Request, roles []string) {
	id := r.PathValue("user")
	if !users.IsID(id) {
		s.fail(w, r, errNoMember)
		return
	}
	s.members.Lock()
	defer s.members.Unlock()
	org := s.engine.Tenant(orgOf(r))
	current, err := org.AssignedRoles(r.Context(), id)
	if err == nil && len(current) == 0 {
		err = errNoMember
	}
	wasOwner, isOwner := slices.Contains(current, roleOwner), slices.Contains(roles, roleOwner)
	if err == nil && (wasOwner || isOwner) {
		err = s.require(r, permOwnersWrite)
	}
	if err == nil && wasOwner && !isOwner {
		err = s.keepAnOwner(r.Context(), org)
	}
	if err == nil {
		err = org.SetRoles(r.Context(), id, roles)
	}
	if err == nil && roles != nil {
		current, err = org.AssignedRoles(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if roles == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	v, err := s.member(r.Context(), id, current)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// keepAnOwner refuses to take the owner role from a member when that
// would leave the organization without an owner.
func (s *server) keepAnOwner(ctx context.Context, org authz.Tenant) error {
	owners, err := org.Members(ctx, roleOwner)
	if err == nil && len(owners) < 2 {
		err = errLastOwner
	}
	return err
}

// require returns the 403 of the caller who may not perm in the
// organization of r, for a check that depends on the request's body.
func (s *server) require(r *http.Request, perm permissions.Permission) error {
	d, err := s.engine.Tenant(orgOf(r)).Decide(r.Context(), authz.Request{Subject: callerOf(r), Permission: perm})
	if err == nil && !d.Allowed {
		err = &guard.Error{Status: http.StatusForbidden, Code: guard.CodeForbidden, Message: "you may not " + string(perm)}
	}
	return err
}
