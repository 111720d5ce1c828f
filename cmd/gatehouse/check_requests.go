package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// maxRequestErrors is how many malformed lines of a requests file are
// reported before the rest are left unread: enough to fix a file in one
// go, few enough that a file of the wrong kind does not flood the
// terminal.
const maxRequestErrors = 20

// checkRequests decides every request of the file path names ("-":
// standard input) and prints one answer a line, after every line has been
// read and decided, so that a bad line prints no answers.
func checkRequests(ctx context.Context, s streams, src *sourceFlags, path string) int {
	const name = "check"
	in, source, err := openRequests(s.stdin, path)
	if err != nil {
		return fail(s, name, err)
	}
	defer func() { _ = in.Close() }()
	e, closeEngine, err := src.engine(ctx, s.stderr)
	if err != nil {
		return fail(s, name, err)
	}
	defer closeEngine()

	var answers []string
	var errs []error
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	for number := 1; scanner.Scan(); number++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		answer, err := decideRequestLine(ctx, e, line)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", source, number, err))
			if len(errs) == maxRequestErrors {
				errs = append(errs, fmt.Errorf("%s: stopped after %d malformed lines", source, maxRequestErrors))
				break
			}
			continue
		}
		if len(errs) == 0 {
			answers = append(answers, answer)
		}
	}
	if err := scanner.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", source, err))
	}
	if len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintf(s.stderr, "gatehouse: %v\n", err)
		}
		fmt.Fprintf(s.stderr, "gatehouse check: nothing decided: fix the lines above\n")
		return exitError
	}
	out := bufio.NewWriter(s.stdout)
	for _, answer := range answers {
		fmt.Fprintln(out, answer)
	}
	if err := out.Flush(); err != nil {
		return fail(s, name, err)
	}
	if len(answers) == 0 {
		fmt.Fprintf(s.stderr, "%s holds no requests\n", source)
	}
	return exitOK
}

// openRequests opens the requests file, standard input for "-", and
// returns it with its name for messages.
func openRequests(stdin io.Reader, path string) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(stdin), "standard input", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	return f, path, nil
}

// decideRequestLine decides the request one line of a requests file
// writes, "subject,permission,tenant,owner,id", and returns the answer
// line: "allow" or "deny", then the deciding rule or "no rule", and the
// relation it applied through, if it did.
func decideRequestLine(ctx context.Context, e *authz.Engine, line string) (string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	fields, err := r.Read()
	if err != nil {
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			err = parseErr.Err
		}
		return "", fmt.Errorf("malformed CSV: %w", err)
	}
	if len(fields) < 2 || len(fields) > 5 {
		return "", fmt.Errorf("%q: want subject,permission,tenant,owner,id (tenant, owner and id may be empty), got %d values",
			line, len(fields))
	}
	fields = append(fields, "", "", "")[:5]
	subject, permission, tenant, owner, id := fields[0], fields[1], fields[2], fields[3], fields[4]
	if subject == "" {
		return "", fmt.Errorf("%q: no subject: want subject,permission,tenant,owner,id", line)
	}
	perm, err := permissions.ParseRequest(permission)
	if err != nil {
		return "", fmt.Errorf("%q: %w", line, err)
	}
	if err := checkResourceID(perm, id); err != nil {
		return "", fmt.Errorf("%q: id: %w", line, err)
	}
	if tenant != "" && !e.Tenanted() {
		return "", fmt.Errorf("%q: tenant %q, but the model has no tenants: leave the tenant empty, "+
			"or give a model with tenants with --model FILE (--model %s for gatehouse's)", line, tenant, tenantModelName)
	}
	d, err := e.Decide(ctx, authz.Request{Subject: subject, Tenant: tenant, Permission: perm, Resource: authz.Resource{ID: id, Owner: owner}})
	if err != nil {
		return "", fmt.Errorf("%q: %w", line, err)
	}
	rule := "no rule"
	if d.Matched() {
		rule = d.Rule.String()
	}
	if d.Relation.Subject != "" {
		rule += " through " + d.Relation.String()
	}
	return verdict(d.Allowed) + " " + rule, nil
}
