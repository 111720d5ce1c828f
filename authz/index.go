package authz

import (
	"hash/maphash"
	"slices"
	"strings"
	"unicode"

	"github.com/casbin/casbin/v2/model"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// The decision index answers a request with a handful of map lookups
// instead of Casbin's scan of every policy line, for models whose matcher is
// gatehouse's own (see indexable). It holds, per holder (a subject or a
// role), its grants by permission and by wildcard resource, and each
// member's direct roles. It is immutable: an edit builds a new index that
// shares every shard it does not touch, and swaps it in atomically, so
// decisions never wait for edits and never see half an edit.

// shardCount spreads the maps so that an edit copies one small shard, not a
// whole policy: 100,000 rules make shards of a few hundred entries.
const shardCount = 256

// grantKey finds the grants of a holder for one permission ("posts:read",
// wildcard false) or for every action of a resource ("posts", wildcard
// true, from a grant of "posts:*"). Looking a wildcard up by its resource
// needs no string to be built on the decision path.
type grantKey struct {
	holder   string
	perm     string
	wildcard bool
}

// indexedGrant is a grant with its position in the policy: when several
// match, Casbin explains a decision by the first in policy order, and so
// does the index.
type indexedGrant struct {
	seq   uint64
	grant Grant
}

type grantShard map[grantKey][]indexedGrant
type parentShard map[string][]string

type index struct {
	seed    maphash.Seed
	grants  [shardCount]grantShard
	parents [shardCount]parentShard
}

func (ix *index) shard(name string) int {
	return int(maphash.String(ix.seed, name) % shardCount)
}

// keyFor returns where a grant is indexed.
func keyFor(g Grant) grantKey {
	if g.Permission.IsWildcard() {
		return grantKey{holder: g.Subject, perm: g.Permission.Resource(), wildcard: true}
	}
	return grantKey{holder: g.Subject, perm: string(g.Permission)}
}

// buildIndex indexes a whole policy; grants are numbered in policy order.
func buildIndex(p Policy) *index {
	ix := &index{seed: maphash.MakeSeed()}
	for i := range ix.grants {
		ix.grants[i] = grantShard{}
		ix.parents[i] = parentShard{}
	}
	for i, g := range p.Grants {
		k := keyFor(g)
		s := ix.grants[ix.shard(g.Subject)]
		s[k] = append(s[k], indexedGrant{seq: uint64(i), grant: g})
	}
	for _, a := range p.Roles {
		s := ix.parents[ix.shard(a.Member)]
		s[a.Member] = append(s[a.Member], a.Role)
	}
	return ix
}

// apply returns a new index with c applied, sharing every untouched shard
// with ix. New grants are numbered from next on, after every grant ix has,
// as Casbin appends them after the others.
func (ix *index) apply(c change, next uint64) *index {
	out := *ix
	copied := map[int]bool{}
	grantShardFor := func(holder string) grantShard {
		n := out.shard(holder)
		if !copied[n] {
			out.grants[n] = cloneShard(ix.grants[n])
			copied[n] = true
		}
		return out.grants[n]
	}
	for _, g := range c.removeGrants {
		s, k := grantShardFor(g.Subject), keyFor(g)
		s[k] = slices.DeleteFunc(slices.Clone(s[k]), func(e indexedGrant) bool { return e.grant == g })
		if len(s[k]) == 0 {
			delete(s, k)
		}
	}
	for _, g := range c.addGrants {
		s, k := grantShardFor(g.Subject), keyFor(g)
		s[k] = append(slices.Clip(s[k]), indexedGrant{seq: next, grant: g})
		next++
	}

	copiedParents := map[int]bool{}
	parentShardFor := func(member string) parentShard {
		n := out.shard(member)
		if !copiedParents[n] {
			out.parents[n] = cloneShard(ix.parents[n])
			copiedParents[n] = true
		}
		return out.parents[n]
	}
	for _, a := range c.removeRoles {
		s := parentShardFor(a.Member)
		s[a.Member] = slices.DeleteFunc(slices.Clone(s[a.Member]), func(r string) bool { return r == a.Role })
		if len(s[a.Member]) == 0 {
			delete(s, a.Member)
		}
	}
	for _, a := range c.addRoles {
		s := parentShardFor(a.Member)
		s[a.Member] = append(slices.Clip(s[a.Member]), a.Role)
	}
	return &out
}

func cloneShard[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// holdersBuffer is how many holders a decision collects without allocating:
// a subject and the roles it holds within MaxRoleDepth.
const holdersBuffer = 32

// holders appends sub and every role it holds within MaxRoleDepth
// assignments to out, each once, nearest first — the names Casbin's
// g(r.sub, p.sub) matches.
func (ix *index) holders(sub string, out []string) []string {
	out = append(out, sub)
	for depth, start := 0, 0; depth < MaxRoleDepth && start < len(out); depth++ {
		end := len(out)
		for _, member := range out[start:end] {
			for _, role := range ix.parents[ix.shard(member)][member] {
				if !slices.Contains(out, role) {
					out = append(out, role)
				}
			}
		}
		start = end
	}
	return out
}

// decide answers a validated request as Casbin's Enforce would on the same
// policy: allowed when a grant allows and none denies, and the deciding
// rule is the first matching deny, else the first matching allow, in
// policy order.
func (ix *index) decide(sub string, perm permissions.Permission, owner string) (allowed bool, rule Grant) {
	var buf [holdersBuffer]string
	holders := ix.holders(sub, buf[:0])
	resource := perm.Resource()
	own := owner != "" && owner == sub
	var deny, allow *indexedGrant
	consider := func(entries []indexedGrant) {
		for i := range entries {
			e := &entries[i]
			if e.grant.Scope == permissions.Own && !own {
				continue
			}
			if e.grant.Effect == Deny {
				if deny == nil || e.seq < deny.seq {
					deny = e
				}
			} else if allow == nil || e.seq < allow.seq {
				allow = e
			}
		}
	}
	for _, h := range holders {
		s := ix.grants[ix.shard(h)]
		consider(s[grantKey{holder: h, perm: string(perm)}])
		consider(s[grantKey{holder: h, perm: resource, wildcard: true}])
	}
	switch {
	case deny != nil:
		return false, deny.grant
	case allow != nil:
		return true, allow.grant
	}
	return false, Grant{}
}

// defaultMatcher is the matcher of gatehouse's embedded model, as Casbin
// stores it, without spacing.
var defaultMatcher = func() string {
	m, err := model.NewModelFromString(gatehouse.DefaultModel())
	if err != nil {
		return "" // cannot happen: the embedded model is tested; and "" indexes nothing
	}
	return withoutSpacing(m["m"]["m"].Value)
}()

// indexable reports whether decisions under m can come from the index: its
// shape was checked by loadModel, so it can exactly when its matcher is
// gatehouse's own. Any other matcher — a superuser shortcut, another
// function — is decided by Casbin's Enforce. This is detected, not guessed:
// a matcher that differs in anything but spacing outside string literals is
// another matcher.
func indexable(m model.Model) bool {
	a, ok := m["m"]["m"]
	return ok && defaultMatcher != "" && withoutSpacing(a.Value) == defaultMatcher
}

// withoutSpacing drops white space outside double-quoted literals.
func withoutSpacing(expr string) string {
	var b strings.Builder
	quoted := false
	for _, r := range expr {
		if r == '"' {
			quoted = !quoted
		}
		if !quoted && unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
