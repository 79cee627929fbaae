package onapp_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

// TestConcurrentCallsShareOneClient runs 64 goroutines through one client
// of each format against the fake (run it with -race): reads of the demo
// data, unknown ids, and each goroutine's own create, read and delete.
// Every result is checked.
func TestConcurrentCallsShareOneClient(t *testing.T) {
	t.Parallel()
	for _, format := range []onapp.Format{onapp.JSON, onapp.XML} {
		t.Run(format.String(), func(t *testing.T) {
			t.Parallel()
			now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
			srv, err := onapptest.NewServer(onapptest.WithNow(func() time.Time { return now }))
			require.NoError(t, err)
			t.Cleanup(srv.Close)
			c, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.Password()), onapp.WithFormat(format),
				onapp.WithRetryPolicy(onapp.RetryPolicy{MaxRetries: 0, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
			require.NoError(t, err)
			ctx := context.Background()

			// What every goroutine must see, read once before they start.
			recent, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent})
			require.NoError(t, err)
			require.Len(t, recent, 4)
			stale, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMStale, Type: onapp.BackupTypeIncremental})
			require.NoError(t, err)
			require.Len(t, stale, 2)

			const workers = 64
			var wg sync.WaitGroup
			var created sync.Map
			for g := range workers {
				wg.Go(func() {
					list, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent})
					if assert.NoError(t, err) {
						assert.Equal(t, recent, list, "goroutine %d: web-01's backups", g)
					}
					inc, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMStale, Type: onapp.BackupTypeIncremental})
					if assert.NoError(t, err) {
						assert.Equal(t, stale, inc, "goroutine %d: db-01's incremental backups", g)
					}
					want := recent[g%len(recent)]
					one, err := c.Backups.Get(ctx, want.ID.Int64)
					if assert.NoError(t, err) {
						assert.Equal(t, want, *one, "goroutine %d: backup %d", g, want.ID.Int64)
					}
					_, err = c.Backups.Get(ctx, 900000+int64(g))
					assert.True(t, onapp.IsNotFound(err), "goroutine %d: unknown backup: %v", g, err)

					note := fmt.Sprintf("worker %d", g)
					b, err := backupOf(c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, &onapp.CreateBackupOptions{Note: note}))
					if !assert.NoError(t, err, "goroutine %d: create", g) {
						return
					}
					assert.False(t, b.IsBuilt(), "goroutine %d: a new backup is scheduled, not built", g)
					assert.Equal(t, note, b.Note.Value)
					assert.Equal(t, onapptest.DemoVMNever, b.TargetID.Int64)
					if _, dup := created.LoadOrStore(b.ID.Int64, g); dup {
						t.Errorf("goroutine %d: backup id %d handed out twice", g, b.ID.Int64)
					}
					got, err := c.Backups.Get(ctx, b.ID.Int64)
					if assert.NoError(t, err) {
						assert.Equal(t, note, got.Note.Value, "goroutine %d: read back", g)
					}
					assert.NoError(t, c.Backups.Delete(ctx, b.ID.Int64), "goroutine %d: delete", g)
					_, err = c.Backups.Get(ctx, b.ID.Int64)
					assert.True(t, onapp.IsNotFound(err), "goroutine %d: deleted backup: %v", g, err)
				})
			}
			wg.Wait()

			n := 0
			created.Range(func(_, _ any) bool { n++; return true })
			assert.Equal(t, workers, n, "every goroutine created its own backup")
			never, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMNever})
			require.NoError(t, err)
			assert.Empty(t, never, "every backup created was deleted")
			assert.NotNil(t, never)
		})
	}
}

// TestConnectionReuse makes 1000 sequential calls through one client,
// every fifth of them answered 404, 403 or 422 with an error body, and
// checks that all of them went over one connection.
func TestConnectionReuse(t *testing.T) {
	t.Parallel()
	sample := map[onapp.Format][]byte{
		onapp.JSON: golden.Read(t, "incremental-backups.wrapped.json"),
		onapp.XML:  golden.Read(t, "incremental-backups.xml"),
	}
	one := map[onapp.Format]string{
		onapp.JSON: `{"backup":{"id":%d,"backup_type":"incremental","built":true,"backup_size":"1121652"}}`,
		onapp.XML:  `<?xml version="1.0" encoding="UTF-8"?><backup><id type="integer">%d</id><backup_type>incremental</backup_type><built type="boolean">true</built><backup_size type="integer">1121652</backup_size></backup>`,
	}
	failures := map[onapp.Format][3]string{
		onapp.JSON: {`{"errors":["Backup not found"]}`, `{"error":"You do not have permissions for this action"}`, `{"errors":{"base":["Backup is locked"]}}`},
		onapp.XML:  {`<errors><error>Backup not found</error></errors>`, `<errors><error>You do not have permissions for this action</error></errors>`, `<errors><error>Backup is locked</error></errors>`},
	}
	for _, format := range []onapp.Format{onapp.JSON, onapp.XML} {
		t.Run(format.String(), func(t *testing.T) {
			t.Parallel()
			ct := "application/" + format.String() + "; charset=utf-8"
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", ct)
				path := strings.TrimSuffix(r.URL.Path, "."+format.String())
				if strings.HasSuffix(path, "/backups/files") {
					_, _ = w.Write(sample[format])
					return
				}
				id, _ := strconv.Atoi(strings.TrimPrefix(path, "/backups/"))
				switch id % 20 {
				case 5:
					w.WriteHeader(http.StatusNotFound)
					_, _ = w.Write([]byte(failures[format][0]))
				case 10:
					w.WriteHeader(http.StatusForbidden)
					_, _ = w.Write([]byte(failures[format][1]))
				case 15:
					w.WriteHeader(http.StatusUnprocessableEntity)
					_, _ = w.Write([]byte(failures[format][2]))
				default:
					_, _ = fmt.Fprintf(w, one[format], id)
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

			c, err := onapp.NewClient(srv.URL, onapp.WithPassword("admin", "changeme"), onapp.WithFormat(format), onapp.WithHTTPClient(calltest.OneConnectionClient()))
			require.NoError(t, err)
			ctx := context.Background()
			statuses := map[int]int{}
			for i := 1; i <= 1000; i++ {
				if i%100 == 0 {
					list, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeIncremental})
					require.NoError(t, err, "call %d", i)
					require.Len(t, list, 1)
					require.Equal(t, int64(698), list[0].ID.Int64)
					statuses[http.StatusOK]++
					continue
				}
				b, err := c.Backups.Get(ctx, int64(i))
				var apiErr *onapp.APIError
				switch i % 20 {
				case 5, 10, 15:
					require.True(t, errors.As(err, &apiErr), "call %d: %v", i, err)
					want := map[int]int{5: 404, 10: 403, 15: 422}[i%20]
					require.Equal(t, want, apiErr.StatusCode, "call %d", i)
					require.NotEmpty(t, apiErr.Message, "call %d", i)
					require.Equal(t, 1, apiErr.Attempts, "4xx answers are not retried")
					statuses[apiErr.StatusCode]++
				default:
					require.NoError(t, err, "call %d", i)
					require.Equal(t, int64(i), b.ID.Int64)
					require.Equal(t, int64(1121652), b.BackupSize.Int64)
					statuses[http.StatusOK]++
				}
			}
			require.Equal(t, map[int]int{200: 850, 404: 50, 403: 50, 422: 50}, statuses)
			// One connection carries them all; a rare second one shows up on a
			// loaded 2-core machine (cause not pinned down). Without reuse there
			// would be about one per call.
			require.LessOrEqual(t, conns.Load(), int64(3), "1000 calls, %d connections", conns.Load())
		})
	}
}
