// Package policylint finds what is wrong or suspicious in a gatehouse
// policy file before it is deployed, the way a compiler's checks catch a
// program's mistakes before it runs. Lint reads the lines authz.ScanPolicy
// returns and reports each problem as a Finding at the line to fix, naming
// the other lines involved. It judges the policy by gatehouse's model (deny
// overrides allow; scope "any" covers every owner, "own" only the
// subject's own resources; "posts:*" covers every action on posts; roles
// are inherited at most authz.MaxRoleDepth assignments deep), without
// loading Casbin.
//
// Each finding names the check that made it, by a stable id:
//
//   - malformed (error): a line that does not parse: malformed CSV, a rule
//     type other than "p", "g", "g2" or "g3", the wrong number of values,
//     an invalid permission, an unknown scope or effect, a bad subject or
//     role name, a bad resource name or expiry. The policy does not load
//     until it is fixed.
//   - duplicate (warning): a rule written again; each later copy is
//     reported, naming the first. Casbin keeps one copy, so removing the
//     others changes nothing. Other checks look at the first copy only.
//   - undefined-role (warning): a role assigned or inherited ("g, x, ROLE")
//     that grants nothing: no "p" line names it and no role it holds,
//     however indirectly, has one. Most likely a typo ("g, moderator, usr");
//     a close name that does grant something is suggested. A name that
//     appears only as a member, on the left, is a subject and is not
//     checked.
//   - cycle (error): roles that inherit one another in a loop, which makes
//     them one role. A loop is reported once, at its first line, naming
//     every line of it; roles tied by several loops are reported together.
//     A role assigned to itself ("g, a, a") is reported at its line, and
//     keeps the policy from loading.
//   - too-deep (error): a chain of role assignments longer than
//     authz.MaxRoleDepth, beyond which decisions stop inheriting. Each
//     assignment one past the limit is reported, naming the chain and the
//     subject or role that does not inherit through it. A long chain that
//     a shorter one bypasses is not reported, since decisions follow the
//     shortest; nor is a chain that goes round a loop, which the cycle
//     check reports.
//   - cancelled (error): an allow that can never take effect, because a
//     deny on the same subject, or on a role the subject holds, covers it:
//     the deny's permission is the allow's or the wildcard of its resource,
//     and the deny's scope is "any" or the allow's. It is reported at the
//     allow, naming the deny. An "own" deny does not cancel an "any" allow,
//     which still allows the resources of others.
//   - shadowed (warning): a rule made redundant by another of the same
//     subject and effect that covers it, by a wildcard permission or by
//     scope "any" covering "own". Removing it changes no decision. Rules
//     that restate what a subject inherits from its roles are not reported,
//     nor is an allow already reported as cancelled.
//   - case-mismatch (warning): a name, resource or permission spelled
//     elsewhere in the policy with different letter case ("Posts:read" and
//     "posts:read"). gatehouse compares them exactly, so they name two
//     different things; reported at each later spelling, once a line. A
//     role reported as undefined is left to that check, which suggests the
//     other spelling. Tenants' names are compared too.
//   - role-empty-in-tenant (warning): under a model with tenants, a role
//     assigned in a tenant ("g, bob, auditor, globex") where it grants
//     nothing: it has grants, but neither they nor those of the roles it
//     holds there are in that tenant, a tenant above or below it, or every
//     tenant ("*"). Most likely the assignment names the wrong tenant, or
//     the role's grants were written for one tenant instead of "*".
//   - memberless-tenant (warning): under a model with tenants, a grant to
//     a role in a tenant nobody belongs to: no subject holds a role in
//     that tenant, in a tenant above or below it, or in every tenant, so
//     the grant applies to nobody; most likely a misspelt tenant. A name
//     some "g" line assigns is a role; a grant to any other name is a
//     subject's own and is not reported.
//   - expired (warning): a grant, role assignment or relation whose
//     expiry ("until 2026-12-04T17:00:00Z") is not after the time of the
//     lint (WithNow; default: the time Lint is called). Decisions ignore
//     it and Engine.SweepExpired removes it: the line does nothing.
//   - expiry-conflict (error): a grant, role assignment or relation
//     written again with another expiry. The engine holds a rule once, so
//     the policy does not load; reported at each later line, naming the
//     first.
//   - undefined-relation-role (warning): a relation ("g2, carol, ROLE,
//     posts:42") to a role that grants nothing, itself or through the
//     roles it holds, so the relation allows nothing; a close name that
//     does grant something is suggested. A group named as a relation's
//     subject ("g2, red, viewer, folders:7") grants what the relation's
//     role does, so "g, alice, red" is not an undefined role when the
//     relation's role grants something.
//   - relation-type-mismatch (warning): a relation whose role grants
//     something, but nothing on the resource's type, nor on a type that
//     the policy's "g3" lines put inside resources of that type, however
//     deep: no request the relation reaches names a permission the role
//     grants. A role whose grants come through relations of its own is
//     not judged. Parents an application adds later are not seen.
//   - parent-conflict (error): a "g3" line giving a resource a second
//     parent; a resource has one, so the policy does not load.
//   - parent-cycle (error): resources inside one another ("g3, a:1, b:1"
//     and "g3, b:1, a:1"), reported once, at the loop's first line, naming
//     every line of it. The policy does not load.
//   - parent-too-deep (error): a chain of parents longer than
//     authz.MaxParentDepth above some resource: reported at the first
//     line past the limit, naming the chain. The engine refuses such a
//     chain, so the policy does not load.
//
// An error means the policy does not load or a rule in it does not do what
// it says; a warning, that the policy works but something in it is
// redundant or probably not what was meant (Finding.Severity).
//
// Policies with tenants ("p, admin, acme, users:*, any, allow", "g, alice,
// admin, acme") are linted by the rules of gatehouse's model with tenants:
// a rule of a tenant holds in the tenants below it, and one for "*" in
// every tenant. An allow is cancelled only by a deny whose tenant covers
// the allow's, through roles held wherever the allow holds; a rule is
// shadowed only by one whose tenant covers its own; duplicates are rules
// equal in their tenant too. Cycles and chains too deep are found across
// tenants, as the engine refuses them: a role may not hold itself in any
// tenant, even through assignments made in different ones.
//
// A line that expires is judged by the others only while it applies: a
// deny given until Friday does not cancel an allow that runs on, nor does
// an allow that ends first shadow one that does not, and a deny reached
// through a role held until Friday cancels only allows that end by then.
//
// Lint treats all the lines it is given as one policy, in the order given.
// To lint files that are separate policies, lint each on its own.
package policylint
