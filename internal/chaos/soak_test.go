package chaos

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/memtest"
)

const (
	// workers share the four clients.
	workers = 64
	// calls is how many calls the workers make in all (a quarter of them
	// under -short).
	calls = 3200
	// callTimeout is every call's deadline. A stalled answer ends there.
	callTimeout = 750 * time.Millisecond
	// lateMargin is how long after its deadline a call may still return.
	// It is generous: it tells a call that honours its deadline (it
	// returns within milliseconds of it, on any machine) from one that
	// waits on something its context does not bound (a shared login,
	// minutes).
	lateMargin = 5 * time.Second
	// settle bounds the wait for connections and goroutines to wind down
	// after the soak.
	settle = 10 * time.Second
	// peakHeapBound is far above what the soak needs (its answers are a
	// few kB, and the core's memory budget holds each to a small multiple
	// of its size) and far below what a leak of answers, or a decoder that
	// let a hostile one grow, would take.
	peakHeapBound = 128 << 20
)

// result is one call's outcome.
type result struct {
	provider, op string
	kind         core.Kind
	err          error
	elapsed      time.Duration
}

// running is what a worker is doing, for the watchdog.
type running struct {
	name  string
	start time.Time
}

// TestSoak runs the four clients through the fault-injecting proxies and
// checks every promise at once (see the package documentation). It is
// not parallel: it counts the process's goroutines and samples its heap.
func TestSoak(t *testing.T) {
	goroutinesBefore := runtime.NumGoroutine()

	other := newOtherHost(t)
	providers := []*provider{
		newOnapp(t, other.URL()),
		newErigones(t, other.URL()),
		newUnitrends(t, other.URL()),
		newCloudbackup(t, other.URL()),
	}
	closed := false
	closeAll := func() {
		if closed {
			return
		}
		closed = true
		for _, p := range providers {
			p.transport.CloseIdleConnections()
			p.proxy.Close()
			p.close()
		}
		other.srv.Close()
	}
	t.Cleanup(closeAll)

	total := calls
	if testing.Short() {
		total /= 4
	}
	perWorker := total / workers
	results := make([][]result, workers)
	slots := make([]atomic.Pointer[running], workers)
	done := make(chan struct{})
	var usage memtest.Usage
	go func() {
		defer close(done)
		usage = memtest.Measure(func() {
			var wg sync.WaitGroup
			for g := range workers {
				wg.Go(func() {
					results[g] = work(g, perWorker, providers, &slots[g])
				})
			}
			wg.Wait()
		})
	}()
	watch(t, done, slots)

	// Every call returned by its deadline, with no error or a typed one.
	var all []result
	for _, rs := range results {
		all = append(all, rs...)
	}
	if len(all) != perWorker*workers {
		t.Fatalf("%d results, want %d", len(all), perWorker*workers)
	}
	stats := map[string]*opStats{}
	samples := errorSamples{}
	for _, r := range all {
		key := r.provider + " " + r.op
		s := stats[key]
		if s == nil {
			s = &opStats{errs: map[string]int{}}
			stats[key] = s
		}
		s.n++
		if r.elapsed > callTimeout+lateMargin {
			t.Errorf("%s %s returned %s after it started, past its deadline of %s: %v", r.provider, r.op, r.elapsed, callTimeout, r.err)
		}
		if r.err == nil {
			s.ok++
			continue
		}
		class, ok := errorClass(r.err)
		if !ok {
			t.Errorf("%s %s returned an untyped error (%T): %v", r.provider, r.op, r.err, r.err)
		}
		s.errs[class]++
		samples.add(class, r.err)
	}
	logStats(t, stats)
	for class, text := range samples {
		t.Logf("for example, %s: %s", class, text)
	}
	for _, p := range providers {
		t.Log(p.proxy.summary())
	}
	t.Logf("peak heap %d kB, allocated %d MB", usage.Peak>>10, usage.Total>>20)

	// The soak must have done something: most calls of each provider went
	// through, and some of its writes did.
	for _, p := range providers {
		var n, ok, writesOK int
		for _, r := range all {
			if r.provider != p.name {
				continue
			}
			n++
			if r.err == nil {
				ok++
				if r.kind == core.Write {
					writesOK++
				}
			}
		}
		if ok*3 < n || writesOK == 0 {
			t.Errorf("%s: only %d of %d calls succeeded (%d writes): the soak tested little", p.name, ok, n, writesOK)
		}
	}

	// No write reached the fake again after an attempt that may have done
	// its work.
	for _, p := range providers {
		for _, bad := range p.proxy.repeatedWrites() {
			t.Errorf("a write was sent again after it may have reached the server: %s", bad)
		}
	}

	// Nothing but harmless headers, and no credential or body, reached the
	// other host.
	checkOtherHost(t, other, providers)

	if usage.Peak > peakHeapBound {
		t.Errorf("peak heap %d MB, want at most %d MB", usage.Peak>>20, peakHeapBound>>20)
	}

	// Every connection the clients opened is closed once they close their
	// idle ones: none is held by an answer left unread.
	if !eventually(func() bool {
		for _, p := range providers {
			// Again each time: a connection dialled for a call that gave
			// up joins the idle ones when the dial completes.
			p.transport.CloseIdleConnections()
		}
		for _, p := range providers {
			if p.proxy.openConns() > 0 {
				return false
			}
		}
		return true
	}) {
		for _, p := range providers {
			if n := p.proxy.openConns(); n > 0 {
				t.Errorf("%s: %d connections still open after closing the idle ones", p.name, n)
			}
		}
	}

	// No goroutine outlives the soak once the servers are gone.
	closeAll()
	if !eventually(func() bool { return runtime.NumGoroutine() <= goroutinesBefore }) {
		t.Errorf("%d goroutines after the soak, %d before:\n%s", runtime.NumGoroutine(), goroutinesBefore, goroutineDump())
	}
}

// work makes n calls, each on a client and of an op drawn at random.
func work(g, n int, providers []*provider, slot *atomic.Pointer[running]) []result {
	out := make([]result, 0, n)
	for i := range n {
		p := providers[(g+i)%len(providers)]
		o := draw(p.ops)
		id := fmt.Sprintf("%s-%d-%d", p.name, g, i)
		ctx, cancel := context.WithTimeout(withCall(context.Background(), id, o.kind == core.Write), callTimeout)
		start := time.Now()
		slot.Store(&running{name: p.name + " " + o.name, start: start})
		err := o.do(ctx)
		elapsed := time.Since(start)
		cancel()
		slot.Store(nil)
		out = append(out, result{provider: p.name, op: o.name, kind: o.kind, err: err, elapsed: elapsed})
	}
	return out
}

// watch returns when done closes, and fails the test at once when a call
// runs past its deadline and the margin: waiting for it could take
// minutes.
func watch(t *testing.T, done <-chan struct{}, slots []atomic.Pointer[running]) {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		for i := range slots {
			if r := slots[i].Load(); r != nil && time.Since(r.start) > callTimeout+lateMargin {
				t.Fatalf("%s has run for %s, past its deadline of %s:\n%s", r.name, time.Since(r.start), callTimeout, goroutineDump())
			}
		}
	}
}

// errorClass names the exported error type err is, and reports false when
// it is none of them.
func errorClass(err error) (string, bool) {
	var (
		apiErr     *core.APIError
		decodeErr  *core.DecodeError
		pagingErr  *core.PagingError
		transport  *core.TransportError
		created    *erigones.CreatedBackupError
		taskFailed *erigones.TaskFailedError
		revoked    *erigones.TaskRevokedError
		opErr      *cloudbackup.OperationError
		urlErr     *url.Error
		netErr     *net.OpError
	)
	switch {
	case errors.As(err, &apiErr):
		return fmt.Sprintf("APIError %d", apiErr.StatusCode), true
	case errors.As(err, &decodeErr):
		return "DecodeError", true
	case errors.As(err, &pagingErr):
		return "PagingError", true
	case errors.As(err, &transport):
		if errors.Is(err, context.DeadlineExceeded) {
			return "TransportError (deadline)", true
		}
		return "TransportError", true
	case errors.As(err, &created):
		return "CreatedBackupError", true
	case errors.As(err, &taskFailed):
		return "TaskFailedError", true
	case errors.As(err, &revoked):
		return "TaskRevokedError", true
	case errors.As(err, &opErr):
		return "OperationError", true
	case errors.As(err, &urlErr), errors.As(err, &netErr):
		return "net error", true
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline", true
	}
	return "untyped", false
}

type opStats struct {
	n, ok int
	errs  map[string]int
}

// errorSamples keeps the text of one error of each class, for the log.
type errorSamples map[string]string

func (e errorSamples) add(class string, err error) {
	if _, ok := e[class]; !ok {
		e[class] = err.Error()
	}
}

func logStats(t *testing.T, stats map[string]*opStats) {
	t.Helper()
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		s := stats[k]
		fmt.Fprintf(&b, "%-40s %4d calls %4d ok", k, s.n, s.ok)
		classes := make([]string, 0, len(s.errs))
		for c := range s.errs {
			classes = append(classes, c)
		}
		sort.Strings(classes)
		for _, c := range classes {
			fmt.Fprintf(&b, ", %s: %d", c, s.errs[c])
		}
		b.WriteString("\n")
	}
	t.Log("\n" + b.String())
}

// safeHeaders are the only headers a request may carry to another host:
// what the core keeps on such a hop (core.redirectSafeHeaders), what
// net/http adds itself, and the soak's own tags.
var safeHeaders = []string{"User-Agent", "Accept", "Accept-Encoding", "Accept-Language", headerCall, headerKind}

// checkOtherHost fails t for every request at the redirect target that
// carried a body, a header beyond safeHeaders, or a credential anywhere.
func checkOtherHost(t *testing.T, other *otherHost, providers []*provider) {
	t.Helper()
	var secrets []string
	for _, p := range providers {
		secrets = append(secrets, p.secrets...)
		secrets = append(secrets, p.proxy.credentials()...)
	}
	got := other.requests()
	if len(got) == 0 {
		t.Error("no request reached the redirect target: the soak did not test redirects")
	}
	for _, r := range got {
		if len(r.body) > 0 {
			t.Errorf("a body reached the other host: %s %s: %q", r.method, r.url, r.body)
		}
		for k, vs := range r.header {
			// A bodiless POST or DELETE that the caller's client follows
			// says so in Content-Length: 0.
			if !slices.Contains(safeHeaders, k) && (k != "Content-Length" || strings.Join(vs, "") != "0") {
				t.Errorf("header %s reached the other host: %s %s", k, r.method, r.url)
			}
			for _, s := range secrets {
				for _, v := range vs {
					if strings.Contains(v, s) {
						t.Errorf("a credential reached the other host in %s: %s %s", k, r.method, r.url)
					}
				}
			}
		}
		for _, s := range secrets {
			if strings.Contains(r.url, s) || strings.Contains(r.url, url.QueryEscape(s)) {
				t.Errorf("a credential reached the other host in the URL: %s %s", r.method, r.url)
			}
		}
	}
}

// eventually polls cond until it holds or settle passes.
func eventually(cond func() bool) bool {
	deadline := time.Now().Add(settle)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// goroutineDump is the stacks of every goroutine, cut to a readable size.
func goroutineDump() string {
	var b strings.Builder
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	s := b.String()
	if len(s) > 64<<10 {
		s = s[:64<<10] + "\n…"
	}
	return s
}
