package main

import (
	"fmt"
	"log"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// way is one of the three ways of doing a workload; i numbers the call within its way.
// A failed call (an answer other than 200, a query error) is timed and counted; it does
// not stop the run.
type way func(i int) error

// result is one latency workload: each way's latencies at concurrency c.
type result struct {
	key, name         string // key: list1, listDeep, search, audit, mutation, bulk
	c                 int
	roster, pb, floor []time.Duration
	failed            [3]int
	samples           []string // the first failures
}

// measure runs total calls of each way, interleaved (roster, PocketBase, floor, roster…,
// rotating who goes first), spread over c workers: c requests are in flight at any time,
// of the three ways mixed, so each way meets the same load.
func measure(key, name string, c, total int, ways [3]way) result {
	lat := [3][]time.Duration{}
	var fails [3]failures
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	go func() {
		for i := 0; i < total; i++ {
			next <- i
		}
		close(next)
	}()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				for k := 0; k < 3; k++ {
					k := (k + i) % 3
					t0 := time.Now()
					err := ways[k](i)
					d := time.Since(t0)
					fails[k].add(err)
					mu.Lock()
					lat[k] = append(lat[k], d)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	r := result{key: key, name: name, c: c, roster: lat[0], pb: lat[1], floor: lat[2]}
	for k := range fails {
		r.failed[k] = int(fails[k].n.Load())
		r.samples = append(r.samples, fails[k].samples...)
	}
	log.Printf("%s, c=%d: Roster p95 %s ms, PocketBase p95 %s ms, floor p95 %s ms, failed %v", name, c,
		ms(pct(lat[0], .95)), ms(pct(lat[1], .95)), ms(pct(lat[2], .95)), r.failed)
	return r
}

// rate is one throughput workload at concurrency c: per way, the calls completed, the
// time the way ran and each call's latency.
type rate struct {
	c       int
	ops     [3]int // successful calls
	failed  [3]int
	samples []string // the first failures
	took    [3]time.Duration
	lat     [3][]time.Duration
}

func (r rate) perSecond(k int) float64 { return float64(r.ops[k]) / r.took[k].Seconds() }

// throughput runs each way alone on c workers for d, rounds times, the ways taking turns
// (rotating who goes first), and sums what each way completed over the time it ran.
func throughput(name string, c, rounds int, d time.Duration, ways [3]way) rate {
	r := rate{c: c}
	var seq [3]atomic.Int64
	var fails [3]failures
	for round := 0; round < rounds; round++ {
		for j := 0; j < 3; j++ {
			k := (j + round) % 3
			var mu sync.Mutex
			var wg sync.WaitGroup
			t0 := time.Now()
			deadline := t0.Add(d)
			for w := 0; w < c; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for time.Now().Before(deadline) {
						i := int(seq[k].Add(1) - 1)
						s := time.Now()
						ok := fails[k].add(ways[k](i))
						el := time.Since(s)
						mu.Lock()
						if ok {
							r.ops[k]++
						}
						r.lat[k] = append(r.lat[k], el)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			r.took[k] += time.Since(t0)
		}
	}
	for k := range fails {
		r.failed[k] = int(fails[k].n.Load())
		r.samples = append(r.samples, fails[k].samples...)
	}
	log.Printf("%s, c=%d: Roster %.1f/s, PocketBase %.1f/s, floor %.1f/s", name, c, r.perSecond(0), r.perSecond(1), r.perSecond(2))
	return r
}

// pct is the p-th quantile (nearest rank) of ds.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// three is "p50 / p95 / p99" in milliseconds.
func three(ds []time.Duration) string {
	return ms(pct(ds, .5)) + " / " + ms(pct(ds, .95)) + " / " + ms(pct(ds, .99))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }
