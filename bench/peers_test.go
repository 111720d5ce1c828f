package bench

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPeersAgree gives every engine the same requests of the world at 1k
// and 10k lines, hot and cold, denials included, and wants gatehouse's
// answer from each: the figures compare engines that decide alike.
func TestPeersAgree(t *testing.T) {
	for _, rules := range []int{1000, 10000} {
		w := NewWorld(rules)
		requests := append(append([]Request(nil), w.Hot[:256]...), w.Cold[:1024]...)
		want := make([]bool, len(requests))
		allowed := 0
		for _, peer := range Engines {
			e, err := peer.New(w)
			if err != nil {
				t.Fatalf("%s at %d lines: %v", peer.Name, rules, err)
			}
			for i, r := range requests {
				got, err := e.Decide(r)
				if err != nil {
					t.Fatalf("%s at %d lines, %+v: %v", peer.Name, rules, r, err)
				}
				if peer.Name == "gatehouse" {
					want[i] = got
					if got {
						allowed++
					}
					continue
				}
				if got != want[i] {
					t.Errorf("%s at %d lines, %+v: %v, gatehouse %v", peer.Name, rules, r, got, want[i])
				}
			}
		}
		if allowed == 0 || allowed == len(requests) {
			t.Fatalf("at %d lines %d of %d requests are allowed: the comparison needs both answers", rules, allowed, len(requests))
		}
		t.Logf("%d lines: %d of %d requests allowed, every engine agreeing", rules, allowed, len(requests))
	}
}

// sizes are the policy sizes benchmarked: GATEHOUSE_BENCH_SIZES
// ("1000,10000,100000,1000000"), by default 1k, 10k and 100k lines.
func sizes(b *testing.B) []int {
	spec := os.Getenv("GATEHOUSE_BENCH_SIZES")
	if spec == "" {
		spec = "1000,10000,100000"
	}
	var out []int
	for _, s := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 100 {
			b.Fatalf("GATEHOUSE_BENCH_SIZES: %q is not a size of at least 100", s)
		}
		out = append(out, n)
	}
	return out
}

// slow reports whether engine decides in linear time, too slow to run
// above 100k lines (tens of milliseconds a decision there).
func slow(engine string, rules int) bool {
	return rules > 100000 && (engine == "casbin" || engine == "casbin-cached" || engine == "cedar")
}

// BenchmarkPeers is a decision of each engine on the world: "hot" repeats
// 1,024 requests, each decided once before timing so that a cache holds
// them all; "cold" draws users uniformly from all of them.
func BenchmarkPeers(b *testing.B) {
	for _, rules := range sizes(b) {
		w := NewWorld(rules)
		for _, peer := range Engines {
			if slow(peer.Name, rules) {
				continue
			}
			// The engine is built only when one of its benchmarks is asked
			// for, and dropped after: the others' heaps do not weigh on it.
			b.Run(fmt.Sprintf("engine=%s/rules=%d", peer.Name, rules), func(b *testing.B) {
				e, err := peer.New(w)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				for _, set := range []struct {
					name     string
					requests []Request
				}{{"hot", w.Hot}, {"cold", w.Cold}} {
					if set.name == "cold" && peer.Name == "casbin-cached" && rules > 10000 {
						// Every cold request is a miss: Casbin's Enforce, and
						// the cache growing by one entry (gigabytes of garbage
						// a second at 100k lines). "casbin" is its figure.
						continue
					}
					b.Run(set.name, func(b *testing.B) {
						if set.name == "hot" {
							// Warm: a cache holds every hot request before
							// timing starts, as after its first second in use.
							for _, r := range set.requests {
								if _, err := e.Decide(r); err != nil {
									b.Fatal(err)
								}
							}
						}
						b.ReportAllocs()
						i := 0
						for b.Loop() {
							if _, err := e.Decide(set.requests[i%len(set.requests)]); err != nil {
								b.Fatal(err)
							}
							i++
						}
					})
				}
			})
		}
	}
}

// BenchmarkPeersLoad is the load of the world's policy into each engine,
// from the text (gatehouse, Casbin) or the values parsed from it (Cedar's
// policies are generated text; OPA's data are Go maps), and the live heap
// the loaded engine keeps, per policy line.
func BenchmarkPeersLoad(b *testing.B) {
	for _, rules := range sizes(b) {
		w := NewWorld(rules)
		for _, peer := range Engines {
			if peer.Name == "casbin-cached" || slow(peer.Name, rules) {
				continue
			}
			b.Run(fmt.Sprintf("engine=%s/rules=%d", peer.Name, rules), func(b *testing.B) {
				var keep Engine
				var before, after runtime.MemStats
				var took time.Duration
				for b.Loop() {
					keep = nil
					runtime.GC()
					runtime.ReadMemStats(&before)
					start := time.Now()
					e, err := peer.New(w)
					if err != nil {
						b.Fatal(err)
					}
					took = time.Since(start)
					runtime.GC()
					runtime.ReadMemStats(&after)
					keep = e
				}
				runtime.KeepAlive(keep)
				b.ReportMetric(float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))/float64(rules), "heap-B/line")
				b.ReportMetric(took.Seconds(), "s/load")
			})
		}
	}
}
