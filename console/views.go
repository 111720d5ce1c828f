package console

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
)

// roleView is a role as the overview lists it.
type roleView struct {
	Name string
	// Inherits are the roles it holds directly, in the page's tenant.
	Inherits []string
	// Members counts the subjects and roles that hold it directly.
	Members int
	// Effective are the grants that apply to it: its own and those of every
	// role it inherits, in policy order.
	Effective []grantView
}

// grantView is a grant as pages show it.
type grantView struct {
	authz.Grant
	Line string // as written in a policy file
}

// subjectView is a subject with its roles.
type subjectView struct {
	Name        string
	Assignments []authz.RoleAssignment
	// Effective are the roles it holds, directly or not.
	Effective []string
}

// relationView is a relation as pages show it.
type relationView struct {
	authz.Relation
	Line string
}

// snapshot is the policy and what the views read of it.
type snapshot struct {
	policy   authz.Policy
	roles    []string // sorted
	subjects []string // sorted
}

// snapshot reads the policy and tells its roles from its subjects.
func (c *Console) snapshot(ctx context.Context) (snapshot, error) {
	p, err := c.cfg.Engine.Policy(ctx)
	if err != nil {
		return snapshot{}, err
	}
	roles := map[string]bool{}
	for _, ra := range p.Roles {
		roles[ra.Role] = true
	}
	for _, rel := range p.Relations {
		roles[rel.Role] = true
	}
	for _, g := range p.Grants {
		if !c.isSubject(g.Subject) {
			roles[g.Subject] = true
		}
	}
	subjects := map[string]bool{}
	for _, ra := range p.Roles {
		if c.isSubject(ra.Member) || (c.cfg.IsSubject == nil && !roles[ra.Member]) {
			subjects[ra.Member] = true
		}
	}
	for name := range subjects {
		delete(roles, name)
	}
	s := snapshot{policy: p}
	for name := range roles {
		s.roles = append(s.roles, name)
	}
	for name := range subjects {
		s.subjects = append(s.subjects, name)
	}
	slices.Sort(s.roles)
	slices.Sort(s.subjects)
	return s, nil
}

// isSubject reports whether name is a subject by Config.IsSubject.
func (c *Console) isSubject(name string) bool {
	return c.cfg.IsSubject != nil && c.cfg.IsSubject(name)
}

// scope is the engine's view of the page's tenant.
type scope interface {
	Permissions(ctx context.Context, subject string) ([]authz.Grant, error)
	Roles(ctx context.Context, subject string) ([]string, error)
	AssignedRoles(ctx context.Context, subject string) ([]string, error)
	Decide(ctx context.Context, req authz.Request) (authz.Decision, error)
}

// scope returns the engine in the visit's tenant, or at the platform's
// level.
func (c *Console) scope(v *visit) scope {
	if v.tenant != "" {
		return c.cfg.Engine.Tenant(v.tenant)
	}
	return c.cfg.Engine
}

func grantViews(grants []authz.Grant) []grantView {
	out := make([]grantView, len(grants))
	for i, g := range grants {
		out[i] = grantView{Grant: g, Line: g.String()}
	}
	return out
}

// overview answers the console's first page: the roles, each with what
// it inherits and the grants that apply to it, and every grant, with the
// grant editor.
func (c *Console) overview(w http.ResponseWriter, r *http.Request, v *visit) {
	p := c.newPage(r, v, "Roles and grants", "roles")
	if !c.fillOverview(r.Context(), p, v) {
		c.unavailable(w, r, v)
		return
	}
	c.render(w, r, http.StatusOK, "overview.html", p)
}

// fillOverview reads what the overview shows into p; false when the
// engine could not answer.
func (c *Console) fillOverview(ctx context.Context, p *page, v *visit) bool {
	s, err := c.snapshot(ctx)
	if err != nil {
		c.cfg.Logger.Error("console: read the policy", "error", err)
		return false
	}
	sc := c.scope(v)
	members := map[string]int{}
	for _, ra := range s.policy.Roles {
		members[ra.Role]++
	}
	for i, name := range s.roles {
		if i == MaxListed {
			p.More = len(s.roles) - MaxListed
			break
		}
		inherits, err := sc.AssignedRoles(ctx, name)
		if err != nil {
			return false
		}
		effective, err := sc.Permissions(ctx, name)
		if err != nil {
			return false
		}
		p.Roles = append(p.Roles, roleView{Name: name, Inherits: inherits, Members: members[name], Effective: grantViews(effective)})
	}
	p.Grants = grantViews(s.policy.Grants)
	return true
}

// subjects answers the subjects page: each subject with its roles,
// narrowed by the search q, with the role-assignment editor.
func (c *Console) subjects(w http.ResponseWriter, r *http.Request, v *visit) {
	p := c.newPage(r, v, "Subjects and their roles", "subjects")
	if !c.fillSubjects(r.Context(), p, v, r.URL.Query().Get("q")) {
		c.unavailable(w, r, v)
		return
	}
	c.render(w, r, http.StatusOK, "subjects.html", p)
}

// fillSubjects reads the subjects matching q into p.
func (c *Console) fillSubjects(ctx context.Context, p *page, v *visit, q string) bool {
	s, err := c.snapshot(ctx)
	if err != nil {
		c.cfg.Logger.Error("console: read the policy", "error", err)
		return false
	}
	p.Query = q
	needle := strings.ToLower(strings.TrimSpace(q))
	sc := c.scope(v)
	for _, name := range s.subjects {
		if needle != "" && !strings.Contains(strings.ToLower(name), needle) {
			continue
		}
		if len(p.Subjects) == MaxListed {
			p.More++
			continue
		}
		sv := subjectView{Name: name}
		for _, ra := range s.policy.Roles {
			if ra.Member == name {
				sv.Assignments = append(sv.Assignments, ra)
			}
		}
		if sv.Effective, err = sc.Roles(ctx, name); err != nil {
			return false
		}
		p.Subjects = append(p.Subjects, sv)
	}
	return true
}

// resources answers the resources page: the relations subjects hold on
// single resources, and which resources are inside which, narrowed to
// one resource by the query's name.
func (c *Console) resources(w http.ResponseWriter, r *http.Request, v *visit) {
	p := c.newPage(r, v, "Relations on resources", "resources")
	policy, err := c.cfg.Engine.Policy(r.Context())
	if err != nil {
		c.unavailable(w, r, v)
		return
	}
	p.Resource = strings.TrimSpace(r.URL.Query().Get("name"))
	for _, rel := range policy.Relations {
		if p.Resource != "" && rel.Resource != p.Resource {
			continue
		}
		if len(p.Relations) == MaxListed {
			p.More++
			continue
		}
		p.Relations = append(p.Relations, relationView{Relation: rel, Line: rel.String()})
	}
	for _, parent := range policy.Parents {
		if p.Resource == "" || parent.Resource == p.Resource || parent.Parent == p.Resource {
			p.Parents = append(p.Parents, parent)
		}
	}
	c.render(w, r, http.StatusOK, "resources.html", p)
}

// download answers policy.csv: the whole policy as a policy file, which
// gatehouse's command line reads (gatehouse lint, test, check --policy)
// and an engine imports.
func (c *Console) download(w http.ResponseWriter, r *http.Request, v *visit) {
	policy, err := c.cfg.Engine.Policy(r.Context())
	if err != nil {
		c.unavailable(w, r, v)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="policy.csv"`)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(policy.String()))
	}
}

// subjectDetail answers one subject's page: the roles assigned to it, those
// it holds through them, and every grant that applies to it, with the role
// each comes from.
func (c *Console) subjectDetail(w http.ResponseWriter, r *http.Request, v *visit) {
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	p := c.newPage(r, v, "Subject "+name, "subjects")
	if name == "" {
		c.fail(w, r, v, http.StatusBadRequest, "Name a subject: subject?name=…")
		return
	}
	s, err := c.snapshot(r.Context())
	if err != nil {
		c.unavailable(w, r, v)
		return
	}
	sc := c.scope(v)
	sv := subjectView{Name: name}
	for _, ra := range s.policy.Roles {
		if ra.Member == name {
			sv.Assignments = append(sv.Assignments, ra)
		}
	}
	effective, err := sc.Permissions(r.Context(), name)
	if err == nil {
		sv.Effective, err = sc.Roles(r.Context(), name)
	}
	if err != nil {
		c.fail(w, r, v, http.StatusBadRequest, "No answer for this subject: "+err.Error())
		return
	}
	p.Subjects, p.Grants = []subjectView{sv}, grantViews(effective)
	for _, rel := range s.policy.Relations {
		if rel.Subject == name {
			p.Relations = append(p.Relations, relationView{Relation: rel, Line: rel.String()})
		}
	}
	c.render(w, r, http.StatusOK, "subject.html", p)
}
