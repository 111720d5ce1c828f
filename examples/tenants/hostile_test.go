package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHostileInput sends what a careless or hostile client would: names
// of organizations that are no organization (".." to climb out of one,
// "%2F" to reach a tenant below one, "*" for every tenant, empty, very
// long), malformed JSON, unknown roles and ids. Each gets a clear 4xx,
// never a 5xx, and changes nothing.
func TestHostileInput(t *testing.T) {
	w := fresh(t)
	long := strings.Repeat("a", 300)
	dave := w.id["dave"]
	for _, tc := range []struct {
		name, who, method, path, body string
		contentType                   string // default application/json when there is a body
		want                          int
	}{
		// Organization names in paths. alice administers acme, so the
		// engine admits her to acme/eu below it; it is no organization.
		{"a tenant below acme", "alice", "GET", "/orgs/acme%2Feu/projects", "", "", 404},
		{"creating a project there", "alice", "POST", "/orgs/acme%2Feu/projects", `{"name":"x"}`, "", 404},
		{"adding a member there", "alice", "POST", "/orgs/acme%2Feu/members", `{"email":"ops@example.com","role":"viewer"}`, "", 404},
		{"deleting it as acme's owner", "carol", "DELETE", "/orgs/acme%2Feu", "", "", 404},
		{"a trailing encoded slash", "carol", "DELETE", "/orgs/acme%2F", "", "", 404},
		{"climbing out with an encoded ..", "carol", "GET", "/orgs/..%2Fglobex/projects", "", "", 404},
		{"an encoded .. as the name, as the operator", "ops", "GET", "/orgs/%2E%2E/projects", "", "", 404},
		{"a .. segment", "alice", "GET", "/orgs/../admin/orgs", "", "", 404},
		{"a .. after a name", "carol", "GET", "/orgs/acme/../globex/projects", "", "", 404},
		{"an empty name", "alice", "GET", "/orgs//projects", "", "", 404},
		{"every tenant, as the operator", "ops", "GET", "/orgs/%2A/projects", "", "", 404},
		{"deleting every tenant", "ops", "DELETE", "/orgs/%2A", "", "", 404},
		{"another letter case", "alice", "GET", "/orgs/ACME/projects", "", "", 404},
		{"a NUL", "alice", "GET", "/orgs/acme%00/projects", "", "", 404},
		{"a trailing space", "alice", "GET", "/orgs/acme%20/projects", "", "", 404},
		{"a very long name", "alice", "GET", "/orgs/" + long + "/projects", "", "", 404},
		{"a very long name, as the operator", "ops", "DELETE", "/orgs/" + long, "", "", 404},
		{"a garbage token", "", "GET", "/orgs/acme/projects", "", "", 401},

		// New organizations' names.
		{"no name", "alice", "POST", "/orgs", `{"name":""}`, "", 400},
		{"a nested name", "alice", "POST", "/orgs", `{"name":"acme/eu"}`, "", 400},
		{"every tenant", "alice", "POST", "/orgs", `{"name":"*"}`, "", 400},
		{"a dot-dot", "alice", "POST", "/orgs", `{"name":".."}`, "", 400},
		{"capitals", "alice", "POST", "/orgs", `{"name":"Acme"}`, "", 400},
		{"41 characters", "alice", "POST", "/orgs", `{"name":"` + strings.Repeat("a", 41) + `"}`, "", 400},
		{"a leading hyphen", "alice", "POST", "/orgs", `{"name":"-acme"}`, "", 400},
		{"a space", "alice", "POST", "/orgs", `{"name":"ac me"}`, "", 400},
		{"a letter outside ASCII", "alice", "POST", "/orgs", `{"name":"ümlaut"}`, "", 400},
		{"a line break", "alice", "POST", "/orgs", `{"name":"acme\n"}`, "", 400},
		{"a name taken", "alice", "POST", "/orgs", `{"name":"acme"}`, "", 409},

		// JSON junk.
		{"truncated JSON", "alice", "POST", "/orgs", `{`, "", 400},
		{"an array", "alice", "POST", "/orgs", `[]`, "", 400},
		{"a string", "alice", "POST", "/orgs", `"acme"`, "", 400},
		{"null", "alice", "POST", "/orgs", `null`, "", 400},
		{"a number for a name", "alice", "POST", "/orgs", `{"name":1}`, "", 400},
		{"an unknown field", "alice", "POST", "/orgs", `{"name":"fresh","owner":"me"}`, "", 400},
		{"a field twice", "alice", "POST", "/orgs", `{"name":"fresh","name":"other"}`, "", 400},
		{"trailing data", "alice", "POST", "/orgs", `{"name":"fresh"} {}`, "", 400},
		{"no body", "alice", "POST", "/orgs", "", "", 400},
		{"not declared as JSON", "alice", "POST", "/orgs", `{"name":"fresh"}`, "text/plain", 415},
		{"over a MiB", "alice", "POST", "/orgs", `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, "", 413},

		// Members.
		{"a platform role", "alice", "POST", "/orgs/acme/members", `{"email":"ops@example.com","role":"operator"}`, "", 400},
		{"an unknown role", "alice", "POST", "/orgs/acme/members", `{"email":"ops@example.com","role":"Admin"}`, "", 400},
		{"a user's id as a role", "alice", "POST", "/orgs/acme/members", `{"email":"ops@example.com","role":"` + w.id["carol"] + `"}`, "", 400},
		{"every role", "alice", "POST", "/orgs/acme/members", `{"email":"ops@example.com","role":"*"}`, "", 400},
		{"no role", "alice", "POST", "/orgs/acme/members", `{"email":"ops@example.com"}`, "", 400},
		{"a malformed email", "alice", "POST", "/orgs/acme/members", `{"email":"not an email","role":"viewer"}`, "", 400},
		{"no email", "alice", "POST", "/orgs/acme/members", `{"role":"viewer"}`, "", 400},
		{"no roles", "alice", "PUT", "/orgs/acme/members/" + dave, `{"roles":[]}`, "", 400},
		{"null roles", "alice", "PUT", "/orgs/acme/members/" + dave, `{"roles":null}`, "", 400},
		{"a role among them unknown", "alice", "PUT", "/orgs/acme/members/" + dave, `{"roles":["member","operator"]}`, "", 400},
		{"roles as a string", "alice", "PUT", "/orgs/acme/members/" + dave, `{"roles":"admin"}`, "", 400},
		{"a role's name as a member", "alice", "PUT", "/orgs/acme/members/admin", `{"roles":["viewer"]}`, "", 404},
		{"a malformed id", "alice", "PUT", "/orgs/acme/members/usr_zz", `{"roles":["viewer"]}`, "", 404},
		{"every member", "alice", "DELETE", "/orgs/acme/members/%2A", "", "", 404},
		{"the operator, member of no organization", "alice", "DELETE", "/orgs/acme/members/" + w.id["ops"], "", "", 404},

		// Projects.
		{"a project without a name", "alice", "POST", "/orgs/acme/projects", `{"name":""}`, "", 400},
		{"a padded name", "alice", "POST", "/orgs/acme/projects", `{"name":" padded "}`, "", 400},
		{"a control character", "alice", "POST", "/orgs/acme/projects", `{"name":"a\u0000b"}`, "", 400},
		{"a name over 100 bytes", "alice", "POST", "/orgs/acme/projects", `{"name":"` + strings.Repeat("x", 101) + `"}`, "", 400},
		{"a renaming to nothing", "alice", "PATCH", "/orgs/acme/projects/" + w.projectID("acme", "Roadmap"), `{"name":""}`, "", 400},
		{"an id that is no number", "alice", "GET", "/orgs/acme/projects/abc", "", "", 400},
		{"a negative id", "alice", "GET", "/orgs/acme/projects/-1", "", "", 400},
		{"id zero", "alice", "GET", "/orgs/acme/projects/0", "", "", 400},
		{"an id past int64", "alice", "DELETE", "/orgs/acme/projects/99999999999999999999999", "", "", 400},
		{"an id nobody has", "alice", "DELETE", "/orgs/acme/projects/99999", "", "", 404},
		{"a route that does not exist", "alice", "GET", "/orgs/acme/billing", "", "", 404},
		{"a method no route takes", "alice", "PUT", "/orgs/acme/projects", `{}`, "", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := w.state()
			req := w.request(tc.who, tc.method, tc.path, tc.body)
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			if tc.want == http.StatusUnauthorized {
				req.Header.Set("Authorization", "Bearer not.a.token")
			}
			status, body := w.send(req)
			assert.Equal(t, tc.want, status, "%v", body)
			assert.NotEmpty(t, body["message"], "every refusal says why")
			assert.Equal(t, before, w.state(), "a refused request changes nothing")
		})
	}
}
