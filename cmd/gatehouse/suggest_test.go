package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"check", "check", 0},
		{"", "check", 5},
		{"chek", "check", 1},   // a deletion
		{"checkk", "check", 1}, // an insertion
		{"chack", "check", 1},  // a substitution
		{"chekc", "check", 1},  // a swap of neighbours
		{"hcekc", "check", 2},  // two swaps
		{"grnt", "grant", 1},
		{"roles", "lint", 5},
		{"polícy", "policy", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, editDistance(tt.a, tt.b), "%q → %q", tt.a, tt.b)
		assert.Equal(t, tt.want, editDistance(tt.b, tt.a), "%q → %q", tt.b, tt.a)
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	policy := []string{"list", "export", "grant", "deny", "revoke", "assign", "unassign", "import"}
	flags := []string{"help", "model", "policy", "database", "table", "subject", "permission", "owner"}
	tests := []struct {
		name  string
		typed string
		names []string
		want  []string
	}{
		{"one letter missing", "chek", commandNames(), []string{"check"}},
		{"letter case", "Check", commandNames(), []string{"check"}},
		{"neighbours swapped", "chekc", commandNames(), []string{"check"}},
		{"a subcommand", "grnt", policy, []string{"grant"}},
		{"a flag", "subjct", flags, []string{"subject"}},
		{"two edits in a long word", "permisions", commandNames(), []string{"permissions"}},
		{"the one name it starts", "perm", commandNames(), []string{"permissions"}},
		{"a prefix of two names", "ass", []string{"assign", "assert"}, nil},
		{"a prefix too short", "pe", commandNames(), nil},
		{"two edits in a short word is far", "chck2", commandNames(), nil},
		{"far", "frobnicate", commandNames(), nil},
		{"nothing typed", "", commandNames(), nil},
		{"a tie lists both", "lst", []string{"list", "lost"}, []string{"list", "lost"}},
		{"the nearest wins", "unasign", policy, []string{"unassign"}},
		{"three edits is never suggested", "xyzgrant", policy, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, suggest(tt.typed, tt.names))
		})
	}
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `; did you mean "check"?`, didYouMean("chek", commandNames(), quoteName))
	assert.Equal(t, "; did you mean --subject?", didYouMean("subjct", []string{"subject", "owner"}, flagName))
	assert.Equal(t, `; did you mean "list" or "lost"?`, didYouMean("lst", []string{"list", "lost"}, quoteName))
	assert.Equal(t, `; did you mean "aa", "ab" or "ac"?`, didYouMean("a", []string{"aa", "ab", "ac"}, quoteName))
	assert.Empty(t, didYouMean("frobnicate", commandNames(), quoteName))
}

func TestMistypedNamesGetASuggestion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"command", []string{"chek"}, "gatehouse: unknown command \"chek\"; did you mean \"check\"?\nRun 'gatehouse help' for the list of commands.\n"},
		{"command after help", []string{"help", "rols"}, "gatehouse help: unknown command \"rols\"; did you mean \"roles\"?\n"},
		{"a flag for a command", []string{"--verison"}, "gatehouse: --verison is not a command; did you mean \"version\"?\n"},
		{"policy subcommand", []string{"policy", "grnt"}, "gatehouse policy: unknown command \"grnt\"; did you mean \"grant\"?\nRun 'gatehouse policy --help' for the list of commands.\n"},
		{"policy subcommand after help", []string{"help", "policy", "imprt"}, "gatehouse policy: unknown command \"imprt\"; did you mean \"import\"?\n"},
		{"flag", []string{"check", "--subjct", "bob"}, "gatehouse check: unknown flag --subjct; did you mean --subject?\nRun 'gatehouse check --help' for usage.\n"},
		{"flag with one dash", []string{"check", "-permision", "posts:read"}, "unknown flag --permision; did you mean --permission?\n"},
		{"flag with its value", []string{"check", "--subject", "bob", "--permission=posts:read", "--ownr=bob"}, "unknown flag --ownr; did you mean --owner?\n"},
		{"flag after an argument", []string{"policy", "import", "policy.csv", "--replce"}, "unknown flag --replce; did you mean --replace?\n"},
		{"flag of a policy command", []string{"policy", "grant", "--databse", "sqlite:x.db"}, "gatehouse policy grant: unknown flag --databse; did you mean --database?\n"},
		{"a flag's prefix", []string{"test", "--cov", "t.yaml"}, "unknown flag --cov; did you mean --coverage?\n"},
		{"no near flag", []string{"graph", "--colour", "red"}, "gatehouse graph: unknown flag --colour\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.args...)
			assert.Equal(t, exitError, r.code, r)
			assert.Empty(t, r.stdout, r)
			assert.Contains(t, r.stderr, tt.want, r)
		})
	}
}

func TestAValueThatLooksLikeAFlagIsAValue(t *testing.T) {
	t.Parallel()
	// The value of --subject is read as the value, as package flag reads
	// it, not as an unknown flag.
	r := cli(t, "check", "--subject", "-bob", "--permission", "posts:read")
	assert.Equal(t, exitNo, r.code, r)
	assert.Equal(t, "deny\ndenied: no rule grants \"posts:read\" to \"-bob\"\n", r.stdout, r)

	// After "--", nothing is a flag.
	r = cli(t, "policy", "import", "--database", "sqlite:"+t.TempDir()+"/p.db", "--", "--not-a-flag.csv")
	assert.Equal(t, exitError, r.code, r)
	assert.Contains(t, r.stderr, "--not-a-flag.csv: no such file", r)
}
