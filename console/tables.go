package console

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
)

// tableView is a decision table run.
type tableView struct {
	Name     string
	Results  []authztest.Result
	Passed   int
	Failed   int
	Coverage authztest.Coverage
}

// tablesForm answers the decision-table runner's form.
func (c *Console) tablesForm(w http.ResponseWriter, r *http.Request, v *visit) {
	c.render(w, r, http.StatusOK, "tables.html", c.newPage(r, v, "Decision tables", "tables"))
}

// runTable runs the decision table pasted or uploaded against a copy of
// the policy (authz.Engine.Sandbox), whose fixtures' role assignments
// never reach the real one, and shows pass or fail per case and the
// policy lines no case exercised. Running a table changes nothing:
// Config.Read is enough.
func (c *Console) runTable(w http.ResponseWriter, r *http.Request, v *visit) {
	p := c.newPage(r, v, "Decision tables", "tables")
	text := r.PostFormValue("table")
	if file, _, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(file, MaxTableBytes+1))
		file.Close()
		if err != nil || len(data) > MaxTableBytes {
			c.tableRefused(w, r, p, http.StatusRequestEntityTooLarge, errors.New("the file is over 512 KiB"))
			return
		}
		if len(data) > 0 {
			text = string(data)
		}
	}
	p.Form["table"] = text
	if strings.TrimSpace(text) == "" {
		c.tableRefused(w, r, p, http.StatusBadRequest, errors.New("paste a table or choose a file"))
		return
	}
	table, err := authztest.Parse("table", []byte(text))
	if err != nil {
		c.tableRefused(w, r, p, http.StatusUnprocessableEntity, err)
		return
	}
	sandbox, err := c.cfg.Engine.Sandbox(r.Context())
	if err != nil {
		c.cfg.Logger.Error("console: sandbox", "error", err)
		c.tableRefused(w, r, p, http.StatusServiceUnavailable, err)
		return
	}
	defer sandbox.Close()
	policy, err := sandbox.Policy(r.Context())
	if err != nil {
		c.tableRefused(w, r, p, http.StatusServiceUnavailable, err)
		return
	}
	report, err := authztest.Evaluate(r.Context(), sandbox, table)
	if err != nil {
		c.tableRefused(w, r, p, http.StatusUnprocessableEntity, err)
		return
	}
	p.Table = &tableView{Name: report.Table, Results: report.Results, Passed: report.Passed, Failed: report.Failed,
		Coverage: authztest.Cover(sandbox, authz.ScanPolicy("policy", policy.String()), report)}
	c.render(w, r, http.StatusOK, "tables.html", p)
}

// tableRefused shows the form again with why the table did not run.
func (c *Console) tableRefused(w http.ResponseWriter, r *http.Request, p *page, status int, err error) {
	p.Error = "The table did not run: " + err.Error()
	c.render(w, r, status, "tables.html", p)
}
