package main

import (
	"io"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

func TestOnAppActions(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	before := len(f.onapp.Backups())

	r := f.run(t, "onapp", "backup", "create", "-vm", "101", "-note", "before the upgrade", "-no-wait")
	requireOK(t, r)
	assertGolden(t, "onapp-create-vm.txt", r.stdout)
	backups := f.onapp.Backups()
	require.Len(t, backups, before+1)
	created := backups[len(backups)-1]
	assert.Equal(t, "incremental", created.Type)
	assert.Equal(t, int64(101), created.VMID)
	assert.Equal(t, "before the upgrade", created.Note)
	assert.False(t, created.Built)

	r = f.run(t, "-o", "json", "onapp", "backup", "create", "-disk", "1002", "-no-wait")
	requireOK(t, r)
	assertGolden(t, "onapp-create-disk.json", r.stdout)
	var got []onapp.Backup
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
	require.Len(t, got, 1)
	assert.Equal(t, onapp.BackupTypeNormal, got[0].BackupType.Value)
	assert.Equal(t, int64(1002), got[0].DiskID.Int64)

	r = f.run(t, "onapp", "backup", "restore", "-id", "1", "-yes")
	requireOK(t, r)
	assert.Equal(t, "restore of backup 1 scheduled (201 Created)\n", r.stdout)
	r = f.run(t, "-o", "json", "onapp", "backup", "restore", "-id", "2", "-yes")
	requireOK(t, r)
	assertGolden(t, "onapp-restore.json", r.stdout)
	assert.Equal(t, []int64{1, 2}, f.onapp.Restores())

	r = f.run(t, "onapp", "backup", "delete", "-id", "3", "-yes")
	requireOK(t, r)
	assert.Equal(t, "deleted backup 3\n", r.stdout)
	_, ok := f.onapp.Backup(3)
	assert.False(t, ok)
	r = f.run(t, "-o", "json", "onapp", "backup", "delete", "-id", "4", "-yes")
	requireOK(t, r)
	assert.JSONEq(t, `[{"provider":"onapp","action":"delete","id":"4"}]`, r.stdout)

	// Deleting it again: the API's 404, one line.
	r = f.run(t, "onapp", "backup", "delete", "-id", "4", "-yes")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "backupctl: onapp: 404 Not Found: Backup not found\n", r.stderr)
}

func TestErigonesActions(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	ctx := background()
	c, err := erigones.NewClient(f.erigones.URL(), erigones.WithAPIKey(f.erigones.APIKey()))
	require.NoError(t, err)

	// create waits for the task and names the new backup.
	r := f.run(t, "erigones", "backup", "create", "-vm", erigonestest.FreshVM, "-define", "daily", "-note", "by backupctl")
	requireOK(t, r)
	assertGolden(t, "erigones-create.txt", r.stdout)
	b, err := c.Backups.Get(ctx, erigonestest.FreshVM, "daily-20240301_120000", nil)
	require.NoError(t, err)
	assert.True(t, b.OK())
	assert.Equal(t, "by backupctl", b.Note.Or(""))
	assert.Empty(t, f.erigones.PendingTasks())

	// restore into the stopped VM, as JSON: the final task result.
	r = f.run(t, "-o", "json", "erigones", "backup", "restore", "-vm", erigonestest.StaleVM, "-name", "daily-20240225_100000", "-yes")
	requireOK(t, r)
	assertGolden(t, "erigones-restore.json", r.stdout)
	var res []erigones.TaskResult
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Len(t, res, 1)
	assert.Equal(t, erigones.TaskSuccess, res[0].Status)

	// delete.
	r = f.run(t, "erigones", "backup", "delete", "-vm", erigonestest.FreshVM, "-name", "daily-20240228_100000", "-yes")
	requireOK(t, r)
	assertGolden(t, "erigones-delete.txt", r.stdout)
	_, err = c.Backups.Get(ctx, erigonestest.FreshVM, "daily-20240228_100000", nil)
	assert.True(t, erigones.IsNotFound(err), "%v", err)

	// -no-wait returns with the task still pending.
	r = f.run(t, "erigones", "backup", "create", "-vm", erigonestest.FreshVM, "-define", "hourly", "-disk", "2", "-no-wait")
	requireOK(t, r)
	assert.Regexp(t, `^task \S+ accepted \(PENDING\); follow it on the server\n$`, r.stdout)
	assert.Len(t, f.erigones.PendingTasks(), 1)
}

func TestErigonesTaskFails(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	f.erigones.FailNextTasks(1, "zfs: out of space on node99")
	r := f.run(t, "erigones", "backup", "create", "-vm", erigonestest.FreshVM, "-define", "daily")
	assert.Equal(t, exitError, r.code)
	assert.Empty(t, r.stdout)
	require.Len(t, lines(r.stderr), 1)
	assert.Regexp(t, `^backupctl: erigones: task \S+ failed: .*zfs: out of space on node99`, r.stderr)
}

func TestErigonesRefusedBeforeTask(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	// The fresh VM runs: a restore into it is refused (423) before a task.
	r := f.run(t, "erigones", "backup", "restore", "-vm", erigonestest.FreshVM, "-name", "daily-20240301_100000", "-yes")
	assert.Equal(t, exitError, r.code)
	assert.Regexp(t, `^backupctl: erigones: 423 Locked: \S`, r.stderr)
}

func TestErigonesProgressOnTerminal(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	e := testEnv(f.vars)
	e.isTerminal = func(w io.Writer) bool { return true }
	r := runEnv(t, e, "erigones", "backup", "create", "-vm", erigonestest.FreshVM, "-define", "daily")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "\rbackupctl: erigones: task "), "%q", r.stderr)
	assert.Contains(t, r.stderr, " PENDING, 0s\x1b[K")
	assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[K"), "the line is cleared: %q", r.stderr)
	assert.NotContains(t, r.stdout, "\r")

	// Not a terminal (the default in tests): no progress at all.
	r = f.run(t, "erigones", "backup", "create", "-vm", erigonestest.FreshVM, "-define", "hourly", "-disk", "2")
	requireOK(t, r)
}

func TestCloudBackupActions(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	demo := f.cbr.Demo()

	// In place: the server backup goes back to its server, each disk
	// backup to its disk.
	r := f.run(t, "cloudbackup", "backup", "restore", "-id", demo.FreshBackupID, "-yes", "-no-wait")
	requireOK(t, r)
	assert.Regexp(t, `^restore of backup `+demo.FreshBackupID+` started \(task \S+\)\n$`, r.stdout)
	b, ok := f.cbr.Backup(demo.FreshBackupID)
	require.True(t, ok)
	assert.Equal(t, cloudbackup.BackupStatusRestoring, b.Status)

	// To a given disk, waiting for the task, in JSON.
	r = f.run(t, "-o", "json", "cloudbackup", "backup", "restore", "-id", demo.VolumeBackupID, "-volume", demo.Volume.ID, "-yes")
	requireOK(t, r)
	var res []cloudbackup.RestoreResult
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Len(t, res, 1)
	require.NotEmpty(t, res[0].JobID)
	op, ok := f.cbr.OperationLog(res[0].JobID)
	require.True(t, ok)
	assert.Equal(t, cloudbackup.OperationStatusSuccess, op.Status, "waited for")
	assert.Equal(t, demo.Volume.ID, op.ExtraInfo.Restore.TargetResourceID)

	// A server backup restored to another server with explicit mappings.
	fresh, _ := f.cbr.Backup(demo.FreshBackupID)
	args := []string{"cloudbackup", "backup", "restore", "-id", demo.FreshBackupID, "-server", "other-server", "-yes"}
	for _, ch := range fresh.Children {
		args = append(args, "-map", ch.ID+"=vol-"+ch.ResourceName)
	}
	r = f.run(t, args...)
	// It is being restored already (the first restore): the API refuses.
	assert.Equal(t, exitError, r.code)
	assert.Regexp(t, `^backupctl: cloudbackup: 400 Bad Request \[BackupService\.6300\]: The backup is restoring`, r.stderr)

	// A failed backup cannot be restored: the API says why.
	r = f.run(t, "cloudbackup", "backup", "restore", "-id", firstWithStatus(t, f, cloudbackup.BackupStatusError), "-volume", "v", "-yes")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "backupctl: cloudbackup: 400 Bad Request [")

	// delete.
	r = f.run(t, "cloudbackup", "backup", "delete", "-id", demo.VolumeBackupID, "-yes")
	requireOK(t, r)
	assert.Equal(t, "deletion of backup "+demo.VolumeBackupID+" started; it shows status deleting until it is gone\n", r.stdout)
	if b, ok := f.cbr.Backup(demo.VolumeBackupID); ok {
		assert.Contains(t, []cloudbackup.BackupStatus{cloudbackup.BackupStatusDeleting, cloudbackup.BackupStatusWaitingDelete}, b.Status)
	}
	r = f.run(t, "-o", "json", "cloudbackup", "backup", "delete", "-id", "no-such-backup", "-yes")
	assert.Equal(t, exitError, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "backupctl: cloudbackup: 404 Not Found")
}

// firstWithStatus returns the id of a demo backup in status st.
func firstWithStatus(t *testing.T, f *fakes, st cloudbackup.BackupStatus) string {
	t.Helper()
	for _, b := range f.cbr.Backups() {
		if b.Status == st {
			return b.ID
		}
	}
	t.Fatalf("no backup with status %s", st)
	return ""
}

// A create answered 201 without a body is reported as scheduled, with the
// way to find it, not as an error that would invite a second backup.
func TestOnAppCreateWithoutAnswerBody(t *testing.T) {
	t.Parallel()
	f := startFakes(t)
	srv, err := onapptest.NewServer(onapptest.WithNow(fixedNow), onapptest.WithEmptyCreateAnswers())
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	vars := f.with("ONAPP_URL", srv.URL())
	before := len(srv.Backups())

	r := runEnv(t, testEnv(vars), "onapp", "backup", "create", "-vm", "101")
	requireOK(t, r)
	assert.Equal(t, "scheduled an incremental backup of virtual server 101: the control panel did not tell its id yet, "+
		"so backupctl cannot wait for it; find it with backupctl onapp backups -vm 101 -kind incremental (the newest, not built yet); do not create it again\n", r.stdout)
	require.Len(t, srv.Backups(), before+1)

	r = runEnv(t, testEnv(vars), "-o", "json", "onapp", "backup", "create", "-disk", "1002")
	requireOK(t, r)
	var got onapp.CreateResult
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got), r.stdout)
	assert.True(t, got.Scheduled)
	assert.Equal(t, 201, got.StatusCode)
	assert.Nil(t, got.Backup)
	require.Len(t, srv.Backups(), before+2)
}
