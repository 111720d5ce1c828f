package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

const versionAbout = `
Prints the version of gatehouse this program was built from, the commit
and whether its checkout had changes when they are known, and the Go
version that built it, as one line:

    gatehouse v1.4.0, go1.26.0 linux/amd64
    gatehouse (devel), revision 1f3b880a9c4e (modified), go1.26.0 linux/amd64

"(devel)" is a program built from a checkout of the repository rather than
installed at a released version. "gatehouse --version" prints the same.

Exit status: 0.`

func runVersion(_ context.Context, s streams, args []string) int {
	fs := newFlagSet("version", "", versionAbout, "gatehouse version", "gatehouse --version")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) > 0 {
		return fail(s, fs.name, unexpectedArgument(fs, positional[0]))
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(s.stdout, versionLine(info, runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH))
	return exitOK
}

// versionLine words what the build recorded: the module's version, the
// commit it was built from and whether the checkout was modified when
// the build settings have them, then the Go version and platform. info
// is nil when the program carries no build information.
func versionLine(info *debug.BuildInfo, goVersion, platform string) string {
	version := "(unknown)"
	var revision string
	modified := false
	if info != nil {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, setting := range info.Settings {
			switch setting.Key {
			case "vcs.revision":
				revision = setting.Value
			case "vcs.modified":
				modified = setting.Value == "true"
			}
		}
	}
	parts := []string{"gatehouse " + version}
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		if modified {
			revision += " (modified)"
		}
		parts = append(parts, "revision "+revision)
	}
	return strings.Join(append(parts, goVersion+" "+platform), ", ")
}
