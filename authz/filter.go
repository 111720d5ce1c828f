package authz

import (
	"context"
	"fmt"
	"regexp"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// FilterKind says which resources of a type a subject may act on.
type FilterKind int

const (
	// FilterNone: no resource.
	FilterNone FilterKind = iota
	// FilterOwn: only the resources the subject owns.
	FilterOwn
	// FilterNotOwn: every resource except the subject's own, as when a grant
	// with scope any is narrowed by a deny with scope own.
	FilterNotOwn
	// FilterAll: every resource.
	FilterAll
)

// String returns "none", "own", "not-own" or "all".
func (k FilterKind) String() string {
	switch k {
	case FilterOwn:
		return "own"
	case FilterNotOwn:
		return "not-own"
	case FilterAll:
		return "all"
	}
	return "none"
}

// ListFilter is the answer to "which resources may Subject act on with this
// permission", in a form one query can use: see Where.
type ListFilter struct {
	Kind    FilterKind
	Subject string
	// Tenant is the tenant the filter was made in (Engine.Tenant(name).
	// Filter); "" without one. WhereTenant adds it to the condition.
	Tenant string
	// Shared are the ids of the resources of the type that
	// relations admit whoever owns them though Kind alone would not:
	// shared with the subject or its groups, or inside a resource shared
	// so. WhereShared and AllowsResource read them, and the lists below.
	Shared []string
	// Excluded are the ids of the resources Kind admits and relations
	// withhold: a deny the subject holds on them.
	Excluded []string
	// SharedIfOwned and SharedIfNotOwned are the ids relations decide
	// otherwise than Kind only when the subject owns the resource, or
	// only when it does not: rare, with grants of scope own in the roles
	// relations give.
	SharedIfOwned, SharedIfNotOwned []string
	// decided finds, for AllowsResource, how relations decide the ids
	// they reach; nil in a filter built by hand.
	decided *sharedKinds
}

// Allows reports whether the filter admits a resource owned by owner ("" for
// none), as ownership alone decides it: for every resource that no
// relation reaches it answers what Decide would. AllowsResource answers
// for every resource.
func (f ListFilter) Allows(owner string) bool {
	own := owner != "" && owner == f.Subject
	switch f.Kind {
	case FilterAll:
		return true
	case FilterOwn:
		return own
	case FilterNotOwn:
		return !own
	}
	return false
}

// columnPattern admits plain and table-qualified column names.
var columnPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// Where returns the filter as a SQL condition on ownerColumn, with its
// arguments, for database/sql or GORM (db.Where(query, args...)). The
// column name is written into the SQL, so it must come from the program,
// never from a request; anything but a plain or table-qualified identifier
// is refused. A filter that relations decide for some resources (Shared,
// Excluded) needs their ids: Where refuses it with ErrInvalidRequest
// rather than list too much or too little; use WhereShared.
func (f ListFilter) Where(ownerColumn string) (string, []any, error) {
	if !columnPattern.MatchString(ownerColumn) {
		return "", nil, fmt.Errorf("%w: owner column %q is not an identifier", ErrInvalidRequest, ownerColumn)
	}
	if f.overridden() {
		return "", nil, fmt.Errorf("%w: relations decide some resources of this filter by id: use WhereShared", ErrInvalidRequest)
	}
	switch f.Kind {
	case FilterAll:
		return "1 = 1", nil, nil
	case FilterOwn:
		return ownerColumn + " = ?", []any{f.Subject}, nil
	case FilterNotOwn:
		return "(" + ownerColumn + " IS NULL OR " + ownerColumn + " <> ?)", []any{f.Subject}, nil
	}
	return "1 = 0", nil, nil
}

// WhereTenant is Where for resources that belong to a tenant, in
// tenantColumn: the condition also admits only the filter's tenant's
// resources, so a list in acme never shows globex's rows (nor those of the
// tenants below acme, which have their own decisions). A filter made
// outside every tenant admits no row: use Where for resources that belong
// to none.
func (f ListFilter) WhereTenant(tenantColumn, ownerColumn string) (string, []any, error) {
	if !columnPattern.MatchString(tenantColumn) {
		return "", nil, fmt.Errorf("%w: tenant column %q is not an identifier", ErrInvalidRequest, tenantColumn)
	}
	query, args, err := f.Where(ownerColumn)
	if err != nil {
		return "", nil, err
	}
	if f.Tenant == "" || f.Kind == FilterNone {
		return "1 = 0", nil, nil
	}
	return tenantColumn + " = ? AND " + query, append([]any{f.Tenant}, args...), nil
}

// Filter answers which resources of perm's type subject may act on with
// perm, so that "which posts may bob read" becomes one WHERE clause instead
// of a decision per row. Apart from relations, ownership is the only
// property of a resource decisions look at, so two decisions decide every
// resource: one on a resource subject owns, one on a resource it does not.
// Resources that relations let subject act on — shared with it or its
// groups, or inside a resource shared so — are listed by id in Shared,
// each decided as Decide would; use WhereShared for the condition. (A
// resource a relation allows only to its owner, or only to others, is
// admitted in the case the filter's Kind admits; the rare other case is
// left out, never let in.) Like Decide it fails closed: on error the
// filter is FilterNone.
func (e *Engine) Filter(ctx context.Context, subject string, perm permissions.Permission) (ListFilter, error) {
	return e.filter(ctx, "", subject, perm)
}

func (e *Engine) filter(ctx context.Context, tenant, subject string, perm permissions.Permission) (ListFilter, error) {
	f := ListFilter{Kind: FilterNone, Subject: subject, Tenant: tenant}
	own, err := e.Decide(ctx, Request{Subject: subject, Tenant: tenant, Permission: perm, Resource: Resource{Owner: subject}})
	if err != nil {
		return f, err
	}
	others, err := e.Decide(ctx, Request{Subject: subject, Tenant: tenant, Permission: perm})
	if err != nil {
		return f, err
	}
	switch {
	case own.Allowed && others.Allowed:
		f.Kind = FilterAll
	case own.Allowed:
		f.Kind = FilterOwn
	case others.Allowed:
		f.Kind = FilterNotOwn
	}
	if ix := e.index.Load(); ix != nil && ix.rel != nil && !e.tenanted {
		now := e.now()
		var buf [holdersBuffer]holder
		holders := ix.holders(subject, noTenant, now, buf[:0])
		f.setOverrides(ix.sharedIDs(subject, perm, holders, now))
	}
	return f, nil
}
