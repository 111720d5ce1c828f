package backoff

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Each wait lies between half and all of a step that doubles from Min up
// to Max, and Reset starts again from Min.
func TestNext(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		min, max time.Duration
		steps    []time.Duration
	}{
		{"doubles up to max", 100 * time.Millisecond, time.Second, []time.Duration{
			100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond,
			800 * time.Millisecond, time.Second, time.Second,
		}},
		{"min equals max", time.Second, time.Second, []time.Duration{time.Second, time.Second, time.Second}},
		{"one nanosecond", 1, 1, []time.Duration{1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := Backoff{Min: tc.min, Max: tc.max}
			for round := range 50 {
				for i, step := range tc.steps {
					d := b.Next()
					assert.GreaterOrEqual(t, d, step/2, "round %d, wait %d", round, i)
					assert.LessOrEqual(t, d, step, "round %d, wait %d", round, i)
				}
				b.Reset()
			}
		})
	}
}

// The waits are drawn at random, so that replicas do not reconnect in
// step.
func TestNextIsJittered(t *testing.T) {
	t.Parallel()
	seen := map[time.Duration]bool{}
	for range 100 {
		b := Backoff{Min: time.Second, Max: time.Second}
		seen[b.Next()] = true
	}
	assert.Greater(t, len(seen), 1, "100 draws between 0.5s and 1s all alike")
}

func TestSleep(t *testing.T) {
	t.Parallel()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want bool
	}{
		{"elapsed", context.Background(), 0, true},
		{"context ended first", ended, time.Hour, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, Sleep(tc.ctx, tc.d))
		})
	}
}
