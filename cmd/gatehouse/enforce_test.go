package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/casbin/casbin/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// casbinExamples are the model and policy pairs of testdata/casbin, Casbin's
// own examples, each with the requests and answers of Casbin's model tests.
var casbinExamples = []struct {
	model, policy string
	requests      []casbinRequest
}{
	{"basic_model.conf", "basic_policy.csv", []casbinRequest{
		{"alice data1 read", true}, {"alice data1 write", false},
		{"alice data2 read", false}, {"alice data2 write", false},
		{"bob data1 read", false}, {"bob data1 write", false},
		{"bob data2 read", false}, {"bob data2 write", true},
	}},
	{"rbac_model.conf", "rbac_policy.csv", []casbinRequest{
		{"alice data1 read", true}, {"alice data1 write", false},
		{"alice data2 read", true}, {"alice data2 write", true},
		{"bob data1 read", false}, {"bob data1 write", false},
		{"bob data2 read", false}, {"bob data2 write", true},
	}},
	{"rbac_with_domains_model.conf", "rbac_with_domains_policy.csv", []casbinRequest{
		{"alice domain1 data1 read", true}, {"alice domain1 data1 write", true},
		{"alice domain1 data2 read", false}, {"alice domain1 data2 write", false},
		{"bob domain2 data1 read", false}, {"bob domain2 data1 write", false},
		{"bob domain2 data2 read", true}, {"bob domain2 data2 write", true},
		{"alice domain2 data2 read", false},
	}},
	{"rbac_with_deny_model.conf", "rbac_with_deny_policy.csv", []casbinRequest{
		{"alice data1 read", true}, {"alice data1 write", false},
		{"alice data2 read", true}, {"alice data2 write", false},
		{"bob data1 read", false}, {"bob data1 write", false},
		{"bob data2 read", false}, {"bob data2 write", true},
	}},
	{"keymatch_model.conf", "keymatch_policy.csv", []casbinRequest{
		{"alice /alice_data/resource1 GET", true}, {"alice /alice_data/resource1 POST", true},
		{"alice /alice_data/resource2 GET", true}, {"alice /alice_data/resource2 POST", false},
		{"alice /bob_data/resource1 GET", false}, {"alice /bob_data/resource1 POST", false},
		{"bob /alice_data/resource1 GET", false}, {"bob /alice_data/resource2 GET", true},
		{"bob /bob_data/resource1 GET", false}, {"bob /bob_data/resource1 POST", true},
		{"cathy /cathy_data GET", true}, {"cathy /cathy_data POST", true},
		{"cathy /cathy_data DELETE", false},
	}},
	{"keymatch2_model.conf", "keymatch2_policy.csv", []casbinRequest{
		{"alice /alice_data GET", false}, {"alice /alice_data/resource1 GET", true},
		{"alice /alice_data2/myid GET", false}, {"alice /alice_data2/myid/using/res_id GET", true},
		{"alice /alice_data/resource1 POST", false},
	}},
}

// casbinRequest is one request, its values separated by spaces, and the
// answer Casbin's tests expect.
type casbinRequest struct {
	values string
	allow  bool
}

// TestEnforceAnswersAsCasbin runs the command on every example request and
// compares its answer and explanation with Casbin's, in this process.
func TestEnforceAnswersAsCasbin(t *testing.T) {
	t.Parallel()
	for _, ex := range casbinExamples {
		t.Run(ex.model, func(t *testing.T) {
			t.Parallel()
			model, policy := filepath.Join("testdata", "casbin", ex.model), filepath.Join("testdata", "casbin", ex.policy)
			enforcer, err := casbin.NewEnforcer(model, policy)
			require.NoError(t, err)
			var allowed, denied int
			for _, req := range ex.requests {
				values := strings.Fields(req.values)
				request := make([]any, len(values))
				for i, v := range values {
					request[i] = v
				}
				want, err := enforcer.Enforce(request...)
				require.NoError(t, err)
				require.Equal(t, req.allow, want, "Casbin's own answer to %s", req.values)
				_, explain, err := enforcer.EnforceEx(request...)
				require.NoError(t, err)

				r := cli(t, append([]string{"enforce", "--model", model, "--policy", policy}, values...)...)
				wantVerdict, wantCode := "deny", exitNo
				if want {
					wantVerdict, wantCode = "allow", exitOK
					allowed++
				} else {
					denied++
				}
				assert.Equal(t, wantCode, r.code, r)
				assert.Empty(t, r.stderr, r)
				assert.Equal(t, []string{wantVerdict, explainRule(want, explain)}, lines(r.stdout), r)
			}
			assert.Positive(t, allowed, "some request is allowed")
			assert.Positive(t, denied, "some request is denied")
		})
	}
}

func TestEnforceExplains(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model, policy string
		values        []string
		want          []string
	}{
		{"rbac_model.conf", "rbac_policy.csv", []string{"alice", "data2", "write"},
			[]string{"allow", `allowed by rule "p, data2_admin, data2, write"`}},
		{"rbac_with_deny_model.conf", "rbac_with_deny_policy.csv", []string{"alice", "data2", "write"},
			[]string{"deny", `denied by rule "p, alice, data2, write, deny"`}},
		{"basic_model.conf", "basic_policy.csv", []string{"alice", "data2", "write"},
			[]string{"deny", "denied: no rule matched"}},
		{"basic_model.conf", "", []string{"alice", "data1", "read"},
			[]string{"deny", "denied: no rule matched"}},
		{"basic_with_root_model.conf", "", []string{"root", "data1", "read"},
			[]string{"allow", "allowed by the model's matcher, no rule"}},
		{"basic_with_root_model.conf", "basic_policy.csv", []string{"bob", "data2", "write"},
			[]string{"allow", `allowed by rule "p, bob, data2, write"`}},
	}
	for _, tt := range tests {
		args := []string{"enforce", "--model", filepath.Join("testdata", "casbin", tt.model)}
		if tt.policy != "" {
			args = append(args, "--policy", filepath.Join("testdata", "casbin", tt.policy))
		}
		r := cli(t, append(args, tt.values...)...)
		assert.Equal(t, tt.want, lines(r.stdout), r)
	}
}

func TestEnforceRefusesValuesThatDoNotFitTheModel(t *testing.T) {
	t.Parallel()
	r := cli(t, "enforce", "--model", "testdata/casbin/rbac_model.conf", "--policy", "testdata/casbin/rbac_policy.csv", "alice", "data1")
	assert.Equal(t, exitError, r.code, r)
	assert.Empty(t, r.stdout, r)
	assert.Contains(t, r.stderr, `the model's request definition "r = sub, obj, act" takes 3 values, got 2: alice data1`, r)
}
