package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// ErrConfig reports a Config New cannot use.
var ErrConfig = errors.New("console: invalid configuration")

// DefaultPrefix is Config.Prefix when it is empty.
const DefaultPrefix = "/console/"

// Limits of what a request may send.
const (
	// MaxFormBytes bounds the body of a form that edits the policy.
	MaxFormBytes = 64 << 10
	// MaxTableBytes bounds a decision table, pasted or uploaded.
	MaxTableBytes = 512 << 10
	// MaxListed bounds the subjects and lines a page lists; a search
	// narrows them.
	MaxListed = 500
)

// Config configures a Console.
type Config struct {
	// Engine is the policy the console shows and edits. Required.
	Engine *authz.Engine
	// Sessions are the cookie sessions of the application's users, who
	// log in on the application's own page: the console reads the session
	// cookie, and puts the session's CSRF token in its forms. Required.
	Sessions *session.Manager
	// Prefix is the path the console is mounted at, with a slash at both
	// ends. Default DefaultPrefix, "/console/".
	Prefix string
	// LoginURL, when set, is where anonymous visitors are sent (303 See
	// Other), with the page they asked for as return_to. Without it they
	// get a 401 page.
	LoginURL string
	// Read is the permission to see the console, Write the permission to
	// change the policy through it. Default permissions.PolicyRead and
	// permissions.PolicyWrite.
	Read, Write permissions.Permission
	// RequireMFA, when set, lets only logins with a second factor change
	// the policy (authn.Subject.RequireMFA); others may look.
	RequireMFA bool
	// IsSubject tells a subject's id from a role's name, as
	// guard.Config.IsSubject does (users.IsID for gatehouse's users). Nil:
	// every name that holds a grant or is held as a role is a role, and
	// the others are subjects.
	IsSubject func(name string) bool
	// Logger records every edit (who, what) and every failure. Default
	// slog.Default().
	Logger *slog.Logger
	// Timeout bounds each request's work on the engine and its store,
	// whether or not the client is still there. Default 10 s.
	Timeout time.Duration
}

// Console is the policy console's http.Handler. It is safe for concurrent
// use.
type Console struct {
	cfg   Config
	pages *template.Template
}

//go:embed templates/*.html assets/console.css
var files embed.FS

// New checks cfg and returns the console.
func New(cfg Config) (*Console, error) {
	switch {
	case cfg.Engine == nil:
		return nil, fmt.Errorf("%w: Config.Engine is required", ErrConfig)
	case cfg.Sessions == nil:
		return nil, fmt.Errorf("%w: Config.Sessions is required", ErrConfig)
	case cfg.Timeout < 0:
		return nil, fmt.Errorf("%w: Config.Timeout may not be negative", ErrConfig)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if !strings.HasPrefix(cfg.Prefix, "/") || !strings.HasSuffix(cfg.Prefix, "/") || strings.ContainsAny(cfg.Prefix, "?#%\\ ") {
		return nil, fmt.Errorf("%w: Config.Prefix %q: a path with a slash at both ends, such as /console/", ErrConfig, cfg.Prefix)
	}
	if cfg.LoginURL != "" && !localPath(cfg.LoginURL) {
		return nil, fmt.Errorf("%w: Config.LoginURL %q: a path on this site", ErrConfig, cfg.LoginURL)
	}
	if cfg.Read == "" {
		cfg.Read = permissions.PolicyRead
	}
	if cfg.Write == "" {
		cfg.Write = permissions.PolicyWrite
	}
	for _, p := range []permissions.Permission{cfg.Read, cfg.Write} {
		if err := p.ValidateRequest(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	pages, err := template.New("console").Funcs(templateFuncs).ParseFS(files, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("console: templates: %w", err)
	}
	return &Console{cfg: cfg, pages: pages}, nil
}

// localPath reports whether p is a path on this site: one slash, then
// no second one or backslash that would make it another host.
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.ContainsAny(p, "\\\r\n")
}

// securityHeaders are set on every answer: nothing from another origin,
// no script, never in a frame, never cached.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
		"frame-ancestors 'none'; base-uri 'none'",
	"X-Frame-Options":        "DENY",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "same-origin",
	"Cache-Control":          "no-store",
}

// ServeHTTP answers the console's pages and forms.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range securityHeaders {
		w.Header().Set(k, v)
	}
	defer func() {
		// A panic below, in the engine or a template, is a 500 page and a
		// log line, never a dead process.
		if v := recover(); v != nil {
			c.cfg.Logger.Error("console: panic", "path", r.URL.Path, "panic", fmt.Sprint(v))
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	// The request's own context is not watched: the one Fiber's adaptor
	// hands over (fasthttp's request) cannot be watched from another
	// goroutine while its server shuts down without a data race.
	// Config.Timeout bounds the work instead.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), c.cfg.Timeout)
	defer cancel()
	r = r.WithContext(ctx)

	path, ok := strings.CutPrefix(r.URL.Path, c.cfg.Prefix)
	if !ok {
		if r.URL.Path+"/" == c.cfg.Prefix {
			http.Redirect(w, r, c.cfg.Prefix, http.StatusSeeOther)
			return
		}
		c.fail(w, r, nil, http.StatusNotFound, "There is no such page.")
		return
	}
	if path == "console.css" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		c.stylesheet(w)
		return
	}
	route, found := routes[path]
	if !found {
		c.fail(w, r, nil, http.StatusNotFound, "There is no such page.")
		return
	}
	handler := route.get
	if r.Method == http.MethodPost {
		handler = route.post
	} else if r.Method != http.MethodGet && r.Method != http.MethodHead {
		handler = nil
	}
	if handler == nil {
		w.Header().Set("Allow", route.allow())
		c.fail(w, r, nil, http.StatusMethodNotAllowed, "This page does not take that method.")
		return
	}
	v, ok := c.visit(w, r, route.postReads)
	if !ok {
		return
	}
	handler(c, w, r, v)
}

// route is a page: what it answers to GET and to POST.
type route struct {
	get, post func(c *Console, w http.ResponseWriter, r *http.Request, v *visit)
	// postReads marks a POST that changes nothing (running a decision
	// table): Config.Read is enough for it.
	postReads bool
}

func (rt route) allow() string {
	methods := []string{}
	if rt.get != nil {
		methods = append(methods, "GET", "HEAD")
	}
	if rt.post != nil {
		methods = append(methods, "POST")
	}
	return strings.Join(methods, ", ")
}

// routes are the console's pages, by their path under the prefix.
var routes = map[string]route{
	"":                   {get: (*Console).overview},
	"grants":             {post: (*Console).addGrant},
	"grants/remove":      {post: (*Console).removeGrant},
	"subjects":           {get: (*Console).subjects},
	"assignments":        {post: (*Console).assignRole},
	"assignments/remove": {post: (*Console).unassignRole},
	"resources":          {get: (*Console).resources},
	"why":                {get: (*Console).why},
	"tables":             {get: (*Console).tablesForm, post: (*Console).runTable, postReads: true},
	"graph":              {get: (*Console).graph},
	"policy.csv":         {get: (*Console).download},
	"subject":            {get: (*Console).subjectDetail},
	"who":                {get: (*Console).whoCan},
	"history":            {get: (*Console).history},
}

// visit is who is using the console, and what they may do.
type visit struct {
	subject  authn.Subject
	canWrite bool
	// whyNot says why the visitor may not change the policy, when
	// canWrite is false.
	whyNot string
	csrf   string
	tenant string // the tenant the pages show, under a model with tenants
}

// visit authenticates the request by its session cookie and checks its
// permissions: for a POST, its form's CSRF token, and Config.Write unless
// the POST only reads. It answers the request itself, and returns false,
// when the visitor may not go on.
func (c *Console) visit(w http.ResponseWriter, r *http.Request, postReads bool) (*visit, bool) {
	creds := credentials{r: r}
	if r.Method == http.MethodPost {
		if err := c.parseForm(w, r); err != nil {
			c.fail(w, r, nil, statusOf(err), err.Error())
			return nil, false
		}
		creds.csrfHeader, creds.csrf = c.cfg.Sessions.CSRFHeader(), r.PostFormValue(csrfField)
	}
	s, err := c.cfg.Sessions.Authenticate(r.Context(), creds)
	switch {
	case errors.Is(err, authn.ErrCSRF):
		c.fail(w, r, nil, http.StatusForbidden, "This form has no valid CSRF token: reload the page and send it again.")
		return nil, false
	case errors.Is(err, authn.ErrNoCredentials), errors.Is(err, authn.ErrInvalidCredentials):
		c.anonymous(w, r)
		return nil, false
	case err != nil:
		c.cfg.Logger.Error("console: authenticate", "error", err)
		c.fail(w, r, nil, http.StatusServiceUnavailable, "The console cannot check who you are right now; try again shortly.")
		return nil, false
	}
	v := &visit{subject: s, tenant: r.FormValue("tenant")}
	if cookie, err := r.Cookie(c.cfg.Sessions.CookieName()); err == nil {
		v.csrf = c.cfg.Sessions.CSRFToken(cookie.Value).Reveal()
	}
	if !c.cfg.Engine.Tenanted() {
		v.tenant = ""
	}
	read, err := c.allowed(r.Context(), s.ID, c.cfg.Read)
	if err != nil {
		c.unavailable(w, r, v)
		return nil, false
	}
	if !read {
		c.fail(w, r, v, http.StatusForbidden, fmt.Sprintf("You may not use the policy console: it needs the permission %s.", c.cfg.Read))
		return nil, false
	}
	write, err := c.allowed(r.Context(), s.ID, c.cfg.Write)
	if err != nil {
		c.unavailable(w, r, v)
		return nil, false
	}
	switch {
	case !write:
		v.whyNot = fmt.Sprintf("You may look, not change: changes need the permission %s.", c.cfg.Write)
	case c.cfg.RequireMFA && s.RequireMFA() != nil:
		v.whyNot = "You may look, not change: changes need a login with a second factor."
	default:
		v.canWrite = true
	}
	if r.Method == http.MethodPost && !postReads && !v.canWrite {
		c.fail(w, r, v, http.StatusForbidden, v.whyNot)
		return nil, false
	}
	return v, true
}

// allowed decides whether subject holds perm, at the platform's level.
func (c *Console) allowed(ctx context.Context, subject string, perm permissions.Permission) (bool, error) {
	d, err := c.cfg.Engine.Decide(ctx, authz.Request{Subject: subject, Permission: perm})
	if err != nil {
		c.cfg.Logger.Error("console: decide", "permission", string(perm), "error", err)
		return false, err
	}
	return d.Allowed, nil
}

// anonymous answers a visitor without a session: the login page, or 401.
func (c *Console) anonymous(w http.ResponseWriter, r *http.Request) {
	if c.cfg.LoginURL != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		sep := "?"
		if strings.Contains(c.cfg.LoginURL, "?") {
			sep = "&"
		}
		http.Redirect(w, r, c.cfg.LoginURL+sep+"return_to="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	c.fail(w, r, nil, http.StatusUnauthorized, "Log in to use the policy console.")
}

// csrfField is the name of the forms' CSRF token field.
const csrfField = "csrf_token"

// credentials are the request as authenticators read it, with the form's
// CSRF token in the header the session manager checks.
type credentials struct {
	r                *http.Request
	csrfHeader, csrf string
}

func (c credentials) Header(name string) string {
	if c.csrfHeader != "" && http.CanonicalHeaderKey(name) == http.CanonicalHeaderKey(c.csrfHeader) {
		return c.csrf
	}
	return c.r.Header.Get(name)
}

func (c credentials) Cookie(name string) (string, bool) {
	cookie, err := c.r.Cookie(name)
	if err != nil {
		return "", false
	}
	return cookie.Value, true
}

func (c credentials) Method() string { return c.r.Method }

// stylesheet answers console.css.
func (c *Console) stylesheet(w http.ResponseWriter) {
	css, err := files.ReadFile("assets/console.css")
	if err != nil {
		http.Error(w, "no stylesheet", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, _ = w.Write(css)
}
