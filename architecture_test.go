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
// databaseLinks are GORM, Casbin's GORM adapter and the SQL drivers: what
// an application links only when it keeps data in a SQL database.
var databaseLinks = []string{"gorm.io/...", "github.com/casbin/gorm-adapter/...", "github.com/jackc/...",
	"github.com/go-sql-driver/...", "github.com/glebarez/...", "modernc.org/sqlite/...", "github.com/mattn/go-sqlite3",
	"github.com/microsoft/go-mssqldb/...", "github.com/lib/pq"}

var importRules = []struct {
	name string
	// packages the rule holds for: an import path, or a prefix ending in
	// "/...".
	packages []string
	// except are packages the rule does not hold for, though packages
	// names them.
	except []string
	// forbidden are import paths, or prefixes ending in "/...", the
	// packages may not reach: directly when direct, else through any
	// chain of imports.
	forbidden []string
	direct    bool
}{
	{name: "policy, its tooling and the adapters link no database", packages: []string{
		"github.com/gatehouse-go/gatehouse/authz", "github.com/gatehouse-go/gatehouse/authz/storetest",
		"github.com/gatehouse-go/gatehouse/authz/authztest", "github.com/gatehouse-go/gatehouse/authz/policylint",
		"github.com/gatehouse-go/gatehouse/adapters/guard", "github.com/gatehouse-go/gatehouse/adapters/nethttp",
		"github.com/gatehouse-go/gatehouse/adapters/gin", "github.com/gatehouse-go/gatehouse/adapters/fiber",
		"github.com/gatehouse-go/gatehouse/adapters/endpoint", "github.com/gatehouse-go/gatehouse/adapters/accountapi",
		"github.com/gatehouse-go/gatehouse/adapters/oidcapi",
		"github.com/gatehouse-go/gatehouse/permissions", "github.com/gatehouse-go/gatehouse/watch",
		"github.com/gatehouse-go/gatehouse/console", "github.com/gatehouse-go/gatehouse/console/..."},
		forbidden: databaseLinks},
	{name: "measuring is built on the parts, never the other way round", packages: []string{
		"github.com/gatehouse-go/gatehouse/authn/...", "github.com/gatehouse-go/gatehouse/authz/...",
		"github.com/gatehouse-go/gatehouse/adapters/...", "github.com/gatehouse-go/gatehouse/console/..."},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/observe"}},
	{name: "only the examples and test support link OpenTelemetry's SDK and exporters: the application chooses its own", packages: []string{"github.com/gatehouse-go/gatehouse/..."},
		except:    []string{"github.com/gatehouse-go/gatehouse/internal/testprovider", "github.com/gatehouse-go/gatehouse/adapters/adaptertest", "github.com/gatehouse-go/gatehouse/examples/..."},
		forbidden: []string{"go.opentelemetry.io/otel/sdk/...", "go.opentelemetry.io/otel/exporters/...", "github.com/prometheus/..."}},
	{name: "the console is built on the parts, never the other way round", packages: []string{
		"github.com/gatehouse-go/gatehouse/authn/...", "github.com/gatehouse-go/gatehouse/authz/...",
		"github.com/gatehouse-go/gatehouse/adapters/...", "github.com/gatehouse-go/gatehouse/stack"},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/console", "github.com/gatehouse-go/gatehouse/console/..."}},
	{name: "the account API links no Redis client", packages: []string{"github.com/gatehouse-go/gatehouse/adapters/..."},
		forbidden: []string{"github.com/redis/..."}},
	{name: "the stack is built on the parts, never the other way round", packages: []string{
		"github.com/gatehouse-go/gatehouse/authn/...", "github.com/gatehouse-go/gatehouse/authz/...",
		"github.com/gatehouse-go/gatehouse/adapters/...", "github.com/gatehouse-go/gatehouse/watch/...",
		"github.com/gatehouse-go/gatehouse/database"},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/stack"}},
	{name: "credentials link no database and no Redis client: only their stores do", packages: []string{
		"github.com/gatehouse-go/gatehouse/authn", "github.com/gatehouse-go/gatehouse/authn/token",
		"github.com/gatehouse-go/gatehouse/authn/session", "github.com/gatehouse-go/gatehouse/authn/throttle",
		"github.com/gatehouse-go/gatehouse/authn/purpose", "github.com/gatehouse-go/gatehouse/authn/password",
		"github.com/gatehouse-go/gatehouse/authn/token/memstore", "github.com/gatehouse-go/gatehouse/authn/session/memstore",
		"github.com/gatehouse-go/gatehouse/authn/throttle/memstore", "github.com/gatehouse-go/gatehouse/authn/purpose/memstore",
		"github.com/gatehouse-go/gatehouse/authn/users", "github.com/gatehouse-go/gatehouse/authn/users/memstore",
		"github.com/gatehouse-go/gatehouse/authn/refresh", "github.com/gatehouse-go/gatehouse/authn/refresh/memstore",
		"github.com/gatehouse-go/gatehouse/authn/apikey", "github.com/gatehouse-go/gatehouse/authn/apikey/memstore",
		"github.com/gatehouse-go/gatehouse/authn/clientcert", "github.com/gatehouse-go/gatehouse/authn/account",
		"github.com/gatehouse-go/gatehouse/authn/external", "github.com/gatehouse-go/gatehouse/authn/oidclogin",
		"github.com/gatehouse-go/gatehouse/authn/identity", "github.com/gatehouse-go/gatehouse/authn/identity/memstore",
		"github.com/gatehouse-go/gatehouse/authn/totp", "github.com/gatehouse-go/gatehouse/authn/totp/memstore",
		"github.com/gatehouse-go/gatehouse/authn/totp/storetest",
		"github.com/gatehouse-go/gatehouse/authn/recovery", "github.com/gatehouse-go/gatehouse/authn/recovery/memstore",
		"github.com/gatehouse-go/gatehouse/authn/recovery/storetest", "github.com/gatehouse-go/gatehouse/authn/recovery/internal/storecheck",
		"github.com/gatehouse-go/gatehouse/authn/passkey", "github.com/gatehouse-go/gatehouse/authn/passkey/memstore",
		"github.com/gatehouse-go/gatehouse/authn/passkey/storetest"},
		forbidden: append([]string{"github.com/redis/..."}, databaseLinks...)},
	{name: "a JWT verifier needs no replication", packages: []string{"github.com/gatehouse-go/gatehouse/authn/token"},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/watch/..."}},
	{name: "only authz/gormstore imports Casbin's GORM adapter", packages: []string{"github.com/gatehouse-go/gatehouse/..."},
		except:    []string{"github.com/gatehouse-go/gatehouse/authz/gormstore"},
		forbidden: []string{"github.com/casbin/gorm-adapter/..."}, direct: true},
	{name: "credentials do not link Casbin", packages: []string{"github.com/gatehouse-go/gatehouse/authn/..."},
		forbidden: []string{"github.com/casbin/..."}},
	{name: "replication does not link Casbin", packages: []string{"github.com/gatehouse-go/gatehouse/watch",
		"github.com/gatehouse-go/gatehouse/watch/pgwatch", "github.com/gatehouse-go/gatehouse/watch/rediswatch"},
		forbidden: []string{"github.com/casbin/..."}},
	{name: "credentials and policy do not import each other", packages: []string{"github.com/gatehouse-go/gatehouse/authn/..."},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/authz/..."}},
	{name: "policy does not import credentials", packages: []string{"github.com/gatehouse-go/gatehouse/authz/..."},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/authn/..."}},
	{name: "the vocabulary stands alone", packages: []string{"github.com/gatehouse-go/gatehouse/permissions"},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/authn/...", "github.com/gatehouse-go/gatehouse/authz/...",
			"github.com/gatehouse-go/gatehouse/watch/...", "github.com/gatehouse-go/gatehouse/adapters/..."}},
	{name: "adapters import no replication package", packages: []string{"github.com/gatehouse-go/gatehouse/adapters/..."},
		except:    []string{"github.com/gatehouse-go/gatehouse/adapters/adaptertest"}, // it tests the adapters' answers when replication fails
		forbidden: []string{"github.com/gatehouse-go/gatehouse/watch/..."}, direct: true},
	{name: "only test support links the OpenID provider that tests run", packages: []string{"github.com/gatehouse-go/gatehouse/..."},
		except: []string{"github.com/gatehouse-go/gatehouse/internal/testprovider",
			"github.com/gatehouse-go/gatehouse/adapters/adaptertest", "github.com/gatehouse-go/gatehouse/examples/internal/blogtest"},
		forbidden: []string{"github.com/zitadel/...", "github.com/gatehouse-go/gatehouse/internal/testprovider"}},
	{name: "only test support links the software WebAuthn authenticator", packages: []string{"github.com/gatehouse-go/gatehouse/..."},
		except:    []string{"github.com/gatehouse-go/gatehouse/internal/webauthntest", "github.com/gatehouse-go/gatehouse/examples/internal/blogtest"},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/internal/webauthntest"}},
	{name: "nothing but tools and examples imports the examples", packages: []string{"github.com/gatehouse-go/gatehouse/authn/...",
		"github.com/gatehouse-go/gatehouse/authz/...", "github.com/gatehouse-go/gatehouse/adapters/...",
		"github.com/gatehouse-go/gatehouse/watch/..."},
		forbidden: []string{"github.com/gatehouse-go/gatehouse/examples/..."}},
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
			if !matchAny(rule.packages, pkg) || matchAny(rule.except, pkg) {
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
