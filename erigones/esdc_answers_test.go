package erigones_test

// Hand-written answers shaped like the real server's (GitHub
// erigones/esdc-ce); each test names the server file it follows.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
)

// esdcServer is an httptest server answering a backup create with its
// clock in the Date header, and the backup list with list.
type esdcServer struct {
	*httptest.Server
	now  time.Time
	mu   sync.Mutex
	list string
	reqs []*http.Request
}

func newESDC(t *testing.T, now time.Time, list string) *esdcServer {
	t.Helper()
	s := &esdcServer{now: now, list: list}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Clone(context.Background()))
		list := s.list
		s.mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Date", s.now.UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/vm/web01.example.com/backup/daily/":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"status": "PENDING", "result": null, "task_id": "1e1d1-6f75849b-11b8-4bf1-8f66"}`)
		case r.Method == http.MethodGet && r.URL.Path == "/api/task/1e1d1-6f75849b-11b8-4bf1-8f66/status/":
			_, _ = io.WriteString(w, `{"status": "SUCCESS", "result": {"message": "Backup successfully created", "returncode": 0, "detail": "rc=0, time_elapsed=12, backup_snapshot_size=41843149"}, "task_id": "1e1d1-6f75849b-11b8-4bf1-8f66"}`)
		case r.Method == http.MethodGet && r.URL.Path == "/api/vm/web01.example.com/backup/":
			_, _ = io.WriteString(w, `{"status": "SUCCESS", "result": `+list+`, "task_id": "1d1d1-6f75849b-11b8-4bf1-8f67"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"detail": "Not found"}`)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *esdcServer) client(t *testing.T) *erigones.Client {
	t.Helper()
	c, err := erigones.NewClient(s.URL, erigones.WithAPIKey(apiKey), erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Millisecond)))
	require.NoError(t, err)
	return c
}

// bkp is one backup of the list as api/vm/backup/serializers.py
// BackupSerializer prints it.
func bkp(name string, disk any, note string) map[string]any {
	return map[string]any{
		"hostname": "web01.example.com", "vm": "web01.example.com", "define": "daily", "name": name, "disk_id": disk,
		"type": 1, "node": "node99.example.com", "zpool": "zones", "created": "2024-03-01T12:00:00.123Z",
		"status": 1, "size": 41843149, "time": 12, "file_path": "zones/backups/ds/x-disk0@is-7", "note": note,
	}
}

func listOf(t *testing.T, bkps ...map[string]any) string {
	t.Helper()
	if len(bkps) == 0 {
		return "[]"
	}
	b, err := json.Marshal(bkps)
	require.NoError(t, err)
	return string(b)
}

// vms/models/backup.py generate_backup_name: the name holds the server's
// UTC second, which the Date of the create answer bounds.
func TestCreatedMatchesGenerateBackupName(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 3, 1, 12, 0, 1, 0, time.UTC)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		list string
		note string
		want string
		err  error
	}{
		{"the one of the second", listOf(t, bkp("daily-20240301_120001", 1, ""), bkp("daily-20240301_040000", 1, "")), "", "daily-20240301_120001", nil},
		{"a second earlier, disk as text", listOf(t, bkp("daily-20240301_120000", "1", "")), "", "daily-20240301_120000", nil},
		{"nothing new", listOf(t, bkp("daily-20240301_040000", 1, "")), "", "", erigones.ErrCreatedBackupNotFound},
		{"empty", listOf(t), "", "", erigones.ErrCreatedBackupNotFound},
		{"another disk", listOf(t, bkp("daily-20240301_120001", 2, "")), "", "", erigones.ErrCreatedBackupNotFound},
		{"not a generated name", listOf(t, bkp("daily-manual", 1, "")), "", "", erigones.ErrCreatedBackupNotFound},
		{"two in the window", listOf(t, bkp("daily-20240301_120001", 1, ""), bkp("daily-20240301_120000", 1, "")), "", "", erigones.ErrCreatedBackupAmbiguous},
		{"the note tells them apart", listOf(t, bkp("daily-20240301_120001", 1, "mine"), bkp("daily-20240301_120000", 1, "")), "mine", "daily-20240301_120001", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newESDC(t, now, tc.list)
			c := s.client(t)
			b, res, err := c.Backups.CreateAndWait(ctx, "web01.example.com", "daily", &erigones.CreateBackupOptions{Note: tc.note})
			require.NotNil(t, res)
			assert.Equal(t, erigones.TaskSuccess, res.Status)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				var ce *erigones.CreatedBackupError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "1e1d1-6f75849b-11b8-4bf1-8f66", ce.TaskID)
				assert.Equal(t, now, ce.To)
				assert.False(t, ce.From.After(now))
				if errors.Is(err, erigones.ErrCreatedBackupAmbiguous) {
					assert.Equal(t, []string{"daily-20240301_120001", "daily-20240301_120000"}, ce.Candidates)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, b.Name)
			s.mu.Lock()
			defer s.mu.Unlock()
			last := s.reqs[len(s.reqs)-1]
			assert.Equal(t, "daily", last.URL.Query().Get("define"))
			assert.Equal(t, "1", last.URL.Query().Get("disk_id"))
			assert.Equal(t, "-created", last.URL.Query().Get("order_by"))
			assert.Equal(t, "true", last.URL.Query().Get("full"))
		})
	}
}

// Without a Date header only the client's clock is known: the window is
// wider, and an old backup of the same definition is still not taken.
func TestCreatedWithoutDateHeader(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	stamp := time.Now().UTC().Format("20060102_150405")
	m.answer(http.MethodPost, "/vm/web01.example.com/backup/daily/", pending(taskID))
	m.answer(http.MethodGet, "/vm/web01.example.com/backup/", ok(listOf(t, bkp("daily-"+stamp, 1, ""), bkp("daily-20200101_000000", 1, ""))))
	c := m.client()
	task, err := c.Backups.Create(context.Background(), "web01.example.com", "daily", nil)
	require.NoError(t, err)
	b, err := c.Backups.Created(context.Background(), task)
	require.NoError(t, err)
	assert.Equal(t, "daily-"+stamp, b.Name)
}

// api/vm/backup/serializers.py: numbers may come as text, and a null is
// absent, not zero (BackupSerializer, BackupDefineSerializer).
func TestSerializersTolerantFields(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.answer(http.MethodGet, "/vm/web01.example.com/backup/", ok(`[
		{"hostname": "web01.example.com", "name": "daily-1", "disk_id": "2", "status": "1", "note": null, "file_path": null, "node": null, "zpool": null, "size": null},
		{"hostname": "web01.example.com", "name": "daily-2", "disk_id": 1, "status": 2, "note": "", "file_path": "", "node": "#aa00ff", "zpool": "zones"}]`))
	m.answer(http.MethodGet, "/vm/web01.example.com/define/backup/", ok(`[
		{"hostname": "web01.example.com", "name": "daily", "disk_id": "1", "retention": "30", "active": "true", "fsfreeze": null, "schedule": null, "desc": null, "node": null},
		{"hostname": "web01.example.com", "name": "weekly", "disk_id": 1, "retention": 0, "active": false, "fsfreeze": false, "schedule": "0 4 * * 0", "desc": "", "node": "node99.example.com"}]`))
	c := m.client()
	bs, err := c.Backups.List(context.Background(), "web01.example.com", nil)
	require.NoError(t, err)
	require.Len(t, bs, 2)
	assert.Equal(t, int64(2), bs[0].DiskID.Or(0))
	assert.Equal(t, erigones.BackupStatusOK, bs[0].Status)
	for _, f := range []bool{bs[0].Note.Valid, bs[0].FilePath.Valid, bs[0].Node.Valid, bs[0].Zpool.Valid, bs[0].Size.Valid} {
		assert.False(t, f, "null stays absent")
	}
	assert.True(t, bs[1].Note.Valid)
	assert.Equal(t, "", bs[1].Note.Value)
	assert.Equal(t, "#aa00ff", bs[1].Node.Or(""), "non-admins see the node's color (_HideNodeSerializer)")

	ds, err := c.Definitions.List(context.Background(), "web01.example.com", nil)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, int64(1), ds[0].DiskID.Or(0))
	assert.Equal(t, int64(30), ds[0].Retention.Or(0))
	assert.True(t, ds[0].Active.Or(false))
	for _, f := range []bool{ds[0].Fsfreeze.Valid, ds[0].Schedule.Valid, ds[0].Desc.Valid, ds[0].Node.Valid} {
		assert.False(t, f, "null stays absent")
	}
	assert.Equal(t, erigones.Int{Int64: 0, Valid: true}, ds[1].Retention, "a real 0 is kept")
	assert.Equal(t, erigones.Bool{Bool: false, Valid: true}, ds[1].Active)
}

// api/task/task_views.py task_details, task_log and task_cancel, with
// api/task/response.py TaskSuccessResponse: bare objects, not envelopes.
func TestTaskViewsAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMock(t)
	m.answer(http.MethodGet, "/task/"+taskID+"/", reply{http.StatusOK, `{"view": "vm_backup", "method": "POST", "hostname": "web01.example.com", "disk_id": 1, "bkpname": "daily-20240301_120000", "vm": true, "time": "2024-03-01T12:00:00.123456+00:00", "task_id": "` + taskID + `"}`})
	m.answer(http.MethodGet, "/task/1e1d1-00000000-0000-4000-0000/", detail(http.StatusNotFound, "Task does not exist"))
	m.answer(http.MethodGet, "/task/log/", reply{http.StatusOK, `{"count": 101, "next": "https://dc.example.com/danube/api/task/log/?page=2", "previous": null, "results": [
		{"time": "2024-03-01T12:00:05.5+00:00", "task": "` + taskID + `", "status": "FAILURE", "username": "admin", "msg": "Create backup of server's disk", "detail": "Got bad return code (1). Error: zfs: out of space", "object_name": "web01.example.com", "object_alias": "web01", "object_type": "vm", "flag": 1}]}`})
	m.answer(http.MethodPut, "/task/"+taskID+"/cancel/", reply{http.StatusGone, `{"status": "REVOKED", "result": null, "task_id": "` + taskID + `"}`})
	c := m.client()

	d, err := c.Task(taskID, "").Details(ctx)
	require.NoError(t, err)
	assert.Equal(t, "daily-20240301_120000", d.Backup.Or(""))
	assert.Equal(t, time.Date(2024, 3, 1, 12, 0, 0, 123456000, time.UTC), d.Time.Time.UTC())
	_, err = c.Task("1e1d1-00000000-0000-4000-0000", "").Details(ctx)
	assert.True(t, erigones.IsNotFound(err))

	log, err := c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Page: 1, Status: erigones.TaskFailure, ObjectType: "vm",
		ObjectName: "web01", DateFrom: time.Date(2024, 3, 1, 23, 0, 0, 0, time.FixedZone("x", -3600)), HideAuto: true})
	require.NoError(t, err)
	require.Len(t, log.Entries, 1)
	assert.Equal(t, int64(101), log.Count.Or(0))
	assert.True(t, log.Next.Valid)
	assert.False(t, log.Previous.Valid)
	assert.Equal(t, "Got bad return code (1). Error: zfs: out of space", log.Entries[0].Detail.Or(""))
	q := m.requests()[len(m.requests())-1].Query
	assert.Equal(t, "2024-03-02", q.Get("date_from"), "the day in UTC")
	assert.Equal(t, "1", q.Get("page"))
	assert.Equal(t, "FAILURE", q.Get("status"))
	assert.Equal(t, "true", q.Get("hide_auto"))
	assert.Equal(t, "main", q.Get("dc"))

	res, err := c.Task(taskID, "lab").Cancel(ctx, &erigones.CancelTaskOptions{Force: true})
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskRevoked, res.Status)
	assert.JSONEq(t, `{"force": true, "dc": "lab"}`, string(m.requests()[len(m.requests())-1].Body))
}

// api/vm/backup/vm_backup_list.py and vm_backup.py: the "hostname"
// parameter (its presence) forces the original hostname; node lists send
// vm= empty for backups whose VM is gone (filter_backup_vm).
func TestVmBackupHostnameParameter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newMock(t)
	m.answer(http.MethodGet, "/vm/web01.example.com/backup/", ok(`[]`))
	m.answer(http.MethodGet, "/vm/web01.example.com/backup/daily-1/", ok(`{"hostname": "web01.example.com", "name": "daily-1"}`))
	m.answer(http.MethodPut, "/vm/web01.example.com/backup/daily-1/", pending(taskID))
	m.answer(http.MethodDelete, "/vm/web01.example.com/backup/daily-1/", pending(taskID))
	m.answer(http.MethodDelete, "/vm/web01.example.com/backup/", pending(taskID))
	m.answer(http.MethodGet, "/node/node99.example.com/backup/", ok(`[]`))
	c := m.client()
	_, err := c.Backups.List(ctx, "web01.example.com", &erigones.ListBackupsOptions{OriginalHostname: true})
	require.NoError(t, err)
	_, err = c.Backups.Get(ctx, "web01.example.com", "daily-1", &erigones.GetBackupOptions{OriginalHostname: true, DiskID: 2})
	require.NoError(t, err)
	_, err = c.Backups.Restore(ctx, "web01.example.com", "daily-1", &erigones.RestoreBackupOptions{OriginalHostname: true, TargetHostnameOrUUID: "web02", TargetDiskID: 1})
	require.NoError(t, err)
	_, err = c.Backups.Delete(ctx, "web01.example.com", "daily-1", &erigones.DeleteBackupOptions{OriginalHostname: true})
	require.NoError(t, err)
	_, err = c.Backups.DeleteMany(ctx, "web01.example.com", []string{"daily-1"}, &erigones.DeleteBackupOptions{OriginalHostname: true})
	require.NoError(t, err)
	_, err = c.Nodes.ListBackupNames(ctx, "node99.example.com", &erigones.ListBackupsOptions{WithoutVM: true, OriginalHostname: true})
	require.NoError(t, err)
	reqs := m.requests()
	require.Len(t, reqs, 6)
	assert.Equal(t, "web01.example.com", reqs[0].Query.Get("hostname"))
	assert.Equal(t, "web01.example.com", reqs[1].Query.Get("hostname"))
	assert.Equal(t, "2", reqs[1].Query.Get("disk_id"))
	assert.JSONEq(t, `{"target_hostname_or_uuid": "web02", "target_disk_id": 1, "hostname": "web01.example.com", "dc": "main"}`, string(reqs[2].Body))
	assert.JSONEq(t, `{"hostname": "web01.example.com", "dc": "main"}`, string(reqs[3].Body))
	assert.JSONEq(t, `{"bkpnames": ["daily-1"], "hostname": "web01.example.com", "dc": "main"}`, string(reqs[4].Body))
	assert.Equal(t, map[string][]string{"vm": {""}}, map[string][]string(reqs[5].Query), "node lists: vm empty, no hostname, no dc")
}
