package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// flagSet is one command's flags, with what its --help prints.
type flagSet struct {
	*flag.FlagSet
	// name is the command as typed: "check", "policy grant".
	name string
	// synopsis follows "gatehouse NAME" in the usage line.
	synopsis string
	// about describes the command, its output and its exit status.
	about string
	// examples are command lines help shows, one an entry, each starting
	// with "gatehouse"; a long one goes on over lines that end in a
	// backslash, the lines after indented by six spaces.
	examples []string
}

func newFlagSet(name, synopsis, about string, examples ...string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, name: name, synopsis: synopsis, about: about, examples: examples}
}

// parse reads flags and positional arguments in any order, so that
// "import FILE --replace" reads as "import --replace FILE"; "--" ends the
// flags. It returns the positional arguments. When parsing ends the
// command — --help, or a command line that does not parse — done is true
// and status is the exit status, the usage or error printed.
func (fs *flagSet) parse(s streams, args []string) (positional []string, status int, done bool) {
	if err := fs.checkNames(args); err != nil {
		return nil, fail(s, fs.name, err), true
	}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.usage(s.stdout)
			return nil, exitOK, true
		}
		if err != nil {
			return nil, fail(s, fs.name, usagef("%v", err)), true
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, 0, false
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), 0, false
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// checkNames reads args as package flag will and refuses, before it does,
// a flag the command does not have — with the flag it most likely meant —
// and a flag left without its value at the end. Package flag's own
// messages name neither the way the help does.
func (fs *flagSet) checkNames(args []string) error {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return nil
		}
		if len(arg) < 2 || arg[0] != '-' {
			continue // a positional argument, "-" among them
		}
		name := strings.TrimPrefix(arg[1:], "-")
		name, _, hasValue := strings.Cut(name, "=")
		if name == "" || name[0] == '-' || name[0] == '=' {
			continue // bad syntax, which package flag reports
		}
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				continue
			}
			return usagef("unknown flag %s%s", flagName(name), didYouMean(name, fs.flagNames(), flagName))
		}
		if hasValue || isBoolFlag(f) {
			continue
		}
		if i++; i == len(args) {
			return usagef("%s needs a value", flagName(name))
		}
	}
	return nil
}

// flagNames returns the names of the command's flags, help among them.
func (fs *flagSet) flagNames() []string {
	names := []string{"help"}
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// isBoolFlag reports whether f takes no value, as package flag decides it.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// usage prints the command's help: synopsis, description, examples and
// flags, wrapped to helpWidth.
func (fs *flagSet) usage(w io.Writer) {
	usage := "Usage: gatehouse " + fs.name
	if fs.synopsis != "" {
		usage = wrapSynopsis(usage+" ", fs.synopsis)
	}
	fmt.Fprintf(w, "%s\n\n%s\n", usage, strings.TrimSpace(fs.about))
	if len(fs.examples) > 0 {
		fmt.Fprint(w, "\nExamples:\n")
		for _, example := range fs.examples {
			fmt.Fprintln(w, listIndent+example)
		}
	}
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprint(w, "\nFlags:\n")
			first = false
		}
		value, text := flag.UnquoteUsage(f)
		if value != "" {
			value = " " + value
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			text += fmt.Sprintf(" (default: %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  --%s%s\n%s", f.Name, value, wrap(text, flagIndent, helpWidth))
	})
}

// require returns a usage error naming the first of the flags names that
// was left empty.
func (fs *flagSet) require(names ...string) error {
	for _, name := range names {
		if f := fs.Lookup(name); f != nil && f.Value.String() == "" {
			return usagef("--%s is required", name)
		}
	}
	return nil
}

// unexpectedArgument refuses an argument a command takes no argument for,
// saying which flag a file of policy or model would be given with, when
// the command has it.
func unexpectedArgument(fs *flagSet, arg string) error {
	hint := ""
	switch ext := strings.ToLower(filepath.Ext(arg)); {
	case ext == ".csv" && fs.Lookup("policy") != nil:
		hint = "; give the policy file with --policy"
	case ext == ".conf" && fs.Lookup("model") != nil:
		hint = "; give the model file with --model"
	}
	return usagef("unexpected argument %q%s", arg, hint)
}
