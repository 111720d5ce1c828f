// Package gormstore keeps an authz policy in a SQL database, in the table
// of Casbin's GORM adapter: an authz.SharedStore for SQLite, PostgreSQL and
// MySQL or MariaDB, which several processes of an application may share.
//
// The policy lives in Casbin's own table (DefaultTable, "casbin_rule",
// unless WithTable names another), one row a line, so Casbin's tools read
// the same policy. Beside it, gatehouse keeps two small tables of its own:
// gatehouse_policy_revisions numbers the policy's states (every edit, from
// any process, raises the revision by one in the transaction that writes
// it) and holds the store's id and the key that seals change
// notifications; gatehouse_policy_seeds records that a table has been
// seeded, so that a policy emptied on purpose is not seeded again.
//
//	store, err := gormstore.New(ctx, db)
//	if err != nil { … }
//	engine, err := authz.New(ctx, authz.WithStore(store))
//
// Under the model with tenants (gatehouse.TenantModel) a line's tenant is
// in the column Casbin's RBAC with domains keeps it in: a grant is the row
// "p, sub, dom, perm, scope, eft" (v0…v4), a role assignment "g, member,
// role, dom" (v0…v2); without tenants they are "p, sub, perm, scope, eft"
// and "g, member, role". Casbin's enforcer with its GORM adapter reads the
// table either way. Store is an authz.TenantStore: an engine restricted to
// some tenants (authz.WithTenants), one replica of a deployment whose
// tenants are split across replicas, reads only the lines of its tenants,
// those of the tenants above them and those for every tenant, through two
// indexes New adds on the tenant columns; one tenant of a table of a
// million lines loads in milliseconds.
//
// Relations and resource parents (authz.Relation, authz.ResourceParent)
// are the rows "g2, subject, role, type:id", with the relation's expiry
// fourth ("until 2026-12-04T17:00:00Z") when it has one, and "g3,
// type:id, type:id". Engines hold them under the model without tenants
// only, so LoadTenants, which serves engines restricted to some tenants,
// reads none of them.
//
// This is the only package of gatehouse that imports the GORM adapter: an
// application that keeps its policy elsewhere, or in memory, links neither
// GORM nor a SQL driver through authz. A store of one's own implements
// authz.Store (and authz.SharedStore to replicate) and passes the suite of
// package authz/storetest, as this one does on every database it supports.
package gormstore
