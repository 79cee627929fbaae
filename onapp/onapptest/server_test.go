package onapptest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

// pinned is the clock of every test server: demo data is relative to it.
var pinned = time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)

func pinnedNow() time.Time { return pinned }

var fastRetry = onapp.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}

func newServer(t *testing.T, opts ...onapptest.Option) *onapptest.Server {
	t.Helper()
	return onapptest.NewTestServer(t, append([]onapptest.Option{onapptest.WithNow(pinnedNow)}, opts...)...)
}

func newClient(t *testing.T, srv *onapptest.Server, format onapp.Format) *onapp.Client {
	t.Helper()
	c, err := onapp.NewClient(srv.URL(),
		onapp.WithPassword(srv.User(), srv.Password()),
		onapp.WithFormat(format),
		onapp.WithRetryPolicy(fastRetry),
		onapp.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	return c
}

// raw sends one request with the server's credentials and returns the
// status, content type and body.
func raw(t *testing.T, srv *onapptest.Server, method, path, contentType, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(srv.User(), srv.Password())
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

var formats = map[string]struct {
	format onapp.Format
	opts   []onapptest.Option
}{
	"json":      {onapp.JSON, nil},
	"bare-json": {onapp.JSON, []onapptest.Option{onapptest.WithBareJSON()}},
	"xml":       {onapp.XML, nil},
}

// newest returns the newest built backup and the attempts after it.
func newest(list []onapp.Backup) (built *onapp.Backup, failedAfter int) {
	for i := range list {
		b := &list[i]
		if b.IsBuilt() && (built == nil || b.BuiltAt.Time.After(built.BuiltAt.Time)) {
			built = b
		}
	}
	for i := range list {
		b := &list[i]
		if !b.IsBuilt() && (built == nil || b.CreatedAt.Time.After(built.CreatedAt.Time)) {
			failedAfter++
		}
	}
	return built, failedAfter
}

// TestDemoDataVerdicts reads the demo data through the client in every
// format: each demo server shows one freshness verdict.
func TestDemoDataVerdicts(t *testing.T) {
	t.Parallel()
	for name, f := range formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, f.opts...)
			c := newClient(t, srv, f.format)
			ctx := context.Background()

			recent, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent})
			require.NoError(t, err)
			b, failed := newest(recent)
			require.NotNil(t, b)
			assert.Equal(t, 2*time.Hour-2*time.Minute, pinned.Sub(b.BuiltAt.Time))
			assert.Zero(t, failed)
			assert.Len(t, recent, 4)

			stale, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMStale})
			require.NoError(t, err)
			b, failed = newest(stale)
			require.NotNil(t, b)
			assert.Greater(t, pinned.Sub(b.BuiltAt.Time), 3*24*time.Hour)
			assert.Less(t, pinned.Sub(b.BuiltAt.Time), 6*24*time.Hour)
			assert.Zero(t, failed)

			failing, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMFailing})
			require.NoError(t, err)
			b, failed = newest(failing)
			require.NotNil(t, b)
			assert.Equal(t, 3, failed, "the newest attempts were never built")
			assert.Greater(t, pinned.Sub(b.BuiltAt.Time), 7*24*time.Hour)
			for _, fb := range failing {
				if !fb.IsBuilt() {
					assert.False(t, fb.BuiltAt.Valid, "a backup never built has no built_at")
					assert.True(t, fb.Built.Valid)
				}
			}

			never, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMNever})
			require.NoError(t, err)
			assert.NotNil(t, never)
			assert.Empty(t, never)

			// The per-kind lists split the same backups.
			inc, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent, Type: onapp.BackupTypeIncremental})
			require.NoError(t, err)
			norm, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent, Type: onapp.BackupTypeNormal})
			require.NoError(t, err)
			assert.Len(t, inc, 2)
			assert.Len(t, norm, 2)
			for _, x := range inc {
				assert.Equal(t, onapp.BackupTypeIncremental, x.BackupType.Value)
				assert.Equal(t, onapp.TargetVirtualMachine, x.TargetType.Value)
				assert.Equal(t, onapptest.DemoVMRecent, x.TargetID.Int64)
				assert.False(t, x.DiskID.Valid)
			}
			for _, x := range norm {
				assert.Equal(t, onapp.BackupTypeNormal, x.BackupType.Value)
				assert.Equal(t, onapp.TargetDisk, x.TargetType.Value)
				assert.Equal(t, x.TargetID, x.DiskID)
			}

			// Both formats and wrappings carry the same values.
			golden.AssertJSON(t, "demo-vm101-backups", recent)
		})
	}
}

// TestWireRendering pins what the fake sends, to be read against the API
// pages: a Rails XML list like the documented samples (typed elements,
// nil="true" nulls), a root-wrapped JSON list, and Rails' empty XML array.
func TestWireRendering(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tc := range []struct{ path, golden, contentType string }{
		{"/virtual_machines/101/backups/files.xml", "vm101-files.xml", "application/xml; charset=utf-8"},
		{"/virtual_machines/103/backups/images.json", "vm103-images.json", "application/json; charset=utf-8"},
		{"/virtual_machines/104/backups.xml", "vm104-backups.xml", "application/xml; charset=utf-8"},
		{"/virtual_machines.xml", "virtual-machines.xml", "application/xml; charset=utf-8"},
		{"/virtual_machines/104.json", "vm104.json", "application/json; charset=utf-8"},
		{"/virtual_machines/101/disks.json", "vm101-disks.json", "application/json; charset=utf-8"},
		{"/virtual_machines/103/disks.xml", "vm103-disks.xml", "application/xml; charset=utf-8"},
	} {
		status, ct, body := raw(t, srv, http.MethodGet, tc.path, "", "")
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, tc.contentType, ct)
		golden.Assert(t, tc.golden, []byte(body))
	}
	// Without a suffix the Accept header picks the format.
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/backups/1", nil)
	require.NoError(t, err)
	req.SetBasicAuth(srv.User(), srv.APIKey())
	req.Header.Set("Accept", "application/xml")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, "application/xml; charset=utf-8", resp.Header.Get("Content-Type"))
}

// TestLifecycle runs every call against the fake in every format.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	for name, f := range formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, f.opts...)
			c := newClient(t, srv, f.format)
			ctx := context.Background()

			b, err := backupOf(c.Backups.CreateNormal(ctx, onapptest.DemoDiskNever, &onapp.CreateBackupOptions{Note: "first <ever> & only"}))
			require.NoError(t, err)
			assert.False(t, b.IsBuilt())
			assert.False(t, b.BuiltAt.Valid)
			assert.Equal(t, "first <ever> & only", b.Note.Value)
			assert.Equal(t, onapp.TargetDisk, b.TargetType.Value)
			assert.Equal(t, onapptest.DemoDiskNever, b.DiskID.Int64)
			assert.Equal(t, onapp.InitiatedManual, b.Initiated.Value)
			assert.True(t, b.CreatedAt.Time.Equal(pinned))
			id := b.ID.Int64

			got, err := c.Backups.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, b, got)

			list, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{DiskID: onapptest.DemoDiskNever})
			require.NoError(t, err)
			require.Len(t, list, 1)
			list, err = c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMNever, DiskID: onapptest.DemoDiskNever})
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.Equal(t, id, list[0].ID.Int64)

			// Not built yet: restore and convert are refused.
			_, err = c.Backups.Restore(ctx, id)
			assert.True(t, onapp.IsValidation(err), "%v", err)
			_, err = c.Backups.ConvertToTemplate(ctx, id, &onapp.ConvertBackupOptions{Label: "tmpl"})
			var apiErr *onapp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 422, apiErr.StatusCode)
			assert.Equal(t, []string{"Backup is not built yet"}, apiErr.Messages)

			require.NoError(t, srv.MarkBuilt(id, 4096))
			got, err = c.Backups.Get(ctx, id)
			require.NoError(t, err)
			assert.True(t, got.IsBuilt())
			assert.Equal(t, int64(4096), got.BackupSize.Int64)

			res, err := c.Backups.Restore(ctx, id)
			require.NoError(t, err)
			assert.True(t, res.Scheduled)
			assert.Equal(t, http.StatusCreated, res.StatusCode)
			assert.Equal(t, []int64{id}, srv.Restores())

			require.NoError(t, c.Backups.UpdateNote(ctx, id, "kept"))
			got, err = c.Backups.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, onapp.String{Value: "kept", Valid: true}, got.Note)
			require.NoError(t, c.Backups.UpdateNote(ctx, id, ""))
			got, err = c.Backups.Get(ctx, id)
			require.NoError(t, err)
			assert.False(t, got.Note.Valid, "an empty note is cleared")

			conv, err := c.Backups.ConvertToTemplate(ctx, id, &onapp.ConvertBackupOptions{Label: "build-01 base", MinMemorySize: 512})
			require.NoError(t, err)
			require.NoError(t, conv.BodyErr)
			tmpl := conv.Template
			require.NotNil(t, tmpl)
			assert.Equal(t, "build-01 base", tmpl.Label.Value)
			assert.Equal(t, "active", tmpl.State.Value)
			assert.Equal(t, got.Identifier.Value+".tar.gz", tmpl.FileName.Value)
			assert.Equal(t, int64(10), tmpl.MinDiskSize.Int64, "from the disk")
			assert.Equal(t, int64(512), tmpl.MinMemorySize.Int64, "as asked")
			require.Len(t, srv.Templates(), 1)
			assert.Equal(t, id, srv.Templates()[0].BackupID)

			inc, err := backupOf(c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, &onapp.CreateBackupOptions{Note: "nightly"}))
			require.NoError(t, err)
			assert.Equal(t, onapp.BackupTypeIncremental, inc.BackupType.Value)
			assert.Equal(t, onapp.TargetVirtualMachine, inc.TargetType.Value)
			assert.Equal(t, onapptest.DemoVMNever, inc.TargetID.Int64)
			assert.False(t, inc.DiskID.Valid)
			all, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMNever})
			require.NoError(t, err)
			assert.Len(t, all, 2)
			files, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMNever, Type: onapp.BackupTypeIncremental})
			require.NoError(t, err)
			require.Len(t, files, 1)
			assert.Equal(t, "nightly", files[0].Note.Value)

			require.NoError(t, c.Backups.Delete(ctx, id))
			_, err = c.Backups.Get(ctx, id)
			assert.True(t, onapp.IsNotFound(err), "%v", err)
			err = c.Backups.Delete(ctx, id)
			assert.True(t, onapp.IsNotFound(err), "%v", err)
			_, ok := srv.Backup(id)
			assert.False(t, ok)
		})
	}
}

func TestNotFoundAndAuth(t *testing.T) {
	t.Parallel()
	for name, f := range formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, f.opts...)
			c := newClient(t, srv, f.format)
			ctx := context.Background()
			calls := map[string]func() error{
				"vm": func() error {
					_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 999, Type: onapp.BackupTypeIncremental})
					return err
				},
				"vm images": func() error {
					_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 999, Type: onapp.BackupTypeNormal})
					return err
				},
				"disk": func() error { _, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{DiskID: 999}); return err },
				"foreign disk": func() error {
					_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent, DiskID: onapptest.DemoDiskStale})
					return err
				},
				"backup":      func() error { _, err := c.Backups.Get(ctx, 999); return err },
				"create disk": func() error { _, err := c.Backups.CreateNormal(ctx, 999, nil); return err },
				"create vm":   func() error { _, err := c.Backups.CreateIncremental(ctx, 999, nil); return err },
				"restore":     func() error { _, err := c.Backups.Restore(ctx, 999); return err },
				"note":        func() error { return c.Backups.UpdateNote(ctx, 999, "x") },
				"get vm":      func() error { _, err := c.VirtualMachines.Get(ctx, 999); return err },
				"vm disks":    func() error { _, err := c.Disks.List(ctx, 999); return err },
			}
			for what, call := range calls {
				err := call()
				var apiErr *onapp.APIError
				require.ErrorAs(t, err, &apiErr, what)
				assert.Equal(t, 404, apiErr.StatusCode, what)
				assert.Len(t, apiErr.Messages, 1, what)
				assert.Contains(t, apiErr.Message, "not found", what)
			}

			for _, opt := range []onapp.Option{
				onapp.WithPassword(srv.User(), "wrong"),
				onapp.WithPassword(srv.User(), "wrong-key"),
				onapp.WithPassword("intruder", srv.Password()),
			} {
				bad, err := onapp.NewClient(srv.URL(), opt, onapp.WithFormat(f.format))
				require.NoError(t, err)
				_, err = bad.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent})
				assert.True(t, onapp.IsUnauthorized(err), "%v", err)
				_, err = bad.VirtualMachines.List(ctx)
				assert.True(t, onapp.IsUnauthorized(err), "%v", err)
				_, err = bad.Disks.List(ctx, onapptest.DemoVMRecent)
				assert.True(t, onapp.IsUnauthorized(err), "%v", err)
				var apiErr *onapp.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, []string{"You need to sign in or sign up before continuing."}, apiErr.Messages)
			}
			withKey, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), srv.APIKey()), onapp.WithFormat(f.format))
			require.NoError(t, err)
			_, err = withKey.Backups.Get(ctx, 1)
			assert.NoError(t, err)
		})
	}
	srv := newServer(t)
	resp, err := http.Get(srv.URL() + "/backups/1.json")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, `Basic realm="Application"`, resp.Header.Get("WWW-Authenticate"))
	status, _, body := raw(t, srv, http.MethodGet, "/nothing/here.json", "", "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.JSONEq(t, `{"errors":["Route not found"]}`, body)
	status, _, _ = raw(t, srv, http.MethodPatch, "/backups/1.json", "", "")
	assert.Equal(t, http.StatusNotFound, status)
}

// TestAlternateForms: the fake takes OnApp's Go SDK forms of convert (PUT,
// bare body) and edit-note (PUT …/note), besides the documented ones the
// client sends, in JSON and XML.
func TestAlternateForms(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const id = "2" // built incremental backup of DemoVMRecent

	status, _, body := raw(t, srv, http.MethodPut, "/backups/"+id+"/note.json", "application/json", `{"note":"via go sdk"}`)
	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, body)
	b, ok := srv.Backup(2)
	require.True(t, ok)
	assert.Equal(t, "via go sdk", b.Note)

	status, _, _ = raw(t, srv, http.MethodPut, "/backups/"+id+".xml", "application/xml", `<backup><note>via xml</note></backup>`)
	assert.Equal(t, http.StatusNoContent, status)
	b, _ = srv.Backup(2)
	assert.Equal(t, "via xml", b.Note)

	status, ct, body := raw(t, srv, http.MethodPut, "/backups/"+id+"/convert.json", "application/json",
		`{"label":"sdk template","min_disk_size":30,"min_memory_size":"256"}`)
	assert.Equal(t, http.StatusCreated, status)
	assert.Equal(t, "application/json; charset=utf-8", ct)
	assert.Contains(t, body, `"image_template":{`)
	assert.Contains(t, body, `"label":"sdk template"`)
	assert.Contains(t, body, `"min_disk_size":30`)
	assert.Contains(t, body, `"min_memory_size":256`)

	status, _, body = raw(t, srv, http.MethodPost, "/backups/"+id+"/convert.json", "application/json", `{"backup":{"label":"documented"}}`)
	assert.Equal(t, http.StatusCreated, status)
	assert.Contains(t, body, `"label":"documented"`)

	status, ct, body = raw(t, srv, http.MethodPost, "/backups/"+id+"/convert.xml", "application/xml", `<backup><label>in xml</label></backup>`)
	assert.Equal(t, http.StatusCreated, status)
	assert.Equal(t, "application/xml; charset=utf-8", ct)
	assert.Contains(t, body, "<label>in xml</label>")
	assert.Len(t, srv.Templates(), 3)

	status, _, body = raw(t, srv, http.MethodPost, "/backups/"+id+"/convert.json", "application/json", `{"backup":{}}`)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.JSONEq(t, `{"errors":{"label":["can't be blank"]}}`, body)
	status, _, body = raw(t, srv, http.MethodPost, "/backups/"+id+"/convert.xml", "", `<backup/>`)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "<error>Label can&#39;t be blank</error>")

	status, _, _ = raw(t, srv, http.MethodPost, "/virtual_machines/101/backups.json", "application/json", `{"backup":`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Len(t, srv.Backups(), 12, "a bad request creates nothing")
}

// TestFaults: injected faults reach the client as real servers' would,
// and creates are not sent twice.
func TestFaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv, onapp.JSON)
	ctx := context.Background()

	before, n := srv.Requests(), len(srv.Backups())
	srv.InjectFault(1, onapptest.Fault{Status: 503, Body: `{"errors":["Service Unavailable"]}`})
	_, err := c.Backups.CreateNormal(ctx, onapptest.DemoDiskRecent, nil)
	assert.True(t, onapp.HasStatus(err, 503), "%v", err)
	assert.Equal(t, before+1, srv.Requests(), "a create is not resent after a 503")
	assert.Len(t, srv.Backups(), n)

	before = srv.Requests()
	srv.InjectFault(1, onapptest.Fault{Reset: true})
	_, err = c.Backups.CreateIncremental(ctx, onapptest.DemoVMRecent, nil)
	var te *onapp.TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, before+1, srv.Requests(), "a create is not resent after a reset")
	assert.Len(t, srv.Backups(), n)

	before = srv.Requests()
	srv.InjectFault(1, onapptest.Fault{Reset: true})
	srv.InjectFault(1, onapptest.Fault{Status: 429, RetryAfter: "1", Body: `{"error":"slow down"}`})
	list, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMRecent, Type: onapp.BackupTypeIncremental})
	require.NoError(t, err)
	assert.Len(t, list, 2)
	assert.Equal(t, before+3, srv.Requests(), "reads are retried")

	before = srv.Requests()
	srv.InjectFault(1, onapptest.Fault{Status: 429, RetryAfter: "0", Body: `{"error":"slow down"}`})
	b, err := backupOf(c.Backups.CreateNormal(ctx, onapptest.DemoDiskRecent, nil))
	require.NoError(t, err, "a 429 did no work: the create is sent again")
	assert.Equal(t, before+2, srv.Requests())
	assert.Len(t, srv.Backups(), n+1)
	assert.False(t, b.IsBuilt())

	srv.InjectFault(5, onapptest.Fault{Status: 500})
	srv.ClearFaults()
	_, err = c.Backups.Get(ctx, 1)
	assert.NoError(t, err)
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newClient(t, srv, onapp.XML)
	ctx := context.Background()
	// The first calls answer slowly, so that the goroutines' calls overlap
	// at the server however the scheduler runs them.
	srv.InjectFault(16, onapptest.Fault{Delay: 20 * time.Millisecond})
	var wg sync.WaitGroup
	ids := make([]int64, 16)
	errs := make([]error, 16)
	for i := range ids {
		wg.Go(func() {
			b, err := backupOf(c.Backups.CreateIncremental(ctx, onapptest.DemoVMStale, nil))
			if err == nil {
				ids[i] = b.ID.Int64
				_, err = c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMStale})
			}
			errs[i] = err
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i := range ids {
		require.NoError(t, errs[i])
		assert.False(t, seen[ids[i]], "ids are unique")
		seen[ids[i]] = true
	}
	assert.Greater(t, srv.MaxInFlight(), int64(1), "the calls overlapped")
	list, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: onapptest.DemoVMStale, Type: onapp.BackupTypeIncremental})
	require.NoError(t, err)
	assert.Len(t, list, 2+16)
}

func TestServerOptionsAndHelpers(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]onapptest.Option{
		"empty addr":  onapptest.WithAddr(" "),
		"no user":     onapptest.WithPassword("", "p"),
		"no password": onapptest.WithPassword("u", ""),
		"no key":      onapptest.WithAPIKey(""),
		"nil clock":   onapptest.WithNow(nil),
	} {
		_, err := onapptest.NewServer(opt)
		assert.Error(t, err, name)
	}
	_, err := onapptest.NewServer(onapptest.WithAddr("256.0.0.1:0"))
	assert.Error(t, err)

	srv := newServer(t, onapptest.WithoutDemoData(), onapptest.WithTLS(), onapptest.WithAddr("127.0.0.1:0"),
		onapptest.WithPassword("ops", "pw"), onapptest.WithAPIKey("k"))
	assert.True(t, strings.HasPrefix(srv.URL(), "https://127.0.0.1:"))
	assert.Equal(t, "ops", srv.User())
	assert.Equal(t, "pw", srv.Password())
	assert.Equal(t, "k", srv.APIKey())
	assert.Equal(t, pinned, srv.Now())
	assert.Empty(t, srv.VMs())
	assert.Empty(t, srv.Backups())

	_, err = srv.AddDisk(onapptest.Disk{VMID: 1})
	assert.Error(t, err, "the VM must exist")
	vm, err := srv.AddVM(onapptest.VM{Label: "app"})
	require.NoError(t, err)
	assert.Equal(t, int64(101), vm.ID)
	assert.Len(t, vm.Identifier, 14)
	_, err = srv.AddVM(onapptest.VM{ID: vm.ID})
	assert.Error(t, err, "ids are unique")
	d, err := srv.AddDisk(onapptest.Disk{VMID: vm.ID})
	require.NoError(t, err)
	assert.Equal(t, "lvm", d.DataStoreType)
	_, err = srv.AddBackup(onapptest.Backup{Type: "full", DiskID: d.ID})
	assert.Error(t, err)
	_, err = srv.AddBackup(onapptest.Backup{Type: onapptest.TypeNormal, DiskID: 9})
	assert.Error(t, err)
	addedID, err := srv.AddBackup(onapptest.Backup{Type: onapptest.TypeNormal, DiskID: d.ID, Built: true, SizeKB: 7, Note: "seeded"})
	require.NoError(t, err)
	added, ok := srv.Backup(addedID)
	require.True(t, ok, "AddBackup returns the new backup's id")
	assert.Equal(t, vm.ID, added.VMID)
	assert.Equal(t, pinned, added.BuiltAt)
	assert.Error(t, srv.MarkBuilt(999, 1))

	c, err := onapp.NewClient(srv.URL(), onapp.WithPassword("ops", "pw"), onapp.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	list, err := c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: vm.ID, Type: onapp.BackupTypeNormal})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "seeded", list[0].Note.Value)
	assert.Equal(t, int64(7), list[0].BackupSize.Int64)
	assert.Equal(t, d.ID, list[0].DiskID.Int64)

	lockedID, err := srv.AddBackup(onapptest.Backup{Type: onapptest.TypeIncremental, VMID: vm.ID, Built: true, Locked: true})
	require.NoError(t, err)
	err = c.Backups.Delete(context.Background(), lockedID)
	assert.True(t, onapp.IsValidation(err), "%v", err)
	var apiErr *onapp.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, []string{"Backup is locked"}, apiErr.Messages, "Rails base errors keep their plain message")
	assert.Equal(t, map[string][]string{"base": {"Backup is locked"}}, apiErr.Fields)
	_, ok = srv.Backup(lockedID)
	assert.True(t, ok)
}

// backupOf returns the backup a create answered with; a scheduled backup
// without one (an empty 201) is an error here, for tests that expect one.
func backupOf(res *onapp.CreateResult, err error) (*onapp.Backup, error) {
	if err != nil {
		return nil, err
	}
	if !res.Scheduled || res.Backup == nil {
		return nil, fmt.Errorf("create answered %d without a backup", res.StatusCode)
	}
	return res.Backup, nil
}

// A create answered 201 without a body still schedules one backup: the
// client says so, with the id unknown, and the backup is found as
// CreateResult describes (the newest unbuilt backup of the target).
func TestEmptyCreateAnswers(t *testing.T) {
	t.Parallel()
	for _, format := range []onapp.Format{onapp.JSON, onapp.XML} {
		srv := newServer(t, onapptest.WithEmptyCreateAnswers())
		c := newClient(t, srv, format)
		ctx := context.Background()
		n, before := len(srv.Backups()), srv.Requests()

		res, err := c.Backups.CreateNormal(ctx, onapptest.DemoDiskNever, &onapp.CreateBackupOptions{Note: "tagged"})
		require.NoError(t, err, format)
		assert.True(t, res.Scheduled)
		assert.Equal(t, http.StatusCreated, res.StatusCode)
		assert.Nil(t, res.Backup)
		_, known := res.ID()
		assert.False(t, known)
		assert.Equal(t, before+1, srv.Requests(), "sent once")
		require.Len(t, srv.Backups(), n+1, "exactly one backup scheduled")

		list, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{DiskID: onapptest.DemoDiskNever})
		require.NoError(t, err)
		require.NotEmpty(t, list)
		newest := slices.MaxFunc(list, func(a, b onapp.Backup) int { return a.CreatedAt.Time.Compare(b.CreatedAt.Time) })
		assert.False(t, newest.IsBuilt())
		assert.Equal(t, "tagged", newest.Note.Value)

		res, err = c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, nil)
		require.NoError(t, err, format)
		assert.True(t, res.Scheduled)
		assert.Nil(t, res.Backup)
		require.Len(t, srv.Backups(), n+2)
	}
}

// The surface every fake shares (issue 17): Calls records what arrived,
// Logins counts accepted credentials, answers carry a request id, and
// NewTestServer closes itself when the test ends.
func TestSharedSurface(t *testing.T) {
	t.Parallel()
	var srv *onapptest.Server
	t.Run("inner", func(t *testing.T) {
		srv = onapptest.NewTestServer(t, onapptest.WithNow(pinnedNow))
		c := newClient(t, srv, onapp.JSON)
		require.NoError(t, c.Backups.UpdateNote(context.Background(), 1, "checked"))

		bad, err := onapp.NewClient(srv.URL(), onapp.WithPassword(srv.User(), "wrong"), onapp.WithHTTPClient(srv.HTTPClient()))
		require.NoError(t, err)
		_, err = bad.VirtualMachines.List(context.Background())
		require.True(t, onapp.IsUnauthorized(err), "%v", err)

		calls := srv.Calls()
		require.Len(t, calls, 2)
		assert.Equal(t, http.MethodPut, calls[0].Method)
		assert.Equal(t, "/backups/1.json", calls[0].Path)
		assert.JSONEq(t, `{"backup":{"note":"checked"}}`, calls[0].Body)
		assert.Equal(t, http.StatusNoContent, calls[0].Status)
		assert.Equal(t, http.StatusUnauthorized, calls[1].Status)
		assert.Equal(t, 1, srv.Logins(), "the refused request is no login")

		var info onapp.ResponseInfo
		_, err = c.Backups.Get(onapp.WithResponseInfo(context.Background(), &info), 1)
		require.NoError(t, err)
		assert.Equal(t, "req-000003", info.RequestID)
		assert.Equal(t, http.StatusOK, info.StatusCode)
	})
	_, err := http.Get(srv.URL())
	assert.Error(t, err, "closed when the test ended")
}

func TestAddBackupReturnsID(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	id, err := srv.AddBackup(onapptest.Backup{Type: onapptest.TypeIncremental, VMID: onapptest.DemoVMNever, Note: "mine"})
	require.NoError(t, err)
	b, ok := srv.Backup(id)
	require.True(t, ok)
	assert.Equal(t, "mine", b.Note)
	id2, err := srv.AddBackup(onapptest.Backup{Type: onapptest.TypeIncremental, VMID: onapptest.DemoVMNever})
	require.NoError(t, err)
	assert.Equal(t, id+1, id2)
	_, err = srv.AddBackup(onapptest.Backup{Type: onapptest.TypeIncremental, VMID: 9999})
	assert.Error(t, err)
}

// WithBuildAfterReads builds a created backup on its n-th read, so that
// CreateResult.Wait can be shown without MarkBuilt.
func TestBuildAfterReads(t *testing.T) {
	t.Parallel()
	srv := newServer(t, onapptest.WithBuildAfterReads(2))
	c := newClient(t, srv, onapp.XML)
	ctx := context.Background()
	res, err := c.Backups.CreateIncremental(ctx, onapptest.DemoVMNever, nil)
	require.NoError(t, err)
	id, ok := res.ID()
	require.True(t, ok)
	first, err := c.Backups.Get(ctx, id)
	require.NoError(t, err)
	assert.False(t, first.IsBuilt(), "first read: still scheduled")
	second, err := c.Backups.Get(ctx, id)
	require.NoError(t, err)
	assert.True(t, second.IsBuilt(), "second read: built")
	assert.Equal(t, int64(2048), second.BackupSize.Int64)
	assert.True(t, second.BuiltAt.Valid)
	b, err := res.Wait(ctx, onapp.WaitBackoff(onapp.ScheduleBackoff()))
	require.NoError(t, err)
	assert.True(t, b.IsBuilt())

	seeded, err := c.Backups.Get(ctx, 10) // a demo backup, not created through the API
	require.NoError(t, err)
	assert.False(t, seeded.IsBuilt(), "only created backups are built")

	_, err = onapptest.NewServer(onapptest.WithBuildAfterReads(0))
	assert.Error(t, err)
}
