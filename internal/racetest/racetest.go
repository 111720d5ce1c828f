// Package racetest starts the goroutines of a conformance suite's races
// together, so that they contend rather than run one after another.
package racetest

import "sync"

// Run calls fn(i, handles[i%len(handles)]) for every i in [0, n), each on
// a goroutine of its own, all released at once, and returns when every
// call has. Stores' suites pass two handles on one backend, as two
// processes of an application would have.
func Run[S any](n int, handles []S, fn func(i int, s S)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i, handles[i%len(handles)])
		})
	}
	close(start)
	wg.Wait()
}
