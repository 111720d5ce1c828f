package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/casbin/casbin/v2"
)

const enforceAbout = `
Asks Casbin itself: loads any Casbin model and policy, not only gatehouse's,
and enforces the request VALUE... (as many as the model's request
definition has, in its order: "alice data1 read"). The answer is exactly
Casbin's Enforce. Prints "allow" or "deny" on the first line and, on the
second, the policy rule that matched (Casbin's explanation) or that none
did.

Exit status: 0 allowed, 1 denied, 2 unreadable or malformed files, or
values that do not fit the model.`

func runEnforce(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("enforce", "--model FILE [--policy FILE] VALUE...", enforceAbout,
		"gatehouse enforce --model model.conf --policy policy.csv alice data1 read")
	modelFile := fs.String("model", "", "the Casbin model `FILE` (required)")
	policyFile := fs.String("policy", "", "the policy `FILE`, in Casbin's CSV format (none: the model decides alone)")
	values, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if err := fs.require("model"); err != nil {
		return fail(s, fs.name, err)
	}
	if len(values) == 0 {
		return fail(s, fs.name, usagef("no request values; give one per field of the model's request definition"))
	}
	if _, err := readModel(*modelFile); err != nil {
		return fail(s, fs.name, err)
	}
	enforcerArgs := []any{*modelFile}
	if *policyFile != "" {
		// Casbin's file adapter reports a missing file poorly, if at all.
		f, err := os.Open(*policyFile)
		if err != nil {
			return fail(s, fs.name, err)
		}
		_ = f.Close()
		enforcerArgs = append(enforcerArgs, *policyFile)
	}
	enforcer, err := casbin.NewEnforcer(enforcerArgs...)
	if err != nil {
		where := *modelFile
		if *policyFile != "" {
			where += ", " + *policyFile
		}
		return fail(s, fs.name, fmt.Errorf("%s: %w", where, err))
	}
	if err := checkRequestSize(enforcer, values); err != nil {
		return fail(s, fs.name, err)
	}
	request := make([]any, len(values))
	for i, v := range values {
		request[i] = v
	}
	allowed, explain, err := enforcer.EnforceEx(request...)
	if err != nil {
		return fail(s, fs.name, fmt.Errorf("enforce %s: %w", strings.Join(values, ", "), err))
	}
	verdict, status := "deny", exitNo
	if allowed {
		verdict, status = "allow", exitOK
	}
	fmt.Fprintf(s.stdout, "%s\n%s\n", verdict, explainRule(allowed, explain))
	return status
}

// explainRule words Casbin's explanation: the policy rule that matched, if
// any, as a line of the policy file.
func explainRule(allowed bool, rule []string) string {
	switch {
	case len(rule) > 0 && allowed:
		return fmt.Sprintf("allowed by rule %q", "p, "+strings.Join(rule, ", "))
	case len(rule) > 0:
		return fmt.Sprintf("denied by rule %q", "p, "+strings.Join(rule, ", "))
	case allowed:
		return "allowed by the model's matcher, no rule"
	}
	return "denied: no rule matched"
}

// checkRequestSize refuses as many values as the model's request
// definition does not have, saying what it wants; Casbin's own message
// does not name the fields.
func checkRequestSize(enforcer *casbin.Enforcer, values []string) error {
	request, ok := enforcer.GetModel()["r"]["r"]
	if !ok || len(request.Tokens) == len(values) {
		return nil
	}
	return usagef("the model's request definition \"r = %s\" takes %d values, got %d: %s",
		request.Value, len(request.Tokens), len(values), strings.Join(values, " "))
}
