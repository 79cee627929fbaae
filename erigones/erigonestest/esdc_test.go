package erigonestest_test

// Each test here follows one behaviour of the real server, read from its
// source (GitHub erigones/esdc-ce); the test name says which file.

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
)

// dummyID is a task id of a synchronous answer (type d).
const dummyID = `^1d1d\d-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}$`

// que/tasks.py execute: a held task lock and a worker that does not answer
// the ping are returned as errors that api/api_views.py answers with a
// FailureTaskResponse: 400 FAILURE with the message as the result.
func TestQueTasksExecuteLockAndWorkerAre400(t *testing.T) {
	t.Parallel()
	srv, c, clk := start(t)
	code, _, body, _ := raw(t, srv, http.MethodPost, "/api/vm/web01.example.com/backup/daily/", `{}`)
	require.Equal(t, http.StatusCreated, code, "%v", body)

	clk.add(time.Second) // a new name, the same disk
	code, _, body, _ = raw(t, srv, http.MethodPost, "/api/vm/web01.example.com/backup/daily/", `{}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "FAILURE", body["status"])
	assert.Equal(t, "Task did not acquire lock", body["result"])
	assert.Regexp(t, dummyID, body["task_id"])

	_, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	assert.True(t, erigones.IsTaskAlreadyRunning(err), "%v", err)
	assert.True(t, erigones.IsLocked(err))
	assert.False(t, erigones.IsWorkerNotResponding(err))
	// Deleting a backup of the same disk takes the same lock.
	_, err = c.Backups.Delete(ctx, erigonestest.FreshVM, "daily-20240301_100000", nil)
	assert.True(t, erigones.IsTaskAlreadyRunning(err), "%v", err)
	_, err = c.Backups.DeleteMany(ctx, erigonestest.FreshVM, []string{"daily-20240301_100000"}, nil)
	assert.True(t, erigones.IsTaskAlreadyRunning(err), "%v", err)

	require.NoError(t, srv.SetWorkerResponding(erigonestest.DemoBackupNode, false))
	code, _, body, _ = raw(t, srv, http.MethodPost, "/api/vm/db01.example.com/backup/daily/", `{}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "Task queue worker (backup@node99.example.com) is not responding!", body["result"])
	_, err = c.Backups.Create(ctx, erigonestest.FailedVM, "daily", nil)
	assert.True(t, erigones.IsWorkerNotResponding(err), "%v", err)
	assert.True(t, erigones.IsLocked(err))
	assert.False(t, erigones.IsTaskAlreadyRunning(err))
	require.NoError(t, srv.SetWorkerResponding(erigonestest.DemoBackupNode, true))
	task, err := c.Backups.Create(ctx, erigonestest.FailedVM, "daily", nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskPending, task.Initial().Status)
	assert.Error(t, srv.SetWorkerResponding("nope", true))
}

// api/vm/backup/tasks.py vm_backup_cb and que/exceptions.py TaskException:
// a success's detail holds only BACKUP_LOG_DETAIL keys (no backup name);
// a failure's message is stderr and its detail the summary.
func TestVmBackupTasksResults(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, erigonestest.WithTaskPolls(1))
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "hourly", &erigones.CreateBackupOptions{DiskID: 2})
	require.NoError(t, err)
	res, err := task.Wait(ctx)
	require.NoError(t, err)
	out := res.Output()
	assert.Equal(t, "Backup successfully created", out.Message)
	assert.Equal(t, int64(0), out.ReturnCode.Or(-1))
	for part := range strings.SplitSeq(out.Detail, ", ") {
		key, _, _ := strings.Cut(part, "=")
		assert.Contains(t, []string{"msg", "rc", "time_elapsed", "size", "backup_snapshot_size"}, key, out.Detail)
	}
	_, ok := out.DetailValue("size") // a file backup (api/vm/backup/tasks.py: file size)
	assert.True(t, ok)

	srv.FailNextTasks(1, "zfs: cannot open 'zones/backups': dataset does not exist")
	task, err = c.Backups.Delete(ctx, erigonestest.FreshVM, "daily-20240301_100000", nil)
	require.NoError(t, err)
	res, err = task.Wait(ctx)
	var failed *erigones.TaskFailedError
	require.ErrorAs(t, err, &failed)
	out = res.Output()
	assert.Equal(t, "zfs: cannot open 'zones/backups': dataset does not exist", out.Message)
	assert.Equal(t, "Got bad return code (1). Error: zfs: cannot open 'zones/backups': dataset does not exist", out.Detail)
	assert.Equal(t, out.Detail, failed.Messages[0])
	b, err := c.Backups.Get(ctx, erigonestest.FreshVM, "daily-20240301_100000", nil)
	require.NoError(t, err)
	assert.True(t, b.OK(), "a failed delete puts the backup back to OK")
}

// api/vm/snapshot/utils.py filter_disk_id(None, ...): the backup views
// check only that disk_id is an integer above 0; a disk the VM does not
// have matches nothing. Definitions validate the disk (get_disk_id).
func TestSnapshotUtilsFilterDiskID(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t)
	for _, tc := range []struct {
		method, path, body string
		code               int
		detail             string
	}{
		{http.MethodGet, "/api/vm/web01.example.com/backup/?disk_id=7&full=1", "", http.StatusOK, ""},
		{http.MethodGet, "/api/vm/web01.example.com/backup/daily-20240301_100000/?disk_id=7", "", http.StatusNotFound, "Backup not found"},
		{http.MethodDelete, "/api/vm/web01.example.com/backup/daily-20240301_100000/", `{"disk_id": 7}`, http.StatusNotFound, "Backup not found"},
		{http.MethodDelete, "/api/vm/web01.example.com/backup/", `{"disk_id": 7, "bkpnames": ["daily-20240301_100000"]}`, http.StatusNotFound, "Backup not found"},
		{http.MethodPut, "/api/vm/web01.example.com/backup/daily-20240301_100000/", `{"disk_id": "7", "note": "x"}`, http.StatusNotFound, "Backup not found"},
		{http.MethodGet, "/api/vm/web01.example.com/backup/?disk_id=0", "", http.StatusPreconditionFailed, "Invalid disk_id"},
		{http.MethodGet, "/api/vm/web01.example.com/backup/daily-20240301_100000/?disk_id=x", "", http.StatusPreconditionFailed, "Invalid disk_id"},
		{http.MethodGet, "/api/node/node99.example.com/backup/?disk_id=-1", "", http.StatusPreconditionFailed, "Invalid disk_id"},
		{http.MethodGet, "/api/vm/web01.example.com/define/backup/?disk_id=7", "", http.StatusPreconditionFailed, "Invalid disk_id"},
		{http.MethodPost, "/api/vm/web01.example.com/backup/daily/", `{"disk_id": 7}`, http.StatusPreconditionFailed, "Invalid disk_id"},
	} {
		code, _, body, b := raw(t, srv, tc.method, tc.path, tc.body)
		assert.Equal(t, tc.code, code, "%s %s %s", tc.method, tc.path, b)
		if tc.detail != "" {
			assert.Equal(t, tc.detail, body["detail"], tc.path)
		} else {
			assert.Equal(t, []any{}, body["result"], tc.path)
		}
	}
	list, err := c.Backups.List(ctx, erigonestest.FreshVM, &erigones.ListBackupsOptions{DiskID: 7})
	require.NoError(t, err)
	assert.Empty(t, list)
	_, err = c.Backups.Get(ctx, erigonestest.FreshVM, "daily-20240301_100000", &erigones.GetBackupOptions{DiskID: 7})
	assert.True(t, erigones.IsNotFound(err), "%v", err)
	_, err = c.Definitions.Get(ctx, erigonestest.FreshVM, "daily", &erigones.GetDefinitionOptions{DiskID: 7})
	assert.True(t, erigones.IsPreconditionFailed(err), "%v", err)
}

// api/vm/backup/vm_backup_list.py _init_vm and vm_backup.py: backups
// outlive their VM; an unknown VM lists by original hostname, and the
// "hostname" parameter forces that even when a VM of the name exists.
func TestVmBackupListOriginalHostname(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, erigonestest.WithTaskPolls(1))
	code, _, body, _ := raw(t, srv, http.MethodGet, "/api/vm/never.example.com/backup/", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, []any{}, body["result"])

	// web01 is deleted, and a new VM takes its name.
	vm := erigonestest.FreshVM
	require.NoError(t, srv.DeleteVM(vm))
	old, err := c.Backups.ListNames(ctx, vm, nil) // no VM of that name: original hostname
	require.NoError(t, err)
	require.Len(t, old, 4)
	require.NoError(t, srv.AddVM(erigonestest.VM{Hostname: vm, UUID: "11111111-2222-4333-8444-555555555555", Disks: []int{10240, 51200}}))

	list, err := c.Backups.List(ctx, vm, nil)
	require.NoError(t, err)
	assert.Empty(t, list, "the new VM has no backups")
	list, err = c.Backups.List(ctx, vm, &erigones.ListBackupsOptions{OriginalHostname: true})
	require.NoError(t, err)
	require.Len(t, list, 4)
	assert.False(t, list[0].VM.Valid, "the old VM is gone")
	code, _, _, _ = raw(t, srv, http.MethodGet, "/api/vm/web01.example.com/backup/?hostname=1&full=1", "")
	assert.Equal(t, http.StatusOK, code)

	name := "daily-20240301_100000"
	_, err = c.Backups.Get(ctx, vm, name, nil)
	assert.True(t, erigones.IsNotFound(err), "the new VM has no such backup: %v", err)
	b, err := c.Backups.Get(ctx, vm, name, &erigones.GetBackupOptions{OriginalHostname: true})
	require.NoError(t, err)
	assert.Equal(t, name, b.Name)
	b, err = c.Backups.UpdateNote(ctx, vm, name, "of the old web01", &erigones.UpdateNoteOptions{OriginalHostname: true})
	require.NoError(t, err)
	assert.Equal(t, "of the old web01", b.Note.Or(""))

	// Restore into the new VM (stopped), then delete: both reach the old backup.
	require.NoError(t, srv.SetVMStatus(vm, erigonestest.VMStopped))
	task, err := c.Backups.Restore(ctx, vm, name, &erigones.RestoreBackupOptions{
		OriginalHostname: true, TargetHostnameOrUUID: vm, TargetDiskID: 1,
	})
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
	task, err = c.Backups.Delete(ctx, vm, name, &erigones.DeleteBackupOptions{OriginalHostname: true})
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
	task, err = c.Backups.DeleteMany(ctx, vm, []string{"daily-20240229_100000"}, &erigones.DeleteBackupOptions{OriginalHostname: true})
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
	left, err := c.Backups.ListNames(ctx, vm, &erigones.ListBackupsOptions{OriginalHostname: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"hourly-20240301_110000", "daily-20240228_100000"}, left)
	var sent []string
	for _, call := range srv.Calls() {
		if strings.Contains(call.Body, `"hostname"`) || strings.Contains(call.RawQuery, "hostname=") {
			sent = append(sent, call.Method)
		}
	}
	assert.Equal(t, []string{"GET", "GET", "GET", "PUT", "PUT", "DELETE", "DELETE", "GET"}, sent)
}

// api/vm/backup/vm_backup_list.py filter_backup_vm: on node lists vm=
// filters by original hostname and an empty vm= keeps the backups whose VM
// is gone; order_by accepts hostname on per-VM lists too.
func TestVmBackupListFilterBackupVM(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t)
	_, err := srv.AddBackup(erigonestest.Backup{VM: "gone.example.com", Deleted: true, Name: "daily-20240101_000000"})
	require.NoError(t, err)
	names, err := c.Nodes.ListBackupNames(ctx, erigonestest.DemoBackupNode, &erigones.ListBackupsOptions{WithoutVM: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"daily-20240101_000000"}, names)
	last := srv.Calls()[len(srv.Calls())-1]
	assert.Equal(t, "vm=", last.RawQuery)
	bkps, err := c.Nodes.ListBackups(ctx, erigonestest.DemoBackupNode, &erigones.ListBackupsOptions{VM: erigonestest.StaleVM})
	require.NoError(t, err)
	assert.Len(t, bkps, 2)

	_, err = c.Nodes.ListBackups(ctx, erigonestest.DemoBackupNode, &erigones.ListBackupsOptions{WithoutVM: true, VM: "x"})
	assert.Error(t, err)
	_, err = c.Backups.List(ctx, erigonestest.FreshVM, &erigones.ListBackupsOptions{WithoutVM: true})
	assert.Error(t, err, "a per-VM list has no vm filter")

	names, err = c.Backups.ListNames(ctx, erigonestest.FreshVM, &erigones.ListBackupsOptions{OrderBy: []string{"hostname", "name"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"daily-20240228_100000", "daily-20240229_100000", "daily-20240301_100000", "hourly-20240301_110000"}, names)
}

// api/task/task_views.py task_details: a running task's apiview (with the
// backup's name) and task_id; a finished one is 404 "Task does not exist".
func TestTaskViewsTaskDetails(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, erigonestest.WithTaskPolls(2))
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	d, err := task.Details(ctx)
	require.NoError(t, err)
	assert.Equal(t, task.ID(), d.TaskID.Or(""))
	assert.Equal(t, "vm_backup", d.View.Or(""))
	assert.Equal(t, http.MethodPost, d.Method.Or(""))
	assert.Equal(t, "daily-20240301_120000", d.Backup.Or(""))
	assert.Equal(t, int64(1), d.DiskID.Or(0))
	assert.True(t, d.VM.Or(false))
	assert.Equal(t, t0, d.Time.Time)
	assert.Contains(t, string(d.Raw), `"bkpname"`)

	_, err = c.Task(task.ID(), erigonestest.LabDC).Details(ctx)
	assert.True(t, erigones.IsNotFound(err), "another datacenter's task: %v", err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
	_, err = task.Details(ctx)
	assert.True(t, erigones.IsNotFound(err), "finished: %v", err)
	code, _, body, _ := raw(t, srv, http.MethodGet, "/api/task/"+task.ID()+"/", "")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "Task does not exist", body["detail"])
}

// api/task/task_views.py task_log and api/task/task_log.py: the last 10
// entries without page; with page the TaskLogFilterSerializer filters, 100
// a page, and bare 400 field errors.
func TestTaskViewsTaskLog(t *testing.T) {
	t.Parallel()
	srv, c, clk := start(t, erigonestest.WithTaskPolls(1))
	srv.FailNextTasks(1, "esbackup: connection to node99 lost")
	task, err := c.Backups.Create(ctx, erigonestest.StaleVM, "daily", nil)
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.Error(t, err)
	for range 6 { // 12 more entries: more than the cached 10
		clk.add(time.Minute)
		task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
		require.NoError(t, err)
		_, err = task.Wait(ctx)
		require.NoError(t, err)
	}

	last, err := c.ListTaskLog(ctx, nil)
	require.NoError(t, err)
	require.Len(t, last.Entries, 10)
	assert.False(t, last.Count.Valid)
	assert.Equal(t, "SUCCESS", last.Entries[0].Status.Or(""))
	assert.True(t, last.Entries[0].TaskType.Valid, "the cached log carries task_type")

	failed, err := c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Page: 1, Status: erigones.TaskFailure, ObjectType: "vm", ObjectName: "db01"})
	require.NoError(t, err)
	require.Len(t, failed.Entries, 1)
	e := failed.Entries[0]
	assert.Equal(t, int64(1), failed.Count.Or(0))
	assert.Equal(t, "Create backup of server's disk", e.Msg.Or(""))
	assert.Equal(t, "Got bad return code (1). Error: esbackup: connection to node99 lost", e.Detail.Or(""))
	assert.Equal(t, erigonestest.StaleVM, e.ObjectName.Or(""))
	assert.Equal(t, int64(1), e.Flag.Or(-1), "create")
	assert.False(t, failed.Next.Valid)

	// The PENDING entry of a create names the backup (vm_backup.py _detail).
	all, err := c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Page: 1, OrderBy: []string{"time"}})
	require.NoError(t, err)
	assert.Equal(t, int64(14), all.Count.Or(0))
	assert.Equal(t, "PENDING", all.Entries[0].Status.Or(""))
	assert.Equal(t, "hostname='db01.example.com', bkpname='daily-20240301_120000', disk_id=1, fsfreeze=false", all.Entries[0].Detail.Or(""))

	none, err := c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Page: 1, DateFrom: t0.Add(48 * time.Hour)})
	require.NoError(t, err)
	assert.Empty(t, none.Entries)
	_, err = c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Page: 2})
	assert.True(t, erigones.IsNotFound(err), "past the end: %v", err)
	_, err = c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Page: 1, Status: "DONE"})
	var apiErr *erigones.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Contains(t, apiErr.Fields, "status")
	var verr *erigones.ValidationError
	_, err = c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Status: erigones.TaskFailure})
	assert.ErrorAs(t, err, &verr, "filters need a page")
	_, err = c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Page: 1, ObjectName: "db01"})
	assert.ErrorAs(t, err, &verr)
	code, _, body, _ := raw(t, srv, http.MethodGet, "/api/task/log/?page=1&object_name=db01", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, []any{"object_type attribute is required when filtering by object_name."}, body["object_type"])
}

// api/task/task_views.py task_cancel: force kills with SIGKILL; the log
// says "terminated (9)" (que/handlers.py task_revoked_handler), or
// "revoked" for a task that had not started.
func TestTaskViewsTaskCancelForce(t *testing.T) {
	t.Parallel()
	srv, c, clk := start(t, erigonestest.WithTaskPolls(5))
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	_, err = task.Status(ctx) // now STARTED
	require.NoError(t, err)
	res, err := task.Cancel(ctx, &erigones.CancelTaskOptions{Force: true})
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskRevoked, res.Status)
	calls := srv.Calls()
	assert.JSONEq(t, `{"force": true}`, calls[len(calls)-1].Body)

	clk.add(time.Second)
	task2, err := c.Backups.Create(ctx, erigonestest.StaleVM, "daily", nil)
	require.NoError(t, err)
	_, err = task2.Cancel(ctx, nil)
	require.NoError(t, err)

	log, err := c.ListTaskLog(ctx, &erigones.ListTaskLogOptions{Page: 1, Status: erigones.TaskRevoked})
	require.NoError(t, err)
	require.Len(t, log.Entries, 2)
	assert.Equal(t, "revoked", log.Entries[0].Detail.Or(""), "task2 never ran")
	assert.Equal(t, "terminated (9)", log.Entries[1].Detail.Or(""))
	_, err = task.Cancel(ctx, nil)
	assert.True(t, erigones.IsNotAcceptable(err), "%v", err)
}

// vms/models/backup.py generate_backup_name and api/vm/backup/tasks.py:
// the result names no backup; Created finds it in the list.
func TestCreatedFindsTheBackup(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t, erigonestest.WithTaskPolls(1))
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "hourly", &erigones.CreateBackupOptions{DiskID: 2, Note: "n"})
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
	b, err := c.Backups.Created(ctx, task)
	require.NoError(t, err)
	assert.Equal(t, "hourly-20240301_120000", b.Name)
	assert.Equal(t, "n", b.Note.Or(""))
	assert.True(t, b.OK())

	// A task of another call has nothing to find.
	del, err := c.Backups.Delete(ctx, erigonestest.FreshVM, "daily-20240228_100000", nil)
	require.NoError(t, err)
	_, err = c.Backups.Created(ctx, del)
	assert.Error(t, err)
	_, err = c.Backups.Created(ctx, nil)
	assert.Error(t, err)

	// A failed backup is removed (api/vm/backup/tasks.py _vm_backup_cb_failed).
	srv, c2, _ := start(t, erigonestest.WithTaskPolls(1))
	srv.FailNextTasks(1, "boom")
	_, _, err = c2.Backups.CreateAndWait(ctx, erigonestest.FreshVM, "daily", nil)
	assert.True(t, erigones.IsTaskFailed(err), "%v", err)
	task, err = c2.Backups.Create(ctx, erigonestest.StaleVM, "daily", nil)
	require.NoError(t, err)
	srv.FinishTasks()
	b, err = c2.Backups.Created(ctx, task)
	require.NoError(t, err)
	assert.Equal(t, "daily-20240301_120000", b.Name)
	var notFound *erigones.CreatedBackupError
	assert.False(t, errors.As(err, &notFound))
}
