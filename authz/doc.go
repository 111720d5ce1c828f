// Package authz decides whether a subject may perform a permission on a
// resource, with Casbin as the policy engine and, optionally, a GORM
// database as the policy store.
//
// An Engine holds one policy written against gatehouse's model: grants of
// "resource:action" permissions to subjects or roles, each scoped to any
// resource or only the subject's own, each allowing or denying (deny wins);
// and role assignments, through which members inherit every grant of a role
// and roles inherit roles. Built with New and no options, an Engine uses the
// model and policy embedded in package gatehouse and keeps edits in memory;
// WithDB persists every edit through Casbin's GORM adapter before the edit
// returns.
//
// Decide answers one request and says why (Decision.Reason); Filter answers
// "which resources of this type may the subject see" as one condition for a
// query; Roles, Permissions and Policy describe the policy; AddGrant,
// RemoveGrant, AssignRole, AddInheritance, SetRoles and RemoveSubject edit it
// at runtime. The very next decision sees an edit, in this process, with no
// restart.
//
// An Engine is safe for concurrent use. It fails closed: whenever it cannot
// decide, Decide returns a denying Decision together with the error.
//
// Subjects and roles share one namespace, as they do in Casbin: a subject
// whose id equals a role's name holds that role's grants. Give subjects ids
// that cannot be mistaken for role names (numbers, UUIDs, or a prefix such as
// "user:").
package authz
