package unitrends_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/calltest"
	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
	"github.com/backupsdk/backupsdk/unitrends/unitrendstest"
)

// TestConcurrentCallsShareOneClient runs 64 goroutines through one client
// against the fake (run it with -race), in each dialect whose list answer
// takes a different decoding path: every query, filtered query, read by
// id, unknown id, status view and systems list is checked against the
// answer read alone. Between two rounds every session expires: the 64
// goroutines then share one re-login.
func TestConcurrentCallsShareOneClient(t *testing.T) {
	t.Parallel()
	dialects := map[string]unitrendstest.Dialect{
		"documented": {},
		"data":       {List: unitrendstest.ListData, IntDurations: true},
		"bare":       {List: unitrendstest.ListBare, AltSpellings: true, SecondsInTimes: true, EpochTimes: true, GroupStatusBySystem: true},
	}
	for name, dialect := range dialects {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, srv := fakeClient(t, []unitrendstest.Option{unitrendstest.WithNow(pinnedNow), unitrendstest.WithDialect(dialect)})
			all, err := c.Backups.List(ctx(t), nil)
			require.NoError(t, err)
			require.Len(t, all, 11, "ten backups and legacy01's row without one")
			status, err := c.Backups.ListStatus(ctx(t), nil)
			require.NoError(t, err)
			systems, err := c.Systems.List(ctx(t))
			require.NoError(t, err)
			require.Len(t, systems, 2)
			var withID []unitrends.Backup
			for _, b := range all {
				if b.ID.Valid {
					withID = append(withID, b)
				}
			}
			require.Len(t, withID, 10)

			const workers = 64
			round := func() {
				var wg sync.WaitGroup
				for g := range workers {
					wg.Go(func() {
						got, err := c.Backups.List(ctx(t), nil)
						if assert.NoError(t, err, "goroutine %d: query", g) {
							assert.Equal(t, all, got, "goroutine %d: query", g)
						}
						client := int64(g%5 + 1)
						mine, err := c.Backups.List(ctx(t), &unitrends.ListBackupsOptions{ClientID: client})
						if assert.NoError(t, err, "goroutine %d: query of client %d", g, client) {
							var want []unitrends.Backup
							for _, b := range all {
								if b.ClientID.Int64 == client && b.ID.Valid {
									want = append(want, b)
								}
							}
							var gotIDs []unitrends.Backup
							for _, b := range mine {
								if b.ID.Valid {
									gotIDs = append(gotIDs, b)
								}
							}
							assert.Equal(t, want, gotIDs, "goroutine %d: client %d", g, client)
						}
						want := withID[g%len(withID)]
						one, err := c.Backups.Get(ctx(t), want.ID.Int64, nil)
						if assert.NoError(t, err, "goroutine %d: get %d", g, want.ID.Int64) {
							assert.Equal(t, want.ID, one.ID)
							assert.Equal(t, want.Status, one.Status)
							assert.Equal(t, want.ClientName, one.ClientName)
							assert.True(t, want.StartDateTime.Time.Equal(one.StartDateTime.Time), "goroutine %d: start", g)
						}
						_, err = c.Backups.Get(ctx(t), 90000+int64(g), nil)
						assert.True(t, unitrends.IsNotFound(err), "goroutine %d: unknown backup: %v", g, err)
						rows, err := c.Backups.ListStatus(ctx(t), nil)
						if assert.NoError(t, err, "goroutine %d: status", g) {
							assert.Equal(t, status, rows, "goroutine %d: status", g)
						}
						sys, err := c.Systems.List(ctx(t))
						if assert.NoError(t, err, "goroutine %d: systems", g) {
							assert.Equal(t, systems, sys, "goroutine %d: systems", g)
						}
					})
				}
				wg.Wait()
			}
			round()
			assert.Equal(t, 1, srv.Logins(), "one login for everyone")
			srv.ExpireSessions()
			round()
			assert.Equal(t, 2, srv.Logins(), "one re-login for all 64 goroutines")
			assert.Equal(t, 1, srv.Sessions())
		})
	}
}

// TestConnectionReuse makes 1000 sequential calls through one client — a
// login, queries, reads by id of which every fifth is answered 404, 403 or
// 400 with an appliance error body, and one expired session answered 401
// that makes the client log in again — and checks that all of them went
// over one connection.
func TestConnectionReuse(t *testing.T) {
	t.Parallel()
	sample := golden.Read(t, "post-backups-sample-fixed.json")
	var (
		mu     sync.Mutex
		token  string
		logins int
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/api/login" {
			logins++
			token = fmt.Sprintf("token-%d", logins)
			w.WriteHeader(http.StatusCreated)
			_, _ = fmt.Fprintf(w, `{"auth_token":%q,"timeout":3600}`, token)
			return
		}
		if r.Header.Get("AuthToken") != token {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"status":401,"message":"Your session has expired or is invalid. Please log in again."}`))
			return
		}
		if r.URL.Path == "/api/backups" {
			_, _ = w.Write(sample)
			return
		}
		id, _ := strconv.Atoi(strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/backups/"), "/"))
		switch {
		case id == 501 && logins == 1:
			token = "" // the session expires on the appliance
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"status":401,"message":"Your session has expired or is invalid. Please log in again."}`))
		case id%20 == 5:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"result":[{"message":"Backup not found.","code":404}]}`))
		case id%20 == 10:
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"status":403,"message":"Permission denied."}`))
		case id%20 == 15:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":400,"message":"Invalid system id."}`))
		default:
			_, _ = fmt.Fprintf(w, `{"backups":[{"id":%d,"client_name":"win32","status":"Success","duration":"00:00:28","start_date_time":"10/14/2014 09:32 am"}]}`, id)
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

	c, err := unitrends.NewClient(srv.URL, unitrends.WithPassword("root", "unitrends1"), unitrends.WithRetryPolicy(fastRetry()),
		unitrends.WithHTTPClient(calltest.OneConnectionClient()))
	require.NoError(t, err)
	ctx := context.Background()
	statuses := map[int]int{}
	for i := 1; i <= 1000; i++ {
		if i%100 == 0 {
			bs, err := c.Backups.List(ctx, nil)
			require.NoError(t, err, "call %d", i)
			require.Len(t, bs, 1)
			require.Equal(t, int64(220), bs[0].ID.Int64)
			statuses[http.StatusOK]++
			continue
		}
		b, err := c.Backups.Get(ctx, int64(i), nil)
		var apiErr *unitrends.APIError
		if want, failing := map[int]int{5: 404, 10: 403, 15: 400}[i%20]; failing {
			require.True(t, errors.As(err, &apiErr), "call %d: %v", i, err)
			require.Equal(t, want, apiErr.StatusCode, "call %d", i)
			require.NotEmpty(t, apiErr.Message, "call %d", i)
			require.Equal(t, 1, apiErr.Attempts, "4xx answers are not retried")
			statuses[apiErr.StatusCode]++
			continue
		}
		require.NoError(t, err, "call %d", i)
		require.Equal(t, int64(i), b.ID.Int64)
		require.Equal(t, unitrends.BackupStatusSuccess, b.Status)
		statuses[http.StatusOK]++
	}
	require.Equal(t, map[int]int{200: 850, 404: 50, 403: 50, 400: 50}, statuses)
	mu.Lock()
	require.Equal(t, 2, logins, "a login at first, one more after the session expired at call 501")
	mu.Unlock()
	// One connection carries them all; a rare second one shows up on a
	// loaded 2-core machine (cause not pinned down). Without reuse there
	// would be about one per call.
	require.LessOrEqual(t, conns.Load(), int64(3), "1000 calls and two logins, %d connections", conns.Load())
}
