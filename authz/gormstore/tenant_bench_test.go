package gormstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// linesPerTenant is how many lines each tenant of the benchmarks' tenant
// policy has: 10 grants and 90 role assignments.
const linesPerTenant = 100

// tenantBenchDir holds the SQLite files of the tenant policies, made once
// per process (a million lines take a while to write) and removed by
// TestMain.
var (
	tenantBenchDirOnce sync.Once
	tenantBenchDirPath string
	tenantBenchDirErr  error
)

func tenantBenchDir() (string, error) {
	tenantBenchDirOnce.Do(func() {
		tenantBenchDirPath, tenantBenchDirErr = os.MkdirTemp("", "gatehouse-tenant-bench")
	})
	return tenantBenchDirPath, tenantBenchDirErr
}

// TestMain removes the benchmarks' tenant policies after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if tenantBenchDirPath != "" {
		_ = os.RemoveAll(tenantBenchDirPath)
	}
	os.Exit(code)
}

var tenantBenchFiles sync.Map // tenants → *tenantBenchFile

type tenantBenchFile struct {
	once sync.Once
	path string
}

// tenantBenchName names the i-th tenant of the benchmarks' policy.
func tenantBenchName(i int) string { return fmt.Sprintf("org%05d", i) }

// tenantBenchPolicy writes, once per process, a policy of tenants tenants
// (linesPerTenant lines each, plus a few dozen for every tenant) into a
// SQLite file with the store's tables, and returns its path. Each tenant
// has five roles with two grants each (one scoped own, one a deny), and 45
// users holding two roles each; every tenth tenant has a tenant "eu" below
// it, holding ten of its assignments. For every tenant: an auditor's 20
// grants, ten operators, and admin inheriting member. Rows go in with
// plain multi-row inserts, not through an engine.
func tenantBenchPolicy(b *testing.B, tenants int) string {
	b.Helper()
	entry, _ := tenantBenchFiles.LoadOrStore(tenants, &tenantBenchFile{})
	f := entry.(*tenantBenchFile)
	f.once.Do(func() {
		dir, err := tenantBenchDir()
		require.NoError(b, err)
		path := filepath.Join(dir, fmt.Sprintf("tenants-%d.db", tenants))
		db := testdb.OpenFile(b, path)
		ctx := context.Background()
		s, err := gormstore.New(ctx, db)
		require.NoError(b, err)

		const perStatement = 100
		var (
			values []string
			args   []any
			tx     *gorm.DB
		)
		flush := func() {
			if len(values) == 0 {
				return
			}
			require.NoError(b, tx.Exec("INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5) VALUES "+
				strings.Join(values, ", "), args...).Error)
			values, args = values[:0], args[:0]
		}
		row := func(ptype string, v ...string) {
			var cols [6]string
			copy(cols[:], v)
			values = append(values, "(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, ptype, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])
			if len(values) == perStatement {
				flush()
			}
		}
		require.NoError(b, db.Transaction(func(t *gorm.DB) error {
			tx = t
			for i := range 20 {
				row("p", "auditor", authz.AllTenants, fmt.Sprintf("res%d:read", i), "any", "allow")
			}
			for i := range 10 {
				row("g", fmt.Sprintf("ops%d", i), "operator", authz.AllTenants)
			}
			row("g", "admin", "member", authz.AllTenants)
			roles := []string{"admin", "editor", "viewer", "billing", "support"}
			for t := range tenants {
				name := tenantBenchName(t)
				for r, role := range roles {
					row("p", role, name, fmt.Sprintf("res%d:*", r), "any", "allow")
					effect, scope := "allow", "own"
					if r == 4 {
						effect, scope = "deny", "any"
					}
					row("p", role, name, fmt.Sprintf("res%d:write", r+5), scope, effect)
				}
				for k := range linesPerTenant - 2*len(roles) {
					tenant := name
					if t%10 == 0 && k < 10 {
						tenant = name + "/eu"
					}
					row("g", fmt.Sprintf("user%d", t*45+k/2), roles[k%len(roles)], tenant)
				}
			}
			flush()
			return nil
		}))
		require.NoError(b, s.Seed(ctx, authz.Policy{}))
		f.path = path
	})
	require.NotEmpty(b, f.path, "the tenant policy of %d tenants could not be written", tenants)
	return f.path
}

// BenchmarkLoadTenants is a cold start on a policy with tenants: a new
// store and engine reading every line from SQLite, validating them and
// building Casbin's model and the index. It reports the peak of live heap
// during the load.
func BenchmarkLoadTenants(b *testing.B) {
	for _, tenants := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("lines=%d", tenants*linesPerTenant), func(b *testing.B) {
			benchmarkColdLoad(b, tenantBenchPolicy(b, tenants), authz.WithModel(gatehouse.TenantModel()))
		})
	}
}

// BenchmarkLoadOneTenant is a cold start of an engine restricted to one
// tenant (authz.WithTenants) of the million-line policy: a new store and
// engine loading that tenant's lines and those for every tenant.
func BenchmarkLoadOneTenant(b *testing.B) {
	const tenants = 10000
	b.Run(fmt.Sprintf("lines=%d", tenants*linesPerTenant), func(b *testing.B) {
		path := tenantBenchPolicy(b, tenants)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := testdb.OpenFile(b, path)
			tenant := tenantBenchName(i * 7919 % tenants)
			b.StartTimer()
			s, err := gormstore.New(ctx, db)
			require.NoError(b, err)
			e, err := authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithStore(s), authz.WithTenants(tenant))
			b.StopTimer()
			require.NoError(b, err)
			p, err := e.Policy(ctx)
			require.NoError(b, err)
			require.Len(b, p.Grants, 30)
			closeDB(b, db)
			b.StartTimer()
		}
	})
}

// closeDB closes db's connection pool now rather than when the benchmark
// ends.
func closeDB(b *testing.B, db *gorm.DB) {
	b.Helper()
	sqlDB, err := db.DB()
	require.NoError(b, err)
	require.NoError(b, sqlDB.Close())
}
