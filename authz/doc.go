// To decide whether a subject may do something — read any post, edit only
// its own, delete a user — build an Engine with New, grant permissions to
// roles and roles to subjects (AddGrant and AssignRole, or a policy file
// given to WithPolicyFile), and ask Engine.Decide, whose Decision says yes or
// no and why; the guards of the HTTP adapters ask it on every protected
// route. Package authz decides whether a subject may perform a permission
// on a resource, with Casbin as the policy engine and, optionally, a
// pluggable store that persists the policy.
//
// An Engine holds one policy written against gatehouse's model: grants of
// "resource:action" permissions to subjects or roles, each scoped to any
// resource or only the subject's own, each allowing or denying (deny wins);
// and role assignments, through which members inherit every grant of a role
// and roles inherit roles. Built with New and no options, an Engine uses the
// model and policy embedded in package gatehouse and keeps edits in memory;
// WithStore persists every edit in a Store before the edit returns.
//
// A Store is a small interface — seed once, load with a revision, apply a
// change at an expected revision, report the revision — whose contract its
// comment spells out. Package authz/gormstore keeps the policy in Casbin's
// GORM adapter table (SQLite, PostgreSQL, MySQL), NewMemoryStore in memory;
// a store of one's own implements the interface and passes the conformance
// suite of package authz/storetest. This package links no database: an
// application links GORM and a driver only by importing authz/gormstore.
//
// Relations share one resource: "g2, carol, editor, posts:42" makes carol
// hold the role editor on post 42 alone (AddRelation), a relation given to a
// group reaches its members, and a relation on a resource reaches the
// resources inside it ("g3, docs:9, folders:7", SetParent), to
// MaxParentDepth levels. Any grant, role assignment or relation may expire
// (Expires, AssignRoleUntil), by the engine's clock (WithClock);
// SweepExpired removes expired lines. WhoCan and WhatCan answer the reverse
// questions — who may do this to this resource, what may this subject do to
// it — each answer with its reason, and DecideAll answers many requests
// against one state of the policy.
//
// Decide answers one request and says why (Decision.Reason); Filter answers
// "which resources of this type may the subject see" as one condition for a
// query; Roles, Permissions and Policy describe the policy; AddGrant,
// RemoveGrant, AssignRole, AddInheritance, SetRoles and RemoveSubject edit it
// at runtime. The very next decision sees an edit, in this process, with no
// restart.
//
// An Engine is safe for concurrent use. It fails closed: whenever it cannot
// decide, Decide returns a denying Decision together with the error. A
// panic inside Casbin or the store is contained: the call that met it
// returns an error matching ErrEngine (a decision denies), and if memory
// may have been left half-edited, decisions fail with ErrUnavailable until
// the engine has rebuilt its policy from the store (or, without one, from
// the policy before the edit).
//
// The engine never keeps memory it does not own: every name an edit
// leaves in the policy is copied first. Strings that alias a buffer the
// caller reuses — fasthttp's and Fiber's request values, which change once
// the handler returns — are safe to pass as they are, without Fiber's
// Immutable setting.
//
// Decisions do not scan the policy. For gatehouse's model — any model whose
// matcher is the default one, whatever its spacing — the policy lives in an
// index, and Casbin holds the model only: per subject or role, its grants by
// permission and the roles it holds, and for each role its grants resolved
// ahead with those of every role it inherits (at most MaxRoleDepth deep, as
// Casbin follows them). A decision for a user reads its record and the
// resolved grants of its roles, without locks and without allocating; its
// answer and its reason are Casbin's own, which differential tests (up to a
// million lines) and a fuzz target check against Casbin's Enforce on the
// same policy. Edits swap in a new index that shares everything they did not
// touch. A model with another matcher is detected (Indexed reports false),
// and Casbin keeps its policy and decides with Enforce, whose cost grows
// with the policy.
//
// Several replicas of an application share one store with WithStore and
// follow each other's edits with WithNotifier (package watch): each edit is
// committed at the store's next revision and announced, peers apply it
// incrementally, and a replica that cannot vouch for its policy (notifier
// disconnected, store not answering) fails closed with ErrUnavailable until
// it has caught up.
//
// Subjects and roles share one namespace, as they do in Casbin: a subject
// whose id equals a role's name holds that role's grants. Give subjects ids
// that cannot be mistaken for role names (numbers, UUIDs, or a prefix such as
// "user:"). IsRole reports whether the policy holds a name as a role; the
// HTTP guard (package adapters/guard) refuses credentials naming one.
package authz
