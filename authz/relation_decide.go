package authz

import (
	"slices"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// relationVia is how a holder came into a decision about one resource:
// through which relation, on which of the resource's chain (the resource
// or a parent). The zero relationVia is a holder the subject holds
// through role assignments alone.
type relationVia struct {
	entry    *relationEntry
	resource *resourceRecord
}

// relation returns the relation v names; the zero Relation for none.
func (v relationVia) relation() Relation {
	if v.entry == nil {
		return Relation{}
	}
	return Relation{Subject: v.entry.subject, Role: v.entry.role, Resource: v.resource.name, Expires: unixExpiry(v.entry.expires)}
}

// chainBuffer holds a resource and its parents without allocating.
const chainBuffer = MaxParentDepth + 1

// decideOn is decide for a request about the resource typ:id, at now (Unix
// seconds): the holders are the subject, the roles it holds, and the roles
// it, or any of them, holds on the resource or on its parents through
// relations that have not expired, with the roles those inherit — within
// MaxRoleDepth links, a relation counting as one. It also returns the
// relation through which the deciding grant applied, if one did: the first
// met, walking out from the subject, nearest links first.
func (ix *index) decideOn(sub, tenant string, perm permissions.Permission, owner, typ, id string, now int64) (allowed bool, rule Grant, via Relation) {
	if ix.rel == nil || id == "" {
		allowed, rule = ix.decide(sub, tenant, perm, owner, now)
		return allowed, rule, Relation{}
	}
	// The subject's record is read before the resource's, so that the
	// memory reads of the two overlap.
	hash := ix.hash(sub)
	first := ix.holder(hash, sub)
	var chainBuf [chainBuffer]*resourceRecord
	chain := ix.rel.chain(typ, id, chainBuf[:0])
	var tenantsBuf [tenantBuffer]string
	tenants := visibleTenants(ix.tenanted, tenant, tenantsBuf[:0])
	var buf [holdersBuffer]holder
	var viaBuf [holdersBuffer]relationVia
	var hashBuf [holdersBuffer]uint64
	holders, vias := ix.holdersVia(first, hash, tenants, chain, now, buf[:0], viaBuf[:0], hashBuf[:0])
	deny, allow := ix.matchingGrants(holders, tenants, perm, owner != "" && owner == sub, now)
	switch {
	case deny.entry != nil:
		return false, deny.entry.grant, vias[deny.holder].relation()
	case allow.entry != nil:
		return true, allow.entry.grant, vias[allow.holder].relation()
	}
	return false, Grant{}, Relation{}
}

// holdersVia is holders, from the subject's record first (whose hash is
// hash), for a request about the resource whose chain
// (itself, then its parents) is chain: it follows the relations the
// holders have on the chain as well as their role assignments, and
// appends to vias how each holder was reached; hashes holds the holders'
// hashes, for the lookups of their relations.
func (ix *index) holdersVia(first holder, hash uint64, tenants []string, chain []*resourceRecord, now int64, out []holder, vias []relationVia, hashes []uint64) ([]holder, []relationVia) {
	out = append(out, first)
	vias = append(vias, relationVia{})
	hashes = append(hashes, hash)
	for depth, start := 0, 0; depth < MaxRoleDepth && start < len(out); depth++ {
		end := len(out)
		visit := func(role string, roleHash uint64, via relationVia) {
			if slices.ContainsFunc(out, func(h holder) bool { return h.name == role }) {
				return
			}
			out = append(out, ix.holder(roleHash, role))
			vias = append(vias, via)
			hashes = append(hashes, roleHash)
		}
		for i := start; i < end; i++ {
			h, via := &out[i].rec, vias[i]
			if h.firstParent.role != "" {
				for _, tenant := range tenants {
					if l := &h.firstParent; l.tenant == tenant && live(l.expires, now) {
						visit(l.role, l.roleHash, via)
					}
					if l := &h.secondParent; l.role != "" && l.tenant == tenant && live(l.expires, now) {
						visit(l.role, l.roleHash, via)
					}
					for j, run := 0, parentsIn(h.moreParents, tenant); j < len(run); j++ {
						if live(run[j].expires, now) {
							visit(run[j].role, run[j].roleHash, via)
						}
					}
				}
			}
			for _, r := range chain {
				if len(r.relations) == 0 {
					continue
				}
				held := r.heldBy(hashes[i], out[i].name)
				for j := range held {
					e := &held[j]
					if !live(e.expires, now) {
						continue
					}
					v := via
					if v.entry == nil {
						v = relationVia{entry: e, resource: r}
					}
					visit(e.role, e.roleHash, v)
				}
			}
		}
		start = end
	}
	return out, vias
}
