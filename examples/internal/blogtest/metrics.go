package blogtest

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metricsURL finds, in the server's log, where it serves its metrics
// (GATEHOUSE_METRICS_ADDR, on a port of its own).
var metricsURL = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/metrics)`)

// checkMetrics scrapes the server's Prometheus endpoint, as Prometheus
// would, after the contract's first half, and checks that what the
// contract did is counted there: decisions both ways, bearer tokens
// accepted and refused, logins that succeeded and failed, policy edits
// made through the API with their lines, the policy's revision and
// availability; and that the API's own port does not serve the metrics.
func (w *world) checkMetrics(t *testing.T) {
	t.Helper()
	require.NotNil(t, w.srv.Logs, "the metrics' address is read from the server's log")
	m := metricsURL.FindStringSubmatch(w.srv.Logs())
	require.NotNil(t, m, "the server logs where it serves its metrics")
	families, body := scrape(t, w.client, m[1])
	w.logs = append(w.logs, serverLog{name: "the metrics", read: func() string { return body }})

	value := func(name string, labels map[string]string) float64 { return metricValue(families, name, labels) }
	positive := []struct {
		name   string
		labels map[string]string
	}{
		{"gatehouse_decisions_total", map[string]string{"outcome": "allow"}},
		{"gatehouse_decisions_total", map[string]string{"outcome": "deny"}},
		{"gatehouse_decision_duration_seconds", map[string]string{"outcome": "allow"}},
		{"gatehouse_authentications_total", map[string]string{"credential": "bearer", "outcome": "accepted"}},
		{"gatehouse_authentications_total", map[string]string{"credential": "bearer", "outcome": "refused"}},
		{"gatehouse_authentications_total", map[string]string{"credential": "api_key", "outcome": "accepted"}},
		{"gatehouse_authentications_total", map[string]string{"credential": "session", "outcome": "accepted"}},
		{"gatehouse_logins_total", map[string]string{"method": "pwd", "outcome": "succeeded"}},
		{"gatehouse_logins_total", map[string]string{"method": "pwd", "outcome": "failed"}},
		{"gatehouse_security_events_total", map[string]string{"event": "login.succeeded"}},
		{"gatehouse_policy_edits_total", map[string]string{"source": "api", "result": "committed"}},
		{"gatehouse_policy_lines_changed_total", map[string]string{"change": "added"}},
		{"gatehouse_policy_revision", nil},
		{"gatehouse_policy_available", nil},
		{"go_goroutines", nil},
	}
	for _, p := range positive {
		assert.Positive(t, value(p.name, p.labels), "%s%v is counted in the scrape", p.name, p.labels)
	}
	assert.Contains(t, families, "gatehouse_guard_dropped_log_lines_total")
	if testing.Verbose() {
		for name := range families {
			if strings.HasPrefix(name, "gatehouse_") {
				t.Logf("scraped %s (%s)", name, families[name].GetType())
			}
		}
	}
	assert.Equal(t, 1.0, value("gatehouse_policy_available", nil))
	for name := range families {
		if strings.HasPrefix(name, "gatehouse_") {
			for _, metric := range families[name].GetMetric() {
				for _, l := range metric.GetLabel() {
					assert.NotRegexp(t, `^usr_|@`, l.GetValue(), "%s labels no user", name)
				}
			}
		}
	}

	res, err := w.client.Get(w.srv.URL + "/metrics")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Contains(t, []int{http.StatusUnauthorized, http.StatusNotFound}, res.StatusCode, "the API's own port does not serve the metrics")
}

// scrape reads url's metrics in Prometheus' text format.
func scrape(t *testing.T, client *http.Client, url string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	deadline := time.Now().Add(30 * time.Second)
	var res *http.Response
	for {
		if res, err = client.Do(req); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // the listener may be a moment behind the log line
	}
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain"), "Content-Type %q", res.Header.Get("Content-Type"))
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	require.NoError(t, err, "the scrape parses as Prometheus' text format")
	return families, string(body)
}

// metricValue returns the value of name's point with labels (a
// histogram's count), 0 when there is none.
func metricValue(families map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f, ok := families[name]
	if !ok {
		return 0
	}
	for _, metric := range f.GetMetric() {
		if hasLabels(metric, labels) {
			switch {
			case metric.Counter != nil:
				return metric.GetCounter().GetValue()
			case metric.Gauge != nil:
				return metric.GetGauge().GetValue()
			case metric.Histogram != nil:
				return float64(metric.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

// serverMetrics scrapes the metrics srv serves, found in its log.
func serverMetrics(t *testing.T, client *http.Client, srv Server) map[string]*dto.MetricFamily {
	t.Helper()
	require.NotNil(t, srv.Logs, "the metrics' address is read from the server's log")
	m := metricsURL.FindStringSubmatch(srv.Logs())
	require.NotNil(t, m, "the server logs where it serves its metrics")
	families, _ := scrape(t, client, m[1])
	return families
}

// hasLabels reports whether m carries every label of want.
func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
