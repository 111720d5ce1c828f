// Command tenants is a small multi-tenant API, as a SaaS product has one:
// organizations (the tenants) whose members hold roles per organization,
// projects that belong to one organization, and a platform operator who
// acts in every organization.
//
//	go run ./examples/tenants [-db tenants.db] [-addr 127.0.0.1:8080]
//
// Everything is kept in one SQLite file: accounts, the policy (gatehouse's
// model with tenants), organizations and projects. JWT_SECRET (at least 32
// bytes) signs access tokens; without it a random secret does, and tokens
// die with the process. The first start seeds demo accounts (see seed.go).
//
// This file is the wiring: accounts and login from package stack, one
// middleware deciding at the platform's level and one deciding in the
// organization named by the path, and the routes with their guards. The
// policy is in policy.go, the handlers in orgs.go and projects.go, the
// tables in store.go.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
	"github.com/gatehouse-go/gatehouse/stack"
)

// main serves until interrupted; see run.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "tenants:", err)
		os.Exit(1)
	}
}

// run reads the flags in args, opens the database and serves until ctx is
// done. ready, when set, learns the address once the server accepts
// connections.
func run(ctx context.Context, args []string, getenv func(string) string, logs io.Writer, ready func(addr string)) error {
	flags := flag.NewFlagSet("tenants", flag.ContinueOnError)
	flags.SetOutput(logs)
	path := flags.String("db", "tenants.db", "the SQLite file that keeps accounts, policy, organizations and projects")
	addr := flags.String("addr", "127.0.0.1:8080", "the address to listen on")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	log := slog.New(slog.NewTextHandler(logs, nil))
	secret := []byte(getenv("JWT_SECRET"))
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret) // never fails (crypto/rand, Go 1.24 on)
		log.Warn("JWT_SECRET is not set: a random secret signs tokens, which die with the process")
	}
	a, err := newApp(ctx, "sqlite:"+*path, secret, log)
	if err != nil {
		return err
	}
	defer a.Close()
	// Served as the blog examples are: each request bounded in time, no
	// answer cached, no chunked body.
	return blog.Serve(ctx, *addr, a, log, ready)
}

// app is the API's handler, with the stack and database it closes.
type app struct {
	http.Handler
	auth  *stack.Stack
	store *store
	close func() error
}

// Close stops the stack and closes the database.
func (a *app) Close() {
	if a.auth != nil {
		a.auth.Close()
	}
	if a.close != nil {
		_ = a.close()
	}
}

// newApp opens the database at dsn, seeds it on the first start and
// returns the API.
func newApp(ctx context.Context, dsn string, secret []byte, log *slog.Logger) (_ *app, err error) {
	db, err := database.Open(dsn)
	if err != nil {
		return nil, err
	}
	a := &app{}
	if sqlDB, err := db.DB(); err == nil {
		a.close = sqlDB.Close
	}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	a.auth, err = stack.New(ctx, stack.Config{
		DB: db, Secret: secret, Logger: log,
		// Accounts hold no role of their own: members get roles per
		// organization, and the operator one for every organization.
		NewUserRoles: []string{},
		Authz:        []authz.Option{authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(rolePolicy)},
	})
	if err != nil {
		return nil, err
	}
	if a.store, err = openStore(ctx, db); err != nil {
		return nil, err
	}
	if err := seed(ctx, a.auth, a.store); err != nil {
		return nil, err
	}

	// Two middlewares on one engine: platform decides outside every
	// organization, where only the rules written for "*" hold (the
	// operator's); org decides in the organization of the path parameter
	// {org}, and answers 404 to callers who are not its members.
	platform, err := httpadapter.New(httpadapter.Config{Guard: a.auth.Guard()})
	if err != nil {
		return nil, err
	}
	inOrg := a.auth.Guard()
	inOrg.Tenant = guard.TenantFromPath("org")
	org, err := httpadapter.New(httpadapter.Config{Guard: inOrg})
	if err != nil {
		return nil, err
	}
	s := &server{engine: a.auth.Engine, users: a.auth.Users, store: a.store, platform: platform, org: org}
	// guarded serves h behind require, in an organization that exists.
	guarded := func(require func(http.Handler) http.Handler, h http.HandlerFunc) http.Handler {
		return require(s.existing(h))
	}

	mux := http.NewServeMux()
	platform.Mount(mux, a.auth.Routes()...) // POST /auth/register, /auth/login, /auth/refresh, /auth/logout, GET /me, …
	mux.HandleFunc("GET /orgs", s.myOrgs)
	mux.HandleFunc("POST /orgs", s.createOrg)
	mux.Handle("GET /admin/orgs", platform.RequirePermission(permOrgsList)(http.HandlerFunc(s.allOrgs)))
	mux.Handle("DELETE /orgs/{org}", guarded(org.RequirePermission(permOrgsDelete), s.deleteOrg))
	mux.Handle("GET /orgs/{org}/members", guarded(org.RequirePermission(permMembersRead), s.listMembers))
	mux.Handle("POST /orgs/{org}/members", guarded(org.RequirePermission(permMembersWrite), s.addMember))
	mux.Handle("PUT /orgs/{org}/members/{user}", guarded(org.RequirePermission(permMembersWrite), s.setMemberRoles))
	mux.Handle("DELETE /orgs/{org}/members/{user}", guarded(org.RequirePermission(permMembersWrite), s.removeMember))
	mux.HandleFunc("GET /orgs/{org}/projects", s.listProjects)
	mux.Handle("POST /orgs/{org}/projects", guarded(org.RequirePermission(permProjectsCreate), s.createProject))
	mux.Handle("GET /orgs/{org}/projects/{id}", guarded(org.RequireOwnership(permProjectsRead, s.loadProject), s.getProject))
	mux.Handle("PATCH /orgs/{org}/projects/{id}", guarded(org.RequireOwnership(permProjectsUpdate, s.loadProject), s.renameProject))
	mux.Handle("DELETE /orgs/{org}/projects/{id}", guarded(org.RequireOwnership(permProjectsDelete, s.loadProject), s.deleteProject))
	mux.HandleFunc("/", s.notFound)

	// Every route but the account API's public ones needs a login.
	a.Handler = platform.Authenticate(s.onlyCleanPaths(mux))
	return a, nil
}

// server holds what the handlers need.
type server struct {
	engine   *authz.Engine
	users    *users.Directory
	store    *store
	platform *httpadapter.Middleware // decides at the platform's level
	org      *httpadapter.Middleware // decides in the organization of the path
	// members serializes the edits of memberships, so that two owners
	// removing each other at once cannot leave an organization without
	// one. One process serves the SQLite file; replicas would hold the
	// check in the store.
	members sync.Mutex
}
