package cloudbackup_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
)

// brokenBody is a body that ends with a connection error after its text.
func brokenBody(text string) io.ReadCloser {
	return io.NopCloser(io.MultiReader(strings.NewReader(text), errReader{}))
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

// counting answers every call with answer and counts the calls.
func counting(n *int, answer func() *http.Response) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		*n++
		if req.Body != nil {
			_, _ = io.Copy(io.Discard, req.Body)
		}
		return answer(), nil
	}
}

func fieldPaths(t *testing.T, err error) []string {
	t.Helper()
	var fields cloudbackup.FieldErrors
	require.ErrorAs(t, err, &fields)
	return fields.Paths()
}

// TestCreateCheckpointKeepsTheResult: a 200 to Checkpoints.Create is never
// an error, since the backup has started: fields that do not read are left
// out and named in BodyErr, the ID and status are kept; without them the
// result says so. Sizes and counts as strings (the vendor's
// services/cbr/v1/model/model_checkpoint_resource_resp.go types them so)
// read without complaint. Only CBR's error shape is an error. Each call is
// sent once.
func TestCreateCheckpointKeepsTheResult(t *testing.T) {
	t.Parallel()
	const vendorShaped = `{"checkpoint": {"id": "cp-1", "project_id": "p1", "status": "protecting", "created_at": "2024-05-01T10:00:00.123456",
		"vault": {"id": "v1", "name": "vault-a", "resources": [{"id": "r1", "name": "web", "type": "OS::Nova::Server",
		"protect_status": "protecting", "resource_size": "40", "backup_size": "0", "backup_count": "0", "extra_info": "{}"}]},
		"extra_info": {"name": "now"}}}`
	for name, tc := range map[string]struct {
		answer    func() *http.Response
		id        string
		status    cloudbackup.CheckpointStatus
		bodyPaths []string // the members BodyErr names; nil: no FieldErrors
		bodyErr   bool
	}{
		"sizes as strings, as the SDK types them": {
			answer: func() *http.Response { return httpmock.NewStringResponse(200, vendorShaped) },
			id:     "cp-1", status: cloudbackup.CheckpointStatusProtecting,
		},
		"sizes that are no integers": {
			answer: func() *http.Response {
				return httpmock.NewStringResponse(200, strings.NewReplacer(`"resource_size": "40"`, `"resource_size": "1.5"`,
					`"backup_count": "0"`, `"backup_count": true`, `"name": "web"`, `"name": {"zh": "web"}`).Replace(vendorShaped))
			},
			id: "cp-1", status: cloudbackup.CheckpointStatusProtecting, bodyErr: true,
			bodyPaths: []string{"/checkpoint/vault/resources/0/resource_size", "/checkpoint/vault/resources/0/backup_count", "/checkpoint/vault/resources/0/name"},
		},
		"no id": {
			answer: func() *http.Response {
				return httpmock.NewStringResponse(200, `{"checkpoint": {"status": "protecting"}}`)
			},
			status:  cloudbackup.CheckpointStatusProtecting,
			bodyErr: true, bodyPaths: []string{"/checkpoint/id"},
		},
		"an id of the wrong kind": {
			answer: func() *http.Response {
				return httpmock.NewStringResponse(200, `{"checkpoint": {"id": 17, "status": "protecting"}}`)
			},
			status:  cloudbackup.CheckpointStatusProtecting,
			bodyErr: true, bodyPaths: []string{"/checkpoint/id"},
		},
		"an empty body": {
			answer:  func() *http.Response { return httpmock.NewStringResponse(200, "") },
			bodyErr: true, bodyPaths: []string{"/checkpoint"},
		},
		"a proxy's page": {
			answer:  func() *http.Response { return httpmock.NewStringResponse(200, "<html>ok</html>") },
			bodyErr: true,
		},
		"a body cut off by the connection": {
			answer: func() *http.Response {
				return &http.Response{StatusCode: 200, Header: http.Header{}, Body: brokenBody(`{"checkpoint": {"id": "cp-1"`)}
			},
			bodyErr: true,
		},
	} {
		c, mt := newMockClient(t)
		calls := 0
		mt.RegisterResponder(http.MethodPost, mockBase+"/checkpoints", counting(&calls, tc.answer))
		cp, err := c.Checkpoints.Create(context.Background(), "v1", nil)
		require.NoError(t, err, name)
		require.NotNil(t, cp, name)
		assert.Equal(t, 1, calls, "%s: sent once", name)
		assert.Equal(t, tc.id, cp.ID, name)
		assert.Equal(t, tc.status, cp.Status, name)
		if !tc.bodyErr {
			assert.NoError(t, cp.BodyErr, name)
			continue
		}
		require.Error(t, cp.BodyErr, name)
		if tc.bodyPaths != nil {
			assert.ElementsMatch(t, tc.bodyPaths, fieldPaths(t, cp.BodyErr), name)
			var de *cloudbackup.DecodeError
			assert.ErrorAs(t, cp.BodyErr, &de, "%s: a DecodeError with the status and the body's start", name)
		}
	}

	// What could be read is kept beside what could not.
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, mockBase+"/checkpoints", httpmock.NewStringResponder(200,
		strings.Replace(vendorShaped, `"backup_size": "0"`, `"backup_size": "n/a GB"`, 1)))
	cp, err := c.Checkpoints.Create(context.Background(), "v1", nil)
	require.NoError(t, err)
	require.Len(t, cp.Vault.Resources, 1)
	r := cp.Vault.Resources[0]
	assert.Equal(t, int64(40), r.ResourceSize.Or(0))
	assert.False(t, r.BackupSize.Valid, "left out: absent, not 0")
	assert.Equal(t, "web", r.Name)
	assert.Equal(t, "now", cp.ExtraInfo.Name)
	assert.Contains(t, cp.BodyErr.Error(), "/checkpoint/vault/resources/0/backup_size")

	// A 200 in CBR's error shape is the server saying it failed.
	mt.RegisterResponder(http.MethodPost, mockBase+"/checkpoints", httpmock.NewStringResponder(200,
		`{"error_code": "BackupService.6102", "error_msg": "no resources"}`))
	_, err = c.Checkpoints.Create(context.Background(), "v1", nil)
	assert.True(t, cloudbackup.HasCode(err, "BackupService.6102"), "%v", err)
}

// TestGetCheckpointLenient: a read of a checkpoint keeps it when a field
// does not read, and fails when the checkpoint itself is missing.
func TestGetCheckpointLenient(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/checkpoints/cp-1", httpmock.NewStringResponder(200,
		`{"checkpoint": {"id": "cp-1", "status": "available", "vault": {"id": "v1", "resources": [{"id": "r", "backup_count": "2.5"}]}}}`))
	mt.RegisterResponder(http.MethodGet, mockBase+"/checkpoints/none", httpmock.NewStringResponder(200, `{}`))
	cp, err := c.Checkpoints.Get(context.Background(), "cp-1")
	require.NoError(t, err)
	assert.Equal(t, cloudbackup.CheckpointStatusAvailable, cp.Status)
	assert.Equal(t, []string{"/checkpoint/vault/resources/0/backup_count"}, fieldPaths(t, cp.BodyErr))
	_, err = c.Checkpoints.Get(context.Background(), "none")
	var de *cloudbackup.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), "/checkpoint")
}

// TestRestoreAcceptedWhateverTheBody: a 202 to a restore is a restore
// under way, whatever its body; a body that cannot be read is reported in
// BodyErr, not as an error that invites a second restore.
func TestRestoreAcceptedWhateverTheBody(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		answer  func() *http.Response
		jobID   string
		bodyErr bool
	}{
		"empty, as the SDK models it": {answer: func() *http.Response { return httpmock.NewStringResponse(202, "") }},
		"a job id":                    {answer: func() *http.Response { return httpmock.NewStringResponse(202, `{"job_id": "job-1"}`) }, jobID: "job-1"},
		"a numeric job id":            {answer: func() *http.Response { return httpmock.NewStringResponse(202, `{"job_id": 42}`) }, jobID: "42"},
		"a job id of the wrong kind": {answer: func() *http.Response {
			return httpmock.NewStringResponse(202, `{"job_id": {"id": "job-1"}}`)
		}, bodyErr: true},
		"not JSON": {answer: func() *http.Response { return httpmock.NewStringResponse(202, "Accepted") }, bodyErr: true},
		"cut off":  {answer: func() *http.Response { return httpmock.NewStringResponse(202, `{"job_id": "jo`) }, bodyErr: true},
		"connection broke in the body": {answer: func() *http.Response {
			return &http.Response{StatusCode: 202, Header: http.Header{}, Body: brokenBody(`{"job`)}
		}, bodyErr: true},
	} {
		c, mt := newMockClient(t)
		calls := 0
		mt.RegisterResponder(http.MethodPost, mockBase+"/backups/b1/restore", counting(&calls, func() *http.Response {
			resp := tc.answer()
			resp.Header.Set("X-Request-Id", "rid-"+name)
			return resp
		}))
		res, err := c.Backups.Restore(context.Background(), "b1", cloudbackup.VolumeRestore("vol-1"))
		require.NoError(t, err, name)
		assert.Equal(t, 1, calls, "%s: sent once", name)
		assert.Equal(t, http.StatusAccepted, res.StatusCode, name)
		assert.Equal(t, "rid-"+name, res.RequestID, name)
		assert.Equal(t, tc.jobID, res.JobID, name)
		if tc.bodyErr {
			assert.Error(t, res.BodyErr, name)
		} else {
			assert.NoError(t, res.BodyErr, name)
		}
	}

	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, mockBase+"/backups/b1/restore", httpmock.NewStringResponder(202,
		`{"error_code": "BackupService.6300", "error_msg": "not available"}`))
	_, err := c.Backups.Restore(context.Background(), "b1", cloudbackup.VolumeRestore("vol-1"))
	assert.True(t, cloudbackup.HasCode(err, "BackupService.6300"), "CBR's error shape is an error: %v", err)
}

// TestDeleteAcceptedWhateverTheBody: a success status to a delete is a
// success even when its body breaks off.
func TestDeleteAcceptedWhateverTheBody(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	calls := 0
	mt.RegisterResponder(http.MethodDelete, mockBase+"/backups/b1", counting(&calls, func() *http.Response {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: brokenBody(`{"x`)}
	}))
	require.NoError(t, c.Backups.Delete(context.Background(), "b1"))
	assert.Equal(t, 1, calls)
}

// TestWriteBodiesOfTheSDK: the request members Huawei's SDK has and the
// page lacks reach the wire: restore's details.destination_path
// (services/cbr/v1/model/model_backup_restore.go, model_restore_details.go)
// and the checkpoint's resource_details and policy_id
// (model_checkpoint_param.go, model_resource.go,
// model_resource_extra_info.go).
func TestWriteBodiesOfTheSDK(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var rec recorder
	mt.RegisterResponder(http.MethodPost, mockBase+"/backups/b1/restore", rec.responder(202, ""))
	mt.RegisterResponder(http.MethodPost, mockBase+"/checkpoints", rec.responder(200, `{"checkpoint": {"id": "cp", "status": "protecting"}}`))
	ctx := context.Background()
	_, err := c.Backups.Restore(ctx, "b1", &cloudbackup.RestoreBackupOptions{ResourceID: "turbo-1", Details: &cloudbackup.RestoreDetails{DestinationPath: "/restore/here"}})
	require.NoError(t, err)
	_, err = c.Checkpoints.Create(ctx, "v1", &cloudbackup.CreateCheckpointOptions{
		ResourceDetails: []cloudbackup.ResourceDetail{{
			ID: "srv-1", Type: cloudbackup.ResourceTypeServer,
			ExtraInfo: &cloudbackup.ResourceExtraInfo{ExcludeVolumes: []string{"vol-x"}, IncludeVolumes: []cloudbackup.IncludedVolume{{ID: "vol-y", OSVersion: "linux"}}},
		}},
		AutoTrigger: true, PolicyID: "policy-1",
	})
	require.NoError(t, err)
	require.Len(t, rec.body, 2)
	assert.JSONEq(t, `{"restore": {"resource_id": "turbo-1", "details": {"destination_path": "/restore/here"}}}`, rec.body[0])
	assert.JSONEq(t, `{"checkpoint": {"vault_id": "v1", "parameters": {"auto_trigger": true, "policy_id": "policy-1",
		"resource_details": [{"id": "srv-1", "type": "OS::Nova::Server", "extra_info": {"exclude_volumes": ["vol-x"],
		"include_volumes": [{"id": "vol-y", "os_version": "linux"}]}}]}}}`, rec.body[1])

	_, err = c.Backups.Restore(ctx, "b1", &cloudbackup.RestoreBackupOptions{VolumeID: "v", Details: &cloudbackup.RestoreDetails{}})
	assert.ErrorContains(t, err, "DestinationPath")
	assert.Len(t, rec.body, 2, "nothing sent")
}
