package onapp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp"
)

// The API is mounted under a non-empty base path so that a request built
// with an absolute path misses it.
const (
	base     = "https://cp.example.test/onapp-api"
	basePath = "/onapp-api"
	user     = "admin"
	password = "s3cret-pass"
)

var fastRetry = onapp.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}

// seen is one request as the server got it.
type seen struct {
	Method string
	Path   string
	Header http.Header
	Body   string
}

// recorder answers requests and remembers them.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) record(req *http.Request) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, seen{Method: req.Method, Path: req.URL.EscapedPath(), Header: req.Header.Clone(), Body: string(body)})
	r.mu.Unlock()
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

// answer returns a responder that records the request and answers status
// with body.
func (r *recorder) answer(status int, body, contentType string, header ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		r.record(req)
		resp := httpmock.NewStringResponse(status, body)
		if contentType != "" {
			resp.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	}
}

// fail returns a responder that records the request and fails as a broken
// connection does.
func (r *recorder) fail() httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		r.record(req)
		return nil, errors.New("read: connection reset by peer")
	}
}

func newMockClient(t *testing.T, format onapp.Format, opts ...onapp.Option) (*onapp.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	all := append([]onapp.Option{
		onapp.WithPassword(user, password),
		onapp.WithHTTPClient(&http.Client{Transport: mt}),
		onapp.WithFormat(format),
		onapp.WithRetryPolicy(fastRetry),
		onapp.WithUserAgent("onapp-test/1.0"),
	}, opts...)
	c, err := onapp.NewClient(base+"/", all...)
	require.NoError(t, err)
	return c, mt
}

func ext(f onapp.Format) string {
	if f == onapp.XML {
		return ".xml"
	}
	return ".json"
}

func mediaType(f onapp.Format) string {
	if f == onapp.XML {
		return "application/xml"
	}
	return "application/json"
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

const templateJSON = `{"image_template":{"id":5001,"label":"golden","file_name":"y5cc19dv7bsdrk.tar.gz","state":"active",
	"min_disk_size":20,"min_memory_size":128,"checksum":null,"created_at":"2024-01-15T12:00:00+00:00"}}`

const templateXML = xmlHeader + `<image_template><id type="integer">5001</id><label>golden</label>
<file_name>y5cc19dv7bsdrk.tar.gz</file_name><state>active</state><min_disk_size type="integer">20</min_disk_size>
<min_memory_size type="integer">128</min_memory_size><checksum nil="true"/>
<created_at type="datetime">2024-01-15T12:00:00+00:00</created_at></image_template>`

// callCase is one call of the API with what must go over the wire.
type callCase struct {
	name   string
	method string
	path   string            // after the base path, without the format suffix
	body   map[string]string // expected request body per format ("" = none)
	status int
	resp   map[string]string // answer body per format
	call   func(ctx context.Context, c *onapp.Client) (any, error)
	check  func(t *testing.T, v any)
}

func formatKey(f onapp.Format) string { return f.String() }

func callCases(t *testing.T) []callCase {
	incXML := string(golden.Read(t, "incremental-backups.xml"))
	incJSON := string(golden.Read(t, "incremental-backups.wrapped.json"))
	normXML := string(golden.Read(t, "normal-backups.xml"))
	normJSON := string(golden.Read(t, "normal-backups.wrapped.json"))
	schedXML := string(golden.Read(t, "scheduled-backup.xml"))
	schedJSON := string(golden.Read(t, "scheduled-backup.empty-times.json"))
	lists := map[string]string{"json": incJSON, "xml": incXML}
	normal := map[string]string{"json": normJSON, "xml": normXML}
	scheduled := map[string]string{"json": schedJSON, "xml": schedXML}
	empty := map[string]string{"json": "", "xml": ""}
	// The virtual server and disk fixtures follow OnApp's public API
	// reference (see testdata/README.md).
	vms := map[string]string{"json": string(golden.Read(t, "virtual-machines.wrapped.json")), "xml": string(golden.Read(t, "virtual-machines.xml"))}
	vm := map[string]string{"json": string(golden.Read(t, "virtual-machine.wrapped.json")), "xml": string(golden.Read(t, "virtual-machine.xml"))}
	disks := map[string]string{"json": string(golden.Read(t, "disks.wrapped.json")), "xml": string(golden.Read(t, "disks.xml"))}

	checkInc := func(t *testing.T, v any) {
		list := v.([]onapp.Backup)
		require.Len(t, list, 1)
		assert.Equal(t, int64(698), list[0].ID.Int64)
		assert.Equal(t, onapp.BackupTypeIncremental, list[0].BackupType.Value)
	}
	checkNormal := func(t *testing.T, v any) {
		list := v.([]onapp.Backup)
		require.Len(t, list, 1)
		assert.Equal(t, int64(1951), list[0].ID.Int64)
		assert.Equal(t, onapp.BackupTypeNormal, list[0].BackupType.Value)
	}
	checkScheduled := func(t *testing.T, v any) {
		b := v.(*onapp.Backup)
		assert.Equal(t, int64(2001), b.ID.Int64)
		assert.False(t, b.IsBuilt(), "a new backup is scheduled, not built")
		assert.False(t, b.BuiltAt.Valid)
	}
	noteBody := func(note string) map[string]string {
		return map[string]string{
			"json": `{"backup":{"note":"` + note + `"}}`,
			"xml":  xmlHeader + `<backup><note>` + note + `</note></backup>`,
		}
	}

	return []callCase{
		{
			name: "VirtualMachines.List", method: http.MethodGet, path: "/virtual_machines", status: 200, resp: vms,
			call: func(ctx context.Context, c *onapp.Client) (any, error) { return c.VirtualMachines.List(ctx) },
			check: func(t *testing.T, v any) {
				list := v.([]onapp.VirtualMachine)
				require.Len(t, list, 2)
				assert.Equal(t, int64(74), list[0].ID.Int64)
				assert.Equal(t, "Stuarts VS", list[0].Label.Value)
				assert.Equal(t, "stuart", list[0].Hostname.Value)
				assert.Equal(t, int64(1187), list[1].ID.Int64)
				assert.False(t, list[1].Booted.Bool)
			},
		},
		{
			name: "VirtualMachines.Get", method: http.MethodGet, path: "/virtual_machines/74", status: 200, resp: vm,
			call: func(ctx context.Context, c *onapp.Client) (any, error) { return c.VirtualMachines.Get(ctx, 74) },
			check: func(t *testing.T, v any) {
				got := v.(*onapp.VirtualMachine)
				assert.Equal(t, int64(74), got.ID.Int64)
				assert.Equal(t, "hp3w06ai2h3k6d", got.Identifier.Value)
				assert.Equal(t, int64(6), got.TotalDiskSize.Int64)
			},
		},
		{
			name: "Disks.List", method: http.MethodGet, path: "/virtual_machines/1187/disks", status: 200, resp: disks,
			call: func(ctx context.Context, c *onapp.Client) (any, error) { return c.Disks.List(ctx, 1187) },
			check: func(t *testing.T, v any) {
				list := v.([]onapp.Disk)
				require.Len(t, list, 3)
				assert.Equal(t, int64(11860), list[0].ID.Int64)
				assert.True(t, list[0].Primary.Bool)
				assert.Equal(t, int64(1187), list[0].VirtualMachineID.Int64)
				assert.True(t, list[1].IsSwap.Bool)
				assert.Equal(t, "/data", list[2].MountPoint.Value)
			},
		},
		{
			name: "List incremental", method: http.MethodGet, path: "/virtual_machines/74/backups/files", status: 200, resp: lists,
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeIncremental})
			},
			check: checkInc,
		},
		{
			name: "List normal", method: http.MethodGet, path: "/virtual_machines/74/backups/images", status: 200, resp: normal,
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeNormal})
			},
			check: checkNormal,
		},
		{
			name: "List VM", method: http.MethodGet, path: "/virtual_machines/74/backups", status: 200, resp: lists,
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74})
			},
			check: checkInc,
		},
		{
			name: "List VM disk", method: http.MethodGet, path: "/virtual_machines/74/disks/11860/backups", status: 200, resp: normal,
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, DiskID: 11860})
			},
			check: checkNormal,
		},
		{
			name: "List disk", method: http.MethodGet, path: "/settings/disks/11860/backups", status: 200, resp: normal,
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return c.Backups.List(ctx, &onapp.ListBackupsOptions{DiskID: 11860})
			},
			check: checkNormal,
		},
		{
			name: "Get", method: http.MethodGet, path: "/backups/2001", status: 200, resp: scheduled,
			call:  func(ctx context.Context, c *onapp.Client) (any, error) { return c.Backups.Get(ctx, 2001) },
			check: checkScheduled,
		},
		{
			name: "CreateNormal", method: http.MethodPost, path: "/settings/disks/11860/backups", status: 201, resp: scheduled,
			body: noteBody("before upgrade"),
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return backupOf(c.Backups.CreateNormal(ctx, 11860, &onapp.CreateBackupOptions{Note: "before upgrade"}))
			},
			check: checkScheduled,
		},
		{
			name: "CreateNormal without note", method: http.MethodPost, path: "/settings/disks/11860/backups", status: 201, resp: scheduled,
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return backupOf(c.Backups.CreateNormal(ctx, 11860, nil))
			},
			check: checkScheduled,
		},
		{
			name: "CreateIncremental", method: http.MethodPost, path: "/virtual_machines/74/backups", status: 201, resp: scheduled,
			body: map[string]string{
				"json": `{"backup":{"note":"nightly & <safe>"}}`,
				"xml":  xmlHeader + `<backup><note>nightly &amp; &lt;safe&gt;</note></backup>`,
			},
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return backupOf(c.Backups.CreateIncremental(ctx, 74, &onapp.CreateBackupOptions{Note: "nightly & <safe>"}))
			},
			check: checkScheduled,
		},
		{
			name: "Restore", method: http.MethodPost, path: "/backups/698/restore", status: 201, resp: empty,
			call: func(ctx context.Context, c *onapp.Client) (any, error) { return c.Backups.Restore(ctx, 698) },
			check: func(t *testing.T, v any) {
				res := v.(*onapp.RestoreResult)
				assert.True(t, res.Scheduled)
				assert.Equal(t, 201, res.StatusCode)
				assert.Nil(t, res.Backup)
			},
		},
		{
			name: "Delete", method: http.MethodDelete, path: "/backups/698", status: 204, resp: empty,
			call: func(ctx context.Context, c *onapp.Client) (any, error) { return nil, c.Backups.Delete(ctx, 698) },
		},
		{
			name: "UpdateNote", method: http.MethodPut, path: "/backups/698", status: 204, resp: empty,
			body: noteBody("keep forever"),
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return nil, c.Backups.UpdateNote(ctx, 698, "keep forever")
			},
		},
		{
			name: "UpdateNote clearing", method: http.MethodPut, path: "/backups/698", status: 204, resp: empty,
			body: map[string]string{"json": `{"backup":{"note":""}}`, "xml": xmlHeader + `<backup><note></note></backup>`},
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return nil, c.Backups.UpdateNote(ctx, 698, "")
			},
		},
		{
			name: "ConvertToTemplate", method: http.MethodPost, path: "/backups/698/convert", status: 201,
			resp: map[string]string{"json": templateJSON, "xml": templateXML},
			body: map[string]string{
				"json": `{"backup":{"label":"golden","min_disk_size":20}}`,
				"xml":  xmlHeader + `<backup><label>golden</label><min_disk_size>20</min_disk_size></backup>`,
			},
			call: func(ctx context.Context, c *onapp.Client) (any, error) {
				return c.Backups.ConvertToTemplate(ctx, 698, &onapp.ConvertBackupOptions{Label: "golden", MinDiskSize: 20})
			},
			check: func(t *testing.T, v any) {
				res := v.(*onapp.ConvertResult)
				require.NoError(t, res.BodyErr)
				assert.Equal(t, 201, res.StatusCode)
				tmpl := res.Template
				assert.Equal(t, int64(5001), tmpl.ID.Int64)
				assert.Equal(t, "golden", tmpl.Label.Value)
				assert.Equal(t, "y5cc19dv7bsdrk.tar.gz", tmpl.FileName.Value)
				assert.Equal(t, "active", tmpl.State.Value)
				assert.Equal(t, int64(20), tmpl.MinDiskSize.Int64)
				assert.False(t, tmpl.Checksum.Valid)
				assert.True(t, tmpl.CreatedAt.Time.Equal(time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)))
			},
		},
	}
}

// TestEveryCallOnTheWire checks, for every call in both formats, the
// method, the path under the base path with its format suffix, the Accept,
// Content-Type, Authorization and User-Agent headers, and the body.
func TestEveryCallOnTheWire(t *testing.T) {
	t.Parallel()
	for _, format := range []onapp.Format{onapp.JSON, onapp.XML} {
		for _, tc := range callCases(t) {
			t.Run(format.String()+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t, format)
				rec := &recorder{}
				url := base + tc.path + ext(format)
				mt.RegisterResponder(tc.method, url, rec.answer(tc.status, tc.resp[formatKey(format)], mediaType(format)+"; charset=utf-8"))

				v, err := tc.call(context.Background(), c)
				require.NoError(t, err)
				if tc.check != nil {
					tc.check(t, v)
				}

				reqs := rec.all()
				require.Len(t, reqs, 1, "sent exactly once")
				r := reqs[0]
				assert.Equal(t, tc.method, r.Method)
				assert.Equal(t, basePath+tc.path+ext(format), r.Path)
				assert.Equal(t, mediaType(format), r.Header.Get("Accept"))
				ua := r.Header.Get("User-Agent")
				assert.True(t, strings.HasPrefix(ua, "backupsdk/"), ua)
				assert.Contains(t, ua, " onapp ")
				assert.True(t, strings.HasSuffix(ua, " onapp-test/1.0"), ua)
				assert.Equal(t, "Basic YWRtaW46czNjcmV0LXBhc3M=", r.Header.Get("Authorization"))

				want := tc.body[formatKey(format)]
				if want == "" {
					assert.Empty(t, r.Body)
					assert.Empty(t, r.Header.Get("Content-Type"))
					return
				}
				assert.Equal(t, mediaType(format)+"; charset=utf-8", r.Header.Get("Content-Type"))
				if format == onapp.JSON {
					assert.JSONEq(t, want, r.Body)
				} else {
					assert.Equal(t, want, r.Body)
				}
			})
		}
	}
}

// TestNeverResent: creates, restores, conversions and deletes are not sent
// again after a 5xx answer or a broken connection; reads and note edits
// are.
func TestNeverResent(t *testing.T) {
	t.Parallel()
	for _, tc := range callCases(t) {
		switch tc.method {
		case http.MethodPost, http.MethodDelete, http.MethodPut: // every write: creates, restores, conversions, deletes, note edits
			t.Run(tc.name+"/503", func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t, onapp.JSON)
				rec := &recorder{}
				mt.RegisterResponder(tc.method, base+tc.path+".json", rec.answer(503, `{"errors":["Service Unavailable"]}`, "application/json"))
				_, err := tc.call(context.Background(), c)
				require.Error(t, err)
				assert.True(t, onapp.HasStatus(err, 503), "%v", err)
				assert.Len(t, rec.all(), 1, "a call that may have reached the server is not resent")
			})
			t.Run(tc.name+"/reset", func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t, onapp.XML)
				rec := &recorder{}
				mt.RegisterResponder(tc.method, base+tc.path+".xml", rec.fail())
				_, err := tc.call(context.Background(), c)
				var te *onapp.TransportError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, 1, te.Attempts)
				assert.Len(t, rec.all(), 1)
			})
			t.Run(tc.name+"/429", func(t *testing.T) {
				t.Parallel()
				// A 429 means the server did no work: the core resends it.
				c, mt := newMockClient(t, onapp.JSON)
				rec := &recorder{}
				mt.RegisterResponder(tc.method, base+tc.path+".json",
					rec.answer(429, `{"error":"Too many requests"}`, "application/json", "Retry-After", "0").
						Then(rec.answer(tc.status, tc.resp["json"], "application/json")))
				_, err := tc.call(context.Background(), c)
				require.NoError(t, err)
				assert.Len(t, rec.all(), 2)
			})
		default:
			t.Run(tc.name+"/retried", func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t, onapp.JSON)
				rec := &recorder{}
				mt.RegisterResponder(tc.method, base+tc.path+".json",
					rec.answer(503, "", "").
						Then(rec.fail()).
						Then(rec.answer(tc.status, tc.resp["json"], "application/json")))
				v, err := tc.call(context.Background(), c)
				require.NoError(t, err)
				if tc.check != nil {
					tc.check(t, v)
				}
				assert.Len(t, rec.all(), 3)
			})
		}
	}
}

// TestErrorShapes: every error body in the notes becomes an *APIError with
// all its messages.
func TestErrorShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		format   onapp.Format
		status   int
		body     string
		ct       string
		messages []string
		fields   map[string][]string
		is       func(error) bool
	}{
		{
			name: "json array", format: onapp.JSON, status: 422, ct: "application/json",
			body:     `{"errors":["Disk is locked","Backup server is full"]}`,
			messages: []string{"Disk is locked", "Backup server is full"}, is: onapp.IsValidation,
		},
		{
			name: "json field map", format: onapp.JSON, status: 422, ct: "application/json",
			body:     `{"errors":{"label":["can't be blank","is too short"],"base":["Backup is not built yet"]}}`,
			messages: []string{"Backup is not built yet", "label: can't be blank", "label: is too short"},
			fields:   map[string][]string{"label": {"can't be blank", "is too short"}, "base": {"Backup is not built yet"}},
			is:       onapp.IsValidation,
		},
		{
			name: "json error", format: onapp.JSON, status: 404, ct: "application/json",
			body: `{"error":"Backup not found"}`, messages: []string{"Backup not found"}, is: onapp.IsNotFound,
		},
		{
			name: "json errors 403", format: onapp.JSON, status: 403, ct: "application/json",
			body: `{"errors":["You do not have permissions for this action"]}`, messages: []string{"You do not have permissions for this action"},
			is: onapp.IsForbidden,
		},
		{
			name: "xml errors", format: onapp.XML, status: 422, ct: "application/xml",
			body:     xmlHeader + `<errors><error>Label can't be blank</error><error>Backup is not built yet</error></errors>`,
			messages: []string{"Label can't be blank", "Backup is not built yet"}, is: onapp.IsValidation,
		},
		{
			name: "xml devise 401", format: onapp.XML, status: 401, ct: "application/xml",
			body:     xmlHeader + `<hash><error>You need to sign in or sign up before continuing.</error></hash>`,
			messages: []string{"You need to sign in or sign up before continuing."}, is: onapp.IsUnauthorized,
		},
		{
			name: "html 500", format: onapp.JSON, status: 500, ct: "text/html",
			body:     `<!DOCTYPE html><html><head><title>We're sorry, but something went wrong (500)</title></head><body><h1>Oops</h1></body></html>`,
			messages: []string{"We're sorry, but something went wrong (500)"},
			is:       func(err error) bool { return onapp.HasStatus(err, 500) },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, tc.format)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, base+"/backups/698/convert"+ext(tc.format), rec.answer(tc.status, tc.body, tc.ct))
			_, err := c.Backups.ConvertToTemplate(context.Background(), 698, &onapp.ConvertBackupOptions{Label: "x"})
			var apiErr *onapp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, "onapp", apiErr.Provider)
			assert.Equal(t, http.MethodPost, apiErr.Method)
			assert.ElementsMatch(t, tc.messages, apiErr.Messages)
			for _, m := range tc.messages {
				assert.Contains(t, apiErr.Message, m)
				assert.Contains(t, err.Error(), m)
			}
			if tc.fields != nil {
				assert.Equal(t, tc.fields, apiErr.Fields)
			}
			assert.True(t, tc.is(err))
			assert.Len(t, rec.all(), 1)
		})
	}
}

func TestRestoreAnswers(t *testing.T) {
	t.Parallel()
	withBackup, err := io.ReadAll(bytes.NewReader(golden.Read(t, "scheduled-backup.empty-times.json")))
	require.NoError(t, err)
	cases := map[string]struct {
		status    int
		body      string
		backupID  int64
		wantError bool
	}{
		"201 empty":           {status: 201, body: ""},
		"201 with the backup": {status: 201, body: string(withBackup), backupID: 2001},
		"200 unreadable body": {status: 200, body: "<html>queued</html>"},
		"201 other object":    {status: 201, body: `{"transaction":{"id":9}}`},
		"200 with error body": {status: 200, body: `{"errors":["Restore is not possible"]}`, wantError: true},
		"202 whitespace only": {status: 202, body: "\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, onapp.JSON)
			rec := &recorder{}
			mt.RegisterResponder(http.MethodPost, base+"/backups/2001/restore.json", rec.answer(tc.status, tc.body, "application/json"))
			res, err := c.Backups.Restore(context.Background(), 2001)
			assert.Len(t, rec.all(), 1)
			if tc.wantError {
				var apiErr *onapp.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, []string{"Restore is not possible"}, apiErr.Messages)
				return
			}
			require.NoError(t, err)
			assert.True(t, res.Scheduled)
			assert.Equal(t, tc.status, res.StatusCode)
			if tc.backupID == 0 {
				assert.Nil(t, res.Backup)
			} else {
				require.NotNil(t, res.Backup)
				assert.Equal(t, tc.backupID, res.Backup.ID.Int64)
			}
		})
	}
}

func TestUnexpectedSuccessBodies(t *testing.T) {
	t.Parallel()
	t.Run("html list", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, onapp.JSON)
		mt.RegisterResponder(http.MethodGet, base+"/virtual_machines/74/backups/files.json",
			httpmock.NewStringResponder(200, "<html><body>Login</body></html>"))
		_, err := c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeIncremental})
		var de *onapp.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, 200, de.StatusCode)
		assert.Contains(t, de.Snippet, "<html>")
	})
	t.Run("xml list with json", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, onapp.XML)
		mt.RegisterResponder(http.MethodGet, base+"/virtual_machines/74/backups/images.xml",
			httpmock.NewStringResponder(200, `[{"backup":{"id":1}}]`))
		_, err := c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeNormal})
		var de *onapp.DecodeError
		require.ErrorAs(t, err, &de)
	})
	t.Run("error document in 200", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, onapp.XML)
		mt.RegisterResponder(http.MethodGet, base+"/backups/5.xml",
			httpmock.NewStringResponder(200, `<errors><error>Backup is being deleted</error></errors>`))
		_, err := c.Backups.Get(context.Background(), 5)
		var apiErr *onapp.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, []string{"Backup is being deleted"}, apiErr.Messages)
	})
	t.Run("create answered without a body", func(t *testing.T) {
		t.Parallel()
		// A 201 with no body, as the control panel answers a restore: the
		// backup is scheduled, its id not known. An error here would make a
		// caller who retries take a second backup.
		for _, format := range []onapp.Format{onapp.JSON, onapp.XML} {
			for _, body := range []string{"", "\n  "} {
				c, mt := newMockClient(t, format)
				rec := &recorder{}
				mt.RegisterResponder(http.MethodPost, base+"/virtual_machines/74/backups."+format.String(), rec.answer(201, body, ""))
				mt.RegisterResponder(http.MethodPost, base+"/settings/disks/11860/backups."+format.String(), rec.answer(201, body, ""))
				for name, create := range map[string]func() (*onapp.CreateResult, error){
					"incremental": func() (*onapp.CreateResult, error) {
						return c.Backups.CreateIncremental(context.Background(), 74, nil)
					},
					"normal": func() (*onapp.CreateResult, error) {
						return c.Backups.CreateNormal(context.Background(), 11860, nil)
					},
				} {
					res, err := create()
					require.NoError(t, err, "%s %s %q", name, format, body)
					assert.True(t, res.Scheduled, name)
					assert.Equal(t, 201, res.StatusCode, name)
					assert.Nil(t, res.Backup, name)
					_, known := res.ID()
					assert.False(t, known, "%s: the id is not known yet", name)
				}
				assert.Len(t, rec.all(), 2, "each create sent once")
			}
		}
	})
	t.Run("create answered with a backup", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, onapp.JSON)
		rec := &recorder{}
		mt.RegisterResponder(http.MethodPost, base+"/virtual_machines/74/backups.json",
			rec.answer(201, `{"backup":{"id":2001,"built":false,"target_type":"VirtualMachine","target_id":74}}`, "application/json"))
		res, err := c.Backups.CreateIncremental(context.Background(), 74, nil)
		require.NoError(t, err)
		assert.True(t, res.Scheduled)
		id, known := res.ID()
		assert.True(t, known)
		assert.Equal(t, int64(2001), id)
	})
	t.Run("empty lists", func(t *testing.T) {
		t.Parallel()
		for format, body := range map[onapp.Format]string{
			onapp.JSON: "[]",
			onapp.XML:  xmlHeader + `<nil-classes type="array"/>`,
		} {
			c, mt := newMockClient(t, format)
			mt.RegisterResponder(http.MethodGet, base+"/virtual_machines/74/backups/files"+ext(format), httpmock.NewStringResponder(200, body))
			mt.RegisterResponder(http.MethodGet, base+"/virtual_machines"+ext(format), httpmock.NewStringResponder(200, body))
			mt.RegisterResponder(http.MethodGet, base+"/virtual_machines/74/disks"+ext(format), httpmock.NewStringResponder(200, body))
			list, err := c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeIncremental})
			require.NoError(t, err)
			assert.NotNil(t, list)
			assert.Empty(t, list)
			vms, err := c.VirtualMachines.List(context.Background())
			require.NoError(t, err)
			assert.NotNil(t, vms)
			assert.Empty(t, vms)
			disks, err := c.Disks.List(context.Background(), 74)
			require.NoError(t, err)
			assert.NotNil(t, disks)
			assert.Empty(t, disks)
		}
	})
	t.Run("empty rails arrays by name", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, onapp.XML)
		mt.RegisterResponder(http.MethodGet, base+"/virtual_machines.xml",
			httpmock.NewStringResponder(200, xmlHeader+`<virtual_machines type="array"/>`))
		mt.RegisterResponder(http.MethodGet, base+"/virtual_machines/74/disks.xml",
			httpmock.NewStringResponder(200, xmlHeader+`<disks type="array">`+"\n"+`</disks>`))
		vms, err := c.VirtualMachines.List(context.Background())
		require.NoError(t, err)
		assert.NotNil(t, vms)
		assert.Empty(t, vms)
		disks, err := c.Disks.List(context.Background(), 74)
		require.NoError(t, err)
		assert.NotNil(t, disks)
		assert.Empty(t, disks)
	})
	t.Run("html virtual server", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, onapp.JSON)
		mt.RegisterResponder(http.MethodGet, base+"/virtual_machines/74.json",
			httpmock.NewStringResponder(200, "<html><body>Login</body></html>"))
		vm, err := c.VirtualMachines.Get(context.Background(), 74)
		assert.Nil(t, vm)
		var de *onapp.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, 200, de.StatusCode)
	})
	t.Run("error document in 200 disk list", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, onapp.JSON)
		mt.RegisterResponder(http.MethodGet, base+"/virtual_machines/74/disks.json",
			httpmock.NewStringResponder(200, `{"errors":["You do not have permissions for this action"]}`))
		_, err := c.Disks.List(context.Background(), 74)
		var apiErr *onapp.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, []string{"You do not have permissions for this action"}, apiErr.Messages)
	})
}

// TestInventoryNotFound: an unknown virtual server is an *APIError with
// IsNotFound, in both formats and for both calls that name one.
func TestInventoryNotFound(t *testing.T) {
	t.Parallel()
	for _, format := range []onapp.Format{onapp.JSON, onapp.XML} {
		body, ct := `{"errors":["VirtualMachine not found"]}`, "application/json; charset=utf-8"
		if format == onapp.XML {
			body, ct = xmlHeader+`<errors><error>VirtualMachine not found</error></errors>`, "application/xml; charset=utf-8"
		}
		calls := map[string]struct {
			path string
			call func(ctx context.Context, c *onapp.Client) (any, error)
		}{
			"VirtualMachines.Get": {"/virtual_machines/999", func(ctx context.Context, c *onapp.Client) (any, error) {
				return c.VirtualMachines.Get(ctx, 999)
			}},
			"Disks.List": {"/virtual_machines/999/disks", func(ctx context.Context, c *onapp.Client) (any, error) {
				return c.Disks.List(ctx, 999)
			}},
		}
		for name, tc := range calls {
			t.Run(format.String()+"/"+name, func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t, format)
				rec := &recorder{}
				mt.RegisterResponder(http.MethodGet, base+tc.path+ext(format), rec.answer(404, body, ct))
				v, err := tc.call(context.Background(), c)
				assert.True(t, onapp.IsNotFound(err), "%v", err)
				var apiErr *onapp.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 404, apiErr.StatusCode)
				assert.Equal(t, http.MethodGet, apiErr.Method)
				assert.Equal(t, []string{"VirtualMachine not found"}, apiErr.Messages)
				assert.Len(t, rec.all(), 1, "a 404 is not retried")
				switch got := v.(type) {
				case *onapp.VirtualMachine:
					assert.Nil(t, got)
				case []onapp.Disk:
					assert.Nil(t, got)
				}
			})
		}
	}
}

// TestBadArgumentsSendNothing: invalid ids and options fail before any I/O.
func TestBadArgumentsSendNothing(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, onapp.JSON)
	ctx := context.Background()
	calls := map[string]func() error{
		"List incremental 0": func() error {
			_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 0, Type: onapp.BackupTypeIncremental})
			return err
		},
		"List normal -1": func() error {
			_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: -1, Type: onapp.BackupTypeNormal})
			return err
		},
		"List neither": func() error { _, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 0}); return err },
		"List VM disk -1": func() error {
			_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, DiskID: -1})
			return err
		},
		"List nil options": func() error { _, err := c.Backups.List(ctx, nil); return err },
		"List type of a disk": func() error {
			_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{DiskID: 3, Type: onapp.BackupTypeNormal})
			return err
		},
		"List unknown type": func() error {
			_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, Type: "full"})
			return err
		},
		"Convert nil options":   func() error { _, err := c.Backups.ConvertToTemplate(ctx, 698, nil); return err },
		"List disk 0":           func() error { _, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{DiskID: 0}); return err },
		"VirtualMachines.Get 0": func() error { _, err := c.VirtualMachines.Get(ctx, 0); return err },
		"Disks.List -1":         func() error { _, err := c.Disks.List(ctx, -1); return err },
		"List nil context": func() error {
			var nilCtx context.Context
			_, err := c.VirtualMachines.List(nilCtx) //nolint:staticcheck // testing the guard
			return err
		},
		"Get 0":             func() error { _, err := c.Backups.Get(ctx, 0); return err },
		"CreateNormal 0":    func() error { _, err := c.Backups.CreateNormal(ctx, 0, nil); return err },
		"CreateIncremental": func() error { _, err := c.Backups.CreateIncremental(ctx, -5, nil); return err },
		"Restore 0":         func() error { _, err := c.Backups.Restore(ctx, 0); return err },
		"Delete 0":          func() error { return c.Backups.Delete(ctx, 0) },
		"UpdateNote 0":      func() error { return c.Backups.UpdateNote(ctx, 0, "x") },
		"Convert no label": func() error {
			_, err := c.Backups.ConvertToTemplate(ctx, 698, &onapp.ConvertBackupOptions{Label: "  "})
			return err
		},
		"Convert negative": func() error {
			_, err := c.Backups.ConvertToTemplate(ctx, 698, &onapp.ConvertBackupOptions{Label: "x", MinDiskSize: -1})
			return err
		},
		"nil context": func() error {
			var nilCtx context.Context
			_, err := c.Backups.Get(nilCtx, 1) //nolint:staticcheck // testing the guard
			return err
		},
	}
	for name, call := range calls {
		err := call()
		assert.Error(t, err, name)
		assert.True(t, strings.HasPrefix(err.Error(), "onapp: "), "%s: %v", name, err)
	}
	assert.Zero(t, mt.GetTotalCallCount())

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := c.Backups.Get(cancelled, 1)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	auth := onapp.WithPassword("u", "p")
	cases := map[string]struct {
		url  string
		opts []onapp.Option
		want string
	}{
		"empty url":        {"", []onapp.Option{auth}, "base URL is empty"},
		"bad scheme":       {"ftp://cp.example", []onapp.Option{auth}, "scheme must be http or https"},
		"no host":          {"https://", []onapp.Option{auth}, "no host"},
		"credentials":      {"https://u:p@cp.example", []onapp.Option{auth}, "holds credentials"},
		"query":            {"https://cp.example/?a=1", []onapp.Option{auth}, "query"},
		"no credentials":   {"https://cp.example", nil, "no credentials"},
		"conflicting auth": {"https://cp.example", []onapp.Option{auth, onapp.WithPassword("u", "k")}, "WithPassword conflicts with WithPassword"},
		"empty user":       {"https://cp.example", []onapp.Option{onapp.WithPassword(" ", "p")}, "WithPassword: user is empty"},
		"colon user":       {"https://cp.example", []onapp.Option{onapp.WithPassword("a:b", "p")}, "must not contain ':'"},
		"empty password":   {"https://cp.example", []onapp.Option{onapp.WithPassword("u", "")}, "WithPassword: password is empty"},
		"nil wait backoff": {"https://cp.example", []onapp.Option{auth, onapp.WithWaitBackoff(nil)}, "WithWaitBackoff: backoff is nil"},
		"bad format":       {"https://cp.example", []onapp.Option{auth, onapp.WithFormat(onapp.Format(7))}, "unknown format 7"},
		"two formats":      {"https://cp.example", []onapp.Option{auth, onapp.WithFormat(onapp.XML), onapp.WithFormat(onapp.JSON)}, "conflicting formats"},
		"nil http client":  {"https://cp.example", []onapp.Option{auth, onapp.WithHTTPClient(nil)}, "WithHTTPClient: client is nil"},
		"nil logger":       {"https://cp.example", []onapp.Option{auth, onapp.WithLogger(nil)}, "WithLogger: logger is nil"},
		"bad retry":        {"https://cp.example", []onapp.Option{auth, onapp.WithRetryPolicy(onapp.RetryPolicy{MaxRetries: -1})}, "WithRetryPolicy"},
		"user agent crlf":  {"https://cp.example", []onapp.Option{auth, onapp.WithUserAgent("a\r\nX-Evil: 1")}, "WithUserAgent"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := onapp.NewClient(tc.url, tc.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "onapp: "), err.Error())
			assert.NotContains(t, err.Error(), "u:p@", "credentials in a URL are not echoed")
		})
	}

	c, err := onapp.NewClient("http://cp.example:8080/base/", onapp.WithPassword("admin", "k3y"), nil)
	require.NoError(t, err)
	assert.Equal(t, "http://cp.example:8080/base", c.BaseURL())
	assert.Equal(t, onapp.JSON, c.Format(), "JSON is the default")
	assert.NotNil(t, c.Backups)
	assert.NotNil(t, c.VirtualMachines)
	assert.NotNil(t, c.Disks)
}

// TestAPIKeyAuth: the API key travels as the basic-auth password.
func TestAPIKeyAuth(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	rec := &recorder{}
	mt.RegisterResponder(http.MethodGet, base+"/backups/1.xml", rec.answer(200, string(golden.Read(t, "scheduled-backup.xml")), "application/xml"))
	c, err := onapp.NewClient(base, onapp.WithPassword("admin@example.com", "0f3a6c1e"),
		onapp.WithHTTPClient(&http.Client{Transport: mt}), onapp.WithFormat(onapp.XML))
	require.NoError(t, err)
	_, err = c.Backups.Get(context.Background(), 1)
	require.NoError(t, err)
	req := &http.Request{Header: rec.all()[0].Header}
	u, p, ok := req.BasicAuth()
	require.True(t, ok)
	assert.Equal(t, "admin@example.com", u)
	assert.Equal(t, "0f3a6c1e", p)
}

// TestNoSecretsLeak: neither the logger nor printing the client shows the
// password or the Authorization header (OnApp's own Go SDK logs both).
func TestNoSecretsLeak(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newMockClient(t, onapp.JSON, onapp.WithLogger(logger))
	mt.RegisterResponder(http.MethodGet, base+"/backups/1.json",
		httpmock.NewStringResponder(503, "").Then(httpmock.NewStringResponder(404, `{"error":"Backup not found"}`)))
	_, err := c.Backups.Get(context.Background(), 1)
	require.Error(t, err)
	assert.True(t, onapp.IsNotFound(err))

	out := logs.String()
	assert.Contains(t, out, "backupsdk: retrying", "the logger is used")
	for _, text := range []string{out, err.Error(), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", *c)} {
		assert.NotContains(t, text, password)
		assert.NotContains(t, text, "YWRtaW46czNjcmV0LXBhc3M=")
		assert.NotContains(t, strings.ToLower(text), "authorization")
	}
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
