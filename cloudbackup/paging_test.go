package cloudbackup_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// newFake starts a fake without demo data holding n generated backups and
// a client for it with the static token.
func newFake(t testing.TB, n int, opts ...cloudbackuptest.Option) (*cloudbackuptest.Server, *cloudbackup.Client) {
	t.Helper()
	srv, err := cloudbackuptest.NewServer(append([]cloudbackuptest.Option{cloudbackuptest.WithoutDemoData()}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	if n > 0 {
		srv.GenerateBackups(n)
	}
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()),
		cloudbackup.WithHTTPClient(srv.HTTPClient()), fastRetry(2))
	require.NoError(t, err)
	return srv, c
}

func TestAllWalks2500BackupsInThreeRequests(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{1000, 0} {
		srv, c := newFake(t, 2500)
		before := srv.Requests()
		seen := map[string]bool{}
		var last time.Time
		for b, err := range c.Backups.All(context.Background(), &cloudbackup.ListBackupsOptions{Limit: limit}) {
			require.NoError(t, err)
			require.False(t, seen[b.ID], "backup %s yielded twice", b.ID)
			seen[b.ID] = true
			if !last.IsZero() {
				require.False(t, b.CreatedAt.Time.After(last), "newest first")
			}
			last = b.CreatedAt.Time
		}
		assert.Len(t, seen, 2500)
		assert.Equal(t, int64(3), srv.Requests()-before, "limit %d", limit)
	}
}

func TestAllEndsOnTotalWithoutEmptyPage(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, 2000)
	before := srv.Requests()
	n := 0
	for _, err := range c.Backups.All(context.Background(), &cloudbackup.ListBackupsOptions{Limit: 1000}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2000, n)
	assert.Equal(t, int64(2), srv.Requests()-before, "count tells the walk it is done")
}

func TestAllStopsOnBreak(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, 2500)
	before := srv.Requests()
	n := 0
	for _, err := range c.Backups.All(context.Background(), &cloudbackup.ListBackupsOptions{Limit: 1000}) {
		require.NoError(t, err)
		n++
		if n == 10 {
			break
		}
	}
	assert.Equal(t, 10, n)
	assert.Equal(t, int64(1), srv.Requests()-before)
}

// TestAllErrorOnSecondPage: page 1's items come first, then the error of
// page 2, once, and the walk ends.
func TestAllErrorOnSecondPage(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, 2500)
	items, errs := 0, 0
	var gotErr error
	for _, err := range c.Backups.All(context.Background(), &cloudbackup.ListBackupsOptions{Limit: 1000}) {
		if err != nil {
			errs++
			gotErr = err
			continue
		}
		if items == 0 {
			// Page 1 has been fetched: make the next request fail.
			srv.InjectFault(1, cloudbackuptest.Fault{Status: http.StatusBadRequest,
				Body: `{"error_code":"BackupService.0001","error_msg":"Invalid parameter","request_id":"r-page2"}`})
		}
		require.Zero(t, errs, "no item after the error")
		items++
	}
	assert.Equal(t, 1000, items)
	assert.Equal(t, 1, errs)
	var apiErr *cloudbackup.APIError
	require.ErrorAs(t, gotErr, &apiErr)
	assert.Equal(t, "BackupService.0001", apiErr.Code)
	assert.Equal(t, "r-page2", apiErr.RequestID)
}

func TestAllByOffset(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, 2500)
	all := srv.Backups()
	before := srv.Requests()
	opts := &cloudbackup.ListBackupsOptions{Offset: 100, Limit: 1000}
	var ids []string
	for b, err := range c.Backups.All(context.Background(), opts) {
		require.NoError(t, err)
		ids = append(ids, b.ID)
	}
	require.Len(t, ids, 2400)
	assert.Equal(t, all[100].ID, ids[0])
	assert.Equal(t, all[2499].ID, ids[2399])
	assert.Equal(t, int64(3), srv.Requests()-before)
	assert.Equal(t, 100, opts.Offset, "options are not changed")
}

// TestAllFromMarker starts after a given backup and pages by marker.
func TestAllFromMarker(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, 250)
	all := srv.Backups()
	var ids []string
	for b, err := range c.Backups.All(context.Background(), &cloudbackup.ListBackupsOptions{Marker: all[9].ID, Limit: 100}) {
		require.NoError(t, err)
		ids = append(ids, b.ID)
	}
	require.Len(t, ids, 240)
	assert.Equal(t, all[10].ID, ids[0])
	assert.Equal(t, all[249].ID, ids[239])

	// With an offset too, the offset counts from the marker.
	before := srv.Requests()
	ids = nil
	for b, err := range c.Backups.All(context.Background(), &cloudbackup.ListBackupsOptions{Marker: all[9].ID, Offset: 5, Limit: 100}) {
		require.NoError(t, err)
		ids = append(ids, b.ID)
	}
	require.Len(t, ids, 235)
	assert.Equal(t, all[15].ID, ids[0])
	assert.Equal(t, all[249].ID, ids[234])
	assert.Equal(t, int64(3), srv.Requests()-before)
}

// TestAllFallsBackToOffset: a server that ignores marker (answering page
// 1 again) is walked by offset instead, without duplicates.
func TestAllFallsBackToOffset(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var mu sync.Mutex
	var queries []string
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups", func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		mu.Lock()
		queries = append(queries, req.URL.RawQuery)
		mu.Unlock()
		off, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		var page []cloudbackup.Backup
		for i := off; i < min(off+limit, 25); i++ {
			page = append(page, cloudbackup.Backup{ID: fmt.Sprintf("b%02d", i)})
		}
		body, err := codec.MarshalJSON(map[string]any{"backups": page, "count": 25})
		require.NoError(t, err)
		return httpmock.NewBytesResponse(200, body), nil
	})
	var ids []string
	for b, err := range c.Backups.All(context.Background(), &cloudbackup.ListBackupsOptions{Limit: 10}) {
		require.NoError(t, err)
		ids = append(ids, b.ID)
	}
	require.Len(t, ids, 25)
	for i, id := range ids {
		assert.Equal(t, fmt.Sprintf("b%02d", i), id)
	}
	assert.Equal(t, []string{"limit=10", "limit=10&marker=b09", "limit=10&offset=10", "limit=10&offset=20"}, queries)
}

func TestAllWithFilters(t *testing.T) {
	t.Parallel()
	srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithNow(func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }))
	require.NoError(t, err)
	defer srv.Close()
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()))
	require.NoError(t, err)
	d := srv.Demo()
	status := []cloudbackup.BackupStatus{cloudbackup.BackupStatusError, cloudbackup.BackupStatusProtecting}
	opts := &cloudbackup.ListBackupsOptions{Status: status, Limit: 1, Sort: cloudbackup.Sort(cloudbackup.Asc(cloudbackup.SortByCreatedAt))}
	var got []string
	for b, err := range c.Backups.All(context.Background(), opts) {
		require.NoError(t, err)
		got = append(got, fmt.Sprintf("%s %s %s", b.ResourceName, b.Status, b.CreatedAt.Time.Format(time.RFC3339)))
	}
	golden.AssertJSON(t, "all-failed-or-running", got)
	assert.Len(t, got, 3)
	assert.Equal(t, d.FailingServer.Name, got[0][:len(d.FailingServer.Name)])
	status[0] = "changed"
	assert.Equal(t, cloudbackup.BackupStatus("changed"), opts.Status[0], "the caller's slice is the caller's")
}

// TestAllHoldsOnePage: walking 20 000 backups keeps the live heap near one
// page, however far the walk goes.
func TestAllHoldsOnePage(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	srv, c := newFake(t, 20000)
	defer srv.Close()
	peak, base, pages := walkPeakHeap(t, c, 20000, 1000, 2)
	assert.Equal(t, 20, pages)
	t.Logf("live heap: base %.1f MB, peak %.1f MB above it", float64(base)/1e6, float64(peak)/1e6)
	assert.Less(t, peak, uint64(8<<20), "the walk holds about one page, not the whole list")
}

// walkPeakHeap walks every backup (limit per page) and samples the live
// heap every sampleEvery pages; it returns the peak above the heap before
// the walk, that base, and the pages walked.
func walkPeakHeap(t testing.TB, c *cloudbackup.Client, want, limit, sampleEvery int) (peak, base uint64, pages int) {
	var ms runtime.MemStats
	live := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base = live()
	n := 0
	for _, err := range c.Backups.All(context.Background(), &cloudbackup.ListBackupsOptions{Limit: limit}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n%limit == limit-1 {
			pages++
			if pages%sampleEvery == 0 {
				if h := live(); h > base && h-base > peak {
					peak = h - base
				}
			}
		}
	}
	if n != want {
		t.Fatalf("walked %d backups, want %d", n, want)
	}
	return peak, base, pages
}
