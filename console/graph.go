package console

import (
	"html/template"
	"net/http"

	"github.com/gatehouse-go/gatehouse/console/internal/rolegraph"
)

// graph answers the role graph: an SVG picture made on the server, in the
// page itself (the page's CSP allows no script, and the SVG has none).
func (c *Console) graph(w http.ResponseWriter, r *http.Request, v *visit) {
	p := c.newPage(r, v, "Role graph", "graph")
	policy, err := c.cfg.Engine.Policy(r.Context())
	if err != nil {
		c.unavailable(w, r, v)
		return
	}
	// rolegraph escapes every name it draws: its output is safe HTML.
	p.Graph = template.HTML(rolegraph.SVG(policy, rolegraph.Options{IsSubject: c.cfg.IsSubject})) // #nosec G203
	c.render(w, r, http.StatusOK, "graph.html", p)
}
