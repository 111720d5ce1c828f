// Package policytest shows how an application tests its own policy file
// with package authztest. It has no code of its own: a policy, a decision
// table, and a test.
//
//   - policy.csv is the application's policy: a small wiki whose readers
//     read pages, editors write pages and edit their own, maintainers edit
//     and delete any page, and locked accounts write nothing.
//   - testdata/policy_test.yaml is its decision table: the roles some
//     people hold, then one case per question (who, doing what, to whose
//     page), with the answer and the policy line that must give it.
//   - policy_test.go runs the table against policy.csv, adds cases that
//     are easier to generate in Go, and requires the cases to exercise
//     every line of the policy, so that a line nobody tests stands out.
//
// Run it with:
//
//	go test ./examples/policytest
//
// A case that fails names its line in the table, what was asked, what was
// expected and why the policy decided otherwise:
//
//	testdata/policy_test.yaml:35: but not other people's (ed pages:update owner max): want deny with no rule matching, got allowed by rule "p, editor, pages:update, any, allow"
package policytest
