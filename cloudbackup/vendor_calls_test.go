package cloudbackup_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
	"github.com/backupsdk/backupsdk/internal/codec"
)

// This file checks every call of the package against the request
// definitions of Huawei's own Go SDK, github.com/huaweicloud/
// huaweicloud-sdk-go-v3: the method, path and query names of
// services/cbr/v1/cbr_meta.go (the GenReqDefFor… functions named in each
// case) and the JSON members of the request bodies in services/cbr/v1/model
// (the model files named in each schema). The calls run against the fake
// with signature checks on, signed with a permanent and with a temporary
// access key, so that a path, query or body the SDK would not send, or a
// signature the gateway would refuse, fails the test.

// The query names of the SDK's list requests, as cbr_meta.go declares
// them.
var (
	// GenReqDefForListBackups (model_list_backups_request.go).
	vendorListBackupsQuery = []string{"checkpoint_id", "dec", "end_time", "image_type", "limit", "marker", "name", "offset",
		"resource_az", "resource_id", "resource_name", "resource_type", "sort", "start_time", "status", "vault_id",
		"enterprise_project_id", "own_type", "member_status", "parent_id", "used_percent", "show_replication", "incremental"}
	// GenReqDefForListVault (model_list_vault_request.go).
	vendorListVaultQuery = []string{"limit", "name", "offset", "cloud_type", "protect_type", "object_type",
		"enterprise_project_id", "id", "policy_id", "status", "resource_ids"}
	// GenReqDefForListOpLogs (model_list_op_logs_request.go).
	vendorListOpLogsQuery = []string{"end_time", "limit", "offset", "operation_type", "provider_id", "resource_id",
		"resource_name", "start_time", "status", "vault_id", "vault_name", "enterprise_project_id"}
)

// schema is the member tree of a request body as the SDK's models declare
// it: a member maps to nil (a scalar), a schema (an object) or a
// one-element []any (an array of that). A name ending in "!" is required
// (the model's tag has no omitempty).
type schema map[string]any

var (
	// model_resource_extra_info.go, model_resource_extra_info_include_volumes.go.
	vendorResourceExtraInfo = schema{"exclude_volumes": []any{nil}, "include_volumes": []any{schema{"id!": nil, "os_version": nil}}}
	// GenReqDefForCreateCheckpoint: model_vault_backup_req.go, model_vault_backup.go,
	// model_checkpoint_param.go, model_resource.go.
	vendorCreateCheckpointBody = schema{"checkpoint!": schema{
		"vault_id!": nil,
		"parameters": schema{
			"auto_trigger": nil, "description": nil, "incremental": nil, "name": nil, "resources": []any{nil},
			"resource_details": []any{schema{"extra_info": vendorResourceExtraInfo, "id!": nil, "name": nil, "type!": nil}},
			"policy_id":        nil,
		},
	}}
	// GenReqDefForRestoreBackup: model_backup_restore_req.go, model_backup_restore.go,
	// model_backup_restore_server_mapping.go, model_restore_details.go.
	vendorRestoreBody = schema{"restore!": schema{
		"mappings": []any{schema{"backup_id!": nil, "volume_id!": nil}},
		"power_on": nil, "server_id": nil, "volume_id": nil, "resource_id": nil,
		"details": schema{"destination_path!": nil},
	}}
)

// checkBody reports every member of v (decoded JSON) that sch does not
// declare, and every required member it lacks.
func checkBody(t *testing.T, where string, sch schema, v any) {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: %v is not an object", where, v)
		return
	}
	members := map[string]any{}
	for name, sub := range sch {
		base, required := strings.CutSuffix(name, "!")
		members[base] = sub
		if _, has := obj[base]; required && !has {
			t.Errorf("%s: required member %q is missing", where, base)
		}
	}
	for name, val := range obj {
		sub, known := members[name]
		if !known {
			t.Errorf("%s: member %q is not in the SDK's model", where, name)
			continue
		}
		switch s := sub.(type) {
		case schema:
			checkBody(t, where+"/"+name, s, val)
		case []any:
			items, ok := val.([]any)
			if !ok {
				t.Errorf("%s/%s: %v is not an array", where, name, val)
				continue
			}
			if itemSchema, ok := s[0].(schema); ok {
				for _, it := range items {
					checkBody(t, where+"/"+name+"[]", itemSchema, it)
				}
			}
		}
	}
}

// sentRequest is one request as it went on the wire.
type sentRequest struct {
	method, path, rawQuery string
	body                   []byte
}

// wire records the requests a client sends through it.
type wire struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []sentRequest
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	w.mu.Lock()
	w.reqs = append(w.reqs, sentRequest{method: r.Method, path: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery, body: body})
	w.mu.Unlock()
	return w.next.RoundTrip(r)
}

func (w *wire) take() []sentRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.reqs
	w.reqs = nil
	return out
}

// pathPattern turns a cbr_meta.go path such as
// "/v3/{project_id}/backups/{backup_id}" into a pattern for one request.
func pathPattern(tmpl string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.MustCompile(`\\\{[a-z_]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$")
}

func queryNames(raw string) []string {
	var names []string
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// vendorCall is one call of the package and the SDK's definition of it.
type vendorCall struct {
	name   string // the package's call
	def    string // the SDK's GenReqDefFor… in cbr_meta.go
	method string
	path   string   // the SDK's path template
	query  []string // the SDK's query names; nil: none
	body   schema
	do     func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, fresh cloudbackup.Backup) error
}

func vendorCalls() []vendorCall {
	start := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	end := start.Add(60 * 24 * time.Hour)
	noWait := cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff())
	allBackupOpts := func(d cloudbackuptest.Demo, fresh cloudbackup.Backup) *cloudbackup.ListBackupsOptions {
		return &cloudbackup.ListBackupsOptions{
			CheckpointID: fresh.CheckpointID, Dec: new(false), StartTime: start, EndTime: end,
			EnterpriseProjectID: "0", ImageType: cloudbackup.ImageTypeBackup, Limit: 10, Marker: fresh.ID,
			MemberStatus: cloudbackup.MemberStatusAccepted, Name: "my backup+1", Offset: 1, OwnType: cloudbackup.OwnTypeAllGranted,
			ResourceAZ: "ap-southeast-1a", ResourceID: d.FreshServer.ID, ResourceName: "web 01",
			ResourceType: cloudbackup.ResourceTypeServer, Sort: cloudbackup.Sort(cloudbackup.Desc(cloudbackup.SortByCreatedAt)),
			Status: []cloudbackup.BackupStatus{cloudbackup.BackupStatusError, cloudbackup.BackupStatusAvailable}, UsedPercent: 1,
			VaultID: d.ServerVaultID, ShowReplication: new(true), Incremental: new(true),
		}
	}
	allVaultOpts := func(d cloudbackuptest.Demo) *cloudbackup.ListVaultsOptions {
		return &cloudbackup.ListVaultsOptions{
			CloudType: "public", EnterpriseProjectID: "0", ID: d.ServerVaultID, Limit: 5, Name: "vault servers", ObjectType: "server",
			Offset: 1, PolicyID: "policy-1", ProtectType: "backup", ResourceIDs: []string{d.FreshServer.ID, d.StaleServer.ID}, Status: "available",
		}
	}
	allOpLogOpts := func(d cloudbackuptest.Demo) *cloudbackup.ListOperationLogsOptions {
		return &cloudbackup.ListOperationLogsOptions{
			StartTime: start, EndTime: end, EnterpriseProjectID: "0", Limit: 5, Offset: 1, OperationType: cloudbackup.OperationTypeBackup,
			ProviderID: cloudbackup.ProviderServer, ResourceID: d.FreshServer.ID, ResourceName: "web 01",
			Status: cloudbackup.OperationStatusSuccess, VaultID: d.ServerVaultID, VaultName: "vault servers",
		}
	}
	return []vendorCall{
		{name: "Backups.List", def: "GenReqDefForListBackups", method: http.MethodGet, path: "/v3/{project_id}/backups",
			query: vendorListBackupsQuery,
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, fresh cloudbackup.Backup) error {
				_, err := c.Backups.List(ctx, allBackupOpts(d, fresh))
				return err
			}},
		{name: "Backups.List of a backup's children", def: "GenReqDefForListBackups", method: http.MethodGet, path: "/v3/{project_id}/backups",
			query: vendorListBackupsQuery,
			do: func(ctx context.Context, c *cloudbackup.Client, _ cloudbackuptest.Demo, fresh cloudbackup.Backup) error {
				_, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{ParentID: fresh.ID, Marker: fresh.Children[0].ID})
				return err
			}},
		{name: "Backups.All", def: "GenReqDefForListBackups", method: http.MethodGet, path: "/v3/{project_id}/backups",
			query: vendorListBackupsQuery,
			do: func(ctx context.Context, c *cloudbackup.Client, _ cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				return firstErr(c.Backups.All(ctx, &cloudbackup.ListBackupsOptions{Limit: 4, Name: "a b"}))
			}},
		{name: "Backups.Get", def: "GenReqDefForShowBackup", method: http.MethodGet, path: "/v3/{project_id}/backups/{backup_id}",
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				_, err := c.Backups.Get(ctx, d.FreshBackupID)
				return err
			}},
		{name: "RestoreResult.Wait", def: "GenReqDefForShowOpLog", method: http.MethodGet, path: "/v3/{project_id}/operation-logs/{operation_log_id}",
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				res, err := c.Backups.Restore(ctx, d.VolumeBackupID, cloudbackup.VolumeRestore(d.Volume.ID))
				if err != nil {
					return err
				}
				_, err = res.Wait(ctx, noWait)
				return err
			}},
		{name: "Backups.Restore of a disk", def: "GenReqDefForRestoreBackup", method: http.MethodPost,
			path: "/v3/{project_id}/backups/{backup_id}/restore", body: vendorRestoreBody,
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				_, err := c.Backups.Restore(ctx, d.VolumeBackupID, &cloudbackup.RestoreBackupOptions{
					VolumeID: d.Volume.ID, Details: &cloudbackup.RestoreDetails{DestinationPath: "/restore/my data"},
				})
				return err
			}},
		{name: "Backups.Restore of a server", def: "GenReqDefForRestoreBackup", method: http.MethodPost,
			path: "/v3/{project_id}/backups/{backup_id}/restore", body: vendorRestoreBody,
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, fresh cloudbackup.Backup) error {
				_, err := c.Backups.Restore(ctx, fresh.ID, cloudbackup.ServerRestore(d.FreshServer.ID, false,
					cloudbackup.RestoreMapping{BackupID: fresh.Children[0].ID, VolumeID: "vol-sys"},
					cloudbackup.RestoreMapping{BackupID: fresh.Children[1].ID, VolumeID: "vol-data"}))
				return err
			}},
		{name: "Checkpoints.Create", def: "GenReqDefForCreateCheckpoint", method: http.MethodPost, path: "/v3/{project_id}/checkpoints",
			body: vendorCreateCheckpointBody,
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				cp, err := c.Checkpoints.Create(ctx, d.ServerVaultID, &cloudbackup.CreateCheckpointOptions{
					Name: "before upgrade", Description: "all of it", Incremental: new(true), Resources: []string{d.StaleServer.ID},
					ResourceDetails: []cloudbackup.ResourceDetail{{ID: d.UnprotectedServer.ID, Name: d.UnprotectedServer.Name, Type: cloudbackup.ResourceTypeServer,
						ExtraInfo: &cloudbackup.ResourceExtraInfo{ExcludeVolumes: []string{"vol-x"}, IncludeVolumes: []cloudbackup.IncludedVolume{{ID: "vol-y", OSVersion: "linux"}}}}},
					AutoTrigger: true, PolicyID: "policy-1",
				})
				if err == nil {
					err = cp.BodyErr
				}
				return err
			}},
		{name: "Checkpoints.Get", def: "GenReqDefForShowCheckpoint", method: http.MethodGet, path: "/v3/{project_id}/checkpoints/{checkpoint_id}",
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				cp, err := c.Checkpoints.Create(ctx, d.DiskVaultID, nil)
				if err != nil {
					return err
				}
				_, err = c.Checkpoints.Get(ctx, cp.ID)
				return err
			}},
		{name: "Checkpoint.Wait", def: "GenReqDefForShowCheckpoint", method: http.MethodGet, path: "/v3/{project_id}/checkpoints/{checkpoint_id}",
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				cp, err := c.Checkpoints.Create(ctx, d.DiskVaultID, nil)
				if err != nil {
					return err
				}
				_, err = cp.Wait(ctx, noWait)
				if _, ok := errors.AsType[*cloudbackup.CheckpointError](err); ok {
					err = nil // a disk of the demo vault fails its backup: the request is what counts
				}
				return err
			}},
		{name: "Vaults.List", def: "GenReqDefForListVault", method: http.MethodGet, path: "/v3/{project_id}/vaults",
			query: vendorListVaultQuery,
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				_, err := c.Vaults.List(ctx, allVaultOpts(d))
				return err
			}},
		{name: "Vaults.All", def: "GenReqDefForListVault", method: http.MethodGet, path: "/v3/{project_id}/vaults",
			query: vendorListVaultQuery,
			do: func(ctx context.Context, c *cloudbackup.Client, _ cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				return firstErr(c.Vaults.All(ctx, &cloudbackup.ListVaultsOptions{Limit: 1}))
			}},
		{name: "Vaults.Get", def: "GenReqDefForShowVault", method: http.MethodGet, path: "/v3/{project_id}/vaults/{vault_id}",
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				_, err := c.Vaults.Get(ctx, d.ServerVaultID)
				return err
			}},
		{name: "OperationLogs.List", def: "GenReqDefForListOpLogs", method: http.MethodGet, path: "/v3/{project_id}/operation-logs",
			query: vendorListOpLogsQuery,
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				_, err := c.OperationLogs.List(ctx, allOpLogOpts(d))
				return err
			}},
		{name: "OperationLogs.All", def: "GenReqDefForListOpLogs", method: http.MethodGet, path: "/v3/{project_id}/operation-logs",
			query: vendorListOpLogsQuery,
			do: func(ctx context.Context, c *cloudbackup.Client, _ cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				return firstErr(c.OperationLogs.All(ctx, &cloudbackup.ListOperationLogsOptions{Limit: 2}))
			}},
		{name: "OperationLogs.Get", def: "GenReqDefForShowOpLog", method: http.MethodGet, path: "/v3/{project_id}/operation-logs/{operation_log_id}",
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				_, err := c.OperationLogs.Get(ctx, d.SucceededOperationID)
				return err
			}},
		{name: "Operation.Wait", def: "GenReqDefForShowOpLog", method: http.MethodGet, path: "/v3/{project_id}/operation-logs/{operation_log_id}",
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				_, err := c.OperationLogs.Operation(d.SucceededOperationID).Wait(ctx, noWait)
				return err
			}},
		// Last: it changes what the calls above read.
		{name: "Backups.Delete", def: "GenReqDefForDeleteBackup", method: http.MethodDelete, path: "/v3/{project_id}/backups/{backup_id}",
			do: func(ctx context.Context, c *cloudbackup.Client, d cloudbackuptest.Demo, _ cloudbackup.Backup) error {
				return c.Backups.Delete(ctx, d.ReplicaBackupID)
			}},
	}
}

// TestVendorTableCoversEveryCall: every call of the package that does I/O
// (the call table of calls_table_test.go) has its case here.
func TestVendorTableCoversEveryCall(t *testing.T) {
	t.Parallel()
	for _, call := range ioCalls() {
		name := strings.Replace(call.Name, "Service.", ".", 1)
		assert.True(t, slices.ContainsFunc(vendorCalls(), func(vc vendorCall) bool {
			return vc.name == name || strings.HasPrefix(vc.name, name+" ")
		}), "%s has no case in vendorCalls", call.Name)
	}
}

// TestCallsAsTheVendorSDKDefinesThem runs every call against the fake with
// signatures checked and compares each request with the SDK's definition.
func TestCallsAsTheVendorSDKDefinesThem(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"permanent", "temporary"} {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			// The real clock: the fake checks X-Sdk-Date against its own.
			srv, err := cloudbackuptest.NewServer(cloudbackuptest.WithSignatureCheck(), cloudbackuptest.WithTaskPolls(1))
			require.NoError(t, err)
			t.Cleanup(srv.Close)
			creds := cloudbackup.WithAccessKey(srv.AccessKey(), srv.SecretKey())
			if key == "temporary" {
				creds = cloudbackup.WithTemporaryAccessKey(srv.TemporaryAccessKey(), srv.TemporarySecretKey(), srv.SecurityToken())
			}
			w := &wire{next: srv.HTTPClient().Transport}
			c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), creds, cloudbackup.WithHTTPClient(&http.Client{Transport: w}), fastRetry(0))
			require.NoError(t, err)
			d := srv.Demo()
			fresh, ok := srv.Backup(d.FreshBackupID)
			require.True(t, ok)
			require.Len(t, fresh.Children, 2)
			ctx := context.Background()
			covered := map[string]bool{}
			sentByDef := map[string]map[string]bool{} // the query names sent, per definition
			for _, vc := range vendorCalls() {
				require.NoError(t, vc.do(ctx, c, d, fresh), "%s (%s): the fake refused it", vc.name, vc.def)
				reqs := w.take()
				require.NotEmpty(t, reqs, vc.name)
				pattern := pathPattern(vc.path)
				if sentByDef[vc.def] == nil {
					sentByDef[vc.def] = map[string]bool{}
				}
				sent := sentByDef[vc.def]
				for _, r := range reqs {
					if r.method != vc.method || !pattern.MatchString(r.path) {
						continue // a call made on the way (Checkpoints.Get creates one first)
					}
					covered[vc.name] = true
					assert.NotContains(t, r.rawQuery, "+", "%s: a space is %%20", vc.name)
					for _, n := range queryNames(r.rawQuery) {
						sent[n] = true
						assert.Contains(t, vc.query, n, "%s: query %q is not in %s", vc.name, n, vc.def)
					}
					if vc.body != nil {
						var v any
						require.NoError(t, codec.UnmarshalJSON(r.body, &v), vc.name)
						checkBody(t, vc.name, vc.body, v)
					} else {
						assert.Empty(t, r.body, "%s: %s has no body", vc.name, vc.def)
					}
				}
				assert.True(t, covered[vc.name], "%s: no %s %s was sent", vc.name, vc.method, vc.path)
			}
			// Every query name of the SDK's list definitions can be sent.
			for _, vc := range vendorCalls() {
				for _, n := range vc.query {
					assert.True(t, sentByDef[vc.def][n], "no call sent %s's query %q", vc.def, n)
				}
			}
		})
	}
}
