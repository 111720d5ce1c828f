// Package gatehouse answers, on every request of an application, who is
// calling (package authn) and whether they may do this to this resource
// (package authz), in the vocabulary of package permissions.
//
// This root package holds gatehouse's defaults, embedded so that an
// application works with no files on disk: the Casbin model gatehouse
// policies are written against and the default policy of users, moderators
// and administrators, which authz uses when it is given nothing else, and
// the model with tenants (TenantModel) for applications whose users hold
// roles per organization. DefaultModel, DefaultPolicy and TenantModel
// return them for applications, tools and tests.
package gatehouse

import _ "embed"

//go:embed model.conf
var defaultModel string

//go:embed model_tenants.conf
var tenantModel string

//go:embed policy.csv
var defaultPolicy string

// DefaultModel returns the text of gatehouse's Casbin model (model.conf):
// subjects that hold roles, roles that inherit roles, grants of
// "resource:action" permissions scoped to any or own resources, a wildcard
// action, and deny overriding allow.
func DefaultModel() string { return defaultModel }

// TenantModel returns the text of gatehouse's Casbin model with tenants
// (model_tenants.conf), Casbin's "RBAC with domains" in gatehouse's terms:
// requests "r = sub, dom, perm, owner", grants "p = sub, dom, perm, scope,
// eft" and role assignments "g = _, _, _" per tenant, "*" for every tenant,
// deny overriding allow. Casbin loads it as it is; gatehouse also reads
// tenant names as paths, "acme/eu" below "acme". Give it to
// authz.WithModel.
func TenantModel() string { return tenantModel }

// DefaultPolicy returns the text of gatehouse's default policy (policy.csv)
// in Casbin's CSV policy format: roles user, moderator (inherits user), admin
// (inherits moderator), editor (reads and edits posts; meant to be held on
// one post at a time, through a relation) and suspended (denies writing,
// editing and sharing posts).
func DefaultPolicy() string { return defaultPolicy }
