package cloudbackup_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/cloudbackup"
	"github.com/backupsdk/backupsdk/cloudbackup/cloudbackuptest"
)

// The shared vocabulary of issue 17, as cloudbackup has it.

// TestPasswordLoginDerivesIAMEndpoint: WithPassword logs in at the IAM
// endpoint of the base URL's region, unless WithIAMEndpoint names another.
func TestPasswordLoginDerivesIAMEndpoint(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		base, iam string
		opts      []cloudbackup.Option
	}{
		"derived":  {"https://cbr.ap-southeast-1.myhuaweicloud.com", "https://iam.ap-southeast-1.myhuaweicloud.com/v3/auth/tokens", nil},
		"port":     {"https://cbr.eu-west-101.myhuaweicloud.eu:8443/", "https://iam.eu-west-101.myhuaweicloud.eu:8443/v3/auth/tokens", nil},
		"override": {"https://cbr.ap-southeast-1.myhuaweicloud.com", "https://iam.example.org/v3/auth/tokens", []cloudbackup.Option{cloudbackup.WithIAMEndpoint("https://iam.example.org/v3")}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			var logins []string
			mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				if r.Method == http.MethodPost {
					logins = append(logins, r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
					resp := httpmock.NewStringResponse(http.StatusCreated, `{"token":{"expires_at":"2099-01-01T00:00:00Z"}}`)
					resp.Header.Set("X-Subject-Token", "tok")
					return resp, nil
				}
				return httpmock.NewStringResponse(http.StatusOK, `{"backups":[],"count":0}`), nil
			})
			opts := append([]cloudbackup.Option{
				cloudbackup.WithPassword("user", "pw"), cloudbackup.WithDomain("acct"),
				cloudbackup.WithHTTPClient(&http.Client{Transport: mt}),
			}, tc.opts...)
			c, err := cloudbackup.NewClient(tc.base, "p1", opts...)
			require.NoError(t, err)
			_, err = c.Backups.List(context.Background(), nil)
			require.NoError(t, err)
			assert.Equal(t, []string{tc.iam}, logins)
		})
	}
}

// TestErrorPredicates: CBR refuses a request with a 400 and a
// BackupService code; IsValidation says so, IsConflict is only a 409.
func TestErrorPredicates(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	answer := func(status int, code string) error {
		mt.RegisterResponder(http.MethodGet, mockBase+"/backups/b1",
			httpmock.NewStringResponder(status, `{"error_code":"`+code+`","error_msg":"no"}`))
		_, err := c.Backups.Get(context.Background(), "b1")
		require.Error(t, err)
		return err
	}
	err := answer(http.StatusBadRequest, "BackupService.0001")
	assert.True(t, cloudbackup.IsValidation(err))
	assert.False(t, cloudbackup.IsConflict(err))
	assert.True(t, cloudbackup.HasCode(err, "BackupService.0001"))
	err = answer(http.StatusConflict, "BackupService.6300")
	assert.True(t, cloudbackup.IsConflict(err))
	assert.False(t, cloudbackup.IsValidation(err))
	assert.True(t, cloudbackup.IsValidation(answer(http.StatusUnprocessableEntity, "x")))
	for _, p := range []func(error) bool{cloudbackup.IsNotFound, cloudbackup.IsUnauthorized, cloudbackup.IsForbidden, cloudbackup.IsRateLimited, cloudbackup.IsConflict, cloudbackup.IsValidation} {
		assert.False(t, p(errors.New("not an API answer")))
	}
}

// TestEncodingJSONv1HasNoExtraKey: the types that keep unknown members
// write them inline under encoding/json too, never as an "Extra" member,
// and the raw members stay JSON.
func TestEncodingJSONv1HasNoExtraKey(t *testing.T) {
	t.Parallel()
	extra := map[string]cloudbackup.RawJSON{"future": cloudbackup.RawJSON(`{"a":[1]}`)}
	for name, v := range map[string]any{
		"Backup":             cloudbackup.Backup{ID: "b1", Extra: extra, ExtendInfo: cloudbackup.BackupExtendInfo{Extra: extra}},
		"BackupExtendInfo":   cloudbackup.BackupExtendInfo{Extra: extra},
		"ReplicationRecord":  cloudbackup.ReplicationRecord{ID: "r1", Extra: extra, ExtraInfo: cloudbackup.ReplicationExtraInfo{Extra: extra}},
		"Checkpoint":         cloudbackup.Checkpoint{ID: "cp", Extra: extra},
		"Vault":              cloudbackup.Vault{ID: "v", Extra: extra, BindRules: cloudbackup.RawJSON(`{"tags":[]}`)},
		"OperationExtraInfo": cloudbackup.OperationExtraInfo{Extra: extra},
		"[]Backup":           []cloudbackup.Backup{{ID: "b1", Extra: extra}},
		"OperationLog":       cloudbackup.OperationLog{ID: "op", ExtraInfo: cloudbackup.OperationExtraInfo{Extra: extra}},
	} {
		data, err := json.Marshal(v)
		require.NoError(t, err, name)
		assert.NotContains(t, string(data), `"Extra"`, name)
		assert.Contains(t, string(data), `"future":{"a":[1]}`, name)
		var back any
		require.NoError(t, json.Unmarshal(data, &back), "%s: %s", name, data)
	}
	data, err := json.Marshal(cloudbackup.ReplicationExtraInfo{Text: "plain words"})
	require.NoError(t, err)
	assert.Equal(t, `"plain words"`, string(data), "extra_info that came as a string goes back as one")
	data, err = json.Marshal(cloudbackup.Vault{ID: "v", BindRules: cloudbackup.RawJSON(`{"tags":[]}`)})
	require.NoError(t, err)
	assert.Contains(t, string(data), `"bind_rules":{"tags":[]}`)
}

// TestCountAbsentStaysAbsent: a list answer without a count gives a page
// whose Count is absent, not the page's length.
func TestCountAbsentStaysAbsent(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/vaults", httpmock.NewStringResponder(200, `{"vaults":[{"id":"v1"},{"id":"v2"}]}`))
	mt.RegisterResponder(http.MethodGet, mockBase+"/operation-logs", httpmock.NewStringResponder(200, `{"operation_logs":[{"id":"a","status":"success"}]}`))
	vaults, err := c.Vaults.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, vaults.Vaults, 2)
	assert.False(t, vaults.Count.Valid, "no count was sent")
	assert.Equal(t, "(absent)", vaults.Count.String())
	logs, err := c.OperationLogs.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, logs.OperationLogs, 1)
	assert.False(t, logs.Count.Valid, "no count was sent")
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups", httpmock.NewStringResponder(200, `{"backups":[{"id":"b1"}]}`))
	backups, err := c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, backups.Backups, 1)
	assert.False(t, backups.Count.Valid, "no count was sent: not a made-up 0")

	mt.RegisterResponder(http.MethodGet, mockBase+"/vaults", httpmock.NewStringResponder(200, `{"vaults":[{"id":"v1"}],"count":7}`))
	vaults, err = c.Vaults.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, int64(7), vaults.Count.Or(-1), "count is the total, not the page")
}

// TestManualPagingByNextMarker: BackupPage.NextMarker walks the list by
// hand to the same backups as All, and ends on an empty page.
func TestManualPagingByNextMarker(t *testing.T) {
	t.Parallel()
	srv := cloudbackuptest.NewTestServer(t)
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithToken(srv.Token()))
	require.NoError(t, err)
	ctx := context.Background()
	var want []string
	for b, err := range c.Backups.All(ctx, &cloudbackup.ListBackupsOptions{Limit: 4}) {
		require.NoError(t, err)
		want = append(want, b.ID)
	}
	require.Greater(t, len(want), 4, "more than one page")
	var got []string
	opts := &cloudbackup.ListBackupsOptions{Limit: 4}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 20, "the marker leads on")
		page, err := c.Backups.List(ctx, opts)
		require.NoError(t, err)
		if len(page.Backups) == 0 {
			assert.Empty(t, page.NextMarker)
			break
		}
		for _, b := range page.Backups {
			got = append(got, b.ID)
		}
		assert.Equal(t, page.Backups[len(page.Backups)-1].ID, page.NextMarker)
		opts.Marker = page.NextMarker
	}
	assert.Equal(t, want, got)
}

// TestWaitHandles: a restore without a task, and a checkpoint that ends
// in error or whose ID is unknown, say so; WithWaitBackoff is the
// client's default and WaitBackoff overrides it per call.
func TestWaitHandles(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, cloudbackup.WithWaitBackoff(func(int) time.Duration { return time.Hour }))
	mt.RegisterResponder(http.MethodPost, mockBase+"/backups/b1/restore", httpmock.NewStringResponder(http.StatusAccepted, ``))
	res, err := c.Backups.Restore(context.Background(), "b1", cloudbackup.VolumeRestore("vol-1"))
	require.NoError(t, err)
	_, err = res.Wait(context.Background())
	assert.ErrorIs(t, err, cloudbackup.ErrNoTask)

	// The client's hour-long backoff: the context ends the wait at once.
	mt.RegisterResponder(http.MethodGet, mockBase+"/checkpoints/cp-1", httpmock.ResponderFromMultipleResponses([]*http.Response{
		httpmock.NewStringResponse(200, `{"checkpoint":{"id":"cp-1","status":"protecting"}}`),
		httpmock.NewStringResponse(200, `{"checkpoint":{"id":"cp-1","status":"protecting"}}`),
		httpmock.NewStringResponse(200, `{"checkpoint":{"id":"cp-1","status":"error"}}`),
	}))
	cp, err := c.Checkpoints.Get(context.Background(), "cp-1")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = cp.Wait(ctx)
	assert.ErrorIs(t, err, cloudbackup.ErrWaitStopped)
	assert.ErrorIs(t, err, context.Canceled)

	var states []string
	final, err := cp.Wait(context.Background(), cloudbackup.WaitBackoff(cloudbackup.ScheduleBackoff()),
		cloudbackup.WaitProgress(func(p cloudbackup.Progress) { states = append(states, fmt.Sprintf("%d%s %v", p.Poll, p.State, p.Done)) }))
	var cpErr *cloudbackup.CheckpointError
	require.ErrorAs(t, err, &cpErr)
	assert.Equal(t, cloudbackup.CheckpointStatusError, cpErr.Status)
	assert.Equal(t, "cloudbackup: checkpoint cp-1 ended error", err.Error())
	require.NotNil(t, final)
	assert.Equal(t, cloudbackup.CheckpointStatusError, final.Status)
	assert.Equal(t, []string{"1protecting false", "2error true"}, states)

	mt.RegisterResponder(http.MethodPost, mockBase+"/checkpoints", httpmock.NewStringResponder(200, `{"checkpoint":{"status":"protecting"}}`))
	created, err := c.Checkpoints.Create(context.Background(), "vault-1", nil)
	require.NoError(t, err)
	require.Error(t, created.BodyErr)
	_, err = created.Wait(context.Background())
	assert.ErrorContains(t, err, "its ID is unknown")
	_, err = (&cloudbackup.Checkpoint{ID: "x"}).Wait(context.Background())
	assert.ErrorContains(t, err, "no client made")
}

// TestEnumsPrint: an absent enum prints as "(absent)", Get and Or tell it
// from a value, and a value prints as CBR names it.
func TestEnumsPrint(t *testing.T) {
	t.Parallel()
	var b cloudbackup.Backup
	assert.Equal(t, "(absent) (absent)", fmt.Sprintf("%v %v", b.Status, b.ResourceType))
	_, ok := b.Status.Get()
	assert.False(t, ok)
	assert.Equal(t, cloudbackup.BackupStatusError, b.Status.Or(cloudbackup.BackupStatusError))
	b.Status = cloudbackup.BackupStatusAvailable
	assert.Equal(t, "available", fmt.Sprint(b.Status))
	st, ok := b.Status.Get()
	assert.True(t, ok)
	assert.Equal(t, cloudbackup.BackupStatusAvailable, st)
	assert.Equal(t, "success", cloudbackup.OperationStatusSuccess.String())
	assert.Equal(t, "(absent)", cloudbackup.CheckpointStatus("").String())
}

// TestListBackupsSkipsEmptyStatus: an empty status in the filter is not
// sent (it would print as "(absent)").
func TestListBackupsSkipsEmptyStatus(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	var rec recorder
	mt.RegisterResponder(http.MethodGet, mockBase+"/backups", rec.responder(200, `{"backups":[],"count":0}`))
	_, err := c.Backups.List(context.Background(), &cloudbackup.ListBackupsOptions{Status: []cloudbackup.BackupStatus{"", cloudbackup.BackupStatusError}})
	require.NoError(t, err)
	assert.Equal(t, "status=error", rec.reqs[0].URL.RawQuery)
}

// TestFakeSurface: the fake's shared surface.
func TestFakeSurface(t *testing.T) {
	t.Parallel()
	srv := cloudbackuptest.NewTestServer(t, cloudbackuptest.WithPassword("alice", "pw-1"), cloudbackuptest.WithDomain("acme"))
	c, err := cloudbackup.NewClient(srv.URL(), srv.ProjectID(), cloudbackup.WithHTTPClient(srv.HTTPClient()),
		cloudbackup.WithPassword("alice", "pw-1"), cloudbackup.WithDomain("acme"), cloudbackup.WithIAMEndpoint(srv.IAMEndpoint()))
	require.NoError(t, err)
	id, err := srv.AddBackup(cloudbackup.Backup{Name: "added"})
	require.NoError(t, err)
	b, err := c.Backups.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, "added", b.Name)
	assert.Equal(t, 1, srv.Logins())
	calls := srv.Calls()
	require.Len(t, calls, 2)
	assert.Equal(t, "/v3/auth/tokens", calls[0].Path)
	assert.Equal(t, http.StatusCreated, calls[0].Status)
	assert.Equal(t, "/v3/"+srv.ProjectID()+"/backups/"+id, calls[1].Path)
	assert.Equal(t, http.StatusOK, calls[1].Status)
	_, err = srv.AddBackup(cloudbackup.Backup{ID: "a/b"})
	assert.Error(t, err)
}

// Valid means present, as on every optional value of the SDK; Known means
// one of the documented values (unitrends' statuses read the same).
func TestEnumValidMeansPresent(t *testing.T) {
	t.Parallel()
	assert.False(t, cloudbackup.BackupStatus("").Valid())
	assert.True(t, cloudbackup.BackupStatus("frozen").Valid(), "present, though undocumented")
	assert.False(t, cloudbackup.BackupStatus("frozen").Known())
	assert.True(t, cloudbackup.BackupStatusAvailable.Known())
	assert.True(t, cloudbackup.MemberStatusAccepted.Known())
}
