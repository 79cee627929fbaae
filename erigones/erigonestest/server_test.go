package erigonestest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/internal/golden"
)

var t0 = time.Date(2024, time.March, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// start runs a fake with a clock at t0 and returns it with an API-key client.
func start(t *testing.T, opts ...erigonestest.Option) (*erigonestest.Server, *erigones.Client, *clock) {
	t.Helper()
	clk := &clock{t: t0}
	srv, err := erigonestest.NewServer(append([]erigonestest.Option{erigonestest.WithNow(clk.now)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv, client(t, srv, erigones.WithAPIKey(srv.APIKey())), clk
}

func client(t *testing.T, srv *erigonestest.Server, opts ...erigones.Option) *erigones.Client {
	t.Helper()
	c, err := erigones.NewClient(srv.URL(), append([]erigones.Option{
		erigones.WithHTTPClient(srv.HTTPClient()),
		erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Millisecond)),
		erigones.WithRetryPolicy(erigones.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

var ctx = context.Background()

// TestDemoDataVerdicts checks that the demo data shows every freshness
// verdict, with times relative to the fake's clock.
func TestDemoDataVerdicts(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t)
	newestOK := func(vm string) (time.Time, bool) {
		bkps, err := c.Backups.List(ctx, vm, nil)
		require.NoError(t, err)
		for _, b := range bkps { // newest first
			if b.OK() {
				return b.Created.Time, true
			}
		}
		return time.Time{}, false
	}
	fresh, ok := newestOK(erigonestest.FreshVM)
	require.True(t, ok)
	assert.Equal(t, time.Hour, t0.Sub(fresh))

	stale, ok := newestOK(erigonestest.StaleVM)
	require.True(t, ok)
	assert.Greater(t, t0.Sub(stale), 3*24*time.Hour)

	failed, err := c.Backups.List(ctx, erigonestest.FailedVM, nil)
	require.NoError(t, err)
	require.Len(t, failed, 3)
	assert.Equal(t, erigones.BackupStatusLost, failed[0].Status)
	assert.Equal(t, erigones.BackupStatusLost, failed[1].Status)
	assert.Equal(t, erigones.BackupStatusOK, failed[2].Status)

	none, err := c.Backups.List(ctx, erigonestest.UnprotectedVM, nil)
	require.NoError(t, err)
	assert.Empty(t, none)
	assert.NotNil(t, none)
	defs, err := c.Definitions.ListNames(ctx, erigonestest.UnprotectedVM, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"weekly"}, defs, "protected by a definition, yet without backups")

	all, err := c.Definitions.ListForAllVMs(ctx, &erigones.ListDefinitionsOptions{Extended: true})
	require.NoError(t, err)
	golden.AssertJSON(t, "demo-definitions", all)
	inventory, err := c.Nodes.ListBackups(ctx, erigonestest.DemoBackupNode, &erigones.ListBackupsOptions{OrderBy: []string{"hostname", "-created"}})
	require.NoError(t, err)
	golden.AssertJSON(t, "demo-node-backups", inventory)
}

func TestDatacenters(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t)
	_, err := c.Backups.List(ctx, erigonestest.LabVM, nil)
	require.NoError(t, err, "the backup list of an unknown VM is empty, not an error")
	_, err = c.Definitions.List(ctx, erigonestest.LabVM, nil)
	assert.True(t, erigones.IsNotFound(err), "LabVM is not in the default datacenter: %v", err)

	lab := client(t, srv, erigones.WithAPIKey(srv.APIKey()), erigones.WithDC(erigonestest.LabDC))
	defs, err := lab.Definitions.ListNamesForAllVMs(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"daily"}, defs)
	bkps, err := lab.Backups.List(ctx, erigonestest.LabVM, nil)
	require.NoError(t, err)
	assert.Len(t, bkps, 1)

	// A per-call override beats the client's default.
	defs, err = lab.Definitions.ListNamesForAllVMs(ctx, &erigones.ListDefinitionsOptions{DC: erigonestest.DemoDC})
	require.NoError(t, err)
	assert.Len(t, defs, 5)

	_, err = c.Definitions.ListForAllVMs(ctx, &erigones.ListDefinitionsOptions{DC: "nowhere"})
	assert.True(t, erigones.IsNotFound(err))

	// Node lists are not DC-bound: every datacenter's backups show, with their dc.
	inv, err := c.Nodes.ListBackups(ctx, erigonestest.DemoBackupNode, &erigones.ListBackupsOptions{VM: erigonestest.LabVM})
	require.NoError(t, err)
	require.Len(t, inv, 1)
	assert.Equal(t, erigonestest.LabDC, inv[0].DC.Or(""))
}

func TestDefinitionCRUD(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t)
	vm := erigonestest.FailedVM

	_, err := c.Definitions.Create(ctx, vm, "custom", &erigones.CreateDefinitionOptions{Node: erigonestest.DemoComputeNode, Zpool: "tank"})
	var apiErr *erigones.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, map[string][]string{
		"node":      {"Object with hostname=node01.example.com does not exist."},
		"retention": {"This field is required."},
		"schedule":  {"This field is required."},
	}, apiErr.Fields)
	assert.NotEmpty(t, apiErr.RequestID)

	_, err = c.Definitions.Create(ctx, vm, "custom", &erigones.CreateDefinitionOptions{Node: erigonestest.DemoBackupNode, Zpool: "tank", Schedule: "1 2 * * *", Retention: new(3)})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, map[string][]string{"zpool": {"Zpool does not exist on node."}}, apiErr.Fields)

	_, err = c.Definitions.Create(ctx, vm, "daily", &erigones.CreateDefinitionOptions{Node: erigonestest.DemoBackupNode})
	assert.True(t, erigones.IsAlreadyExists(err), "%v", err)

	// Predefined names get a schedule and retention.
	weekly, err := c.Definitions.Create(ctx, vm, "weekly", &erigones.CreateDefinitionOptions{Node: erigonestest.DemoBackupNode})
	require.NoError(t, err)
	assert.Equal(t, int64(12), weekly.Retention.Or(0))
	assert.NotEmpty(t, weekly.Schedule.Or(""))
	assert.True(t, weekly.Active.Or(false))

	def, err := c.Definitions.Create(ctx, vm, "custom", &erigones.CreateDefinitionOptions{
		Type: erigones.BackupTypeFile, Node: erigonestest.DemoBackupNode, Zpool: "backups", Schedule: "30  4 * * 6",
		Retention: new(0), Active: new(false), Compression: new(erigones.CompressionBzip2),
		Bwlimit: new(4096), Desc: "file backups", Fsfreeze: true,
	})
	require.NoError(t, err)
	assert.Equal(t, erigones.BackupTypeFile, def.Type)
	assert.Equal(t, "30 4 * * 6", def.Schedule.Or(""))
	assert.Equal(t, erigones.Int{Int64: 0, Valid: true}, def.Retention)
	assert.False(t, def.Active.Or(true))
	assert.Equal(t, erigones.CompressionBzip2, def.Compression)
	assert.Equal(t, int64(4096), def.Bwlimit.Or(0))
	assert.True(t, def.Fsfreeze.Or(false))
	assert.Equal(t, erigonestest.DemoDC, def.DC.Or(""))

	def, err = c.Definitions.Update(ctx, vm, "custom", &erigones.UpdateDefinitionOptions{
		RemoveBwlimit: true, Retention: new(5), Desc: new(""), Active: new(true),
	})
	require.NoError(t, err)
	assert.False(t, def.Bwlimit.Valid)
	assert.Equal(t, int64(5), def.Retention.Or(0))
	assert.Equal(t, erigones.String{Value: "", Valid: true}, def.Desc)
	assert.True(t, def.Active.Or(false))
	assert.Equal(t, erigones.BackupTypeFile, def.Type)

	_, err = c.Definitions.Update(ctx, vm, "custom", &erigones.UpdateDefinitionOptions{Compression: new(erigones.Compression(9))})
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Fields, "compression")

	got, err := c.Definitions.Get(ctx, vm, "custom", &erigones.GetDefinitionOptions{Extended: true})
	require.NoError(t, err)
	assert.Equal(t, int64(0), got.Backups.Or(-1))
	_, err = c.Definitions.Get(ctx, vm, "custom", &erigones.GetDefinitionOptions{DiskID: 2})
	assert.True(t, erigones.IsPreconditionFailed(err), "the VM has one disk: %v", err)

	names, err := c.Definitions.ListNames(ctx, vm, &erigones.ListDefinitionsOptions{OrderBy: []string{"name"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"custom", "daily", "weekly"}, names)
	_, err = c.Definitions.ListNames(ctx, vm, &erigones.ListDefinitionsOptions{OrderBy: []string{"size"}})
	assert.True(t, erigones.IsPreconditionFailed(err))

	// Deleting a definition keeps its backups, without a definition.
	require.NoError(t, c.Definitions.Delete(ctx, vm, "daily", nil))
	_, err = c.Definitions.Get(ctx, vm, "daily", nil)
	assert.True(t, erigones.IsNotFound(err))
	bkps, err := c.Backups.List(ctx, vm, nil)
	require.NoError(t, err)
	require.Len(t, bkps, 3)
	assert.False(t, bkps[0].Define.Valid)
}

func TestBackupLifecycle(t *testing.T) {
	t.Parallel()
	srv, c, clk := start(t, erigonestest.WithTaskPolls(3))
	vm := erigonestest.FreshVM

	task, err := c.Backups.Create(ctx, vm, "daily", &erigones.CreateBackupOptions{Note: "manual"})
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskPending, task.Initial().Status)
	assert.Equal(t, []string{task.ID()}, srv.PendingTasks())
	ids, err := c.ListTasks(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{task.ID()}, ids)

	b, err := c.Backups.Get(ctx, vm, "daily-20240301_120000", nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.BackupStatusPending, b.Status)
	assert.False(t, b.Size.Valid)

	// Same definition and second: the name exists.
	_, err = c.Backups.Create(ctx, vm, "daily", nil)
	assert.True(t, erigones.IsAlreadyExists(err), "%v", err)
	// A second later the lock of the running task refuses it: 400
	// "Task did not acquire lock" (que/tasks.py execute, api/api_views.py).
	clk.add(time.Second)
	_, err = c.Backups.Create(ctx, vm, "daily", nil)
	assert.True(t, erigones.IsTaskAlreadyRunning(err), "%v", err)
	assert.True(t, erigones.IsLocked(err))
	assert.True(t, erigones.IsBadRequest(err))

	st, err := task.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskStarted, st.Status)
	done, err := task.Done(ctx)
	require.NoError(t, err)
	assert.False(t, done)

	res, err := task.Wait(ctx)
	require.NoError(t, err)
	_, named := res.Output().DetailValue("name")
	assert.False(t, named, "api/vm/backup/tasks.py: the result never names the backup")
	assert.Equal(t, "Backup successfully created", res.Output().Message)
	created, err := c.Backups.Created(ctx, task)
	require.NoError(t, err)
	name := created.Name
	assert.Equal(t, "daily-20240301_120000", name)
	done, err = task.Done(ctx)
	require.NoError(t, err)
	assert.True(t, done)

	b, err = c.Backups.Get(ctx, vm, name, nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.BackupStatusOK, b.Status)
	assert.True(t, b.Size.Valid)
	assert.Equal(t, "manual", b.Note.Or(""))
	assert.Contains(t, b.FilePath.Or(""), "@is-")

	b, err = c.Backups.UpdateNote(ctx, vm, name, "kept", nil)
	require.NoError(t, err)
	assert.Equal(t, "kept", b.Note.Or(""))
	_, err = c.Backups.UpdateNote(ctx, vm, name, string(make([]byte, 129)), nil)
	var apiErr *erigones.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Fields, "note")

	// Results expire after an hour: the id then reads as pending.
	clk.add(2 * time.Hour)
	st, err = task.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskPending, st.Status)
}

func TestTaskFailureOnDemand(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, erigonestest.WithTaskPolls(1))
	srv.FailNextTasks(1, "zfs send failed")
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	res, err := task.Wait(ctx)
	var failed *erigones.TaskFailedError
	require.ErrorAs(t, err, &failed)
	// que/exceptions.py TaskException: the summary in detail, stderr in message.
	assert.Equal(t, "Got bad return code (1). Error: zfs send failed", failed.Messages[0])
	assert.Equal(t, "zfs send failed", res.Output().Message)
	assert.Equal(t, erigones.TaskFailure, res.Status)
	_, err = c.Backups.Get(ctx, erigonestest.FreshVM, "daily-20240301_120000", nil)
	assert.True(t, erigones.IsNotFound(err), "a failed backup is removed")
	done, err := task.Done(ctx)
	assert.False(t, done)
	assert.True(t, erigones.IsTaskFailed(err))

	// The next task succeeds again.
	task, err = c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
}

func TestCancel(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t, erigonestest.WithTaskPolls(100))
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	res, err := task.Cancel(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskRevoked, res.Status)
	_, err = task.Wait(ctx)
	assert.True(t, erigones.IsTaskRevoked(err), "%v", err)
	_, err = c.Backups.Get(ctx, erigonestest.FreshVM, "daily-20240301_120000", nil)
	assert.True(t, erigones.IsNotFound(err))
	_, err = task.Cancel(ctx, nil)
	assert.True(t, erigones.IsNotAcceptable(err))
	assert.Empty(t, srv.PendingTasks())

	// Another datacenter cannot cancel it.
	task, err = c.Backups.Create(ctx, erigonestest.StaleVM, "daily", nil)
	require.NoError(t, err)
	_, err = c.Task(task.ID(), erigonestest.LabDC).Cancel(ctx, nil)
	assert.True(t, erigones.IsNotAcceptable(err))
	srv.FinishTasks()
	res, err = task.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskSuccess, res.Status)
}

func TestRestore(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t)
	src := erigonestest.FreshVM
	bkps, err := c.Backups.ListNames(ctx, src, &erigones.ListBackupsOptions{Define: "daily"})
	require.NoError(t, err)
	name := bkps[0]

	_, err = c.Backups.Restore(ctx, src, name, nil)
	var apiErr *erigones.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ElementsMatch(t, []string{"target_hostname_or_uuid", "target_disk_id"}, keys(apiErr.Fields))

	to := func(vm string, disk int) *erigones.RestoreBackupOptions {
		return &erigones.RestoreBackupOptions{TargetHostnameOrUUID: vm, TargetDiskID: disk}
	}
	_, err = c.Backups.Restore(ctx, src, name, to(erigonestest.FailedVM, 1))
	assert.True(t, erigones.IsLocked(err), "target VM runs: %v", err)
	assert.Contains(t, err.Error(), "VM is not stopped")
	_, err = c.Backups.Restore(ctx, src, name, to(erigonestest.StaleVM, 1))
	assert.True(t, erigones.IsPreconditionRequired(err), "disk sizes differ: %v", err)
	_, err = c.Backups.Restore(ctx, src, name, to(erigonestest.FailedVM, 2))
	assert.True(t, erigones.IsPreconditionFailed(err), "no disk 2: %v", err)
	_, err = c.Backups.Restore(ctx, src, name, to("nowhere.example.com", 1))
	assert.True(t, erigones.IsNotFound(err))

	lost, err := c.Backups.ListNames(ctx, erigonestest.FailedVM, nil)
	require.NoError(t, err)
	_, err = c.Backups.Restore(ctx, erigonestest.FailedVM, lost[0], to(erigonestest.FailedVM, 1))
	assert.True(t, erigones.IsExpectationFailed(err), "a lost backup cannot be restored: %v", err)

	require.NoError(t, srv.SetVMStatus(erigonestest.FailedVM, erigonestest.VMStopped))
	// A backup of the stopped target runs: the restore waits for no one.
	bt, err := c.Backups.Create(ctx, erigonestest.FailedVM, "daily", nil)
	require.NoError(t, err)
	_, err = c.Backups.Restore(ctx, src, name, to(erigonestest.FailedVM, 1))
	assert.True(t, erigones.IsConflict(err), "%v", err)
	assert.True(t, erigones.IsTaskAlreadyRunning(err))
	_, err = bt.Wait(ctx)
	require.NoError(t, err)

	task, err := c.Backups.Restore(ctx, src, name, &erigones.RestoreBackupOptions{
		TargetHostnameOrUUID: erigonestest.FailedVM, TargetDiskID: 1, Force: new(false),
	})
	require.NoError(t, err)
	b, err := c.Backups.Get(ctx, src, name, nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.BackupStatusRestore, b.Status)
	_, err = c.Backups.Restore(ctx, src, name, to(erigonestest.FailedVM, 1))
	assert.True(t, erigones.IsExpectationFailed(err), "the backup is being restored: %v", err)

	res, err := task.Wait(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Backup successfully restored", res.Output().Message)
	b, err = c.Backups.Get(ctx, src, name, nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.BackupStatusOK, b.Status)
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDeleteBackups(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t)
	vm := erigonestest.FailedVM
	all, err := c.Backups.List(ctx, vm, nil)
	require.NoError(t, err)
	require.Len(t, all, 3)

	// A lost backup is removed from the database at once.
	task, err := c.Backups.Delete(ctx, vm, all[0].Name, nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskSuccess, task.Initial().Status)
	res, err := task.Wait(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Backup successfully deleted from DB", res.Output().Message)

	// An OK backup is deleted by a task.
	task, err = c.Backups.Delete(ctx, vm, all[2].Name, nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskPending, task.Initial().Status)
	b, err := c.Backups.Get(ctx, vm, all[2].Name, nil)
	require.NoError(t, err)
	assert.Equal(t, erigones.BackupStatusPending, b.Status)
	_, err = c.Backups.Delete(ctx, vm, all[2].Name, nil)
	assert.True(t, erigones.IsExpectationFailed(err), "pending: %v", err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
	_, err = c.Backups.Get(ctx, vm, all[2].Name, nil)
	assert.True(t, erigones.IsNotFound(err))

	// Delete many: the fresh VM's daily backups.
	names, err := c.Backups.ListNames(ctx, erigonestest.FreshVM, &erigones.ListBackupsOptions{DiskID: 1})
	require.NoError(t, err)
	require.Len(t, names, 3)
	task, err = c.Backups.DeleteMany(ctx, erigonestest.FreshVM, append(names[1:], "daily-20000101_000000"), nil)
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
	left, err := c.Backups.ListNames(ctx, erigonestest.FreshVM, &erigones.ListBackupsOptions{DiskID: 1})
	require.NoError(t, err)
	assert.Equal(t, names[:1], left)
	_, err = c.Backups.DeleteMany(ctx, erigonestest.FreshVM, []string{"daily-20000101_000000"}, nil)
	assert.True(t, erigones.IsNotFound(err))
	_, err = c.Backups.DeleteMany(ctx, erigonestest.FreshVM, names[:1], &erigones.DeleteBackupOptions{DiskID: 2})
	assert.True(t, erigones.IsNotFound(err), "not on disk 2")
}

func TestNodeLists(t *testing.T) {
	t.Parallel()
	_, c, _ := start(t)
	node := erigonestest.DemoBackupNode
	names, err := c.Nodes.ListDefinitionNames(ctx, node, &erigones.ListDefinitionsOptions{OrderBy: []string{"hostname", "name"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"daily", "daily", "weekly", "daily", "daily", "hourly"}, names)
	defs, err := c.Nodes.ListDefinitions(ctx, node, &erigones.ListDefinitionsOptions{Extended: true})
	require.NoError(t, err)
	assert.Len(t, defs, 6)
	assert.True(t, defs[0].Backups.Valid)

	bkps, err := c.Nodes.ListBackupNames(ctx, node, &erigones.ListBackupsOptions{VM: erigonestest.StaleVM, Define: "daily", DiskID: 1})
	require.NoError(t, err)
	assert.Len(t, bkps, 2)
	full, err := c.Nodes.ListBackups(ctx, node, &erigones.ListBackupsOptions{OrderBy: []string{"-size"}})
	require.NoError(t, err)
	assert.Len(t, full, 10)
	for i := 1; i < len(full); i++ {
		assert.GreaterOrEqual(t, full[i-1].Size.Or(0), full[i].Size.Or(0))
	}
	_, err = c.Nodes.ListBackups(ctx, "nonode.example.com", nil)
	assert.True(t, erigones.IsNotFound(err))
	empty, err := c.Nodes.ListBackups(ctx, erigonestest.DemoComputeNode, nil)
	require.NoError(t, err)
	assert.Empty(t, empty)
}

func TestRetention(t *testing.T) {
	t.Parallel()
	_, c, clk := start(t)
	_, err := c.Definitions.Update(ctx, erigonestest.FreshVM, "daily", &erigones.UpdateDefinitionOptions{Retention: new(2)})
	require.NoError(t, err)
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.NoError(t, err)
	clk.add(time.Minute)
	names, err := c.Backups.ListNames(ctx, erigonestest.FreshVM, &erigones.ListBackupsOptions{Define: "daily"})
	require.NoError(t, err)
	assert.Equal(t, []string{"daily-20240301_120000", "daily-20240301_100000"}, names, "the oldest beyond retention are deleted")
}

func TestDeletedVM(t *testing.T) {
	t.Parallel()
	srv, c, _ := start(t)
	require.NoError(t, srv.DeleteVM(erigonestest.StaleVM))
	bkps, err := c.Backups.List(ctx, erigonestest.StaleVM, nil)
	require.NoError(t, err, "backups of a deleted VM are found by hostname")
	require.Len(t, bkps, 2)
	assert.False(t, bkps[0].VM.Valid)
	assert.False(t, bkps[0].VMUUID.Valid)
	assert.False(t, bkps[0].Define.Valid)
	_, err = c.Backups.Get(ctx, erigonestest.StaleVM, bkps[0].Name, nil)
	require.NoError(t, err)
	_, err = c.Definitions.List(ctx, erigonestest.StaleVM, nil)
	assert.True(t, erigones.IsNotFound(err))

	name, err := srv.AddBackup(erigonestest.Backup{VM: "gone.example.com", Deleted: true, Name: "old-1", Status: 4})
	require.NoError(t, err)
	task, err := c.Backups.Delete(ctx, "gone.example.com", name, nil)
	require.NoError(t, err)
	assert.True(t, task.Initial().Status.Final())
}
