package racetest_test

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/internal/racetest"
)

func TestRunCallsEachIndexOnItsHandle(t *testing.T) {
	t.Parallel()
	var calls [2]atomic.Int64
	seen := make([]atomic.Bool, 16)
	racetest.Run(16, []int{0, 1}, func(i, handle int) {
		assert.Equal(t, i%2, handle)
		seen[i].Store(true)
		calls[handle].Add(1)
	})
	for i := range seen {
		assert.True(t, seen[i].Load(), "index %d", i)
	}
	assert.Equal(t, int64(8), calls[0].Load())
	assert.Equal(t, int64(8), calls[1].Load())
}
