package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// whyView is a decision explained.
type whyView struct {
	Allowed bool
	// Rule is the deciding policy line; "" when no rule matched.
	Rule string
	// Relation is the relation it applied through, if any.
	Relation string
	// Chain leads from the subject to the rule's subject: the subject,
	// the roles it holds one through the other, and the rule's role.
	Chain  []string
	Reason string
}

// why answers "Why?": the decision on subject, permission, owner, id and
// tenant of the query, with the deciding rule and the chain of roles
// that led to it.
func (c *Console) why(w http.ResponseWriter, r *http.Request, v *visit) {
	p := c.newPage(r, v, "Why?", "why")
	q := r.URL.Query()
	for _, name := range []string{"subject", "permission", "owner", "id", "tenant"} {
		p.Form[name] = strings.TrimSpace(q.Get(name))
	}
	if p.Form["subject"] == "" && p.Form["permission"] == "" {
		c.render(w, r, http.StatusOK, "why.html", p)
		return
	}
	req := authz.Request{Subject: p.Form["subject"], Tenant: p.Form["tenant"], Permission: permissions.Permission(p.Form["permission"]),
		Resource: authz.Resource{ID: p.Form["id"], Owner: p.Form["owner"]}}
	if !c.cfg.Engine.Tenanted() {
		req.Tenant = ""
	}
	d, err := c.cfg.Engine.Decide(r.Context(), req)
	if err != nil {
		status := http.StatusBadRequest
		if isUnavailable(err) {
			status = http.StatusServiceUnavailable
		}
		p.Error = "No decision: " + err.Error()
		c.render(w, r, status, "why.html", p)
		return
	}
	view := &whyView{Allowed: d.Allowed, Reason: d.Reason()}
	if d.Matched() {
		view.Rule = d.Rule.String()
		policy, err := c.cfg.Engine.Policy(r.Context())
		if err == nil {
			view.Chain = chainOf(policy, d, time.Now())
		}
	}
	if d.Relation.Subject != "" {
		view.Relation = d.Relation.String()
	}
	p.Why = view
	c.render(w, r, http.StatusOK, "why.html", p)
}

// chainOf returns how d's subject came to hold the deciding rule's
// subject: the shortest chain of role assignments, valid in the request's
// tenant and not expired at now, through the relation when the rule
// applied through one.
func chainOf(p authz.Policy, d authz.Decision, now time.Time) []string {
	from, to := d.Request.Subject, d.Rule.Subject
	if rel := d.Relation; rel.Subject != "" {
		head := rolePath(p, d.Request.Tenant, from, rel.Subject, now)
		tail := rolePath(p, d.Request.Tenant, rel.Role, to, now)
		if head == nil || tail == nil {
			return nil
		}
		head[len(head)-1] += " (holds " + rel.Role + " on " + rel.Resource + ")"
		return append(head, tail...)
	}
	return rolePath(p, d.Request.Tenant, from, to, now)
}

// rolePath is the shortest chain of role assignments from member to role,
// both included; nil when there is none.
func rolePath(p authz.Policy, tenant, member, role string, now time.Time) []string {
	if member == role {
		return []string{member}
	}
	previous := map[string]string{member: ""}
	queue := []string{member}
	for len(queue) > 0 {
		at := queue[0]
		queue = queue[1:]
		for _, ra := range p.Roles {
			if ra.Member != at || (!ra.Expires.IsZero() && !ra.Expires.After(now)) {
				continue
			}
			if ra.Tenant != "" && !authz.TenantCovers(ra.Tenant, tenant) {
				continue
			}
			if _, seen := previous[ra.Role]; seen {
				continue
			}
			previous[ra.Role] = at
			if ra.Role == role {
				path := []string{role}
				for step := at; step != ""; step = previous[step] {
					path = append(path, step)
				}
				slices.Reverse(path)
				return path
			}
			queue = append(queue, ra.Role)
		}
	}
	return nil
}

// whoCan answers "Who can?": every subject or role that may perform the
// permission on the resource of the query (its id and owner), and the rule
// that lets each.
func (c *Console) whoCan(w http.ResponseWriter, r *http.Request, v *visit) {
	p := c.newPage(r, v, "Who can?", "who")
	q := r.URL.Query()
	for _, name := range []string{"permission", "owner", "id"} {
		p.Form[name] = strings.TrimSpace(q.Get(name))
	}
	if p.Form["permission"] == "" {
		c.render(w, r, http.StatusOK, "who.html", p)
		return
	}
	answers, err := c.cfg.Engine.WhoCan(r.Context(), permissions.Permission(p.Form["permission"]),
		authz.Resource{ID: p.Form["id"], Owner: p.Form["owner"]})
	status := http.StatusOK
	switch {
	case errors.Is(err, authz.ErrUnsupportedModel):
		status, p.Error = http.StatusNotImplemented, "Who can? needs the model without tenants: ask Why? for one subject instead."
	case isUnavailable(err):
		status, p.Error = http.StatusServiceUnavailable, "No answer: "+err.Error()
	case err != nil:
		status, p.Error = http.StatusBadRequest, "No answer: "+err.Error()
	default:
		p.Who, p.Asked = answers, true
		if len(p.Who) > MaxListed {
			p.More, p.Who = len(p.Who)-MaxListed, p.Who[:MaxListed]
		}
	}
	c.render(w, r, status, "who.html", p)
}
