package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// sink keeps a benchmark's result alive, so that its reads are not
// optimized away.
var sink uint32

// BenchmarkMemoryRead is one read of memory at a random place that the
// read before it chose (a walk through a random cycle of cache lines), in
// blocks from 1 MiB, which a core's L2 cache holds, to 1 GiB: what a read
// of a record that is not in the cache costs on the machine, the floor
// under a cold decision at a million lines.
func BenchmarkMemoryRead(b *testing.B) {
	for _, mib := range []int{1, 32, 256, 1024} {
		b.Run(fmt.Sprintf("MiB=%d", mib), func(b *testing.B) {
			const perLine = 64 / 4
			lines := mib << 20 / 64
			next := make([]uint32, lines*perLine)
			order := rand.New(rand.NewPCG(1, 2)).Perm(lines)
			for i, line := range order {
				next[line*perLine] = uint32(order[(i+1)%lines])
			}
			at := uint32(order[0])
			for b.Loop() {
				at = next[at*perLine]
			}
			sink = at
		})
	}
}
