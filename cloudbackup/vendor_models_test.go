package cloudbackup_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/internal/codec"
)

// decode reads an answer as the client does.
func decode(s string, v any) error { return codec.UnmarshalJSON([]byte(s), v) }

// TestListAnswersKeepOffsetAndLimit: the three list answers keep the
// offset and limit that Huawei's SDK models in them
// (services/cbr/v1/model/model_list_backups_response.go,
// model_list_vault_response.go, model_list_op_logs_response.go of
// huaweicloud-sdk-go-v3), as numbers or numeric strings; an answer without
// them (the API page's sample) leaves them absent rather than zero.
func TestListAnswersKeepOffsetAndLimit(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups", httpmock.NewStringResponder(200,
		`{"count": 7, "offset": 5, "limit": "2", "backups": [{"id": "a"}, {"id": "b"}]}`))
	mt.RegisterResponder(http.MethodGet, mockBase+"/vaults", httpmock.NewStringResponder(200,
		`{"vaults": [{"id": "v"}], "count": 1, "limit": 1000, "offset": 0}`))
	mt.RegisterResponder(http.MethodGet, mockBase+"/operation-logs", httpmock.NewStringResponder(200,
		`{"operation_logs": [], "count": 0}`))
	ctx := context.Background()

	bp, err := c.Backups.List(ctx, &cloudbackup.ListBackupsOptions{Offset: 5, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, int64(5), bp.Offset.Or(-1))
	assert.Equal(t, int64(2), bp.Limit.Or(-1))
	assert.Equal(t, int64(7), bp.Count.Int64)

	vp, err := c.Vaults.List(ctx, nil)
	require.NoError(t, err)
	off, ok := vp.Offset.Get()
	assert.True(t, ok, "an offset of 0 is present")
	assert.Zero(t, off)
	assert.Equal(t, int64(1000), vp.Limit.Or(-1))

	op, err := c.OperationLogs.List(ctx, nil)
	require.NoError(t, err)
	assert.False(t, op.Offset.Valid, "absent stays absent")
	assert.False(t, op.Limit.Valid)

	var p cloudbackup.BackupPage
	require.Error(t, decode(`{"count": 1, "offset": "first", "backups": []}`, &p), "an offset that is no number is a decoding error, as count is")
}

// TestVendorEnumerations: the enumeration values Huawei's SDK adds to the
// API page's are known: the member_status spellings accepted and rejected
// next to the page's accept and reject
// (services/cbr/v1/model/model_list_backups_request.go, model_member.go),
// and the Workspace desktop resource type (OS::Workspace::DesktopV2, in
// model_list_backups_request.go and model_backup_resp.go).
func TestVendorEnumerations(t *testing.T) {
	t.Parallel()
	for _, s := range []cloudbackup.MemberStatus{"pending", "accept", "reject", "accepted", "rejected"} {
		assert.True(t, s.Known(), s)
	}
	assert.False(t, cloudbackup.MemberStatus("accepting").Known())
	assert.True(t, cloudbackup.MemberStatusAccept.Accepted())
	assert.True(t, cloudbackup.MemberStatusAccepted.Accepted())
	assert.True(t, cloudbackup.MemberStatusRejected.Rejected())
	assert.False(t, cloudbackup.MemberStatusPending.Accepted())
	assert.True(t, cloudbackup.MemberStatusAccept.Same(cloudbackup.MemberStatusAccepted))
	assert.True(t, cloudbackup.MemberStatusReject.Same(cloudbackup.MemberStatusRejected))
	assert.False(t, cloudbackup.MemberStatusAccept.Same(cloudbackup.MemberStatusReject))
	assert.True(t, cloudbackup.MemberStatusPending.Same(cloudbackup.MemberStatusPending))

	assert.True(t, cloudbackup.ResourceTypeWorkspaceDesktop.Known())
	assert.Equal(t, cloudbackup.ResourceType("OS::Workspace::DesktopV2"), cloudbackup.ResourceTypeWorkspaceDesktop)

	var p cloudbackup.BackupPage
	require.NoError(t, decode(`{"count": 1, "backups": [{"id": "d", "resource_type": "OS::Workspace::DesktopV2"}]}`, &p))
	assert.Equal(t, cloudbackup.ResourceTypeWorkspaceDesktop, p.Backups[0].ResourceType)
}
