package console

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

// historyPage bounds the edits the history page lists.
const historyPage = 200

// history answers the history of policy changes: who made each, when,
// from where, and the lines it removed and added, newest first, narrowed
// by actor, subject and dates (YYYY-MM-DD, in UTC).
func (c *Console) history(w http.ResponseWriter, r *http.Request, v *visit) {
	p := c.newPage(r, v, "History of changes", "history")
	query := r.URL.Query()
	for _, name := range []string{"actor", "subject", "since", "until"} {
		p.Form[name] = strings.TrimSpace(query.Get(name))
	}
	q := authz.HistoryQuery{Actor: p.Form["actor"], Subject: p.Form["subject"], Limit: historyPage}
	var err error
	if q.Since, err = day(p.Form["since"], 0); err == nil {
		q.Until, err = day(p.Form["until"], 24*time.Hour)
	}
	if err != nil {
		p.Error = err.Error()
		c.render(w, r, http.StatusBadRequest, "history.html", p)
		return
	}
	entries, err := c.cfg.Engine.History(r.Context(), q)
	switch {
	case errors.Is(err, authz.ErrNoHistory):
		p.Error = "This policy's store keeps no history of its changes."
		c.render(w, r, http.StatusOK, "history.html", p)
		return
	case errors.Is(err, authz.ErrInvalidRequest):
		p.Error = err.Error()
		c.render(w, r, http.StatusBadRequest, "history.html", p)
		return
	case err != nil:
		c.cfg.Logger.Error("console: history", "error", err)
		c.fail(w, r, v, http.StatusServiceUnavailable, "The history cannot be read right now; try again shortly.")
		return
	}
	p.History, p.Asked = entries, true
	c.render(w, r, http.StatusOK, "history.html", p)
}

// day reads a date, YYYY-MM-DD in UTC, plus after; zero for "".
func day(s string, after time.Duration) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, errors.New("dates are written YYYY-MM-DD, such as 2027-01-31")
	}
	return t.Add(after), nil
}
