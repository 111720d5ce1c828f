package authz

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two names with one hash are told apart by name: a clash costs time,
// never a wrong record, through sets, removals and copies.
func TestShardKeepsClashingNamesApart(t *testing.T) {
	t.Parallel()
	// hashOf makes alice, bob and carol clash; dave does not.
	hashOf := func(name string) uint64 {
		if name == "dave" {
			return 2
		}
		return 1
	}
	record := func(role string) holderRecord { return holderRecord{firstParent: parentLink{role: role}} }
	roleOf := func(s *shard, name string) string {
		h := s.find(hashOf(name), name)
		if h == nil {
			return ""
		}
		require.Equal(t, name, h.name)
		return h.firstParent.role
	}
	names := func(s *shard) []string {
		var out []string
		s.each(func(h holderRecord) { out = append(out, h.name) })
		slices.Sort(out)
		return out
	}

	s := newShard()
	// Names longer than a record holds are told apart past its bytes.
	long1, long2 := "a-name-longer-than-sixteen-bytes-1", "a-name-longer-than-sixteen-bytes-2"
	s.set(hashOf(long1), long1, record("long-1"))
	s.set(hashOf(long2), long2, record("long-2"))
	assert.Equal(t, "long-1", roleOf(&s, long1))
	assert.Equal(t, "long-2", roleOf(&s, long2))
	assert.Equal(t, "", roleOf(&s, "a-name-longer-than-sixteen-bytes-3"))
	s.remove(hashOf, hashOf(long1), long1)
	s.remove(hashOf, hashOf(long2), long2)
	for _, name := range []string{"alice", "bob", "carol", "dave"} {
		s.set(hashOf(name), name, record(name+"-role"))
	}
	s.set(hashOf("bob"), "bob", record("bob-role-2"))
	assert.Equal(t, "alice-role", roleOf(&s, "alice"))
	assert.Equal(t, "bob-role-2", roleOf(&s, "bob"), "a clashing name's record is replaced, not added")
	assert.Equal(t, "carol-role", roleOf(&s, "carol"))
	assert.Equal(t, "dave-role", roleOf(&s, "dave"))
	assert.Equal(t, "", roleOf(&s, "erin"), "an unknown name with a clashing hash has no record")
	assert.Equal(t, "", roleOf(&s, "alice\x00"), "nor one that pads another")
	assert.Equal(t, []string{"alice", "bob", "carol", "dave"}, names(&s))

	before := s.clone()
	s.remove(hashOf, hashOf("alice"), "alice")
	assert.Equal(t, "", roleOf(&s, "alice"))
	assert.Equal(t, "bob-role-2", roleOf(&s, "bob"), "a clash takes the removed name's place")
	assert.Equal(t, "carol-role", roleOf(&s, "carol"))
	s.remove(hashOf, hashOf("carol"), "carol")
	s.remove(hashOf, hashOf("erin"), "erin")
	assert.Equal(t, []string{"bob", "dave"}, names(&s))
	assert.Nil(t, s.clashes, "no clash is left")
	s.remove(hashOf, hashOf("bob"), "bob")
	assert.Equal(t, []string{"dave"}, names(&s))

	assert.Equal(t, []string{"alice", "bob", "carol", "dave"}, names(&before), "the copy is untouched")
	assert.Equal(t, "alice-role", roleOf(&before, "alice"))
	assert.Equal(t, "carol-role", roleOf(&before, "carol"))
}

// Hash 0, which a table holds as 1, is one more clash: both names keep
// their records.
func TestShardKeepsHashZeroApart(t *testing.T) {
	t.Parallel()
	hashOf := func(name string) uint64 {
		if name == "zero" {
			return 0
		}
		return 1
	}
	s := newShard()
	for _, name := range []string{"one", "zero"} {
		s.set(hashOf(name), name, holderRecord{firstParent: parentLink{role: name + "-role"}})
	}
	for _, name := range []string{"one", "zero"} {
		h := s.find(hashOf(name), name)
		require.NotNil(t, h, name)
		assert.Equal(t, name+"-role", h.firstParent.role)
	}
	s.remove(hashOf, hashOf("one"), "one")
	assert.Nil(t, s.find(hashOf("one"), "one"))
	h := s.find(hashOf("zero"), "zero")
	require.NotNil(t, h, "zero outlives the removal of the name it clashed with")
	assert.Equal(t, "zero-role", h.firstParent.role)
	assert.Nil(t, s.clashes, "and takes its place")
	s.set(hashOf("zero"), "zero", holderRecord{firstParent: parentLink{role: "zero-role-2"}})
	assert.Equal(t, "zero-role-2", s.find(hashOf("zero"), "zero").firstParent.role)
	s.remove(hashOf, hashOf("zero"), "zero")
	assert.Nil(t, s.find(hashOf("zero"), "zero"))
}
