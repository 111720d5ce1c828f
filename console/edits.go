package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// formValues are the fields of the posted form, trimmed and copied, to
// edit the policy with and fill the form again after a refusal; the CSRF
// token is left out. The copies are the console's own: a framework
// adapter may hand over a request whose bytes it reuses, and the engine
// keeps the names it is given.
func formValues(r *http.Request) map[string]string {
	out := map[string]string{}
	for name, values := range r.PostForm {
		if name != csrfField && len(values) == 1 {
			out[strings.Clone(name)] = strings.Clone(strings.TrimSpace(values[0]))
		}
	}
	return out
}

// until reads the optional "until" field: an RFC 3339 instant.
func until(form map[string]string) (time.Time, error) {
	if form["until"] == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, form["until"])
	if err != nil {
		return time.Time{}, fmt.Errorf("until %q is not an RFC 3339 time such as 2027-01-31T18:00:00Z", form["until"])
	}
	return t, nil
}

// addGrant answers the grant editor: the grant is added, and the visitor
// sent back to the overview; a refusal shows the overview again with the
// engine's reason and the form as it was sent.
func (c *Console) addGrant(w http.ResponseWriter, r *http.Request, v *visit) {
	form := formValues(r)
	expires, err := until(form)
	if err == nil {
		g := authz.Grant{Subject: form["subject"], Tenant: form["tenant"], Permission: permissions.Permission(form["permission"]),
			Scope: permissions.Scope(form["scope"]), Effect: authz.Effect(form["effect"]), Expires: expires}
		if err = c.cfg.Engine.AddGrant(c.editContext(r, v), g); err == nil {
			c.cfg.Logger.Info("console: grant added", "by", v.subject.ID, "grant", g.String())
			c.done(w, r, "", "grant-added", v)
			return
		}
	}
	c.refused(w, r, v, "overview.html", form, err)
}

// removeGrant answers a grant's Remove button, whose form names the grant
// by its policy line.
func (c *Console) removeGrant(w http.ResponseWriter, r *http.Request, v *visit) {
	form := formValues(r)
	line, err := oneLine(form["line"])
	if err == nil {
		if line.Grant == nil {
			err = fmt.Errorf("%q is not a grant", form["line"])
		} else if err = c.cfg.Engine.RemoveGrant(c.editContext(r, v), *line.Grant); err == nil {
			c.cfg.Logger.Info("console: grant removed", "by", v.subject.ID, "grant", line.Grant.String())
			c.done(w, r, "", "grant-removed", v)
			return
		}
	}
	c.refused(w, r, v, "overview.html", map[string]string{}, err)
}

// assignRole answers the role-assignment editor.
func (c *Console) assignRole(w http.ResponseWriter, r *http.Request, v *visit) {
	form := formValues(r)
	expires, err := until(form)
	if err == nil {
		ra := authz.RoleAssignment{Member: form["subject"], Role: form["role"], Tenant: form["tenant"], Expires: expires}
		switch {
		case ra.Tenant != "" && !expires.IsZero():
			err = fmt.Errorf("an assignment in a tenant cannot expire: leave until empty")
		case ra.Tenant != "":
			err = c.cfg.Engine.Tenant(ra.Tenant).AssignRole(c.editContext(r, v), ra.Member, ra.Role)
		case !expires.IsZero():
			err = c.cfg.Engine.AssignRoleUntil(c.editContext(r, v), ra.Member, ra.Role, expires)
		default:
			err = c.cfg.Engine.AssignRole(c.editContext(r, v), ra.Member, ra.Role)
		}
		if err == nil {
			c.cfg.Logger.Info("console: role assigned", "by", v.subject.ID, "assignment", ra.String())
			c.done(w, r, "subjects", "role-assigned", v)
			return
		}
	}
	c.refused(w, r, v, "subjects.html", form, err)
}

// unassignRole answers an assignment's Remove button, whose form names
// the assignment by its policy line.
func (c *Console) unassignRole(w http.ResponseWriter, r *http.Request, v *visit) {
	form := formValues(r)
	line, err := oneLine(form["line"])
	if err == nil {
		switch ra := line.Role; {
		case ra == nil:
			err = fmt.Errorf("%q is not a role assignment", form["line"])
		case ra.Tenant != "":
			err = c.cfg.Engine.Tenant(ra.Tenant).UnassignRole(c.editContext(r, v), ra.Member, ra.Role)
		default:
			err = c.cfg.Engine.UnassignRole(c.editContext(r, v), ra.Member, ra.Role)
		}
		if err == nil {
			c.cfg.Logger.Info("console: role unassigned", "by", v.subject.ID, "assignment", line.Role.String())
			c.done(w, r, "subjects", "role-unassigned", v)
			return
		}
	}
	c.refused(w, r, v, "subjects.html", map[string]string{}, err)
}

// oneLine reads text as one policy line.
func oneLine(text string) (authz.PolicyLine, error) {
	lines := authz.ScanPolicy("form", text)
	switch {
	case len(lines) != 1:
		return authz.PolicyLine{}, fmt.Errorf("the form names no single policy line")
	case lines[0].Err != nil:
		return authz.PolicyLine{}, lines[0].Err
	}
	return lines[0], nil
}

// done sends the visitor to the page at path under the prefix, which says
// notice, after an edit: reloading it does not send the form again.
func (c *Console) done(w http.ResponseWriter, r *http.Request, path, notice string, v *visit) {
	target := c.cfg.Prefix + path + "?done=" + notice
	if v.tenant != "" {
		target += "&tenant=" + url.QueryEscape(v.tenant)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// refused shows the page of view again, with the reason of err and the
// form as the visitor sent it: 422 for an edit the engine refused, 503
// when it could not answer.
func (c *Console) refused(w http.ResponseWriter, r *http.Request, v *visit, view string, form map[string]string, err error) {
	status := http.StatusUnprocessableEntity
	if isUnavailable(err) {
		status = http.StatusServiceUnavailable
		c.cfg.Logger.Error("console: edit", "by", v.subject.ID, "error", err)
	}
	p := c.newPage(r, v, "Roles and grants", "roles")
	p.Notice = ""
	ok := true
	if view == "subjects.html" {
		p.Title, p.Nav = "Subjects and their roles", "subjects"
		ok = c.fillSubjects(r.Context(), p, v, "")
	} else {
		ok = c.fillOverview(r.Context(), p, v)
	}
	if !ok {
		c.unavailable(w, r, v)
		return
	}
	p.Error, p.Form = "Not changed: "+err.Error(), form
	c.render(w, r, status, view, p)
}

// isUnavailable reports an error that is no verdict on the edit: the
// engine or its store could not answer.
func isUnavailable(err error) bool {
	return errors.Is(err, authz.ErrUnavailable) || errors.Is(err, authz.ErrStore) || errors.Is(err, authz.ErrEngine) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// editContext is the context of the visitor's edit: the policy's history
// names the visitor as who made it, from the console.
func (c *Console) editContext(r *http.Request, v *visit) context.Context {
	return authz.WithActor(r.Context(), authz.Actor{ID: v.subject.ID, Source: authz.SourceConsole})
}
