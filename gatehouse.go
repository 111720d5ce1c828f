// Package gatehouse answers, on every request of an application, who is
// calling (package authn) and whether they may do this to this resource
// (package authz), in the vocabulary of package permissions.
//
// This root package holds gatehouse's defaults, embedded so that an
// application works with no files on disk: the Casbin model that every
// gatehouse policy is written against and the default policy of users,
// moderators and administrators. authz uses both when it is given nothing
// else; DefaultModel and DefaultPolicy return them for tools and tests.
package gatehouse

import _ "embed"

//go:embed model.conf
var defaultModel string

//go:embed policy.csv
var defaultPolicy string

// DefaultModel returns the text of gatehouse's Casbin model (model.conf):
// subjects that hold roles, roles that inherit roles, grants of
// "resource:action" permissions scoped to any or own resources, a wildcard
// action, and deny overriding allow.
func DefaultModel() string { return defaultModel }

// DefaultPolicy returns the text of gatehouse's default policy (policy.csv)
// in Casbin's CSV policy format: roles user, moderator (inherits user), admin
// (inherits moderator) and suspended (denies writing and editing posts).
func DefaultPolicy() string { return defaultPolicy }
