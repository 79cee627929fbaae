package erigonestest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// raw sends one request the way the es client does (API key header, JSON
// body, ES-STREAM header) and returns the status, headers and decoded body.
func raw(t *testing.T, srv *erigonestest.Server, method, path, body string, header ...string) (int, http.Header, map[string]any, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL()+path, rd)
	require.NoError(t, err)
	req.Header.Set("ES-STREAM", "es")
	req.Header.Set("Accept", "application/json; indent=4")
	req.Header.Set("Content-Type", "application/json; indent=4")
	if len(header) == 0 {
		req.Header.Set("ES-API-KEY", srv.APIKey())
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	hc := srv.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, resp.Header, m, b
}

// TestLikeTheEsClient drives the fake as the official es client does.
func TestLikeTheEsClient(t *testing.T) {
	t.Parallel()
	srv, _, _ := start(t)

	// es get /vm/web01.example.com/backup -full  → ?full=True
	code, hdr, body, _ := raw(t, srv, http.MethodGet, "/api/vm/web01.example.com/backup/?full=True", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "SUCCESS", body["status"])
	assert.NotEmpty(t, body["task_id"])
	assert.Equal(t, body["task_id"], hdr.Get("es_task_id"))
	list := body["result"].([]any)
	require.Len(t, list, 4)
	assert.Equal(t, "hourly-20240301_110000", list[0].(map[string]any)["name"])
	_, hasDC := list[0].(map[string]any)["dc"]
	assert.False(t, hasDC, "dc only in node views")

	// Any non-empty flag is true on the server; the SDK therefore never sends full=false.
	_, _, body, _ = raw(t, srv, http.MethodGet, "/api/vm/web01.example.com/backup/?full=false", "")
	assert.IsType(t, map[string]any{}, body["result"].([]any)[0])
	_, _, body, _ = raw(t, srv, http.MethodGet, "/api/vm/web01.example.com/backup/", "")
	assert.Equal(t, "hourly-20240301_110000", body["result"].([]any)[0])

	// es create /vm/…/define/backup/daily -disk_id 1 -schedule "0 4 * * *" -retention 30 -node …: strings in JSON.
	code, _, body, _ = raw(t, srv, http.MethodPost, "/api/vm/mail01.example.com/define/backup/daily/",
		`{"disk_id": "1", "schedule": "0 4 * * *", "retention": "30", "node": "node99.example.com", "active": "true"}`)
	require.Equal(t, http.StatusCreated, code, "%v", body)
	assert.Equal(t, "SUCCESS", body["status"])
	res := body["result"].(map[string]any)
	assert.Equal(t, float64(30), res["retention"])
	assert.Nil(t, res["bwlimit"])

	// es create /vm/…/backup/daily -disk 1 → 201 PENDING (the fake never streams).
	code, hdr, body, _ = raw(t, srv, http.MethodPost, "/api/vm/mail01.example.com/backup/daily/", `{"disk": "1"}`)
	require.Equal(t, http.StatusCreated, code, "%v", body)
	assert.Equal(t, "PENDING", body["status"])
	assert.Nil(t, body["result"])
	id := body["task_id"].(string)
	assert.Equal(t, id, hdr.Get("es_task_id"))
	assert.Regexp(t, `^1e1d1-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}$`, id)

	code, _, body, _ = raw(t, srv, http.MethodGet, "/api/task/"+id+"/done/", "")
	assert.Equal(t, http.StatusCreated, code)
	assert.Equal(t, false, body["done"])
	code, _, body, _ = raw(t, srv, http.MethodGet, "/api/task/"+id+"/status/", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "SUCCESS", body["status"])
	// api/vm/backup/tasks.py: detail holds only esbackup's BACKUP_LOG_DETAIL keys.
	assert.Regexp(t, `^rc=0, time_elapsed=\d+, backup_snapshot_size=\d+$`, body["result"].(map[string]any)["detail"])

	// DELETE carries its parameters in a JSON body.
	code, _, body, _ = raw(t, srv, http.MethodDelete, "/api/vm/mail01.example.com/backup/", `{"bkpnames": ["daily-20240301_120000"], "disk_id": 1}`)
	assert.Equal(t, http.StatusCreated, code, "%v", body)
	code, _, body, _ = raw(t, srv, http.MethodDelete, "/api/vm/mail01.example.com/backup/", `{}`)
	assert.Equal(t, http.StatusPreconditionFailed, code)
	assert.Equal(t, "Invalid bkpnames", body["detail"])

	// es help → OPTIONS.
	code, _, body, _ = raw(t, srv, http.MethodOptions, "/api/vm/web01.example.com/backup/", "")
	assert.Equal(t, http.StatusOK, code)
	assert.NotEmpty(t, body["description"])

	// es login / logout.
	code, _, body, _ = raw(t, srv, http.MethodPost, "/api/accounts/login/", `{"username": "`+srv.User()+`", "password": "`+srv.Password()+`"}`, "X", "y")
	require.Equal(t, http.StatusOK, code)
	tok := body["token"].(string)
	assert.Len(t, tok, 40)
	assert.Equal(t, "2024-03-01T13:00:00.000000+00:00", body["expires"])
	assert.Equal(t, "Welcome to Danube Cloud API.", body["detail"])
	code, _, _, _ = raw(t, srv, http.MethodGet, "/api/vm/define/backup/", "", "Authorization", "Token "+tok)
	assert.Equal(t, http.StatusOK, code)
	code, _, body, _ = raw(t, srv, http.MethodGet, "/api/accounts/logout/", "", "Authorization", "Token "+tok)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "Bye.", body["detail"])
	code, _, body, _ = raw(t, srv, http.MethodGet, "/api/vm/define/backup/", "", "Authorization", "Token "+tok)
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Equal(t, "Invalid token.", body["detail"])
}

func TestHTTPDetails(t *testing.T) {
	t.Parallel()
	srv, _, _ := start(t)
	cases := []struct {
		name, method, path, body string
		header                   []string
		code                     int
		detail                   string
	}{
		{"no trailing slash on GET redirects", http.MethodGet, "/api/vm/web01.example.com/backup?full=1", "", nil, http.StatusMovedPermanently, ""},
		{"no trailing slash on POST", http.MethodPost, "/api/vm/web01.example.com/backup/daily", "{}", nil, http.StatusNotFound, "Not found"},
		{"outside /api/", http.MethodGet, "/vm/web01.example.com/backup/", "", nil, http.StatusNotFound, "Not found"},
		{"unknown route", http.MethodGet, "/api/vm/web01.example.com/snapshots/x/y/z/", "", nil, http.StatusNotFound, "Not found"},
		{"method not allowed", http.MethodPatch, "/api/vm/web01.example.com/backup/", "{}", nil, http.StatusMethodNotAllowed, `Method "PATCH" not allowed.`},
		{"no credentials", http.MethodGet, "/api/vm/define/backup/", "", []string{"X", "y"}, http.StatusForbidden, "Authentication credentials were not provided."},
		{"bad API key", http.MethodGet, "/api/vm/define/backup/", "", []string{"ES-API-KEY", "nope"}, http.StatusUnauthorized, "Invalid API key"},
		{"unknown token", http.MethodGet, "/api/vm/define/backup/", "", []string{"Authorization", "Token nope"}, http.StatusUnauthorized, "Invalid token."},
		{"bad login", http.MethodPost, "/api/accounts/login/", `{"username": "admin", "password": "x"}`, []string{"X", "y"}, http.StatusBadRequest, "Unable to log in with provided credentials."},
		{"unknown dc", http.MethodGet, "/api/vm/define/backup/?dc=nowhere", "", nil, http.StatusNotFound, "Datacenter not found"},
		{"malformed JSON", http.MethodPost, "/api/vm/web01.example.com/backup/daily/", `{"disk_id": `, nil, http.StatusBadRequest, ""},
		{"not an object", http.MethodPost, "/api/vm/web01.example.com/backup/daily/", `[1]`, nil, http.StatusBadRequest, "Malformed request"},
		{"invalid disk_id", http.MethodGet, "/api/vm/web01.example.com/define/backup/?disk_id=3", "", nil, http.StatusPreconditionFailed, "Invalid disk_id"},
		{"disk_id not a number", http.MethodGet, "/api/vm/web01.example.com/backup/daily-1/?disk_id=x", "", nil, http.StatusPreconditionFailed, "Invalid disk_id"},
		{"invalid order_by", http.MethodGet, "/api/vm/web01.example.com/backup/?order_by=nope", "", nil, http.StatusPreconditionFailed, "Invalid order_by; Possible sort fields are: name, disk_id, size, time, created, hostname"},
		{"unknown VM", http.MethodGet, "/api/vm/nope.example.com/define/backup/", "", nil, http.StatusNotFound, "VM not found"},
		{"unknown backup", http.MethodGet, "/api/vm/web01.example.com/backup/daily-1/", "", nil, http.StatusNotFound, "Backup not found"},
		{"unknown definition", http.MethodPost, "/api/vm/web01.example.com/backup/weekly/", "{}", nil, http.StatusNotFound, "Backup definition not found"},
		{"unknown node", http.MethodGet, "/api/node/nope/backup/", "", nil, http.StatusNotFound, "Node not found"},
		{"dummy task id", http.MethodGet, "/api/task/1d1d1-6f75849b-11b8-4bf1-8f66/status/", "", nil, http.StatusNotFound, "Task does not exist (anymore)"},
		{"cancel unknown task", http.MethodPut, "/api/task/1e1d1-6f75849b-11b8-4bf1-8f66/cancel/", "{}", nil, http.StatusNotAcceptable, "Task cannot be canceled"},
		{"lost backup cannot be restored", http.MethodPut, "/api/vm/app01.example.com/backup/daily-20240301_090000/", `{"target_hostname_or_uuid": "app01.example.com", "target_disk_id": 1}`, nil, http.StatusExpectationFailed, "VM backup status is not OK"},
	}
	for _, tc := range cases {
		code, hdr, body, _ := raw(t, srv, tc.method, tc.path, tc.body, tc.header...)
		assert.Equal(t, tc.code, code, tc.name)
		if tc.detail != "" {
			assert.Equal(t, tc.detail, body["detail"], tc.name)
		}
		if tc.code == http.StatusMovedPermanently {
			assert.Equal(t, "/api/vm/web01.example.com/backup/?full=1", hdr.Get("Location"), tc.name)
		}
	}

	// An unknown task id reads as pending for ever.
	code, _, body, _ := raw(t, srv, http.MethodGet, "/api/task/1e1d1-00000000-0000-4000-0000/status/", "")
	assert.Equal(t, http.StatusCreated, code)
	assert.Equal(t, "PENDING", body["status"])
	code, _, body, _ = raw(t, srv, http.MethodGet, "/api/task/1e1d1-00000000-0000-4000-0000/done/", "")
	assert.Equal(t, http.StatusCreated, code)
	assert.Equal(t, false, body["done"])

	// A login without fields names them.
	code, _, body, _ = raw(t, srv, http.MethodPost, "/api/accounts/login/", `{}`, "X", "y")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, map[string]any{"username": []any{"This field is required."}, "password": []any{"This field is required."}}, body["detail"])
}

// TestSDKRequests checks, on the fake's log, that the SDK sends flags only
// when true, GET parameters in the query and others in a JSON body.
func TestSDKRequests(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t)
	_, err := c.Backups.ListNames(ctx, erigonestest.FreshVM, &erigones.ListBackupsOptions{DiskID: 1})
	require.NoError(t, err)
	_, err = c.Backups.List(ctx, erigonestest.FreshVM, nil)
	require.NoError(t, err)
	require.NoError(t, c.Definitions.Delete(ctx, erigonestest.FreshVM, "hourly", &erigones.DeleteDefinitionOptions{DiskID: 2}))
	calls := srv.Calls()
	require.Len(t, calls, 3)
	assert.Equal(t, "disk_id=1", calls[0].RawQuery)
	assert.Empty(t, calls[0].Body)
	assert.Equal(t, "full=true", calls[1].RawQuery)
	assert.Equal(t, http.MethodDelete, calls[2].Method)
	assert.Equal(t, "/api/vm/web01.example.com/define/backup/hourly/", calls[2].Path)
	assert.Empty(t, calls[2].RawQuery)
	assert.JSONEq(t, `{"disk_id": 2}`, calls[2].Body)
	for _, call := range calls {
		assert.Equal(t, srv.APIKey(), call.Header.Get("ES-API-KEY"))
		assert.Empty(t, call.Header.Get("ES-STREAM"))
	}
}

func TestAuthAgainstFake(t *testing.T) {
	t.Parallel()
	srv, _, clk := start(t, erigonestest.WithTokenTTL(time.Hour))
	c := client(t, srv, erigones.WithPassword(srv.User(), srv.Password()))
	_, err := c.Definitions.ListNamesForAllVMs(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Logins())

	srv.RevokeTokens() // 401 Invalid token. → one new login
	_, err = c.Definitions.ListNamesForAllVMs(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins())

	clk.add(2 * time.Hour) // past the server's expiry: 403 "credentials were not provided" → one new login
	_, err = c.Definitions.ListNamesForAllVMs(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Logins())

	require.NoError(t, c.Logout(ctx))
	_, err = c.Definitions.ListNamesForAllVMs(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, srv.Logins())

	bad := client(t, srv, erigones.WithPassword(srv.User(), "wrong"))
	err = bad.Login(ctx)
	assert.True(t, erigones.IsBadRequest(err))

	key := client(t, srv, erigones.WithAPIKey("wrong"))
	_, err = key.Definitions.ListNamesForAllVMs(ctx, nil)
	assert.True(t, erigones.IsUnauthorized(err))
}

func TestTokenExpiresOnServerOnly(t *testing.T) {
	t.Parallel()
	// The client learns nothing about the expiry from a token given to it:
	// the server's 403 makes it log in.
	srv, _, clk := start(t, erigonestest.WithTokenTTL(time.Minute))
	login := client(t, srv, erigones.WithPassword(srv.User(), srv.Password()))
	require.NoError(t, login.Login(ctx))
	code, _, body, _ := raw(t, srv, http.MethodPost, "/api/accounts/login/", `{"username": "`+srv.User()+`", "password": "`+srv.Password()+`"}`, "X", "y")
	require.Equal(t, http.StatusOK, code)
	tok := body["token"].(string)
	c := client(t, srv, erigones.WithPassword(srv.User(), srv.Password()), erigones.WithToken(tok))
	clk.add(2 * time.Minute)
	_, err := c.Definitions.ListNamesForAllVMs(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Logins())
	code, _, body, _ = raw(t, srv, http.MethodGet, "/api/vm/define/backup/", "", "Authorization", "Token "+tok)
	assert.Equal(t, http.StatusUnauthorized, code, "a new login replaced the token")
	assert.Equal(t, "Invalid token.", body["detail"])
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t)
	srv.InjectFault(1, erigonestest.Fault{Status: http.StatusServiceUnavailable, Body: `{"detail": "Service Unavailable"}`})
	names, err := c.Backups.ListNames(ctx, erigonestest.FreshVM, nil)
	require.NoError(t, err, "a read is retried")
	assert.Len(t, names, 4)
	assert.Equal(t, int64(2), srv.Requests())

	srv.InjectFault(1, erigonestest.Fault{Status: http.StatusServiceUnavailable})
	_, err = c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	assert.True(t, erigones.HasStatus(err, http.StatusServiceUnavailable), "a task start is not retried: %v", err)
	assert.Empty(t, srv.PendingTasks())

	// The transport may resend a GET on a reset connection by itself: inject plenty.
	srv.InjectFault(50, erigonestest.Fault{Reset: true})
	_, err = c.Backups.ListNames(ctx, erigonestest.FreshVM, nil)
	var te *erigones.TransportError
	assert.ErrorAs(t, err, &te)

	srv.InjectFault(5, erigonestest.Fault{Status: http.StatusBadGateway})
	srv.ClearFaults()
	_, err = c.Backups.ListNames(ctx, erigonestest.FreshVM, nil)
	require.NoError(t, err)

	// Calls holds every request as it arrived, the faulted ones marked.
	calls := srv.Calls()
	require.Len(t, calls, int(srv.Requests()))
	assert.True(t, calls[0].Fault)
	assert.Equal(t, http.StatusServiceUnavailable, calls[0].Status)
	assert.False(t, calls[1].Fault)
	assert.Equal(t, http.StatusOK, calls[1].Status)
	assert.Equal(t, "/api/vm/web01.example.com/backup/", calls[1].Path)
	last := calls[len(calls)-1]
	assert.False(t, last.Fault)
	assert.Equal(t, http.StatusOK, last.Status)
}

// NewTestServer closes the fake when the test ends, and a bad option ends
// the test.
func TestNewTestServer(t *testing.T) {
	t.Parallel()
	var url string
	t.Run("closes", func(t *testing.T) {
		srv := erigonestest.NewTestServer(t, erigonestest.WithPassword("u", "p"))
		url = srv.URL()
		c := client(t, srv, erigones.WithPassword("u", "p"))
		_, err := c.Backups.ListNames(ctx, erigonestest.FreshVM, nil)
		require.NoError(t, err)
		assert.Equal(t, 1, srv.Logins())
	})
	_, err := http.Get(url + "/api/task/")
	assert.Error(t, err, "closed after its test")

	ft := &fatalT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		erigonestest.NewTestServer(ft, erigonestest.WithTaskPolls(0))
	}()
	<-done
	assert.True(t, ft.failed)
}

// fatalT records a Fatal (and ends its goroutine, as testing.T does).
type fatalT struct {
	testing.TB
	failed bool
}

func (f *fatalT) Helper() {}

func (f *fatalT) Fatal(...any) {
	f.failed = true
	runtime.Goexit()
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t)
	// The first calls answer slowly, so that the goroutines' calls overlap
	// at the server however the scheduler runs them.
	srv.InjectFault(30, erigonestest.Fault{Delay: 20 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				_, err := c.Backups.List(ctx, erigonestest.FreshVM, nil)
				errs <- err
			case 1:
				_, err := c.Definitions.ListForAllVMs(ctx, nil)
				errs <- err
			case 2:
				_, err := c.Nodes.ListBackups(ctx, erigonestest.DemoBackupNode, nil)
				errs <- err
			default:
				errs <- nil
				_ = srv.Calls()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Greater(t, srv.MaxInFlight(), int64(1), "the calls overlapped")
}

func TestTLS(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, erigonestest.WithTLS(), erigonestest.WithAddr("127.0.0.1:0"))
	assert.True(t, strings.HasPrefix(srv.URL(), "https://127.0.0.1:"))
	names, err := c.Backups.ListNames(ctx, erigonestest.FreshVM, nil)
	require.NoError(t, err)
	assert.Len(t, names, 4)
}

func TestOptionsAndSeeding(t *testing.T) {
	t.Parallel()
	for _, opt := range []erigonestest.Option{
		erigonestest.WithAddr("10.0.0.1:0"),
		erigonestest.WithTaskPolls(0),
		erigonestest.WithTokenTTL(0),
		erigonestest.WithNow(nil),
		erigonestest.WithAPIKey(""),
		erigonestest.WithPassword("", "x"),
	} {
		_, err := erigonestest.NewServer(opt)
		assert.Error(t, err)
	}

	srv, c, _ := start(t, erigonestest.WithoutDemoData(), erigonestest.WithAPIKey("k2"), erigonestest.WithPassword("bob", "pw"))
	assert.Equal(t, "k2", srv.APIKey())
	assert.Equal(t, "bob", srv.User())
	assert.Equal(t, "pw", srv.Password())
	all, err := c.Definitions.ListForAllVMs(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, all)

	require.NoError(t, srv.AddDC("dr"))
	assert.Error(t, srv.AddDC("dr"))
	require.NoError(t, srv.AddNode(erigonestest.Node{Hostname: "bk2.example.com", Backup: true, Zpools: []string{"tank"}}))
	assert.Error(t, srv.AddNode(erigonestest.Node{Hostname: "bk2.example.com"}))
	require.NoError(t, srv.AddVM(erigonestest.VM{Hostname: "v1.example.com", DC: "dr", Brand: "bhyve", Disks: []int{1024, 2048}}))
	assert.Error(t, srv.AddVM(erigonestest.VM{Hostname: "v1.example.com"}))
	assert.Error(t, srv.AddVM(erigonestest.VM{Hostname: "v2.example.com", DC: "none"}))
	require.NoError(t, srv.AddDefinition(erigonestest.Definition{VM: "v1.example.com", Name: "nightly", DiskID: 2, Node: "bk2.example.com", Zpool: "tank", Active: true}))
	assert.Error(t, srv.AddDefinition(erigonestest.Definition{VM: "v1.example.com", Name: "toolongname"}))
	assert.Error(t, srv.AddDefinition(erigonestest.Definition{VM: "v1.example.com", Name: "x", DiskID: 3}))
	name, err := srv.AddBackup(erigonestest.Backup{VM: "v1.example.com", DiskID: 2, Define: "nightly", Created: t0.Add(-time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, "nightly-20240301_110000", name)
	_, err = srv.AddBackup(erigonestest.Backup{VM: "v1.example.com", DiskID: 2, Define: "nightly", Created: t0.Add(-time.Hour)})
	assert.Error(t, err, "duplicate")
	_, err = srv.AddBackup(erigonestest.Backup{VM: "v1.example.com"})
	assert.Error(t, err, "no name")
	require.NoError(t, srv.SetNodeStatus("bk2.example.com", erigonestest.NodeMaintenance))
	assert.Error(t, srv.SetNodeStatus("nope", "x"))
	assert.Error(t, srv.SetVMStatus("nope", "x"))
	assert.Error(t, srv.DeleteVM("nope"))

	dr := client(t, srv, erigones.WithAPIKey("k2"), erigones.WithDC("dr"))
	b, err := dr.Backups.List(ctx, "v1.example.com", &erigones.ListBackupsOptions{DiskID: 2})
	require.NoError(t, err)
	require.Len(t, b, 1)
	assert.Equal(t, "tank", b[0].Zpool.Or(""))
	_, err = dr.Backups.Create(ctx, "v1.example.com", "nightly", &erigones.CreateBackupOptions{DiskID: 2})
	assert.True(t, erigones.IsLocked(err), "the backup node is in maintenance: %v", err)
	assert.Contains(t, err.Error(), "Node is not operational")
	golden.AssertJSON(t, "seeded-backup", b[0])
}
