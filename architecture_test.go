package gatehouse_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// importRules are the import boundaries of the module: the data flow
// request → adapter → authn → Subject → authz decision → handler, with
// nothing reaching back up, and optional parts kept out of the packages
// that do not need them.
var importRules = []struct {
	name string
	// packages the rule holds for: an import path, or a prefix ending in
	// "/...".
	packages []string
	// forbidden are import paths, or prefixes ending in "/...", the
	// packages may not reach: directly when direct, else through any
	// chain of imports.
	forbidden []string
	direct    bool
}{
	{"credentials do not link Casbin", []string{"github.com/gatehouse-go/gatehouse/authn/..."},
		[]string{"github.com/casbin/..."}, false},
	{"replication does not link Casbin", []string{"github.com/gatehouse-go/gatehouse/watch",
		"github.com/gatehouse-go/gatehouse/watch/pgwatch", "github.com/gatehouse-go/gatehouse/watch/rediswatch"},
		[]string{"github.com/casbin/..."}, false},
	{"credentials and policy do not import each other", []string{"github.com/gatehouse-go/gatehouse/authn/..."},
		[]string{"github.com/gatehouse-go/gatehouse/authz/..."}, false},
	{"policy does not import credentials", []string{"github.com/gatehouse-go/gatehouse/authz/..."},
		[]string{"github.com/gatehouse-go/gatehouse/authn/..."}, false},
	{"the vocabulary stands alone", []string{"github.com/gatehouse-go/gatehouse/permissions"},
		[]string{"github.com/gatehouse-go/gatehouse/authn/...", "github.com/gatehouse-go/gatehouse/authz/...",
			"github.com/gatehouse-go/gatehouse/watch/...", "github.com/gatehouse-go/gatehouse/adapters/..."}, false},
	{"adapters import no replication package", []string{"github.com/gatehouse-go/gatehouse/adapters/guard",
		"github.com/gatehouse-go/gatehouse/adapters/nethttp", "github.com/gatehouse-go/gatehouse/adapters/gin",
		"github.com/gatehouse-go/gatehouse/adapters/fiber"},
		[]string{"github.com/gatehouse-go/gatehouse/watch/..."}, true},
	{"nothing but tools and examples imports the examples", []string{"github.com/gatehouse-go/gatehouse/authn/...",
		"github.com/gatehouse-go/gatehouse/authz/...", "github.com/gatehouse-go/gatehouse/adapters/...",
		"github.com/gatehouse-go/gatehouse/watch/..."},
		[]string{"github.com/gatehouse-go/gatehouse/examples/..."}, false},
}

// matchPath reports whether path is pattern, or under it for a pattern
// ending in "/...".
func matchPath(pattern, path string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == prefix || strings.HasPrefix(path, prefix+"/")
	}
	return path == pattern
}

// TestImportBoundaries lists the module's packages (tests aside) with
// their imports and fails on any that crosses a boundary of importRules.
func TestImportBoundaries(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}", "./...").Output()
	require.NoError(t, err, "go list")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.NotEmpty(t, lines)
	for _, rule := range importRules {
		for _, line := range lines {
			pkg, rest, _ := strings.Cut(line, "|")
			imports, deps, _ := strings.Cut(rest, "|")
			if !matchAny(rule.packages, pkg) {
				continue
			}
			reached := strings.Fields(deps)
			if rule.direct {
				reached = strings.Fields(imports)
			}
			for _, dep := range reached {
				if matchAny(rule.forbidden, dep) {
					t.Errorf("%s: %s imports %s", rule.name, pkg, dep)
				}
			}
		}
	}
}

func matchAny(patterns []string, path string) bool {
	for _, p := range patterns {
		if matchPath(p, path) {
			return true
		}
	}
	return false
}
