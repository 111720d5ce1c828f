// Command gatehouse checks, tests, lints, draws and edits gatehouse
// policies from the shell, with the same engine an application embeds.
//
//	go install github.com/gatehouse-go/gatehouse/cmd/gatehouse@latest
//
//	gatehouse check --subject bob --permission posts:delete --owner bob
//	gatehouse who-can --policy policy.csv posts:update posts:42
//	gatehouse what-can --policy policy.csv carol posts:42
//	gatehouse test --coverage policy_test.yaml
//	gatehouse lint --policy policy.csv
//	gatehouse graph --format mermaid
//	gatehouse policy grant --database sqlite:app.db --subject user --permission posts:write
//	gatehouse policy share --database sqlite:app.db --subject carol --role editor --resource posts:42
//	gatehouse version
//
// Commands read a Casbin model (--model) and a policy in Casbin's CSV
// format (--policy), the ones embedded in package gatehouse when neither is
// given, or the live policy of a database (--database sqlite:PATH,
// postgres://… or mysql://…). "gatehouse help" lists the commands and
// "gatehouse COMMAND --help" describes one, with examples. A mistyped
// command or flag is answered with the nearest one, when one is near.
// "gatehouse version" (or --version) prints the version of gatehouse and of
// Go the program was built with.
//
// Under a model with tenants (--model FILE, or --model tenants for the one
// embedded in gatehouse), every command that takes a subject takes
// --tenant (but who-can and what-can, which need the model without
// tenants): check, roles and permissions answer in that tenant, the policy
// edits write their rule there ("*" for every tenant); "gatehouse tenants"
// lists a subject's tenants and "gatehouse policy remove-tenant" removes a
// tenant with every rule in it. Under a model without tenants, --tenant is
// refused.
//
//	gatehouse check --model tenants --policy tenants.csv --subject alice --tenant acme --permission users:invite
//
// "gatehouse check --requests FILE" decides one request a line, CSV
// "subject,permission,tenant,owner,id" (files of four columns read as
// before), and prints one answer a line, "allow" or "deny" and the
// deciding rule, with the relation it applied through if it did, for CI
// pipelines and for comparing two policies; it exits 0 when every line
// was decided, whatever the answers, and 2, printing no answer, when a
// line is malformed.
//
// Relations ("g2, carol, editor, posts:42": carol holds editor on the post
// 42 alone) and parents ("g3, docs:9, folders:7") apply to requests about
// one resource: check takes its id (--id 42, or a fifth column in a
// requests file); "gatehouse who-can PERMISSION RESOURCE" lists who may,
// and "gatehouse what-can SUBJECT RESOURCE" what a subject may do, each
// answer with the rule and relation behind it, in tab-separated columns;
// "gatehouse policy share", "unshare", "set-parent" and "remove-parent"
// edit them; graph draws them; test tables name a resource by its id and
// check the relation a rule applied through; lint reports relations that
// allow nothing and parents that loop or chain too deep. A grant, role
// assignment or relation may expire, "until 2026-12-04T17:00:00Z" last:
// decisions ignore it from then on, test tables decide cases at a time
// of their choosing (at:), and lint reports the lines that have expired.
//
// Every edit is recorded with the policy, in the transaction that makes it:
// who made it (--actor, $GATEHOUSE_ACTOR, else the system user), when, from
// where (cli, import; an application's own edits say api or console), and
// the lines it removed and added. "gatehouse policy history" prints that
// history newest first, narrowed by --actor, --subject, --since and
// --until.
//
// Every command that succeeds says so in at least one line. Lists — roles,
// permissions, policy list and export — print only their items on standard
// output, so that scripts can read them; when a list is empty, a line
// saying so goes to standard error. test --json prints one JSON document
// and nothing else.
//
// Commands that only read a database never create anything in it: a
// missing SQLite file or policy table is an error. The policy edits (grant,
// deny, revoke, assign, unassign, share, unshare, set-parent,
// remove-parent) on a database with no policy store create
// one seeded with gatehouse's default policy, as authz.New seeds a new
// store, and policy import creates one holding just its file's rules; each
// prints a line naming the table and the place, a SQLite file by its
// absolute path. An edit is tried first on the policy the new store would
// start from, so one the policy refuses creates nothing.
//
// Exit status (check --requests aside): 0 when the command succeeded and the answer is yes; 1 when
// the answer is no (a request denied, a test failed, lint found
// something, an edit was refused by the policy); 2 when the command could
// not run as asked (an unknown command or flag, a missing flag, a file that
// cannot be read or does not parse, a database that does not answer).
//
// Database DSNs are never printed with their password.
package main
