package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
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
}

func newFlagSet(name, synopsis, about string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, name: name, synopsis: synopsis, about: about}
}

// parse reads flags and positional arguments in any order, so that
// "import FILE --replace" reads as "import --replace FILE"; "--" ends the
// flags. It returns the positional arguments. When parsing ends the
// command — --help, or a command line that does not parse — done is true
// and status is the exit status, the usage or error printed.
func (fs *flagSet) parse(s streams, args []string) (positional []string, status int, done bool) {
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

// usage prints the command's help: synopsis, description and flags.
func (fs *flagSet) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: gatehouse %s %s\n\n%s\n", fs.name, fs.synopsis, strings.TrimSpace(fs.about))
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
		fmt.Fprintf(w, "  --%s%s\n\t%s", f.Name, value, strings.ReplaceAll(text, "\n", "\n\t"))
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
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
