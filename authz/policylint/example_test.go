package policylint_test

import (
	"fmt"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

func ExampleLint() {
	const text = `p, user, posts:read, own, allow
p, user, posts:write, any, allow
p, moderator, posts:delete, any, alow
g, moderator, usr
p, user, posts:read, own, allow
p, suspended, posts:write, any, deny
g, suspended, user
p, suspended, posts:write, any, allow
`
	for _, f := range policylint.Lint(authz.ScanPolicy("policy.csv", text)) {
		fmt.Println(f.Severity(), f)
	}
	// Output:
	// error policy.csv:3: [malformed] p, moderator, posts:delete, any, alow: invalid effect: "alow": want "allow" or "deny"
	// warning policy.csv:4: [undefined-role] g, moderator, usr: role "usr" grants nothing: no p line names it or a role it holds; did you mean "user"?
	// warning policy.csv:5: [duplicate] p, user, posts:read, own, allow is a duplicate of line 1
	// error policy.csv:8: [cancelled] p, suspended, posts:write, any, allow never takes effect: line 6 denies it (p, suspended, posts:write, any, deny), and deny overrides allow
}
