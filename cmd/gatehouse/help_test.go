package main

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commandLine matches an entry of a command list: its name, then its
// summary from the summary column.
var commandLine = regexp.MustCompile(`^  (\S+) +(\S.*)$`)

// listedCommands returns the names help lists under "Commands:", checking
// that each entry's summary starts at the one summary column.
func listedCommands(t *testing.T, help string) []string {
	t.Helper()
	_, list, found := strings.Cut(help, "\nCommands:\n")
	require.True(t, found, "no Commands: section in\n%s", help)
	list, _, _ = strings.Cut(list, "\n\n")
	var names []string
	for _, line := range strings.Split(list, "\n") {
		if strings.HasPrefix(line, strings.Repeat(" ", summaryFrom)) {
			continue // a summary, continued
		}
		m := commandLine.FindStringSubmatch(line)
		require.NotNil(t, m, "not a command entry: %q", line)
		assert.Equal(t, summaryFrom, strings.Index(line, m[2]), "the summary of %s starts at column %d", m[1], summaryFrom)
		names = append(names, m[1])
	}
	return names
}

// helpTexts returns every help text the command prints, by the command
// line that prints it.
func helpTexts(t *testing.T) map[string]string {
	t.Helper()
	texts := map[string]string{}
	for _, args := range [][]string{{"help"}, {"policy", "--help"}} {
		r := cli(t, args...)
		require.Equal(t, exitOK, r.code, r)
		texts[strings.Join(args, " ")] = r.stdout
	}
	for _, command := range everyCommand() {
		args := append(append([]string{}, command...), "--help")
		r := cli(t, args...)
		require.Equal(t, exitOK, r.code, r)
		texts[strings.Join(args, " ")] = r.stdout
	}
	return texts
}

func TestHelpTextsFitEightyColumns(t *testing.T) {
	t.Parallel()
	for args, text := range helpTexts(t) {
		for i, line := range strings.Split(text, "\n") {
			assert.NotContains(t, line, "\t", "gatehouse %s, line %d: a tab's width depends on the terminal", args, i+1)
			assert.LessOrEqual(t, utf8.RuneCountInString(line), helpWidth,
				"gatehouse %s, line %d is %d columns:\n%s", args, i+1, utf8.RuneCountInString(line), line)
			assert.Equal(t, strings.TrimRight(line, " "), line, "gatehouse %s, line %d ends in spaces", args, i+1)
		}
	}
}

func TestHelpFlagsShareOneLayout(t *testing.T) {
	t.Parallel()
	flagLine := regexp.MustCompile(`^  --[a-z]+( [A-Za-z:|]+)?$`)
	for args, text := range helpTexts(t) {
		_, flags, found := strings.Cut(text, "\nFlags:\n")
		if !found {
			continue
		}
		lines := strings.Split(strings.TrimSuffix(flags, "\n"), "\n")
		for i, line := range lines {
			if strings.HasPrefix(line, "  --") {
				assert.Regexp(t, flagLine, line, "gatehouse %s: a flag is its name and value", args)
				require.Less(t, i+1, len(lines), "gatehouse %s: %s has no description", args, line)
				assert.True(t, strings.HasPrefix(lines[i+1], flagIndent), "gatehouse %s: %s is described under it", args, line)
				continue
			}
			assert.True(t, strings.HasPrefix(line, flagIndent) && line[len(flagIndent)] != ' ',
				"gatehouse %s: %q is neither a flag nor its description", args, line)
		}
	}
}

// TestHelpListsEveryCommand holds the lists of "gatehouse help" and
// "gatehouse policy --help" to the commands that run: every name listed
// runs, and every command that runs is listed.
func TestHelpListsEveryCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		help   []string
		prefix []string
		want   []string
	}{
		{name: "gatehouse", help: []string{"help"}, want: commandNames()},
		{name: "policy", help: []string{"policy", "--help"}, prefix: []string{"policy"}, want: policyCommandNames()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.help...)
			require.Equal(t, exitOK, r.code, r)
			listed := listedCommands(t, r.stdout)
			assert.ElementsMatch(t, tt.want, listed)
			for _, name := range listed {
				args := append(append([]string{}, tt.prefix...), name, "--help")
				run := cli(t, args...)
				assert.Equal(t, exitOK, run.code, "%s is listed, and runs\n%s", name, run)
				assert.NotContains(t, run.stderr, "unknown command", run)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		text   string
		indent string
		width  int
		want   string
	}{
		{"fits", "one two", "  ", 20, "  one two\n"},
		{"wraps between words", "one two three four", "  ", 12, "  one two\n  three four\n"},
		{"a word longer than a line", "a verylongword b", "", 5, "a\nverylongword\nb\n"},
		{"a newline starts a line", "one\ntwo", "- ", 20, "- one\n- two\n"},
		{"runes, not bytes", "……… ………", "", 7, "……… ………\n"},
		{"spaces collapse", "  one   two  ", "", 20, "one two\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, wrap(tt.text, tt.indent, tt.width))
		})
	}
}

func TestWrapSynopsis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		prefix   string
		synopsis string
		want     string
	}{
		{"fits", "Usage: gatehouse lint ", "[--model FILE] [--policy FILE]", "Usage: gatehouse lint [--model FILE] [--policy FILE]"},
		{
			"breaks before a group, never inside one",
			"Usage: gatehouse check ",
			"--subject S --permission P [--owner O] [--model FILE] [--policy FILE | --database DSN [--table NAME]]",
			"Usage: gatehouse check --subject S --permission P [--owner O] [--model FILE]\n" +
				"                       [--policy FILE | --database DSN [--table NAME]]",
		},
		{
			"keeps a flag with its value",
			"Usage: gatehouse policy revoke ",
			"--subject S --permission P [--scope any|own] [--effect allow|deny] --database DSN",
			"Usage: gatehouse policy revoke --subject S --permission P [--scope any|own]\n" +
				"                               [--effect allow|deny] --database DSN",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, wrapSynopsis(tt.prefix, tt.synopsis))
		})
	}
}
