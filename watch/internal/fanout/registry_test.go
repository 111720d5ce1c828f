package fanout

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

func TestRemoveReportsTheLastOfAChannel(t *testing.T) {
	t.Parallel()
	var r Registry[int]
	r.Add("a", 1)
	r.Add("a", 2)
	r.Add("b", 3)
	cases := []struct {
		name    string
		channel string
		sub     int
		last    bool
	}{
		{"one of two", "a", 1, false},
		{"the same again", "a", 1, false},
		{"on another channel", "b", 2, false},
		{"the last", "a", 2, true},
		{"the last again", "a", 2, false},
		{"the last of another channel", "b", 3, true},
		{"on a channel never used", "c", 1, false},
	}
	for _, tc := range cases { // in order: each removal sees the ones before
		assert.Equal(t, tc.last, r.Remove(tc.channel, tc.sub), tc.name)
	}
	assert.Empty(t, slices.Collect(r.All()))
}

func TestSubscriptionsByChannel(t *testing.T) {
	t.Parallel()
	var r Registry[int]
	assert.Empty(t, slices.Collect(r.All()), "the zero value is empty")
	r.Add("a", 1)
	r.Add("a", 2)
	r.Add("b", 3)
	assert.ElementsMatch(t, []int{1, 2}, slices.Collect(r.On("a")))
	assert.ElementsMatch(t, []int{3}, slices.Collect(r.On("b")))
	assert.Empty(t, slices.Collect(r.On("c")))
	assert.ElementsMatch(t, []int{1, 2, 3}, slices.Collect(r.All()))

	r.Join([]string{"a"})
	assert.ElementsMatch(t, []int{1, 2}, slices.Collect(r.InEffect()))

	assert.ElementsMatch(t, []int{1, 2, 3}, r.Clear())
	assert.Empty(t, slices.Collect(r.All()))
	assert.False(t, r.Remove("a", 1), "after Clear")
	assert.True(t, r.Joined("a"), "Clear leaves the joined channels")
}

// The connection joins a channel with its first subscription and leaves it
// with its last, once each.
func TestChanges(t *testing.T) {
	t.Parallel()
	var r Registry[int]
	join, leave := r.Changes()
	assert.Empty(t, join, "the zero value")
	assert.Empty(t, leave, "the zero value")

	r.Add("a", 1)
	r.Add("b", 2)
	join, leave = r.Changes()
	assert.Equal(t, []string{"a", "b"}, sorted(join))
	assert.Empty(t, leave)
	join, _ = r.Changes()
	assert.Equal(t, []string{"a", "b"}, sorted(join), "until joined")

	r.Join(join)
	assert.True(t, r.Joined("a"))
	join, leave = r.Changes()
	assert.Empty(t, join)
	assert.Empty(t, leave)

	r.Remove("a", 1)
	join, leave = r.Changes()
	assert.Empty(t, join)
	assert.Equal(t, []string{"a"}, leave)
	assert.False(t, r.Joined("a"), "forgotten before it is left")
	_, leave = r.Changes()
	assert.Empty(t, leave, "left once")

	r.LeaveAll()
	assert.False(t, r.Joined("b"))
	join, _ = r.Changes()
	assert.Equal(t, []string{"b"}, join, "joined again on a new connection")
}
