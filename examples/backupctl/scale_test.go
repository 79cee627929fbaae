package main

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// bigFleet is a -config file of many accounts spread over the four fakes
// (a quarter each), which answer after a delay when slowed.
type bigFleet struct {
	cfg  string
	slow func(d time.Duration) // delays each of the next requests by d
	fast func()                // drops the delays left
}

// newBigFleet starts the four fakes and writes the accounts file of n
// accounts on them.
func newBigFleet(tb testing.TB, n int) *bigFleet {
	tb.Helper()
	o, err := onapptest.NewServer(onapptest.WithNow(fixedNow))
	require.NoError(tb, err)
	tb.Cleanup(o.Close)
	e, err := erigonestest.NewServer(erigonestest.WithNow(fixedNow))
	require.NoError(tb, err)
	tb.Cleanup(e.Close)
	u, err := unitrendstest.NewServer(unitrendstest.WithNow(fixedNow))
	require.NoError(tb, err)
	tb.Cleanup(u.Close)
	c, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(fixedNow))
	require.NoError(tb, err)
	tb.Cleanup(c.Close)
	f := &fakes{onapp: o, erigones: e, unitrends: u, cbr: c}
	var accounts []obj
	for i := range n {
		accounts = append(accounts, f.acct(fmt.Sprintf("acct%03d", i), providers[i%len(providers)]))
	}
	return &bigFleet{
		cfg: writeConfig(tb, 0o600, accounts...),
		slow: func(d time.Duration) {
			// More than a run makes (OnApp: 9 calls per account).
			fault := onapptest.Fault{Delay: d}
			o.InjectFault(10*n, fault)
			e.InjectFault(10*n, fault)
			u.InjectFault(10*n, fault)
			c.InjectFault(10*n, fault)
		},
		fast: func() { o.ClearFaults(); e.ClearFaults(); u.ClearFaults(); c.ClearFaults() },
	}
}

// measured is one run of freshness over a big fleet.
type measured struct {
	code int
	rows int
	took time.Duration
	// peakLive is the largest live heap (marked reachable by a GC) seen
	// while it ran: what the walk holds, whatever the GC's pacing.
	peakLive uint64
}

// runMeasured runs freshness over the fleet with -parallel p, sampling the
// heap while it runs.
func (b *bigFleet) runMeasured(tb testing.TB, p int) measured {
	tb.Helper()
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	var out, errb bytes.Buffer
	start := time.Now()
	code := testEnv(nil).run(tb.Context(), []string{"-timeout", "5m", "-parallel", strconv.Itoa(p), "-config", b.cfg, "freshness"}, &out, &errb)
	took := time.Since(start)
	close(stop)
	wg.Wait()
	require.Empty(tb, errb.String())
	return measured{code: code, rows: len(lines(out.String())) - 2, took: took, peakLive: peak.Load()}
}

// TestFleet200 walks 200 accounts (50 per fake) at -parallel 8: every
// account reports, the heap the walk needs does not grow with the fleet
// (compared with 40 accounts), and nothing is left behind: sessions,
// connections, goroutines, heap. It runs alone (not in parallel) for clean
// counts. BenchmarkFleetFreshness shows the time falling with -parallel.
func TestFleet200(t *testing.T) {
	small := newBigFleet(t, 40)
	big := newBigFleet(t, 200)
	runtime.GC()
	goroutines := runtime.NumGoroutine()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	m40 := small.runMeasured(t, 8)
	m200 := big.runMeasured(t, 8)
	for _, m := range []measured{m40, m200} {
		assert.Equal(t, exitAttention, m.code)
	}
	assert.Equal(t, 40/4*19, m40.rows, "every account's protected machines")
	assert.Equal(t, 200/4*19, m200.rows, "every account's protected machines")
	t.Logf("-parallel 8: 40 accounts in %v, peak live heap %.1f MiB; 200 accounts in %v, %.1f MiB",
		m40.took, float64(m40.peakLive)/(1<<20), m200.took, float64(m200.peakLive)/(1<<20))
	// Five times the accounts, well under twice the memory: the report's
	// rows (a few hundred bytes each) are all that grows.
	assert.Less(t, m200.peakLive, 2*m40.peakLive)

	// Connections are closed as accounts finish: the goroutines of the
	// clients' and the fakes' connections are gone, and the fakes hold no
	// sessions.
	assert.Eventually(t, func() bool { return runtime.NumGoroutine() <= goroutines+4 }, 5*time.Second, 10*time.Millisecond,
		"goroutines: %d before, %d after", goroutines, runtime.NumGoroutine())
	// What the runs kept is little (their output is gone).
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("heap in use: %.1f MiB before, %.1f MiB after", float64(before.HeapInuse)/(1<<20), float64(after.HeapInuse)/(1<<20))
	assert.Less(t, int64(after.HeapInuse)-int64(before.HeapInuse), int64(4<<20))
}

// BenchmarkFleetFreshness walks 200 accounts on the four fakes, each
// request delayed by 2 ms (a near network), at -parallel 1, 4, 8 and 32:
// ns/op falls with -parallel while peak-live-heap-MiB (the largest live
// heap a GC saw during a run) stays flat.
//
//	go test -run '^$' -bench FleetFreshness -benchtime 3x ./examples/backupctl
func BenchmarkFleetFreshness(b *testing.B) {
	for _, p := range []int{1, 4, 8, 32} {
		b.Run("parallel="+strconv.Itoa(p), func(b *testing.B) {
			fl := newBigFleet(b, 200)
			var peak uint64
			b.ReportAllocs()
			for b.Loop() {
				fl.slow(2 * time.Millisecond)
				m := fl.runMeasured(b, p)
				fl.fast()
				if m.code != exitAttention || m.rows != 50*19 {
					b.Fatalf("exit %d, %d rows", m.code, m.rows)
				}
				peak = max(peak, m.peakLive)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MiB")
			b.ReportMetric(200*float64(b.N)/b.Elapsed().Seconds(), "accounts/s")
		})
	}
}
