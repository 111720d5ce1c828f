package blogtest

import (
	"fmt"
	"regexp"
	"testing"
)

// step is one row of the contract: a request and the response it must
// get. A step without a method is a setup step instead (see do).
type step struct {
	name   string
	method string
	// path and body may hold {{name}} placeholders for values saved by
	// earlier steps (see world.vars). An empty body sends none.
	path string
	who  string // the credential to present (world.creds), "" for none
	body string
	// status is the status wanted; 0 leaves it to check.
	status int
	// code is the error code wanted, for refusals; "" accepts any code the
	// contract allows for the status.
	code  string
	check check // nil: status and code are all there is to check
}

// check examines a response beyond its status and error code, and may save
// values for later steps.
type check func(t *testing.T, w *world, r *response)

// do is a setup step: an action, such as a login, whose failure stops the
// run, since later steps rely on what it saves.
func do(name string, action func(t *testing.T, w *world)) step {
	return step{name: name, check: func(t *testing.T, w *world, _ *response) { action(t, w) }}
}

func (s step) isSetup() bool { return s.method == "" }

// phase is a named group of steps, run as one subtest.
type phase struct {
	name  string
	steps []step
}

// runPhase runs p's steps in order, each as a subtest. It reports false
// when a setup step failed: the run cannot go on without it.
func (w *world) runPhase(t *testing.T, p phase) bool {
	t.Helper()
	ok := true
	t.Run(p.name, func(t *testing.T) {
		for _, s := range p.steps {
			passed := t.Run(s.name, func(t *testing.T) { w.runStep(t, s) })
			if !passed && s.isSetup() {
				t.Errorf("setup step %q failed; the steps after it cannot run", s.name)
				ok = false
				return
			}
		}
	})
	return ok
}

func (w *world) runStep(t *testing.T, s step) {
	t.Helper()
	if s.isSetup() {
		s.check(t, w, nil)
		return
	}
	r := w.send(t, w.client, s.method, w.expand(t, s.path), w.cred(t, s.who), w.expand(t, s.body))
	if s.status != 0 && r.status != s.status {
		t.Fatalf("%s %s: status %d, want %d; body %s", s.method, s.path, r.status, s.status, r.brief())
	}
	if s.code != "" {
		if code := r.errorCode(); code != s.code {
			t.Errorf("%s %s: error code %q, want %q; body %s", s.method, s.path, code, s.code, r.brief())
		}
	}
	if s.check != nil {
		s.check(t, w, r)
	}
}

// cred returns the credential named who; "" is none.
func (w *world) cred(t *testing.T, who string) credential {
	t.Helper()
	if who == "" {
		return credential{}
	}
	c, ok := w.creds[who]
	if !ok {
		t.Fatalf("credential %q is not set: the step that saves it failed or has not run", who)
	}
	return c
}

// expand replaces the {{name}} placeholders of s with w.vars.
func (w *world) expand(t *testing.T, s string) string {
	t.Helper()
	out, err := expand(w.vars, s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

// expand replaces every {{name}} in s with vars[name]; a name with no value
// is an error, since its step failed or has not run.
func expand(vars map[string]string, s string) (string, error) {
	var missing error
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-2]
		v, ok := vars[name]
		if !ok && missing == nil {
			missing = fmt.Errorf("{{%s}} is not set: the step that saves it failed or has not run", name)
		}
		return v
	})
	return out, missing
}
