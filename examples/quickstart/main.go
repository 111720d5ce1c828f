// Command quickstart is gatehouse's authorization engine in one page: it
// opens (or creates) a SQLite policy store, gives three people roles, asks
// the policy questions and prints the answers with their reasons, suspends
// somebody at runtime, and turns "which posts may each of them read" into a
// WHERE clause.
//
//	go run ./examples/quickstart [-db gatehouse-quickstart.db]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func main() {
	path := flag.String("db", "gatehouse-quickstart.db", "SQLite file that stores the policy")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// question is one decision to show.
type question struct {
	who   string
	perm  permissions.Permission
	owner string
}

func run(ctx context.Context, out io.Writer, path string) error {
	db, err := gorm.Open(sqlite.Open(path), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}

	// The policy lives in Casbin's table casbin_rule; the first start seeds
	// it with gatehouse's default policy.
	store, err := gormstore.New(ctx, db)
	if err != nil {
		return err
	}
	engine, err := authz.New(ctx, authz.WithStore(store))
	if err != nil {
		return err
	}
	people := map[string][]string{"alice": {"admin"}, "carol": {"moderator"}, "bob": {"user"}}
	for _, who := range []string{"alice", "carol", "bob"} {
		if err := engine.SetRoles(ctx, who, people[who]); err != nil {
			return err
		}
	}

	questions := []question{
		{"bob", permissions.PostsUpdate, "bob"},
		{"bob", permissions.PostsUpdate, "carol"},
		{"carol", permissions.PostsDelete, "bob"},
		{"carol", permissions.UsersDelete, "bob"},
		{"alice", permissions.UsersDelete, "bob"},
	}
	fmt.Fprintf(out, "Policy in %s.\n\n", path)
	if err := ask(ctx, out, engine, questions); err != nil {
		return err
	}

	fmt.Fprintln(out, "\nSuspending bob (an explicit deny beats his user role):")
	if err := engine.SetRoles(ctx, "bob", []string{"user", "suspended"}); err != nil {
		return err
	}
	if err := ask(ctx, out, engine, []question{{"bob", permissions.PostsUpdate, "bob"}, {"bob", permissions.PostsDelete, "bob"}}); err != nil {
		return err
	}
	if err := engine.SetRoles(ctx, "bob", people["bob"]); err != nil {
		return err
	}

	fmt.Fprintln(out, "\nWhich posts may each of them read?")
	for _, who := range []string{"alice", "carol", "bob", "mallory"} {
		filter, err := engine.Filter(ctx, who, permissions.PostsRead)
		if err != nil {
			return err
		}
		where, args, err := filter.Where("author_id")
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-8s SELECT * FROM posts WHERE %s %v\n", who, where, args)
	}
	return nil
}

// ask prints each question's answer and reason.
func ask(ctx context.Context, out io.Writer, engine *authz.Engine, questions []question) error {
	for _, q := range questions {
		d, err := engine.Decide(ctx, authz.Request{
			Subject: q.who, Permission: q.perm, Resource: authz.Resource{Type: q.perm.Resource(), Owner: q.owner},
		})
		if err != nil {
			return err
		}
		verdict := "DENY "
		if d.Allowed {
			verdict = "ALLOW"
		}
		fmt.Fprintf(out, "  %s %-6s %-13s owner=%-6s %s\n", verdict, q.who, q.perm, q.owner, d.Reason())
	}
	return nil
}
