// Command gatehouse checks, tests, lints, draws and edits gatehouse
// policies from the shell, with the same engine an application embeds.
//
//	go install github.com/gatehouse-go/gatehouse/cmd/gatehouse@latest
//
//	gatehouse check --subject bob --permission posts:delete --owner bob
//	gatehouse test --coverage policy_test.yaml
//	gatehouse lint --policy policy.csv
//	gatehouse graph --format mermaid
//	gatehouse policy grant --database sqlite:app.db --subject user --permission posts:write
//
// Commands read a Casbin model (--model) and a policy in Casbin's CSV
// format (--policy), the ones embedded in package gatehouse when neither is
// given, or the live policy of a database (--database sqlite:PATH,
// postgres://… or mysql://…). "gatehouse help" lists the commands and
// "gatehouse COMMAND --help" describes one.
//
// Exit status: 0 when the command succeeded and the answer is yes; 1 when
// the answer is no (a request denied, a test failed, lint found
// something, an edit was refused by the policy); 2 when the command could
// not run as asked (an unknown command or flag, a missing flag, a file that
// cannot be read or does not parse, a database that does not answer).
//
// Database DSNs are never printed with their password.
package main
