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
	"sync"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

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

// BenchmarkWalk100kClientHeap is BenchmarkWalk100k against a handler that
// renders each page into one buffer allocated before the walk (the fake
// keeps its 100 000 backups, a sort index and its response buffers live,
// which the heap figures above include). Here the live heap above the
// start is the client's alone: walk-peak-live-MB next to page-live-MB, the
// heap one List result holds.
func BenchmarkWalk100kClientHeap(b *testing.B) {
	const total, limit = 100_000, 1000
	var mu sync.Mutex
	buf := make([]byte, 0, 2<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		start := 0
		if m := q.Get("marker"); len(m) > 12 {
			n, _ := strconv.Atoi(m[len(m)-12:])
			start = n + 1
		}
		if o := q.Get("offset"); o != "" {
			start, _ = strconv.Atoi(o)
		}
		mu.Lock()
		defer mu.Unlock()
		buf = appendWalkPage(buf[:0], start, min(start+limit, total), total)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
		_, _ = w.Write(buf)
	}))
	defer srv.Close()
	c, err := cloudbackup.NewClient(srv.URL, "p1", cloudbackup.WithToken("t"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opts := &cloudbackup.ListBackupsOptions{Limit: limit}
	var ms runtime.MemStats
	live := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	if _, err := c.Backups.List(ctx, opts); err != nil { // the connection, the server's buffer
		b.Fatal(err)
	}
	base := live()
	page, err := c.Backups.List(ctx, opts)
	if err != nil || len(page.Backups) != limit {
		b.Fatal(err)
	}
	pageBytes := live() - base
	runtime.KeepAlive(page)
	page = nil
	base = live()
	var peak uint64
	n := 0
	for _, err := range c.Backups.All(ctx, opts) {
		if err != nil {
			b.Fatal(err)
		}
		if n%limit == limit/2 && (n/limit)%5 == 0 {
			if h := live(); h > base && h-base > peak {
				peak = h - base
			}
		}
		n++
	}
	if n != total {
		b.Fatalf("walked %d backups, want %d", n, total)
	}

	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range c.Backups.All(ctx, opts) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != total {
			b.Fatalf("walked %d backups, want %d", n, total)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(pageBytes)/1e6, "page-live-MB")
	b.ReportMetric(float64(peak)/1e6, "walk-peak-live-MB")
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "backups/s")
}

// appendWalkPage appends the list answer holding backups [from, to) of a
// list of total, each in the documented sample's shape with its own id.
func appendWalkPage(buf []byte, from, to, total int) []byte {
	buf = fmt.Appendf(buf, `{"count":%d,"backups":[`, total)
	for i := from; i < to; i++ {
		if i > from {
			buf = append(buf, ',')
		}
		buf = fmt.Appendf(buf, `{"provider_id":"0daac4c5-6707-4851-97ba-169e36266b66","checkpoint_id":"1fced58b-2a31-4851-bcbb-%012d",`+
			`"updated_at":"2020-02-21T07:07:25.113761","vault_id":"cca85ea5-00a4-418d-9222-bd83985bc515","id":"b1c4afd9-e7a6-4888-9010-%012d",`+
			`"resource_az":"br-iaas-odin1a","image_type":"backup","resource_id":"1a503932-ee8f-4dd5-8248-%012d","resource_size":%d,`+
			`"children":[],"extend_info":{"auto_trigger":true,"supported_restore_mode":"backup","contain_system_disk":true,"support_lld":true,`+
			`"architecture":"x86_64","system_disk":false},"project_id":"0605767b5780d5762fc5c0118072a564","status":"available",`+
			`"resource_name":"server-%05d","description":"","expired_at":"2020-05-21T07:00:54.060493","replication_records":[],`+
			`"name":"autobk_%05d","created_at":"2020-02-21T07:00:54.065135","resource_type":"OS::Nova::Server"}`, i, i, i, 40+i%100, i%500, i)
	}
	return append(buf, "]}"...)
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
	b.Run("raw-encoding-json-plain", func(b *testing.B) {
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
			var p plainPage
			err = json.NewDecoder(resp.Body).Decode(&p)
			_ = resp.Body.Close()
			if err != nil || len(p.Backups) != 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-json-v2-plain", func(b *testing.B) {
		// The JSON engine's own cost: json/v2 (default options) into the
		// plain struct.
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
			var p plainPage
			err = jsonv2.UnmarshalRead(resp.Body, &p)
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

// plainPage is what a hand-written client would declare for the sample:
// plain Go types only (times as the text CBR sends: without a zone they
// are not RFC 3339). It reads the sample, though not the numbers-as-strings
// and nulls other regions send.
type plainPage struct {
	Count   int           `json:"count"`
	Backups []plainBackup `json:"backups"`
}

type plainBackup struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	CheckpointID string        `json:"checkpoint_id"`
	ProviderID   string        `json:"provider_id"`
	VaultID      string        `json:"vault_id"`
	ProjectID    string        `json:"project_id"`
	ResourceID   string        `json:"resource_id"`
	ResourceName string        `json:"resource_name"`
	ResourceType string        `json:"resource_type"`
	ResourceAZ   string        `json:"resource_az"`
	ResourceSize int64         `json:"resource_size"`
	ImageType    string        `json:"image_type"`
	Status       string        `json:"status"`
	Description  string        `json:"description"`
	CreatedAt    string        `json:"created_at"`
	UpdatedAt    string        `json:"updated_at"`
	ExpiredAt    string        `json:"expired_at"`
	Children     []plainBackup `json:"children"`
	ExtendInfo   struct {
		AutoTrigger          bool   `json:"auto_trigger"`
		Bootable             bool   `json:"bootable"`
		SnapshotID           string `json:"snapshot_id"`
		SupportLLD           bool   `json:"support_lld"`
		SupportedRestoreMode string `json:"supported_restore_mode"`
		SystemDisk           bool   `json:"system_disk"`
		ContainSystemDisk    bool   `json:"contain_system_disk"`
		Architecture         string `json:"architecture"`
		Encrypted            bool   `json:"encrypted"`
		Progress             int    `json:"progress"`
		AppConsistency       struct {
			AppConsistency          string `json:"app_consistency"`
			AppConsistencyStatus    string `json:"app_consistency_status"`
			AppConsistencyErrorCode string `json:"app_consistency_error_code"`
			AppConsistencyErrorMsg  string `json:"app_consistency_error_message"`
		} `json:"app_consistency"`
	} `json:"extend_info"`
	ReplicationRecords []json.RawMessage `json:"replication_records"`
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
