package authz

import "strings"

// The engine keeps the names of every rule it holds as keys of Casbin's maps
// and of the decision index, for as long as the rule is in the policy. A
// caller's string may not be the caller's to give: fasthttp, and with it
// Fiber, hands out strings that alias request buffers it reuses once the
// handler returns. A rule kept under such a key would turn into another
// rule later. So whatever the engine keeps beyond a call, it copies first,
// here; what it only reads during a call (a decision's request) it does not.

// owned returns a copy of g whose strings share no memory with the caller's.
func (g Grant) owned() Grant {
	g.Subject = strings.Clone(g.Subject)
	g.Tenant = strings.Clone(g.Tenant)
	g.Permission = cloneString(g.Permission)
	g.Scope = cloneString(g.Scope)
	g.Effect = cloneString(g.Effect)
	return g
}

// owned returns a copy of a whose strings share no memory with the caller's.
func (a RoleAssignment) owned() RoleAssignment {
	return RoleAssignment{Member: strings.Clone(a.Member), Role: strings.Clone(a.Role), Tenant: strings.Clone(a.Tenant), Expires: a.Expires}
}

// owned returns a copy of c whose strings share no memory with the caller's.
func (c Change) owned() Change {
	return Change{
		RemoveGrants:    ownedGrants(c.RemoveGrants),
		RemoveRoles:     ownedRoles(c.RemoveRoles),
		RemoveRelations: ownedRelations(c.RemoveRelations),
		RemoveParents:   ownedParents(c.RemoveParents),
		AddGrants:       ownedGrants(c.AddGrants),
		AddRoles:        ownedRoles(c.AddRoles),
		AddRelations:    ownedRelations(c.AddRelations),
		AddParents:      ownedParents(c.AddParents),
		Actor:           Actor{ID: strings.Clone(c.Actor.ID), Source: strings.Clone(c.Actor.Source)},
		At:              c.At,
	}
}

// owned returns a copy of r whose strings share no memory with the caller's.
func (r Relation) owned() Relation {
	return Relation{Subject: strings.Clone(r.Subject), Role: strings.Clone(r.Role),
		Resource: strings.Clone(r.Resource), Expires: r.Expires}
}

// owned returns a copy of p whose strings share no memory with the caller's.
func (p ResourceParent) owned() ResourceParent {
	return ResourceParent{Resource: strings.Clone(p.Resource), Parent: strings.Clone(p.Parent)}
}

func ownedRelations(relations []Relation) []Relation {
	if relations == nil {
		return nil
	}
	out := make([]Relation, len(relations))
	for i, r := range relations {
		out[i] = r.owned()
	}
	return out
}

func ownedParents(parents []ResourceParent) []ResourceParent {
	if parents == nil {
		return nil
	}
	out := make([]ResourceParent, len(parents))
	for i, p := range parents {
		out[i] = p.owned()
	}
	return out
}

func ownedGrants(grants []Grant) []Grant {
	if grants == nil {
		return nil
	}
	out := make([]Grant, len(grants))
	for i, g := range grants {
		out[i] = g.owned()
	}
	return out
}

func ownedRoles(roles []RoleAssignment) []RoleAssignment {
	if roles == nil {
		return nil
	}
	out := make([]RoleAssignment, len(roles))
	for i, a := range roles {
		out[i] = a.owned()
	}
	return out
}

// cloneString copies a string-typed value.
func cloneString[S ~string](s S) S { return S(strings.Clone(string(s))) }

// ownedRequest returns a copy of req for Casbin's Enforce, whose role
// manager may keep a name it is asked about while it answers.
func ownedRequest(req Request) Request {
	req.Subject = strings.Clone(req.Subject)
	req.Tenant = strings.Clone(req.Tenant)
	req.Permission = cloneString(req.Permission)
	req.Resource.Owner = strings.Clone(req.Resource.Owner)
	req.Resource.Type = strings.Clone(req.Resource.Type)
	req.Resource.ID = strings.Clone(req.Resource.ID)
	return req
}
