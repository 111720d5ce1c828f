package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Exit statuses, as grep has them: the answer, then whether there was one.
const (
	// exitOK: the command ran and the answer is yes (allowed, all tests
	// passed, no findings, the edit was made).
	exitOK = 0
	// exitNo: the command ran and the answer is no (denied, a test failed,
	// lint found something, the policy refused the edit).
	exitNo = 1
	// exitError: the command could not run as asked (usage, unreadable or
	// malformed input, a database that does not answer).
	exitError = 2
)

// streams are a command's standard input and outputs; run's caller chooses
// them, so that tests and main share one entry point.
type streams struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one "gatehouse NAME" command.
type command struct {
	name    string
	summary string
	// run executes the command with its arguments (the command name
	// excluded) and returns the exit status.
	run func(ctx context.Context, s streams, args []string) int
}

// commands returns every command, in the order help lists them.
func commands() []command {
	return []command{
		{"check", "decide one request with a gatehouse policy, and say why", runCheck},
		{"enforce", "decide one request with Casbin, for any Casbin model and policy", runEnforce},
		{"test", "run YAML decision tables against a policy, with its coverage", runTest},
		{"lint", "report suspicious lines of a policy", runLint},
		{"roles", "list the roles a subject holds, directly or inherited", runRoles},
		{"permissions", "list the grants that apply to a subject, denies marked", runPermissions},
		{"tenants", "list the tenants a subject has roles or grants in", runTenants},
		{"who-can", "list who may perform a permission on a resource, and why", runWhoCan},
		{"what-can", "list what a subject may do to a resource, and why", runWhatCan},
		{"graph", "draw role inheritance and grants as Graphviz DOT or Mermaid", runGraph},
		{"policy", "list, export, import and edit the policy of a database", runPolicy},
		{"version", "print the version of gatehouse and of Go that built it", runVersion},
		{"help", "describe the commands, or one command", nil},
	}
}

// commandNames returns the names of the commands, for suggestions.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// run is the whole program: it runs the command args[0] names with the
// rest of args, and returns the process's exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s := streams{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printCommands(stderr)
		return exitError
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return runHelp(ctx, s, rest)
	case "-version", "--version":
		return runVersion(ctx, s, rest)
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, s, rest)
		}
	}
	return unknownCommand(s, "gatehouse", name, commandNames(), "gatehouse help")
}

// unknownCommand reports a command name that is not one of names, with
// the one it most likely meant, and returns the exit status of a usage
// error. where is what was run ("gatehouse", "gatehouse policy"), list
// the command that lists the commands.
func unknownCommand(s streams, where, name string, names []string, list string) int {
	hint := didYouMean(name, names, quoteName)
	if strings.HasPrefix(name, "-") {
		hint = didYouMean(strings.TrimLeft(name, "-"), names, quoteName)
		fmt.Fprintf(s.stderr, "%s: %s is not a command%s\nRun '%s' for the list of commands.\n", where, name, hint, list)
		return exitError
	}
	fmt.Fprintf(s.stderr, "%s: unknown command %q%s\nRun '%s' for the list of commands.\n", where, name, hint, list)
	return exitError
}

// runHelp prints the list of commands, or one command's usage: "gatehouse
// help policy grant" is "gatehouse policy grant --help".
func runHelp(ctx context.Context, s streams, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		printCommands(s.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			return c.run(ctx, s, append(append([]string{}, args[1:]...), "--help"))
		}
	}
	return unknownCommand(s, "gatehouse help", args[0], commandNames(), "gatehouse help")
}

func printCommands(w io.Writer) {
	fmt.Fprint(w, `gatehouse checks, tests, lints, draws and edits gatehouse policies.

Usage: gatehouse COMMAND [flags] [arguments]

Commands:
`)
	var names, summaries []string
	for _, c := range commands() {
		names, summaries = append(names, c.name), append(summaries, c.summary)
	}
	printCommandList(w, names, summaries)
	fmt.Fprint(w, `
Without --model and --policy, commands use the model and policy embedded
in gatehouse; with --database DSN (sqlite:PATH, postgres://… or mysql://…)
they use the live policy of that database.

Examples:
  gatehouse check --subject bob --permission posts:delete --owner carol
  gatehouse who-can --policy policy.csv posts:update posts:42
  gatehouse lint --policy policy.csv
  gatehouse policy grant --database sqlite:app.db --subject editor \
      --permission pages:update

Exit status: 0 yes (allowed, tests passed, no findings, edit made);
1 no (denied, a test failed, findings, edit refused by the policy);
2 the command could not run (usage, unreadable or malformed input,
database error).

Run 'gatehouse COMMAND --help' for the flags of a command.
`)
}

// usageError reports a command line that cannot be run as written: an
// unknown flag, a missing one, a bad value or a wrong number of arguments.
type usageError struct {
	msg string
}

func (e *usageError) Error() string { return e.msg }

// usagef returns a *usageError.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// refused reports whether err is the policy refusing an edit, as opposed
// to the edit being malformed or the store failing: the answer is no.
func refused(err error) bool {
	return errors.Is(err, authz.ErrExists) || errors.Is(err, authz.ErrNotFound) ||
		errors.Is(err, authz.ErrCycle) || errors.Is(err, authz.ErrTooDeep)
}

// fail prints err for the command name and returns its exit status:
// exitNo for an edit the policy refuses, exitError otherwise.
func fail(s streams, name string, err error) int {
	msg := strings.TrimSpace(err.Error())
	var usage *usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(s.stderr, "gatehouse %s: %s\nRun 'gatehouse %s --help' for usage.\n", name, msg, name)
		return exitError
	}
	fmt.Fprintf(s.stderr, "gatehouse: %s\n", msg)
	if refused(err) {
		return exitNo
	}
	return exitError
}
