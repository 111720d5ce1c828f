package console

import (
	"bytes"
	"errors"
	"html/template"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

// page is what every template reads: the layout's fields, and those of
// the view it shows.
type page struct {
	Title    string
	Nav      string // the navigation entry of the view
	Prefix   string
	Visitor  string
	CanWrite bool
	WhyNot   string
	CSRF     string
	Tenanted bool
	Tenant   string
	Notice   string
	Error    string
	Status   int

	// Form holds the values of the form the visitor sent, to fill it again
	// after a refusal.
	Form map[string]string

	Roles     []roleView
	Grants    []grantView
	Subjects  []subjectView
	Query     string
	More      int // how many were left out of a list
	Relations []relationView
	Parents   []authz.ResourceParent
	Resource  string
	Why       *whyView
	Who       []authz.Access
	Asked     bool // a question was asked, whatever the answer
	History   []authz.AuditEntry
	Table     *tableView
	Graph     template.HTML
}

// newPage is a page of view for the visit v (nil when the visitor is not
// known).
func (c *Console) newPage(r *http.Request, v *visit, title, nav string) *page {
	p := &page{Title: title, Nav: nav, Prefix: c.cfg.Prefix, Tenanted: c.cfg.Engine.Tenanted(), Form: map[string]string{},
		Notice: notices[r.URL.Query().Get("done")]}
	if v != nil {
		p.Visitor, p.CanWrite, p.WhyNot, p.CSRF, p.Tenant = v.subject.ID, v.canWrite, v.whyNot, v.csrf, v.tenant
	}
	return p
}

// notices are the messages a page shows after an edit: fixed texts, so
// that no link can make the console say what it wants.
var notices = map[string]string{
	"grant-added":     "The grant was added.",
	"grant-removed":   "The grant was removed.",
	"role-assigned":   "The role was assigned.",
	"role-unassigned": "The role assignment was removed.",
}

// render writes the page with the template named view.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, view string, p *page) {
	var buf bytes.Buffer
	if err := c.pages.ExecuteTemplate(&buf, view, p); err != nil {
		c.cfg.Logger.Error("console: render", "view", view, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// fail answers a page that says what went wrong, with status.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, v *visit, status int, message string) {
	p := c.newPage(r, v, http.StatusText(status), "")
	p.Error, p.Status = message, status
	c.render(w, r, status, "error.html", p)
}

// unavailable answers a page whose policy the engine could not read: 503,
// to try again.
func (c *Console) unavailable(w http.ResponseWriter, r *http.Request, v *visit) {
	c.fail(w, r, v, http.StatusServiceUnavailable, "The policy cannot be read right now; try again shortly.")
}

// formError is a form the console cannot read, with the status to
// answer.
type formError struct {
	status  int
	message string
}

func (e *formError) Error() string { return e.message }

// statusOf is the status of a parseForm error.
func statusOf(err error) int {
	var fe *formError
	if errors.As(err, &fe) {
		return fe.status
	}
	return http.StatusBadRequest
}

// parseForm reads the body of a POST: URL-encoded, or multipart for a
// decision table's upload, within MaxFormBytes (MaxTableBytes for a
// table).
func (c *Console) parseForm(w http.ResponseWriter, r *http.Request) error {
	limit := int64(MaxFormBytes)
	if strings.HasSuffix(r.URL.Path, "/tables") {
		limit = MaxTableBytes + 16<<10
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil:
		return &formError{http.StatusUnsupportedMediaType, "The form must be sent as application/x-www-form-urlencoded or multipart/form-data."}
	case mediaType == "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case mediaType == "multipart/form-data":
		err = r.ParseMultipartForm(limit)
	default:
		return &formError{http.StatusUnsupportedMediaType, "The form must be sent as application/x-www-form-urlencoded or multipart/form-data."}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return &formError{http.StatusRequestEntityTooLarge, "The form is too large."}
	case err != nil:
		return &formError{http.StatusBadRequest, "The form cannot be read."}
	}
	for _, values := range r.PostForm {
		if len(values) > 1 {
			return &formError{http.StatusBadRequest, "A field of the form is given twice."}
		}
	}
	return nil
}

// templateFuncs are the helpers the templates call.
var templateFuncs = template.FuncMap{
	"until": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	},
	"field": func(p *page, name string) string { return p.Form[name] },
}
