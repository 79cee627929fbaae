package cloudbackup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/codec"
)

// BenchmarkWalk100k walks 100 000 backups from the fake, 1000 a page.
// Besides time and allocations per walk it reports allocations and bytes
// per backup, and the peak live heap during a walk next to the live heap
// of one page held, to show that the walk holds about one page. The
// allocations include the fake's own (it runs in the process), a few per
// page.
func BenchmarkWalk100k(b *testing.B) {
	const total, limit = 100_000, 1000
	_, c := newFake(b, total)
	ctx := context.Background()

	// One page held: what a single List result costs on the heap, after a
	// first call has built the fake's caches and the connection.
	if _, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Limit: limit}); err != nil {
		b.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	page, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Limit: limit})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	pageBytes := ms.HeapAlloc - before
	runtime.KeepAlive(page)
	peak, _, _ := walkPeakHeap(b, c, total, limit, 5)

	runtime.ReadMemStats(&ms)
	mallocs, bytes := ms.Mallocs, ms.TotalAlloc
	b.ReportAllocs()
	b.ResetTimer()
	walks := 0
	for b.Loop() {
		n := 0
		for _, err := range c.Backups.All(ctx, &cloudbackup.ListBackupsOptions{Limit: limit}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != total {
			b.Fatalf("walked %d backups, want %d", n, total)
		}
		walks++
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	perBackup := float64(walks * total)
	b.ReportMetric(float64(ms.Mallocs-mallocs)/perBackup, "allocs/backup")
	b.ReportMetric(float64(ms.TotalAlloc-bytes)/perBackup, "B/backup")
	b.ReportMetric(perBackup/b.Elapsed().Seconds(), "backups/s")
	b.ReportMetric(float64(pageBytes)/1e6, "page-live-MB")
	b.ReportMetric(float64(peak)/1e6, "walk-peak-live-MB")
}

// samplePage builds a realistic 1000-backup page from the documented
// sample: its two backups repeated with distinct IDs and names.
func samplePage(tb testing.TB, n int) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "list-backups-response.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Backups []map[string]any `json:"backups"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	items := make([]map[string]any, n)
	for i := range items {
		m := map[string]any{}
		for k, v := range doc.Backups[i%2] {
			m[k] = v
		}
		m["id"] = fmt.Sprintf("b1c4afd9-e7a6-4888-9010-%012d", i)
		m["checkpoint_id"] = fmt.Sprintf("1fced58b-2a31-4851-bcbb-%012d", i)
		m["name"] = fmt.Sprintf("autobk_%04x", i)
		items[i] = m
	}
	out, err := json.MarshalIndent(map[string]any{"count": 25000, "backups": items}, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkListPage compares cloudbackup.List on a 1000-backup page over
// loopback with hand-written net/http + encoding/json decoding into the
// same struct, and with fetching the bytes alone (the floor).
func BenchmarkListPage(b *testing.B) {
	body := samplePage(b, 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	url := srv.URL + "/v3/p1/backups?limit=1000"
	ctx := context.Background()

	b.Run("sdk", func(b *testing.B) {
		c, err := cloudbackup.NewClient(srv.URL, "p1", cloudbackup.WithToken("t"), cloudbackup.WithHTTPClient(srv.Client()))
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Limit: 1000})
			if err != nil || len(p.Backups) != 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-encoding-json", func(b *testing.B) {
		hc := srv.Client()
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			req.Header.Set("X-Auth-Token", "t")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var p cloudbackup.BackupPage
			err = json.NewDecoder(resp.Body).Decode(&p)
			_ = resp.Body.Close()
			if err != nil || len(p.Backups) != 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-bytes", func(b *testing.B) {
		hc := srv.Client()
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			req.Header.Set("X-Auth-Token", "t")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, err = io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodePage measures the list decoder alone on the same page.
func BenchmarkDecodePage(b *testing.B) {
	body := samplePage(b, 1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var p cloudbackup.BackupPage
		if err := codec.UnmarshalJSON(body, &p); err != nil || len(p.Backups) != 1000 {
			b.Fatal(err)
		}
	}
}
