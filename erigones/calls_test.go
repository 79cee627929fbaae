package erigones_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
)

const (
	vmHost = "web01.example.com"
	vmUUID = "0bcc0915-2d5f-4cc0-8534-bd367376cf2d"
	taskID = "1e1d1-6f75849b-11b8-4bf1-8f66"
)

const defJSON = `{"hostname": "web01.example.com", "vm_uuid": "0bcc0915-2d5f-4cc0-8534-bd367376cf2d", "dc": "main",
	"name": "daily", "disk_id": 1, "type": 1, "node": "node99.example.com", "zpool": "zones", "desc": "",
	"bwlimit": null, "active": true, "schedule": "0 4 * * *", "retention": 30, "compression": 0, "fsfreeze": false}`

const bkpJSON = `{"hostname": "web01.example.com", "vm_uuid": "0bcc0915-2d5f-4cc0-8534-bd367376cf2d", "vm": "web01.example.com",
	"define": "daily", "name": "daily-20131014_133701", "disk_id": 1, "type": 1, "node": "node99.example.com",
	"zpool": "zones", "created": "2013-10-14T13:37:01.123Z", "status": 1, "size": 41843149, "time": 1337,
	"file_path": "zones/backups/ds/0bcc0915-2d5f-4cc0-8534-bd367376cf2d-disk0@is-7", "note": ""}`

// callCase is one call of the API: what the client must send, and what it
// makes of the answer.
type callCase struct {
	name   string
	method string
	path   string // under /api, escaped
	reply  reply
	query  url.Values // exact query; nil means none
	body   string     // exact JSON body; "" means none
	run    func(ctx context.Context, c *erigones.Client) (any, error)
	check  func(t *testing.T, got any)
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func callCases() []callCase {
	return []callCase{
		{
			name: "definitions list for VM", method: http.MethodGet, path: "/vm/web01.example.com/define/backup/",
			reply: ok("[" + defJSON + "]"),
			query: q("full", "true", "extended", "true", "disk_id", "2", "order_by", "name,-created", "dc", "main"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.List(ctx, vmHost, &erigones.ListDefinitionsOptions{DiskID: 2, Extended: true, OrderBy: []string{"name", "-created"}})
			},
			check: func(t *testing.T, got any) {
				defs := got.([]erigones.BackupDefinition)
				require.Len(t, defs, 1)
				assert.Equal(t, "daily", defs[0].Name)
				assert.Equal(t, erigones.BackupTypeDataset, defs[0].Type)
				assert.False(t, defs[0].Bwlimit.Valid)
			},
		},
		{
			name: "definition names for VM never send extended", method: http.MethodGet, path: "/vm/web01.example.com/define/backup/",
			reply: ok(`["daily", "hourly"]`),
			query: q("dc", "main"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.ListNames(ctx, vmHost, &erigones.ListDefinitionsOptions{Extended: true})
			},
			check: func(t *testing.T, got any) { assert.Equal(t, []string{"daily", "hourly"}, got) },
		},
		{
			name: "definitions for all VMs", method: http.MethodGet, path: "/vm/define/backup/",
			reply: ok(`[]`),
			query: q("full", "true", "dc", "main"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.ListForAllVMs(ctx, nil)
			},
			check: func(t *testing.T, got any) {
				assert.NotNil(t, got)
				assert.Empty(t, got)
			},
		},
		{
			name: "definition names for all VMs with a dc override", method: http.MethodGet, path: "/vm/define/backup/",
			reply: ok(`null`),
			query: q("dc", "lab", "order_by", "hostname"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.ListNamesForAllVMs(ctx, &erigones.ListDefinitionsOptions{DC: "lab", OrderBy: []string{"hostname"}})
			},
			check: func(t *testing.T, got any) { assert.Equal(t, []string{}, got) },
		},
		{
			name: "definition get", method: http.MethodGet, path: "/vm/" + vmUUID + "/define/backup/daily/",
			reply: ok(`{"hostname": "web01.example.com", "name": "daily", "disk_id": 2, "backups": "3"}`),
			query: q("disk_id", "2", "extended", "true", "dc", "main"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.Get(ctx, vmUUID, "daily", &erigones.GetDefinitionOptions{DiskID: 2, Extended: true})
			},
			check: func(t *testing.T, got any) {
				d := got.(*erigones.BackupDefinition)
				assert.Equal(t, int64(2), d.DiskID.Or(0))
				assert.Equal(t, int64(3), d.Backups.Or(0))
			},
		},
		{
			name: "definition create with every field", method: http.MethodPost, path: "/vm/web01.example.com/define/backup/daily/",
			reply: reply{http.StatusCreated, `{"status": "SUCCESS", "result": ` + defJSON + `, "task_id": "x"}`},
			body: `{"disk_id": 2, "type": 2, "node": "node99.example.com", "zpool": "backups", "schedule": "30 4 * * 6",
				"retention": 0, "active": false, "compression": 3, "bwlimit": 1048576, "desc": "weekly file",
				"fsfreeze": true, "dc": "lab"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.Create(ctx, vmHost, "daily", &erigones.CreateDefinitionOptions{
					DiskID: 2, Type: erigones.BackupTypeFile, Node: "node99.example.com", Zpool: "backups",
					Schedule: "30 4 * * 6", Retention: new(0), Active: new(false),
					Compression: new(erigones.CompressionXZ), Bwlimit: new(1 << 20),
					Desc: "weekly file", Fsfreeze: true, DC: "lab",
				})
			},
			check: func(t *testing.T, got any) {
				assert.Equal(t, int64(30), got.(*erigones.BackupDefinition).Retention.Or(0))
			},
		},
		{
			name: "definition create with server defaults", method: http.MethodPost, path: "/vm/web01.example.com/define/backup/daily/",
			reply: reply{http.StatusCreated, `{"status": "SUCCESS", "result": ` + defJSON + `, "task_id": "x"}`},
			body:  `{"dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.Create(ctx, vmHost, "daily", nil)
			},
			check: func(t *testing.T, got any) { assert.Equal(t, "daily", got.(*erigones.BackupDefinition).Name) },
		},
		{
			name: "definition update", method: http.MethodPut, path: "/vm/web01.example.com/define/backup/daily/",
			reply: ok(defJSON),
			body: `{"disk_id": 1, "schedule": "0 5 * * *", "retention": 7, "active": false, "compression": 0,
				"bwlimit": null, "desc": "", "node": "node98.example.com", "zpool": "tank", "fsfreeze": false, "dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.Update(ctx, vmHost, "daily", &erigones.UpdateDefinitionOptions{
					DiskID: 1, Schedule: "0 5 * * *", Retention: new(7), Active: new(false),
					Compression: new(erigones.CompressionNone), Bwlimit: new(5), RemoveBwlimit: true,
					Desc: new(""), Node: "node98.example.com", Zpool: "tank", Fsfreeze: new(false),
				})
			},
			check: func(t *testing.T, got any) {
				assert.Equal(t, "0 4 * * *", got.(*erigones.BackupDefinition).Schedule.Or(""))
			},
		},
		{
			name: "definition update bwlimit only", method: http.MethodPut, path: "/vm/web01.example.com/define/backup/daily/",
			reply: ok(defJSON),
			body:  `{"bwlimit": 2048, "dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Definitions.Update(ctx, vmHost, "daily", &erigones.UpdateDefinitionOptions{Bwlimit: new(2048)})
			},
			check: func(t *testing.T, got any) { assert.NotNil(t, got) },
		},
		{
			name: "definition delete sends a body", method: http.MethodDelete, path: "/vm/web01.example.com/define/backup/daily/",
			reply: ok(`null`),
			body:  `{"disk_id": 2, "dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return nil, c.Definitions.Delete(ctx, vmHost, "daily", &erigones.DeleteDefinitionOptions{DiskID: 2})
			},
			check: func(t *testing.T, got any) { assert.Nil(t, got) },
		},
		{
			name: "backups list", method: http.MethodGet, path: "/vm/web01.example.com/backup/",
			reply: ok("[" + bkpJSON + "]"),
			query: q("full", "true", "extended", "true", "disk_id", "1", "define", "daily", "order_by", "-size,name", "dc", "main"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Backups.List(ctx, vmHost, &erigones.ListBackupsOptions{DiskID: 1, Define: "daily", Extended: true, OrderBy: []string{"-size", "name"}})
			},
			check: func(t *testing.T, got any) {
				b := got.([]erigones.Backup)
				require.Len(t, b, 1)
				assert.Equal(t, erigones.BackupStatusOK, b[0].Status)
				assert.Equal(t, int64(41843149), b[0].Size.Or(0))
			},
		},
		{
			name: "backup names", method: http.MethodGet, path: "/vm/web01.example.com/backup/",
			reply: ok(`["daily-20131014_133701"]`),
			query: q("dc", "main"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Backups.ListNames(ctx, vmHost, nil)
			},
			check: func(t *testing.T, got any) { assert.Equal(t, []string{"daily-20131014_133701"}, got) },
		},
		{
			name: "backup get", method: http.MethodGet, path: "/vm/web01.example.com/backup/daily-20131014_133701/",
			reply: ok(bkpJSON),
			query: q("disk_id", "1", "dc", "lab"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Backups.Get(ctx, vmHost, "daily-20131014_133701", &erigones.GetBackupOptions{DiskID: 1, DC: "lab"})
			},
			check: func(t *testing.T, got any) {
				b := got.(*erigones.Backup)
				d, ok := b.Duration()
				assert.True(t, ok)
				assert.Equal(t, 1337, int(d.Seconds()))
			},
		},
		{
			name: "backup create", method: http.MethodPost, path: "/vm/web01.example.com/backup/daily/",
			reply: pending(taskID),
			body:  `{"disk_id": 2, "note": "before upgrade", "dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Backups.Create(ctx, vmHost, "daily", &erigones.CreateBackupOptions{DiskID: 2, Note: "before upgrade"})
			},
			check: func(t *testing.T, got any) {
				task := got.(*erigones.Task)
				assert.Equal(t, taskID, task.ID())
				assert.Equal(t, erigones.TaskPending, task.Initial().Status)
			},
		},
		{
			name: "backup restore", method: http.MethodPut, path: "/vm/web01.example.com/backup/daily-20131014_133701/",
			reply: pending(taskID),
			body:  `{"disk_id": 1, "target_hostname_or_uuid": "db01.example.com", "target_disk_id": 2, "force": false, "dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Backups.Restore(ctx, vmHost, "daily-20131014_133701", &erigones.RestoreBackupOptions{
					DiskID: 1, TargetHostnameOrUUID: "db01.example.com", TargetDiskID: 2, Force: new(false),
				})
			},
			check: func(t *testing.T, got any) { assert.Equal(t, taskID, got.(*erigones.Task).ID()) },
		},
		{
			name: "backup note update", method: http.MethodPut, path: "/vm/web01.example.com/backup/daily-20131014_133701/",
			reply: ok(bkpJSON),
			body:  `{"note": "", "disk_id": 3, "dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Backups.UpdateNote(ctx, vmHost, "daily-20131014_133701", "", &erigones.UpdateNoteOptions{DiskID: 3})
			},
			check: func(t *testing.T, got any) {
				assert.Equal(t, erigones.String{Value: "", Valid: true}, got.(*erigones.Backup).Note)
			},
		},
		{
			name: "backup delete", method: http.MethodDelete, path: "/vm/web01.example.com/backup/daily-20131014_133701/",
			reply: pending(taskID),
			body:  `{"dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Backups.Delete(ctx, vmHost, "daily-20131014_133701", nil)
			},
			check: func(t *testing.T, got any) { assert.Equal(t, taskID, got.(*erigones.Task).ID()) },
		},
		{
			name: "lost backup delete is final at once", method: http.MethodDelete, path: "/vm/web01.example.com/backup/daily-20131014_133701/",
			reply: ok(`{"message": "Backup successfully deleted from DB"}`),
			body:  `{"disk_id": 1, "dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				task, err := c.Backups.Delete(ctx, vmHost, "daily-20131014_133701", &erigones.DeleteBackupOptions{DiskID: 1})
				if err != nil {
					return nil, err
				}
				return task.Wait(ctx)
			},
			check: func(t *testing.T, got any) {
				res := got.(*erigones.TaskResult)
				assert.Equal(t, erigones.TaskSuccess, res.Status)
				assert.Equal(t, "Backup successfully deleted from DB", res.Output().Message)
			},
		},
		{
			name: "backups delete many", method: http.MethodDelete, path: "/vm/web01.example.com/backup/",
			reply: pending(taskID),
			body:  `{"bkpnames": ["daily-20131014_133701", "daily-20131015_133701"], "disk_id": 1, "dc": "main"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Backups.DeleteMany(ctx, vmHost, []string{"daily-20131014_133701", "daily-20131015_133701"}, &erigones.DeleteBackupOptions{DiskID: 1})
			},
			check: func(t *testing.T, got any) { assert.Equal(t, taskID, got.(*erigones.Task).ID()) },
		},
		{
			name: "node definitions never send dc", method: http.MethodGet, path: "/node/node99.example.com/define/backup/",
			reply: ok("[" + defJSON + "]"),
			query: q("full", "true", "extended", "true"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Nodes.ListDefinitions(ctx, "node99.example.com", &erigones.ListDefinitionsOptions{Extended: true, DC: "lab"})
			},
			check: func(t *testing.T, got any) { assert.Len(t, got, 1) },
		},
		{
			name: "node definition names", method: http.MethodGet, path: "/node/node99.example.com/define/backup/",
			reply: ok(`["daily"]`),
			query: nil,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Nodes.ListDefinitionNames(ctx, "node99.example.com", nil)
			},
			check: func(t *testing.T, got any) { assert.Equal(t, []string{"daily"}, got) },
		},
		{
			name: "node backups", method: http.MethodGet, path: "/node/node99.example.com/backup/",
			reply: ok(`[{"hostname": "gone.example.com", "vm_uuid": null, "vm": null, "dc": "main", "define": null, "name": "x-1", "disk_id": 1, "status": 4, "size": null, "time": null}]`),
			query: q("full", "true", "vm", "gone.example.com", "disk_id", "1", "define", "daily", "order_by", "hostname"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Nodes.ListBackups(ctx, "node99.example.com", &erigones.ListBackupsOptions{
					VM: "gone.example.com", DiskID: 1, Define: "daily", OrderBy: []string{"hostname"},
				})
			},
			check: func(t *testing.T, got any) {
				b := got.([]erigones.Backup)
				require.Len(t, b, 1)
				assert.False(t, b[0].VM.Valid)
				assert.Equal(t, "main", b[0].DC.Or(""))
				assert.Equal(t, erigones.BackupStatusLost, b[0].Status)
				_, known := b[0].Duration()
				assert.False(t, known)
			},
		},
		{
			name: "node backup names", method: http.MethodGet, path: "/node/node99.example.com/backup/",
			reply: ok(`["x-1"]`),
			query: q("define", "daily"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Nodes.ListBackupNames(ctx, "node99.example.com", &erigones.ListBackupsOptions{Define: "daily", Extended: true})
			},
			check: func(t *testing.T, got any) { assert.Equal(t, []string{"x-1"}, got) },
		},
		{
			name: "task status", method: http.MethodGet, path: "/task/" + taskID + "/status/",
			reply: reply{http.StatusCreated, `{"status": "STARTED", "result": null, "task_id": "` + taskID + `"}`},
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Task(taskID, "").Status(ctx)
			},
			check: func(t *testing.T, got any) {
				r := got.(*erigones.TaskResult)
				assert.Equal(t, erigones.TaskStarted, r.Status)
				assert.NoError(t, r.Err())
			},
		},
		{
			name: "task done", method: http.MethodGet, path: "/task/" + taskID + "/done/",
			reply: reply{http.StatusOK, `{"task_id": "` + taskID + `", "done": true}`},
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Task(taskID, "").Done(ctx)
			},
			check: func(t *testing.T, got any) { assert.Equal(t, true, got) },
		},
		{
			name: "task cancel", method: http.MethodPut, path: "/task/" + taskID + "/cancel/",
			reply: reply{http.StatusGone, `{"status": "REVOKED", "result": null, "task_id": "` + taskID + `"}`},
			body:  `{"dc": "lab"}`,
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.Task(taskID, "lab").Cancel(ctx, nil)
			},
			check: func(t *testing.T, got any) {
				r := got.(*erigones.TaskResult)
				assert.Equal(t, erigones.TaskRevoked, r.Status)
				assert.True(t, erigones.IsTaskRevoked(r.Err()))
			},
		},
		{
			name: "task list", method: http.MethodGet, path: "/task/",
			reply: reply{http.StatusOK, `["` + taskID + `"]`},
			query: q("dc", "main"),
			run: func(ctx context.Context, c *erigones.Client) (any, error) {
				return c.ListTasks(ctx, nil)
			},
			check: func(t *testing.T, got any) { assert.Equal(t, []string{taskID}, got) },
		},
	}
}

// TestCalls checks every call's method, path (with its trailing slash),
// query versus body placement, headers and decoding.
func TestCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range callCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			m.answer(tc.method, tc.path, tc.reply)
			c := m.client()
			got, err := tc.run(context.Background(), c)
			require.NoError(t, err)
			tc.check(t, got)

			r := m.only()
			assert.Equal(t, tc.method, r.Method)
			assert.Equal(t, "/danube/api"+tc.path, r.Path)
			if tc.query == nil {
				assert.Empty(t, r.Query)
			} else {
				assert.Equal(t, tc.query, r.Query)
			}
			if tc.body == "" {
				assert.Empty(t, r.Body)
				assert.Empty(t, r.Header.Get("Content-Type"))
			} else {
				assert.JSONEq(t, tc.body, string(r.Body))
				assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
			}
			assert.Equal(t, apiKey, r.Header.Get("ES-API-KEY"))
			assert.Empty(t, r.Header.Get("Authorization"))
			assert.Empty(t, r.Header.Get("ES-STREAM"), "the SDK polls tasks itself")
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.Contains(t, r.Header.Get("User-Agent"), "erigones")
		})
	}
}

// TestCallsFailure runs every call against an error answer: each returns
// the *APIError, never a half-decoded value.
func TestCallsFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range callCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			m.answer(tc.method, tc.path, detail(http.StatusNotFound, "VM not found"))
			_, err := tc.run(context.Background(), m.client())
			require.Error(t, err)
			assert.True(t, erigones.IsNotFound(err), "%v", err)
			var apiErr *erigones.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "VM not found", apiErr.Message)
			assert.Equal(t, "erigones", apiErr.Provider)
		})
	}
}

// TestCallsUndecodable answers every call with an HTML page.
func TestCallsUndecodable(t *testing.T) {
	t.Parallel()
	for _, tc := range callCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			m.answer(tc.method, tc.path, reply{http.StatusOK, "<html><title>Login</title></html>"})
			_, err := tc.run(context.Background(), m.client())
			var decErr *erigones.DecodeError
			require.ErrorAs(t, err, &decErr)
			assert.Equal(t, http.StatusOK, decErr.StatusCode)
		})
	}
}
