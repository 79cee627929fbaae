package cloudbackuptest

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

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// pinned is the clock of tests that compare times.
var pinned = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func pinnedNow() time.Time { return pinned }

func fastRetry() cloudbackup.Option {
	return cloudbackup.WithRetryPolicy(cloudbackup.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond})
}

// start returns a demo server on the pinned clock and a token client.
func start(t *testing.T, opts ...Option) (*Server, *cloudbackup.Client) {
	t.Helper()
	srv, err := NewServer(append([]Option{WithNow(pinnedNow)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()), fastRetry())
	require.NoError(t, err)
	return srv, c
}

func collect(t *testing.T, c *cloudbackup.Client, opts *cloudbackup.ListBackupsOptions) []cloudbackup.Backup {
	t.Helper()
	var out []cloudbackup.Backup
	for b, err := range c.Backups.All(context.Background(), opts) {
		require.NoError(t, err)
		out = append(out, b)
	}
	return out
}

func ids(bs []cloudbackup.Backup) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.ID
	}
	return out
}

// ownBackups are the demo backups of the project itself (not shared).
func ownBackups(srv *Server) []cloudbackup.Backup {
	var out []cloudbackup.Backup
	for _, b := range srv.Backups() {
		if b.ProjectID == srv.ProjectID() {
			out = append(out, b)
		}
	}
	return out
}

// TestDemoData: the demo shows every freshness verdict (recent, old,
// failing, never backed up) and is the same on every start.
func TestDemoData(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	d := srv.Demo()
	backups := collect(t, c, nil)
	require.Len(t, backups, 13)

	type verdict struct {
		NewestStatus     cloudbackup.BackupStatus
		NewestAge        string
		NewestSuccessAge string
	}
	summary := map[string]verdict{}
	for _, b := range backups {
		if b.ImageType != cloudbackup.ImageTypeBackup {
			continue
		}
		v, seen := summary[b.ResourceName]
		if !seen {
			v.NewestStatus, v.NewestAge = b.Status, pinned.Sub(b.CreatedAt.Time).String()
		}
		if b.Status.Succeeded() && v.NewestSuccessAge == "" {
			v.NewestSuccessAge = pinned.Sub(b.CreatedAt.Time).String()
		}
		summary[b.ResourceName] = v
	}
	vault, err := c.Vaults.Get(context.Background(), d.ServerVaultID)
	require.NoError(t, err)
	for _, r := range vault.Resources {
		if _, ok := summary[r.Name]; !ok {
			summary[r.Name] = verdict{NewestStatus: "none"}
			assert.Equal(t, int64(0), r.BackupCount.Or(-1))
		}
	}
	golden.AssertJSON(t, "demo-verdicts", summary)
	assert.Equal(t, "6h0m0s", summary[d.FreshServer.Name].NewestSuccessAge)
	assert.Equal(t, "120h0m0s", summary[d.StaleServer.Name].NewestSuccessAge)
	assert.Equal(t, cloudbackup.BackupStatusError, summary[d.FailingServer.Name].NewestStatus)
	assert.Equal(t, cloudbackup.BackupStatus("none"), summary[d.UnprotectedServer.Name].NewestStatus)

	again, err := NewServer(WithNow(pinnedNow))
	require.NoError(t, err)
	defer again.Close()
	assert.Equal(t, srv.Backups(), again.Backups(), "demo data is deterministic")
	assert.Equal(t, srv.Demo(), again.Demo())
}

// TestDemoPageGolden pins the fake's answer for the first page.
func TestDemoPageGolden(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	page, err := c.Backups.List(context.Background(), &cloudbackup.ListBackupsOptions{Limit: 3, ShowReplication: new(true)})
	require.NoError(t, err)
	assert.Equal(t, int64(13), page.Count.Int64)
	golden.AssertJSON(t, "demo-page", page)
}

// TestListFilters: every documented filter selects what it says.
func TestListFilters(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	d := srv.Demo()
	own := ownBackups(srv)
	fresh, ok := srv.Backup(d.FreshBackupID)
	require.True(t, ok)
	where := func(keep func(b cloudbackup.Backup) bool) []string {
		var out []string
		for _, b := range own {
			if keep(b) {
				out = append(out, b.ID)
			}
		}
		return out
	}
	incremental := func(b cloudbackup.Backup) bool { return b.ExtendInfo.Incremental.Or(false) }
	for name, tc := range map[string]struct {
		opts *cloudbackup.ListBackupsOptions
		want []string
	}{
		"checkpoint_id": {&cloudbackup.ListBackupsOptions{CheckpointID: fresh.CheckpointID}, []string{fresh.ID}},
		"image_type":    {&cloudbackup.ListBackupsOptions{ImageType: cloudbackup.ImageTypeReplication}, []string{d.ReplicaBackupID}},
		"resource_type": {&cloudbackup.ListBackupsOptions{ResourceType: cloudbackup.ResourceTypeVolume},
			where(func(b cloudbackup.Backup) bool { return b.ResourceType == cloudbackup.ResourceTypeVolume })},
		"resource_id": {&cloudbackup.ListBackupsOptions{ResourceID: d.FreshServer.ID},
			where(func(b cloudbackup.Backup) bool { return b.ResourceID == d.FreshServer.ID })},
		"resource_name": {&cloudbackup.ListBackupsOptions{ResourceName: "app"},
			where(func(b cloudbackup.Backup) bool { return b.ResourceName == d.FailingServer.Name })},
		"name":     {&cloudbackup.ListBackupsOptions{Name: fresh.Name}, []string{fresh.ID, d.ReplicaBackupID}},
		"vault_id": {&cloudbackup.ListBackupsOptions{VaultID: d.DiskVaultID}, where(func(b cloudbackup.Backup) bool { return b.VaultID == d.DiskVaultID })},
		"resource_az": {&cloudbackup.ListBackupsOptions{ResourceAZ: "ap-southeast-1b"},
			where(func(b cloudbackup.Backup) bool { return b.ResourceAZ == "ap-southeast-1b" })},
		"status repeated": {&cloudbackup.ListBackupsOptions{Status: []cloudbackup.BackupStatus{cloudbackup.BackupStatusError, cloudbackup.BackupStatusProtecting}},
			where(func(b cloudbackup.Backup) bool { return b.Status == "error" || b.Status == "protecting" })},
		"start and end time": {&cloudbackup.ListBackupsOptions{StartTime: pinned.Add(-30 * time.Hour), EndTime: pinned.Add(-3 * time.Hour)},
			where(func(b cloudbackup.Backup) bool {
				return !b.CreatedAt.Time.Before(pinned.Add(-30*time.Hour)) && !b.CreatedAt.Time.After(pinned.Add(-3*time.Hour))
			})},
		"enterprise project": {&cloudbackup.ListBackupsOptions{EnterpriseProjectID: "0"},
			where(func(b cloudbackup.Backup) bool { return b.EnterpriseProjectID.Or("0") == "0" })},
		"all enterprise projects": {&cloudbackup.ListBackupsOptions{EnterpriseProjectID: cloudbackup.AllGrantedEnterpriseProjects}, ids(own)},
		"used_percent":            {&cloudbackup.ListBackupsOptions{UsedPercent: 80}, where(func(b cloudbackup.Backup) bool { return b.VaultID == d.DiskVaultID })},
		"incremental":             {&cloudbackup.ListBackupsOptions{Incremental: new(false)}, where(func(b cloudbackup.Backup) bool { return !incremental(b) })},
		"dec":                     {&cloudbackup.ListBackupsOptions{Dec: new(true)}, nil},
		"not dec":                 {&cloudbackup.ListBackupsOptions{Dec: new(false)}, ids(own)},
		"own_type private":        {&cloudbackup.ListBackupsOptions{OwnType: cloudbackup.OwnTypePrivate}, ids(own)},
		"parent_id":               {&cloudbackup.ListBackupsOptions{ParentID: fresh.ID}, []string{fresh.Children[0].ID, fresh.Children[1].ID}},
	} {
		got := ids(collect(t, c, tc.opts))
		assert.ElementsMatch(t, tc.want, got, name)
		page, err := c.Backups.List(context.Background(), tc.opts)
		require.NoError(t, err, name)
		assert.Equal(t, int64(len(tc.want)), page.Count.Int64, "%s: count is the total", name)
	}

	shared := collect(t, c, &cloudbackup.ListBackupsOptions{OwnType: cloudbackup.OwnTypeShared})
	require.Len(t, shared, 2)
	for _, b := range shared {
		assert.NotEqual(t, srv.ProjectID(), b.ProjectID)
	}
	assert.Len(t, collect(t, c, &cloudbackup.ListBackupsOptions{OwnType: cloudbackup.OwnTypeAllGranted}), 15)
	pending := collect(t, c, &cloudbackup.ListBackupsOptions{OwnType: cloudbackup.OwnTypeShared, MemberStatus: cloudbackup.MemberStatusPending})
	require.Len(t, pending, 1)
	assert.Equal(t, "partner-web", pending[0].ResourceName)
	// The page's "accept" and Huawei's SDK's "accepted" select the same
	// shares (services/cbr/v1/model/model_list_backups_request.go).
	for _, st := range []cloudbackup.MemberStatus{cloudbackup.MemberStatusAccept, cloudbackup.MemberStatusAccepted} {
		accepted := collect(t, c, &cloudbackup.ListBackupsOptions{OwnType: cloudbackup.OwnTypeShared, MemberStatus: st})
		require.Len(t, accepted, 1, st)
		assert.Equal(t, "partner-db", accepted[0].ResourceName, st)
	}
	assert.Empty(t, collect(t, c, &cloudbackup.ListBackupsOptions{OwnType: cloudbackup.OwnTypeShared, MemberStatus: cloudbackup.MemberStatusRejected}))
	assert.Empty(t, collect(t, c, &cloudbackup.ListBackupsOptions{ResourceType: cloudbackup.ResourceTypeWorkspaceDesktop}),
		"the SDK's desktop resource type is a valid filter")
	page, err := c.Backups.List(context.Background(), &cloudbackup.ListBackupsOptions{Offset: 2, Limit: 4})
	require.NoError(t, err)
	assert.Equal(t, int64(2), page.Offset.Or(-1), "list answers carry offset and limit")
	assert.Equal(t, int64(4), page.Limit.Or(-1))

	withRepl := collect(t, c, &cloudbackup.ListBackupsOptions{CheckpointID: fresh.CheckpointID, ShowReplication: new(true)})
	require.Len(t, withRepl, 1)
	require.Len(t, withRepl[0].ReplicationRecords, 1)
	assert.Equal(t, d.ReplicaBackupID, withRepl[0].ReplicationRecords[0].DestinationBackupID)
	extra := withRepl[0].ReplicationRecords[0].ExtraInfo
	assert.Equal(t, int64(100), extra.Progress.Or(0))
	assert.Equal(t, d.ReplicaVaultID, extra.DestinationVaultID)
	assert.Empty(t, extra.Text, "the fake sends the vendor's object, not the page's string")
	raw := rawGet(t, srv, "/backups?show_replication=true&checkpoint_id="+fresh.CheckpointID)
	assert.Contains(t, raw, `"extra_info":{"progress":100,`)
	plain := collect(t, c, &cloudbackup.ListBackupsOptions{CheckpointID: fresh.CheckpointID})
	assert.Empty(t, plain[0].ReplicationRecords, "replication records need show_replication")
}

// rawGet returns the body of a GET of path (below /v3/{project}) with the
// static token.
func rawGet(t *testing.T, srv *Server, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v3/"+srv.ProjectID()+path, nil)
	require.NoError(t, err)
	req.Header.Set("X-Auth-Token", srv.Token())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	return string(b)
}

func TestListSortAndPaging(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	own := ownBackups(srv)
	ctx := context.Background()

	byName := collect(t, c, &cloudbackup.ListBackupsOptions{Sort: cloudbackup.Sort(cloudbackup.Asc(cloudbackup.SortByName), cloudbackup.Asc(cloudbackup.SortByID))})
	names := make([]string, len(byName))
	for i, b := range byName {
		names[i] = b.Name + "/" + b.ID
	}
	assert.True(t, slices.IsSorted(names), "%v", names)
	byStatus := collect(t, c, &cloudbackup.ListBackupsOptions{Sort: "status:desc"})
	assert.Equal(t, cloudbackup.BackupStatusProtecting, byStatus[0].Status)
	oldest := collect(t, c, &cloudbackup.ListBackupsOptions{Sort: "created_at:asc", Limit: 1})
	assert.Equal(t, own[len(own)-1].ID, oldest[0].ID)

	page, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Offset: 4, Limit: 3})
	require.NoError(t, err)
	assert.Equal(t, ids(own[4:7]), ids(page.Backups))
	assert.Equal(t, int64(len(own)), page.Count.Int64)
	page, err = c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Marker: own[4].ID, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, ids(own[5:7]), ids(page.Backups))
	page, err = c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Offset: 500})
	require.NoError(t, err)
	assert.Empty(t, page.Backups)
	assert.Equal(t, int64(len(own)), page.Count.Int64)
	page, err = c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Marker: own[2].ID, Status: []cloudbackup.BackupStatus{"available"}, Limit: 2})
	require.NoError(t, err)
	for _, b := range page.Backups {
		assert.Equal(t, cloudbackup.BackupStatusAvailable, b.Status)
	}
}

// TestListValidation: limit 1–1000 and the enumerations are checked, as
// CBR does, with 400 and a BackupService error.
func TestListValidation(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	for _, q := range []string{
		"limit=0", "limit=1001", "limit=x", "offset=-1", "status=bogus", "image_type=x", "own_type=mine",
		"member_status=x", "resource_type=OS::Foo", "sort=size:asc", "sort=name:up", "start_time=2024-05-01",
		"used_percent=0", "used_percent=101", "dec=maybe", "marker=no-such-backup", "show_replication=2",
	} {
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v3/"+srv.ProjectID()+"/backups?"+q, nil)
		require.NoError(t, err)
		req.Header.Set("X-Auth-Token", srv.Token())
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, q)
		assert.Contains(t, string(body), `"error_code":"BackupService.0001"`, q)
		assert.NotEmpty(t, resp.Header.Get("X-Request-Id"), q)
	}
	for _, limit := range []int{1, 1000} {
		_, err := c.Backups.List(context.Background(), &cloudbackup.ListBackupsOptions{Limit: limit})
		assert.NoError(t, err, limit)
	}
	// The client checks the limit itself, before any request.
	before := srv.Requests()
	_, err := c.Backups.List(context.Background(), &cloudbackup.ListBackupsOptions{Limit: 1001})
	assert.ErrorContains(t, err, "ListBackupsOptions.Limit is 1001")
	assert.Equal(t, before, srv.Requests())
}

func TestGetDeleteRestore(t *testing.T) {
	t.Parallel()
	srv, c := start(t, WithTaskPolls(2))
	d := srv.Demo()
	ctx := context.Background()

	got, err := c.Backups.Get(ctx, d.FreshBackupID)
	require.NoError(t, err)
	want, _ := srv.Backup(d.FreshBackupID)
	assert.Equal(t, want, *got, "what the fake stores is what the client reads")
	require.Len(t, got.Children, 2)

	_, err = c.Backups.Get(ctx, "nope")
	assert.True(t, cloudbackup.IsNotFound(err))

	res, err := c.Backups.Restore(ctx, d.VolumeBackupID, cloudbackup.VolumeRestore(d.Volume.ID))
	require.NoError(t, err)
	require.NotEmpty(t, res.JobID)
	b, _ := srv.Backup(d.VolumeBackupID)
	assert.Equal(t, cloudbackup.BackupStatusRestoring, b.Status)
	assert.True(t, cloudbackup.IsValidation(c.Backups.Delete(ctx, d.VolumeBackupID)), "a backup being restored cannot be deleted")
	_, err = c.Backups.Restore(ctx, d.VolumeBackupID, cloudbackup.VolumeRestore(d.Volume.ID))
	assert.True(t, cloudbackup.IsValidation(err), "only an available backup can be restored")
	log, err := res.Wait(ctx, cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff()))
	require.NoError(t, err)
	assert.Equal(t, cloudbackup.OperationTypeRestore, log.OperationType)
	assert.Equal(t, d.Volume.ID, log.ExtraInfo.Resource.ID)
	assert.Equal(t, d.VolumeBackupID, log.ExtraInfo.Restore.BackupID)
	b, _ = srv.Backup(d.VolumeBackupID)
	assert.Equal(t, cloudbackup.BackupStatusAvailable, b.Status)

	// The SDK's details.destination_path
	// (services/cbr/v1/model/model_restore_details.go) is accepted, and
	// required once details are given.
	detailed, err := c.Backups.Restore(ctx, d.VolumeBackupID, &cloudbackup.RestoreBackupOptions{
		VolumeID: d.Volume.ID, Details: &cloudbackup.RestoreDetails{DestinationPath: "/restore/here"},
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, detailed.StatusCode)
	_, err = detailed.Wait(ctx, cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff()))
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/v3/"+srv.ProjectID()+"/backups/"+d.VolumeBackupID+"/restore",
		strings.NewReader(`{"restore": {"volume_id": "`+d.Volume.ID+`", "details": {}}}`))
	require.NoError(t, err)
	req.Header.Set("X-Auth-Token", srv.Token())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "details without destination_path")

	_, err = c.Backups.Restore(ctx, d.InProgressBackupID, cloudbackup.VolumeRestore(d.Volume.ID))
	assert.True(t, cloudbackup.IsValidation(err))
	_, err = c.Backups.Restore(ctx, d.FreshBackupID, cloudbackup.VolumeRestore("vol"))
	assert.True(t, cloudbackup.IsValidation(err), "a server backup is not restored to a disk")
	fresh, _ := srv.Backup(d.FreshBackupID)
	_, err = c.Backups.Restore(ctx, d.FreshBackupID, cloudbackup.ServerRestore(d.FreshServer.ID, true,
		cloudbackup.RestoreMapping{BackupID: fresh.Children[0].ID, VolumeID: "vol-sys"},
		cloudbackup.RestoreMapping{BackupID: fresh.Children[1].ID, VolumeID: "vol-data"}))
	require.NoError(t, err)

	before := srv.BackupCount()
	require.NoError(t, c.Backups.Delete(ctx, d.InProgressBackupID))
	assert.Equal(t, before-1, srv.BackupCount())
	_, err = c.Backups.Get(ctx, d.InProgressBackupID)
	assert.True(t, cloudbackup.IsNotFound(err))
	assert.True(t, cloudbackup.IsNotFound(c.Backups.Delete(ctx, d.InProgressBackupID)))
}

func TestCheckpointLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := start(t, WithTaskPolls(3))
	d := srv.Demo()
	ctx := context.Background()

	cp, err := c.Checkpoints.Create(ctx, d.ServerVaultID, &cloudbackup.CreateCheckpointOptions{
		Name: "before-upgrade", Resources: []string{d.FreshServer.ID, d.UnprotectedServer.ID},
	})
	require.NoError(t, err)
	require.NoError(t, cp.BodyErr, "the vendor's string sizes read without complaint")
	assert.Equal(t, cloudbackup.CheckpointStatusProtecting, cp.Status)
	require.Len(t, cp.Vault.Resources, 2)
	for _, r := range cp.Vault.Resources {
		assert.True(t, r.ResourceSize.Valid, r.ID)
	}
	made := collect(t, c, &cloudbackup.ListBackupsOptions{CheckpointID: cp.ID})
	require.Len(t, made, 2)
	for _, b := range made {
		assert.Equal(t, cloudbackup.BackupStatusProtecting, b.Status)
		assert.Equal(t, "before-upgrade", b.Name)
	}
	logs, err := c.OperationLogs.List(ctx, &cloudbackup.ListOperationLogsOptions{OperationType: cloudbackup.OperationTypeBackup, ResourceID: d.UnprotectedServer.ID})
	require.NoError(t, err)
	require.Len(t, logs.OperationLogs, 1)
	assert.Equal(t, cp.ID, logs.OperationLogs[0].CheckpointID)

	var status []cloudbackup.CheckpointStatus
	for range 3 {
		got, err := c.Checkpoints.Get(ctx, cp.ID)
		require.NoError(t, err)
		status = append(status, got.Status)
	}
	assert.Equal(t, []cloudbackup.CheckpointStatus{"protecting", "protecting", "available"}, status)
	raw := rawGet(t, srv, "/checkpoints/"+cp.ID)
	assert.Regexp(t, `"resource_size":"\d+"`, raw, "the fake types sizes as strings, as Huawei's SDK models them")
	for _, b := range collect(t, c, &cloudbackup.ListBackupsOptions{CheckpointID: cp.ID}) {
		assert.Equal(t, cloudbackup.BackupStatusAvailable, b.Status)
		assert.True(t, b.ProtectedAt.Valid)
	}
	vault, err := c.Vaults.Get(ctx, d.ServerVaultID)
	require.NoError(t, err)
	for _, r := range vault.Resources {
		if r.ID == d.UnprotectedServer.ID {
			assert.Equal(t, int64(1), r.BackupCount.Or(0), "cache-01 now has a backup")
		}
	}

	busy, err := c.Checkpoints.Create(ctx, d.DiskVaultID, nil)
	require.NoError(t, err)
	require.Len(t, busy.Vault.SkippedResources, 1, "the volume is being backed up")
	assert.Equal(t, cloudbackup.CheckpointStatusError, busy.Status)

	_, err = c.Checkpoints.Create(ctx, d.ReplicaVaultID, nil)
	assert.True(t, cloudbackup.IsValidation(err))
	_, err = c.Checkpoints.Create(ctx, "no-vault", nil)
	assert.True(t, cloudbackup.IsNotFound(err))
	_, err = c.Checkpoints.Create(ctx, d.ServerVaultID, &cloudbackup.CreateCheckpointOptions{Resources: []string{"stranger"}})
	assert.True(t, cloudbackup.IsValidation(err))
	_, err = c.Checkpoints.Get(ctx, "no-checkpoint")
	assert.True(t, cloudbackup.IsNotFound(err))

	// The SDK's resource_details and policy_id
	// (services/cbr/v1/model/model_checkpoint_param.go) are accepted.
	detailed, err := c.Checkpoints.Create(ctx, d.ServerVaultID, &cloudbackup.CreateCheckpointOptions{
		ResourceDetails: []cloudbackup.ResourceDetail{{ID: d.StaleServer.ID, Type: cloudbackup.ResourceTypeServer}},
		AutoTrigger:     true, PolicyID: "policy-1",
	})
	require.NoError(t, err)
	require.Len(t, detailed.Vault.Resources, 1)
	assert.Equal(t, d.StaleServer.ID, detailed.Vault.Resources[0].ID)
	_, err = c.Checkpoints.Create(ctx, d.ServerVaultID, &cloudbackup.CreateCheckpointOptions{
		ResourceDetails: []cloudbackup.ResourceDetail{{ID: d.StaleServer.ID}},
	})
	assert.True(t, cloudbackup.IsValidation(err), "a resource detail needs its type")
}

func TestOperationOutcomes(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	d := srv.Demo()
	ctx := context.Background()
	noWait := cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff())

	for _, final := range []cloudbackup.OperationStatus{"failed", "timeout", "skipped"} {
		id := srv.AddOperation(OperationSpec{Final: final, Polls: 2, ErrorCode: "BackupService.6401", ErrorMessage: "disk snapshot failed",
			ResourceID: d.StaleServer.ID, ResourceName: d.StaleServer.Name, VaultID: d.ServerVaultID})
		var seen []cloudbackup.OperationStatus
		log, err := c.OperationLogs.Operation(id).Wait(ctx, noWait,
			cloudbackup.WaitProgress(func(p cloudbackup.Progress) { seen = append(seen, cloudbackup.OperationStatus(p.State)) }))
		var opErr *cloudbackup.OperationError
		require.ErrorAs(t, err, &opErr, final)
		assert.Equal(t, final, log.Status)
		assert.Equal(t, "vault-servers", log.VaultName)
		assert.Equal(t, "disk snapshot failed", opErr.Message)
		assert.Equal(t, []cloudbackup.OperationStatus{"running", final}, seen)
		stored, _ := srv.OperationLog(id)
		assert.True(t, stored.EndedAt.Valid)
	}

	log, err := c.OperationLogs.Get(ctx, d.FailedOperationID)
	require.NoError(t, err)
	assert.Equal(t, cloudbackup.OperationStatusFailed, log.Status)
	assert.Equal(t, "BackupService.6401", log.ErrorInfo.Code)
	log, err = c.OperationLogs.Operation(d.RunningOperationID).Wait(ctx, noWait)
	require.NoError(t, err)
	assert.Equal(t, int64(100), log.ExtraInfo.Common.Progress.Or(0))
	b, _ := srv.Backup(d.InProgressBackupID)
	assert.Equal(t, cloudbackup.BackupStatusAvailable, b.Status, "the running backup finished with its task")

	failed, err := c.OperationLogs.List(ctx, &cloudbackup.ListOperationLogsOptions{Status: cloudbackup.OperationStatusFailed})
	require.NoError(t, err)
	assert.Equal(t, int64(2), failed.Count.Or(-1))
	_, err = c.OperationLogs.Get(ctx, "nope")
	assert.True(t, cloudbackup.IsNotFound(err))
}

func TestVaults(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	d := srv.Demo()
	ctx := context.Background()
	page, err := c.Vaults.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(3), page.Count.Or(-1))
	golden.AssertJSON(t, "demo-vaults", page)

	for name, tc := range map[string]struct {
		opts *cloudbackup.ListVaultsOptions
		want []string
	}{
		"object_type":  {&cloudbackup.ListVaultsOptions{ObjectType: "disk"}, []string{d.DiskVaultID}},
		"protect_type": {&cloudbackup.ListVaultsOptions{ProtectType: "replication"}, []string{d.ReplicaVaultID}},
		"resource_ids": {&cloudbackup.ListVaultsOptions{ResourceIDs: []string{"x", d.Volume.ID}}, []string{d.DiskVaultID}},
		"name":         {&cloudbackup.ListVaultsOptions{Name: "servers"}, []string{d.ServerVaultID}},
		"paged":        {&cloudbackup.ListVaultsOptions{Limit: 1, Offset: 1}, []string{d.DiskVaultID}},
	} {
		page, err := c.Vaults.List(ctx, tc.opts)
		require.NoError(t, err, name)
		var got []string
		for _, v := range page.Vaults {
			got = append(got, v.ID)
		}
		assert.Equal(t, tc.want, got, name)
	}
	var all []string
	for v, err := range c.Vaults.All(ctx, &cloudbackup.ListVaultsOptions{Limit: 2}) {
		require.NoError(t, err)
		all = append(all, v.Name)
	}
	assert.Equal(t, []string{"vault-servers", "vault-disks", "vault-replica"}, all)
	v, err := c.Vaults.Get(ctx, d.DiskVaultID)
	require.NoError(t, err)
	assert.InDelta(t, 85.0, v.Billing.UsedPercent(), 0.01)
	_, err = c.Vaults.Get(ctx, "nope")
	assert.True(t, cloudbackup.IsNotFound(err))
}

// TestPasswordAuth: the IAM endpoint issues tokens for the right
// credentials; expired tokens are renewed once by the client.
func TestPasswordAuth(t *testing.T) {
	t.Parallel()
	srv, err := NewServer()
	require.NoError(t, err)
	defer srv.Close()
	ctx := context.Background()
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(),
		cloudbackup.WithPassword(srv.User(), srv.Password()), cloudbackup.WithDomain(srv.Domain()), cloudbackup.WithIAMEndpoint(srv.IAMEndpoint()), fastRetry())
	require.NoError(t, err)
	for range 3 {
		_, err = c.Backups.List(ctx, nil)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.Logins())
	srv.ExpireTokens()
	_, err = c.Backups.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins(), "a 401 is answered by one new login")

	bad, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(),
		cloudbackup.WithPassword(srv.User(), "wrong"), cloudbackup.WithDomain(srv.Domain()), cloudbackup.WithIAMEndpoint(srv.IAMEndpoint()), fastRetry())
	require.NoError(t, err)
	_, err = bad.Backups.List(ctx, nil)
	assert.True(t, cloudbackup.IsUnauthorized(err))
	assert.ErrorContains(t, err, "The username or password is wrong.")

	stranger, err := cloudbackup.NewClient(srv.URL(), "other-project",
		cloudbackup.WithPassword(srv.User(), srv.Password()), cloudbackup.WithDomain(srv.Domain()), cloudbackup.WithIAMEndpoint(srv.IAMEndpoint()), fastRetry())
	require.NoError(t, err)
	_, err = stranger.Backups.List(ctx, nil)
	assert.True(t, cloudbackup.IsUnauthorized(err), "tokens are scoped to the server's project")

	tok, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken("forged"), fastRetry())
	require.NoError(t, err)
	_, err = tok.Backups.List(ctx, nil)
	assert.True(t, cloudbackup.IsUnauthorized(err))
	other, err := cloudbackup.NewClient(srv.URL(), "other-project", cloudbackup.WithToken(srv.Token()), fastRetry())
	require.NoError(t, err)
	_, err = other.Backups.List(ctx, nil)
	assert.True(t, cloudbackup.IsForbidden(err))
}

// TestSkewedClock: a server clock far from the client's neither makes the
// client log in on every call nor keeps a token past its lifetime.
func TestSkewedClock(t *testing.T) {
	t.Parallel()
	srv, err := NewServer(WithNow(pinnedNow)) // two years behind the client
	require.NoError(t, err)
	defer srv.Close()
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(),
		cloudbackup.WithPassword(srv.User(), srv.Password()), cloudbackup.WithDomain(srv.Domain()), cloudbackup.WithIAMEndpoint(srv.IAMEndpoint()), fastRetry())
	require.NoError(t, err)
	for range 3 {
		_, err = c.Backups.List(context.Background(), nil)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.Logins())
}

// TestTokenTTL: tokens expire on the server's clock.
func TestTokenTTL(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Now()
	srv, err := NewServer(WithTokenTTL(time.Hour), WithNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return now }))
	require.NoError(t, err)
	defer srv.Close()
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(),
		cloudbackup.WithPassword(srv.User(), srv.Password()), cloudbackup.WithDomain(srv.Domain()), cloudbackup.WithIAMEndpoint(srv.IAMEndpoint()), fastRetry())
	require.NoError(t, err)
	_, err = c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	_, err = c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, srv.Logins())
}

// TestSignatures: with the check on, only correctly signed requests pass.
func TestSignatures(t *testing.T) {
	t.Parallel()
	srv, err := NewServer(WithSignatureCheck())
	require.NoError(t, err)
	defer srv.Close()
	ctx := context.Background()
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithAccessKey(srv.AccessKey(), srv.SecretKey()), fastRetry())
	require.NoError(t, err)
	d := srv.Demo()

	_, err = c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{
		Status: []cloudbackup.BackupStatus{"error", "available"}, Name: "a b+c/ü", Sort: "name:asc,id:desc", Limit: 5,
	})
	require.NoError(t, err, "a query with repeated and escaped parameters")
	_, err = c.Checkpoints.Create(ctx, d.ServerVaultID, &cloudbackup.CreateCheckpointOptions{Name: "signed", Resources: []string{d.StaleServer.ID}})
	require.NoError(t, err, "a request with a body")
	require.NoError(t, c.Backups.Delete(ctx, d.ReplicaBackupID))

	srv.InjectFault(1, Fault{Status: http.StatusServiceUnavailable})
	_, err = c.Backups.Get(ctx, d.FreshBackupID)
	require.NoError(t, err, "the retry is signed again")

	wrong, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithAccessKey(srv.AccessKey(), "not-the-key"), fastRetry())
	require.NoError(t, err)
	_, err = wrong.Backups.List(ctx, nil)
	require.True(t, cloudbackup.IsUnauthorized(err))
	assert.ErrorContains(t, err, "verify aksk signature fail")

	srv.SetSignatureCheck(false)
	_, err = wrong.Backups.List(ctx, nil)
	assert.NoError(t, err, "with the check off the access key is enough")
	stranger, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithAccessKey("OTHERKEY", "x"), fastRetry())
	require.NoError(t, err)
	_, err = stranger.Backups.List(ctx, nil)
	assert.True(t, cloudbackup.IsUnauthorized(err))
}

// TestTemporaryKeys: a temporary access key is accepted with its security
// token, signed; without it, with another one, or with a permanent key
// that does not need one, the request is refused, with the check on or off.
func TestTemporaryKeys(t *testing.T) {
	t.Parallel()
	srv, err := NewServer(WithSignatureCheck(), WithoutDemoData())
	require.NoError(t, err)
	defer srv.Close()
	ctx := context.Background()
	client := func(opt cloudbackup.Option) *cloudbackup.Client {
		c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), opt, fastRetry())
		require.NoError(t, err)
		return c
	}
	good := client(cloudbackup.WithTemporaryAccessKey(srv.TemporaryAccessKey(), srv.TemporarySecretKey(), srv.SecurityToken()))
	_, err = good.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Name: "a b"})
	require.NoError(t, err)

	for name, c := range map[string]*cloudbackup.Client{
		"no token":      client(cloudbackup.WithAccessKey(srv.TemporaryAccessKey(), srv.TemporarySecretKey())),
		"another token": client(cloudbackup.WithTemporaryAccessKey(srv.TemporaryAccessKey(), srv.TemporarySecretKey(), "other-token")),
		"permanent key": client(cloudbackup.WithTemporaryAccessKey(srv.AccessKey(), srv.SecretKey(), srv.SecurityToken())),
	} {
		for _, check := range []bool{true, false} {
			srv.SetSignatureCheck(check)
			_, err := c.Backups.List(ctx, nil)
			assert.True(t, cloudbackup.IsUnauthorized(err), "%s, check %v: %v", name, check, err)
			assert.NotContains(t, fmt.Sprint(err), srv.SecurityToken())
		}
	}
	srv.SetSignatureCheck(true)

	// A token sent but left out of SignedHeaders is refused.
	req, err := http.NewRequest(http.MethodGet, srv.URL()+"/v3/"+srv.ProjectID()+"/backups", nil)
	require.NoError(t, err)
	date := time.Now().UTC().Format(signDateLayout)
	req.Header.Set("X-Sdk-Date", date)
	req.Header.Set("X-Security-Token", srv.SecurityToken())
	sig := signatureOf(canonicalRequestOf(req, nil, []string{"x-sdk-date"}), date, srv.TemporarySecretKey())
	req.Header.Set("Authorization", fmt.Sprintf("%s Access=%s, SignedHeaders=x-sdk-date, Signature=%s", signAlgorithm, srv.TemporaryAccessKey(), sig))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, string(body), "x-security-token must be signed")
}

// TestSignatureTampering: a request changed after signing is refused, and
// so is a stale date.
func TestSignatureTampering(t *testing.T) {
	t.Parallel()
	srv, err := NewServer(WithSignatureCheck(), WithoutDemoData())
	require.NoError(t, err)
	defer srv.Close()
	send := func(target, date string, signedQuery string) int {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		require.NoError(t, err)
		req.Header.Set("X-Sdk-Date", date)
		signReq := req.Clone(context.Background())
		signReq.URL.RawQuery = signedQuery
		sig := signatureOf(canonicalRequestOf(signReq, nil, []string{"host", "x-sdk-date"}), date, srv.SecretKey())
		req.Header.Set("Authorization", fmt.Sprintf("%s Access=%s, SignedHeaders=host;x-sdk-date, Signature=%s", signAlgorithm, srv.AccessKey(), sig))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	target := srv.URL() + "/v3/" + srv.ProjectID() + "/backups?limit=5"
	now := time.Now().UTC().Format(signDateLayout)
	assert.Equal(t, http.StatusOK, send(target, now, "limit=5"))
	assert.Equal(t, http.StatusUnauthorized, send(target, now, "limit=6"), "tampered query")
	stale := time.Now().Add(-time.Hour).UTC().Format(signDateLayout)
	assert.Equal(t, http.StatusUnauthorized, send(target, stale, "limit=5"), "stale date")
}

// TestFaults: injected throttling, outages and resets are absorbed by the
// client's retries.
func TestFaults(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	ctx := context.Background()
	before := srv.Requests()
	srv.InjectFault(2, Fault{Status: http.StatusTooManyRequests, RetryAfter: "0",
		Body: `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached","request_id":"r"}`})
	_, err := c.Backups.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(3), srv.Requests()-before)

	srv.InjectFault(1, Fault{Status: http.StatusServiceUnavailable})
	srv.InjectFault(1, Fault{Reset: true})
	_, err = c.Vaults.List(ctx, nil)
	require.NoError(t, err)

	srv.InjectFault(4, Fault{Status: http.StatusTooManyRequests, Body: `{"error_code":"APIGW.0308","error_msg":"throttled"}`})
	_, err = c.Backups.List(ctx, nil)
	assert.True(t, cloudbackup.HasCode(err, cloudbackup.CodeThrottled))
	srv.ClearFaults()
}

func TestGenerateBackups(t *testing.T) {
	t.Parallel()
	srv, err := NewServer(WithoutDemoData(), WithNow(pinnedNow))
	require.NoError(t, err)
	defer srv.Close()
	vaultID := srv.GenerateBackups(1000)
	assert.Equal(t, 1000, srv.BackupCount())
	all := srv.Backups()
	seen := map[string]bool{}
	for i, b := range all {
		assert.False(t, seen[b.ID])
		seen[b.ID] = true
		assert.Equal(t, vaultID, b.VaultID)
		if i > 0 {
			assert.True(t, b.CreatedAt.Time.Before(all[i-1].CreatedAt.Time))
		}
	}
	assert.Equal(t, "x86_64", all[0].ExtendInfo.Architecture)
	errs := 0
	for _, b := range all {
		if b.Status == cloudbackup.BackupStatusError {
			errs++
		}
	}
	assert.Equal(t, 10, errs)
	other, err := NewServer(WithoutDemoData(), WithNow(pinnedNow))
	require.NoError(t, err)
	defer other.Close()
	other.GenerateBackups(1000)
	assert.Equal(t, all, other.Backups(), "generated data is deterministic")
	assert.Len(t, srv.Vaults(), 1)
}

// TestConcurrentClients: 64 goroutines share one client.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	srv, c := start(t)
	d := srv.Demo()
	// The first calls answer slowly, so that the goroutines' calls overlap
	// at the server however the scheduler runs them.
	srv.InjectFault(64, Fault{Delay: 20 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make(chan error, 64*3)
	for i := range 64 {
		wg.Go(func() {
			ctx := context.Background()
			_, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Limit: 1 + i%5})
			errs <- err
			_, err = c.Backups.Get(ctx, d.FreshBackupID)
			errs <- err
			_, err = c.OperationLogs.Get(ctx, d.SucceededOperationID)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Greater(t, srv.MaxInFlight(), int64(1))
}

func TestTLSAndOptions(t *testing.T) {
	t.Parallel()
	srv, err := NewServer(WithTLS(), WithAddr("127.0.0.1:0"), WithProjectID("proj-x"), WithToken("tls-token"))
	require.NoError(t, err)
	defer srv.Close()
	assert.True(t, strings.HasPrefix(srv.URL(), "https://127.0.0.1:"))
	c, err := cloudbackup.NewClient(srv.URL(), "proj-x", cloudbackup.WithToken("tls-token"), cloudbackup.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	page, err := c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, int64(13), page.Count.Int64)
	for _, b := range page.Backups {
		assert.Equal(t, "proj-x", b.ProjectID)
	}

	for _, o := range []Option{WithTaskPolls(0), WithNow(nil), WithProjectID("a/b")} {
		_, err := NewServer(o)
		assert.Error(t, err)
	}
	resp, err := http.Get(srv.URL())
	if err == nil {
		_ = resp.Body.Close()
	}
	assert.Error(t, err, "the TLS server needs its certificate")
}

func TestUnknownRoute(t *testing.T) {
	t.Parallel()
	srv, _ := start(t)
	resp, err := http.Get(srv.URL() + "/v2/nothing")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, string(body), "APIGW.0101")
}
