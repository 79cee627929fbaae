// Package memtest measures what a piece of code allocates, for the tests
// and benchmarks that hold decoding to a memory budget.
package memtest

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// Usage is what Measure saw.
type Usage struct {
	// Total is the bytes allocated while f ran (runtime.MemStats.TotalAlloc
	// delta): deterministic for a given f, and an upper bound of its peak.
	Total uint64
	// Peak is the largest heap in use (live and not yet swept objects)
	// above the heap before f, sampled every 50 µs: the number that
	// resident memory follows.
	Peak uint64
}

const heapObjects = "/memory/classes/heap/objects:bytes"

// Measure runs f after a garbage collection and reports its allocations.
// Run it from a test that is not parallel, so that little else allocates
// meanwhile.
func Measure(f func()) Usage {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sample := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()

	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: heapObjects}}
		t := time.NewTicker(50 * time.Microsecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	metrics.Read(sample)
	close(stop)
	wg.Wait()
	peak = max(peak, sample[0].Value.Uint64())
	runtime.ReadMemStats(&after)
	u := Usage{Total: after.TotalAlloc - before.TotalAlloc}
	if peak > base {
		u.Peak = peak - base
	}
	return u
}

// Peaks accumulates the Usage of the iterations of a benchmark.
type Peaks struct {
	peak, total uint64
	n           int
}

// Add records one iteration.
func (p *Peaks) Add(u Usage) {
	p.peak = max(p.peak, u.Peak)
	p.total += u.Total
	p.n++
}

// Report sets the benchmark's peak-heap-B (the largest sampled peak of any
// iteration) and alloc-B/op (TotalAlloc per iteration) metrics.
func (p *Peaks) Report(b interface{ ReportMetric(float64, string) }) {
	if p.n == 0 {
		return
	}
	b.ReportMetric(float64(p.peak), "peak-heap-B")
	b.ReportMetric(float64(p.total)/float64(p.n), "alloc-B/op")
}
