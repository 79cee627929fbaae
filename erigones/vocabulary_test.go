package erigones_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/erigones/erigonestest"
)

// The shapes every package shares (issue 17), as erigones has them.

// fakeClient is a client of a fresh fake, with an API key.
func fakeClient(t *testing.T, srvOpts []erigonestest.Option, opts ...erigones.Option) (*erigonestest.Server, *erigones.Client) {
	t.Helper()
	srv := erigonestest.NewTestServer(t, srvOpts...)
	c, err := erigones.NewClient(srv.URL(), append([]erigones.Option{erigones.WithAPIKey(srv.APIKey()), erigones.WithHTTPClient(srv.HTTPClient())}, opts...)...)
	require.NoError(t, err)
	return srv, c
}

// Progress comes after every poll, numbered from 1, with the task's state
// as the server spells it; the last one is the final state and Done.
func TestWaitProgress(t *testing.T) {
	t.Parallel()
	_, c := fakeClient(t, []erigonestest.Option{erigonestest.WithTaskPolls(3)},
		erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Millisecond)))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	var got []erigones.Progress
	res, err := task.Wait(ctx, erigones.WaitProgress(func(p erigones.Progress) { got = append(got, p) }))
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskSuccess, res.Status)
	require.Len(t, got, 3)
	for i, p := range got {
		assert.Equal(t, i+1, p.Poll)
		assert.Equal(t, i == 2, p.Done, "poll %d", p.Poll)
		assert.False(t, p.Percent.Valid, "the API tells no percentage")
	}
	assert.Equal(t, "STARTED", got[0].State)
	assert.Equal(t, "SUCCESS", got[2].State)
}

// WaitBackoff of one call wins over the client's WithWaitBackoff: with the
// client's hour the wait would outlast the context.
func TestWaitBackoffPerCall(t *testing.T) {
	t.Parallel()
	_, c := fakeClient(t, nil, erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Hour)))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	b, res, err := c.Backups.CreateAndWait(ctx, erigonestest.FreshVM, "daily", nil,
		erigones.WaitBackoff(erigones.ExponentialBackoff(time.Millisecond, 2*time.Millisecond)))
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskSuccess, res.Status)
	assert.Equal(t, erigones.BackupStatusOK, b.Status)
}

// A task that failed is no validation error; a name refused before sending
// is one, and so is a 400 with the serializer's field messages.
func TestIsValidation(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t, nil, erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Millisecond)))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	srv.FailNextTasks(1, "zfs: out of space")
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	_, err = task.Wait(ctx)
	require.Error(t, err)
	assert.True(t, erigones.IsTaskFailed(err))
	assert.False(t, erigones.IsValidation(err), "%v", err)

	before := len(srv.Calls())
	_, err = c.Definitions.Create(ctx, erigonestest.FreshVM, "much-too-long", &erigones.CreateDefinitionOptions{Node: erigonestest.DemoBackupNode})
	assert.True(t, erigones.IsValidation(err), "%v", err)
	assert.Len(t, srv.Calls(), before, "refused before sending")

	// The server refuses a schedule that is not cron (its serializer).
	_, err = c.Definitions.Create(ctx, erigonestest.FreshVM, "custom", &erigones.CreateDefinitionOptions{
		Node: erigonestest.DemoBackupNode, Schedule: "every day", Retention: new(3)})
	require.Error(t, err)
	assert.True(t, erigones.IsValidation(err), "%v", err)
	assert.True(t, erigones.HasStatus(err, http.StatusBadRequest))
}

// A task's result is RawJSON: it marshals as the server's JSON with
// encoding/json, not as base64 bytes.
func TestTaskResultMarshalsWithEncodingJSON(t *testing.T) {
	t.Parallel()
	_, c := fakeClient(t, nil, erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Millisecond)))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	task, err := c.Backups.Create(ctx, erigonestest.FreshVM, "daily", nil)
	require.NoError(t, err)
	res, err := task.Wait(ctx)
	require.NoError(t, err)
	b, err := json.Marshal(res)
	require.NoError(t, err)
	var back struct {
		TaskID string `json:"task_id"`
		Status string `json:"status"`
		Result struct {
			Message string `json:"message"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal(b, &back), "%s", b)
	assert.Equal(t, task.ID(), back.TaskID)
	assert.Equal(t, "SUCCESS", back.Status)
	assert.Equal(t, "Backup successfully created", back.Result.Message)

	pending, err := json.Marshal(task.Initial())
	require.NoError(t, err)
	assert.JSONEq(t, `{"task_id": "`+task.ID()+`", "status": "PENDING", "result": null}`, string(pending))
}

// WithResponseInfo fills in the last answer of a successful call,
// request id included when the server sends one.
func TestWithResponseInfo(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.mt.RegisterResponder(http.MethodGet, apiRoot+"/vm/web01/backup/", func(*http.Request) (*http.Response, error) {
		r := okResponse()
		r.Header.Set("X-Request-Id", "req-42")
		return r, nil
	})
	var info erigones.ResponseInfo
	_, err := m.client().Backups.ListNames(erigones.WithResponseInfo(t.Context(), &info), "web01", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, info.StatusCode)
	assert.Equal(t, "req-42", info.RequestID)
	assert.Equal(t, 1, info.Attempts)
	assert.Equal(t, 1, info.Requests)
}

// AllTaskLog walks the pages of 100 until the count, lazily.
func TestAllTaskLog(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	const total = 150
	var mu sync.Mutex
	var pages []string
	m.mt.RegisterResponder(http.MethodGet, apiRoot+"/task/log/", func(r *http.Request) (*http.Response, error) {
		page := r.URL.Query().Get("page")
		mu.Lock()
		pages = append(pages, page)
		mu.Unlock()
		n, _ := strconv.Atoi(page)
		var entries []string
		for i := (n - 1) * 100; i < min(n*100, total); i++ {
			entries = append(entries, fmt.Sprintf(`{"task": "t-%d", "status": "SUCCESS", "time": "2024-03-01T12:00:00Z", "msg": "m"}`, i))
		}
		resp := okResponse()
		resp.Body = bodyOf(fmt.Sprintf(`{"count": %d, "results": [%s]}`, total, strings.Join(entries, ",")))
		return resp, nil
	})
	c := m.client()
	var ids []string
	for e, err := range c.AllTaskLog(t.Context(), &erigones.ListTaskLogOptions{Status: erigones.TaskSuccess}) {
		require.NoError(t, err)
		ids = append(ids, e.TaskID.Or(""))
	}
	require.Len(t, ids, total)
	assert.Equal(t, "t-0", ids[0])
	assert.Equal(t, "t-149", ids[total-1])
	assert.Equal(t, []string{"1", "2"}, pages)

	for range c.AllTaskLog(t.Context(), nil) {
		break // one entry: no second page
	}
	assert.Equal(t, []string{"1", "2", "1"}, pages)
}

// The enums that can be absent read like every optional value.
func TestEnumsValidGetOr(t *testing.T) {
	t.Parallel()
	var none erigones.BackupStatus
	assert.False(t, none.Valid())
	assert.Equal(t, "(absent)", none.String())
	assert.True(t, erigones.BackupStatusOK.Valid())
	assert.Equal(t, erigones.BackupStatusLost, none.Or(erigones.BackupStatusLost))
	var noType erigones.BackupType
	assert.False(t, noType.Valid())
	assert.True(t, erigones.BackupTypeDataset.Valid())
}
