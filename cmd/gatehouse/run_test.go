package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelpListsTheCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		onStderr bool
	}{
		{name: "help", args: []string{"help"}},
		{name: "--help", args: []string{"--help"}},
		{name: "-h", args: []string{"-h"}},
		{name: "help help", args: []string{"help", "help"}},
		{name: "no command", args: nil, wantCode: exitError, onStderr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.args...)
			require.Equal(t, tt.wantCode, r.code, r)
			out, other := r.stdout, r.stderr
			if tt.onStderr {
				out, other = r.stderr, r.stdout
			}
			assert.Empty(t, other, r)
			assert.Contains(t, out, "Usage:")
			assert.Equal(t, commandNames(), listedCommands(t, out))
			assert.Contains(t, out, "Exit status")
		})
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"frobnicate"}, {"help", "frobnicate"}, {"policy", "frobnicate"}, {"policy"}} {
		r := cli(t, args...)
		assert.Equal(t, exitError, r.code, r)
		assert.Empty(t, r.stdout, r)
		if len(args) > 1 || args[0] != "policy" {
			assert.Contains(t, r.stderr, `unknown command "frobnicate"`, r)
			assert.NotContains(t, r.stderr, "did you mean", "nothing is near frobnicate")
		} else {
			assert.Contains(t, r.stderr, "Usage: gatehouse policy COMMAND", r)
		}
	}
}

// everyCommand returns every command line that has its own --help.
func everyCommand() [][]string {
	var all [][]string
	for _, c := range commands() {
		if c.run != nil {
			all = append(all, []string{c.name})
		}
	}
	for _, c := range policyCommands() {
		all = append(all, []string{"policy", c.name})
	}
	return all
}

func TestEveryCommandHasHelp(t *testing.T) {
	t.Parallel()
	for _, command := range everyCommand() {
		name := strings.Join(command, " ")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, args := range [][]string{
				append(append([]string{}, command...), "--help"),
				append(append([]string{}, command...), "-h"),
				append([]string{"help"}, command...),
			} {
				r := cli(t, args...)
				require.Equal(t, exitOK, r.code, r)
				assert.Empty(t, r.stderr, r)
				usage, _, _ := strings.Cut(r.stdout, "\n")
				assert.True(t, usage == "Usage: gatehouse "+name || strings.HasPrefix(usage, "Usage: gatehouse "+name+" "), r)
				assert.Contains(t, r.stdout, "Exit status", r)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"check", "--subject", "bob", "--permission", "posts:read", "--colour"}, "unknown flag --colour\n"},
		{"flag without its value", []string{"check", "--subject"}, "--subject needs a value"},
		{"bool flag with a bad value", []string{"test", "--coverage=maybe", "x.yaml"}, `invalid boolean value "maybe" for -coverage`},
		{"float flag with a bad value", []string{"test", "--threshold", "high", "x.yaml"}, `invalid value "high" for flag -threshold`},
		{"version with an argument", []string{"version", "now"}, `unexpected argument "now"`},
		{"check without subject", []string{"check", "--permission", "posts:read"}, "--subject is required"},
		{"check without permission", []string{"check", "--subject", "bob"}, "--permission is required"},
		{"check with a wildcard", []string{"check", "--subject", "bob", "--permission", "posts:*"}, "a request names one action"},
		{"check with an argument", []string{"check", "--subject", "bob", "--permission", "posts:read", "extra"}, `unexpected argument "extra"`},
		{"policy and database", []string{"check", "--subject", "bob", "--permission", "posts:read", "--policy", "p.csv", "--database", "sqlite:x.db"}, "--policy and --database are exclusive"},
		{"table without database", []string{"roles", "--subject", "bob", "--table", "rules"}, "--table needs --database"},
		{"roles without subject", []string{"roles"}, "--subject is required"},
		{"permissions without subject", []string{"permissions"}, "--subject is required"},
		{"graph format", []string{"graph", "--format", "png"}, `--format "png": want dot or mermaid`},
		{"enforce without model", []string{"enforce", "alice", "data1", "read"}, "--model is required"},
		{"enforce without values", []string{"enforce", "--model", "testdata/casbin/basic_model.conf"}, "no request values"},
		{"test without files", []string{"test", "--coverage"}, "no TESTFILE"},
		{"lint with an argument", []string{"lint", "policy.csv"}, "give the policy file with --policy"},
		{"check with a policy file for an argument", []string{"check", "policy.csv", "--subject", "bob", "--permission", "posts:read"},
			`unexpected argument "policy.csv"; give the policy file with --policy`},
		{"graph with a model file for an argument", []string{"graph", "model.conf"}, `unexpected argument "model.conf"; give the model file with --model`},
		{"roles with an argument", []string{"roles", "--subject", "bob", "admin"}, "unexpected argument \"admin\"\n"},
		{"policy list without database", []string{"policy", "list"}, "--database is required"},
		{"grant without permission", []string{"policy", "grant", "--database", "sqlite:x.db", "--subject", "bob"}, "--permission is required"},
		{"grant with a bad scope", []string{"policy", "grant", "--database", "sqlite:x.db", "--subject", "bob", "--permission", "posts:read", "--scope", "everywhere"}, `invalid scope: "everywhere"`},
		{"revoke with a bad effect", []string{"policy", "revoke", "--database", "sqlite:x.db", "--subject", "bob", "--permission", "posts:read", "--effect", "maybe"}, `invalid effect: "maybe"`},
		{"assign without role", []string{"policy", "assign", "--database", "sqlite:x.db", "--subject", "bob"}, "--role is required"},
		{"import without file", []string{"policy", "import", "--database", "sqlite:x.db"}, "want one policy FILE, got 0 arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.args...)
			assert.Equal(t, exitError, r.code, r)
			assert.Empty(t, r.stdout, r)
			assert.Contains(t, r.stderr, tt.want, r)
			assert.Contains(t, r.stderr, "--help' for usage", r)
		})
	}
}

func TestMalformedFilesAreNamedWithTheirLine(t *testing.T) {
	t.Parallel()
	const badScope = `testdata/bad_scope.csv:4: invalid scope: "everywhere": want "any" or "own": p, user, posts:write, everywhere, allow`
	const badModel = `testdata/malformed_model.conf:5: malformed model: want "key = value" or "[section]", got "p sub, perm, scope, eft"`
	const badTable = `testdata/tables/malformed_test.yaml:5: want: "maybe": use allow or deny`
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"check, policy", []string{"check", "--policy", "testdata/bad_scope.csv", "--subject", "bob", "--permission", "posts:read"}, badScope},
		{"roles, policy", []string{"roles", "--policy", "testdata/bad_scope.csv", "--subject", "bob"}, badScope},
		{"permissions, policy", []string{"permissions", "--policy", "testdata/bad_scope.csv", "--subject", "bob"}, badScope},
		{"graph, policy", []string{"graph", "--policy", "testdata/bad_scope.csv"}, badScope},
		{"test, policy", []string{"test", "--policy", "testdata/bad_scope.csv", "testdata/tables/blog_test.yaml"}, badScope},
		{"import, policy", []string{"policy", "import", "--database", "sqlite:" + t.TempDir() + "/p.db", "testdata/bad_scope.csv"}, badScope},
		{"check, model", []string{"check", "--model", "testdata/malformed_model.conf", "--subject", "bob", "--permission", "posts:read"}, badModel},
		{"test, model", []string{"test", "--model", "testdata/malformed_model.conf", "testdata/tables/blog_test.yaml"}, badModel},
		{"lint, model", []string{"lint", "--model", "testdata/malformed_model.conf"}, badModel},
		{"enforce, model", []string{"enforce", "--model", "testdata/malformed_model.conf", "alice", "data1", "read"}, badModel},
		{"test, table", []string{"test", "--policy", "testdata/policy.csv", "testdata/tables/blog_test.yaml", "testdata/tables/malformed_test.yaml"}, badTable},
		{"unsupported model", []string{"check", "--model", "testdata/casbin/basic_model.conf", "--subject", "bob", "--permission", "posts:read"},
			"unsupported model: testdata/casbin/basic_model.conf: want r = sub, perm, owner"},
		{"missing policy", []string{"check", "--policy", "testdata/missing.csv", "--subject", "bob", "--permission", "posts:read"}, "testdata/missing.csv: no such file"},
		{"missing model", []string{"roles", "--model", "testdata/missing.conf", "--subject", "bob"}, "testdata/missing.conf: no such file"},
		{"missing table", []string{"test", "testdata/tables/missing.yaml"}, "testdata/tables/missing.yaml"},
		{"missing lint policy", []string{"lint", "--policy", "testdata/missing.csv"}, "testdata/missing.csv: no such file"},
		{"missing enforce policy", []string{"enforce", "--model", "testdata/casbin/basic_model.conf", "--policy", "testdata/missing.csv", "a", "b", "c"}, "testdata/missing.csv: no such file"},
		{"missing import file", []string{"policy", "import", "--database", "sqlite:" + t.TempDir() + "/p.db", "testdata/missing.csv"}, "testdata/missing.csv: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.args...)
			assert.Equal(t, exitError, r.code, r)
			assert.Empty(t, r.stdout, r)
			assert.Contains(t, r.stderr, "gatehouse: ", r)
			assert.Contains(t, r.stderr, tt.want, r)
		})
	}
}
