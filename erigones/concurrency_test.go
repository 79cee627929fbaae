package erigones_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// TestConcurrentCallsShareOneClient runs 64 goroutines through one
// logged-in client against the fake (run it with -race): backup and
// definition lists of every demo VM, names, reads by name, a missing
// backup, a node's backups, and a note each goroutine writes on a backup
// of its own. Every result is checked against the answers read alone.
// Between two rounds the server revokes every token: the 64 goroutines then
// share one re-login.
func TestConcurrentCallsShareOneClient(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	srv, err := erigonestest.NewServer(erigonestest.WithNow(func() time.Time { return now }))
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	c, err := erigones.NewClient(srv.URL(), erigones.WithPassword(srv.User(), srv.Password()),
		erigones.WithRetryPolicy(erigones.RetryPolicy{MaxRetries: 0, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	ctx := context.Background()

	vms := []string{erigonestest.FreshVM, erigonestest.StaleVM, erigonestest.FailedVM, erigonestest.UnprotectedVM}
	backups := map[string][]erigones.Backup{}
	defs := map[string][]erigones.BackupDefinition{}
	var all []erigones.Backup
	for _, vm := range vms {
		bs, err := c.Backups.List(ctx, vm, nil)
		require.NoError(t, err)
		ds, err := c.Definitions.List(ctx, vm, nil)
		require.NoError(t, err)
		backups[vm], defs[vm] = bs, ds
		all = append(all, bs...)
	}
	require.Empty(t, backups[erigonestest.UnprotectedVM])
	require.NotNil(t, backups[erigonestest.UnprotectedVM])
	require.NotEmpty(t, backups[erigonestest.FreshVM])
	nodeBackups, err := c.Nodes.ListBackups(ctx, erigonestest.DemoBackupNode, nil)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(nodeBackups), len(all), "the node holds every demo backup of the main datacenter")

	const workers = 64
	round := func(r int) {
		var wg sync.WaitGroup
		for g := range workers {
			wg.Go(func() {
				vm := vms[g%len(vms)]
				bs, err := c.Backups.List(ctx, vm, nil)
				if assert.NoError(t, err, "goroutine %d: list %s", g, vm) && vm != vms[0] {
					assert.Equal(t, backups[vm], bs, "goroutine %d: backups of %s", g, vm)
				}
				names, err := c.Backups.ListNames(ctx, vm, nil)
				if assert.NoError(t, err, "goroutine %d: names of %s", g, vm) {
					assert.Len(t, names, len(backups[vm]), "goroutine %d: names of %s", g, vm)
				}
				ds, err := c.Definitions.List(ctx, vm, nil)
				if assert.NoError(t, err, "goroutine %d: definitions of %s", g, vm) {
					assert.Equal(t, defs[vm], ds, "goroutine %d: definitions of %s", g, vm)
				}
				want := all[g%len(all)]
				one, err := c.Backups.Get(ctx, want.Hostname, want.Name, &erigones.GetBackupOptions{DiskID: int(want.DiskID.Or(0))})
				if assert.NoError(t, err, "goroutine %d: get %s", g, want.Name) {
					assert.Equal(t, want.Name, one.Name)
					assert.Equal(t, want.Status, one.Status)
					assert.Equal(t, want.Size, one.Size)
				}
				_, err = c.Backups.Get(ctx, vm, fmt.Sprintf("gone-%d", g), nil)
				assert.True(t, erigones.IsNotFound(err), "goroutine %d: missing backup: %v", g, err)
				nb, err := c.Nodes.ListBackups(ctx, erigonestest.DemoBackupNode, nil)
				if assert.NoError(t, err, "goroutine %d: node backups", g) {
					assert.Len(t, nb, len(nodeBackups), "goroutine %d: node backups", g)
				}
			})
		}
		// Notes: each goroutine of the first VM writes its own, on its
		// own backup when there are enough, and reads it back.
		var notes sync.WaitGroup
		for g, b := range backups[vms[0]] {
			notes.Go(func() {
				note := fmt.Sprintf("round %d goroutine %d", r, g)
				got, err := c.Backups.UpdateNote(ctx, b.Hostname, b.Name, note, &erigones.UpdateNoteOptions{DiskID: int(b.DiskID.Or(0))})
				if assert.NoError(t, err, "note on %s", b.Name) {
					assert.Equal(t, note, got.Note.Or(""))
				}
				again, err := c.Backups.Get(ctx, b.Hostname, b.Name, &erigones.GetBackupOptions{DiskID: int(b.DiskID.Or(0))})
				if assert.NoError(t, err, "read back %s", b.Name) {
					assert.Equal(t, note, again.Note.Or(""))
				}
			})
		}
		wg.Wait()
		notes.Wait()
	}
	round(1)
	assert.Equal(t, 1, srv.Logins(), "one login for everyone")
	srv.RevokeTokens()
	round(2)
	assert.Equal(t, 2, srv.Logins(), "one re-login for all 64 goroutines")
}

// TestConnectionReuse makes 1000 sequential calls through one client, every
// fifth of them answered 404, 403 or 412 with the server's error bodies,
// and checks that all of them went over one connection.
func TestConnectionReuse(t *testing.T) {
	t.Parallel()
	sample := golden.Read(t, "sample-vm-backup-list.json")
	start := strings.Index(string(sample), `"text": `) + len(`"text": `)
	list := sample[start : len(sample)-len(" }")]
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // api vm <vm> backup [<name>]
		if len(parts) == 4 {
			_, _ = w.Write(list)
			return
		}
		var n int
		_, _ = fmt.Sscanf(parts[4], "daily-%d", &n)
		switch n % 20 {
		case 5:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"detail":"Backup not found"}`))
		case 10:
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"detail":"You do not have permission to perform this action."}`))
		case 15:
			w.WriteHeader(http.StatusPreconditionFailed)
			_, _ = w.Write([]byte(`{"status":"FAILURE","result":{"detail":"Invalid disk_id"},"task_id":"1e1-x"}`))
		default:
			_, _ = fmt.Fprintf(w, `{"status":"SUCCESS","result":{"name":%q,"status":1,"disk_id":1,"size":41843149,"hostname":"example.cust.erigones.com"},"task_id":"0-x"}`, parts[4])
		}
	}))
	var conns atomic.Int64
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	c, err := erigones.NewClient(srv.URL, erigones.WithAPIKey("key"), erigones.WithHTTPClient(calltest.OneConnectionClient()))
	require.NoError(t, err)
	ctx := context.Background()
	statuses := map[int]int{}
	for i := 1; i <= 1000; i++ {
		if i%100 == 0 {
			bs, err := c.Backups.List(ctx, "example.cust.erigones.com", nil)
			require.NoError(t, err, "call %d", i)
			require.Len(t, bs, 1)
			require.Equal(t, "daily-20131014_133701", bs[0].Name)
			statuses[http.StatusOK]++
			continue
		}
		name := fmt.Sprintf("daily-%d", i)
		b, err := c.Backups.Get(ctx, "example.cust.erigones.com", name, nil)
		var apiErr *erigones.APIError
		if want, failing := map[int]int{5: 404, 10: 403, 15: 412}[i%20]; failing {
			require.True(t, errors.As(err, &apiErr), "call %d: %v", i, err)
			require.Equal(t, want, apiErr.StatusCode, "call %d", i)
			require.NotEmpty(t, apiErr.Message, "call %d", i)
			require.Equal(t, 1, apiErr.Attempts, "4xx answers are not retried")
			statuses[apiErr.StatusCode]++
			continue
		}
		require.NoError(t, err, "call %d", i)
		require.Equal(t, name, b.Name)
		require.Equal(t, erigones.BackupStatusOK, b.Status)
		statuses[http.StatusOK]++
	}
	require.Equal(t, map[int]int{200: 850, 404: 50, 403: 50, 412: 50}, statuses)
	// One connection carries them all; a rare second one shows up on a
	// loaded 2-core machine (cause not pinned down). Without reuse there
	// would be about one per call.
	require.LessOrEqual(t, conns.Load(), int64(3), "1000 calls, %d connections", conns.Load())
}
