package erigones_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/internal/golden"
)

const statusPath = "/task/" + taskID + "/status/"

func startedReply() reply {
	return reply{http.StatusCreated, `{"status": "STARTED", "result": null, "task_id": "` + taskID + `"}`}
}

func createTask(t *testing.T, m *mock, c *erigones.Client) *erigones.Task {
	t.Helper()
	m.answer(http.MethodPost, "/vm/web01.example.com/backup/daily/", pending(taskID))
	task, err := c.Backups.Create(context.Background(), vmHost, "daily", nil)
	require.NoError(t, err)
	require.Equal(t, taskID, task.ID())
	return task
}

func countPath(m *mock, path string) int {
	n := 0
	for _, r := range m.requests() {
		if r.Path == "/danube/api"+path {
			n++
		}
	}
	return n
}

func TestWaitSuccess(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	c := m.client()
	task := createTask(t, m, c)
	m.answer(http.MethodGet, statusPath,
		pending(taskID), startedReply(),
		// api/vm/backup/tasks.py: detail holds only BACKUP_LOG_DETAIL keys.
		reply{http.StatusOK, `{"status": "SUCCESS", "result": {"message": "Backup successfully created", "returncode": 0, "detail": "rc=0, time_elapsed=12, backup_snapshot_size=41843149"}, "task_id": "` + taskID + `"}`},
	)
	res, err := task.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskSuccess, res.Status)
	assert.Equal(t, 3, countPath(m, statusPath), "polls until SUCCESS, then stops")
	size, ok := res.Output().DetailValue("backup_snapshot_size")
	require.True(t, ok)
	assert.Equal(t, "41843149", size)
	_, ok = res.Output().DetailValue("name")
	assert.False(t, ok, "the server never names the backup in the result")
	_, ok = res.Output().DetailValue("size")
	assert.False(t, ok)
	var raw map[string]any
	require.NoError(t, res.Decode(&raw))
	assert.Equal(t, "Backup successfully created", raw["message"])
	for _, r := range m.requests()[1:] {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Empty(t, r.Query, "task status is not DC-bound")
		assert.Equal(t, apiKey, r.Header.Get("ES-API-KEY"))
	}
}

func TestWaitFailure(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	c := m.client()
	task := createTask(t, m, c)
	m.answer(http.MethodGet, statusPath, startedReply(), reply{http.StatusBadRequest, string(golden.Read(t, "task-failure.json"))})
	res, err := task.Wait(context.Background())
	require.Error(t, err)
	require.NotNil(t, res)
	assert.Equal(t, erigones.TaskFailure, res.Status)
	assert.True(t, erigones.IsTaskFailed(err))
	assert.False(t, erigones.IsTaskRevoked(err))
	var failed *erigones.TaskFailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, taskID, failed.TaskID)
	// esdc-ce que/exceptions.py, api/vm/backup/tasks.py: detail holds the
	// summary, message the command's stderr.
	assert.Equal(t, "Got bad return code (1). Error: cannot receive incremental stream: destination has been modified", failed.Messages[0], "detail first")
	assert.Contains(t, failed.Messages, "cannot receive incremental stream: destination has been modified")
	var apiErr *erigones.APIError
	require.ErrorAs(t, err, &apiErr, "the 400 answer is reachable")
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, taskID, apiErr.RequestID)
	assert.Equal(t, 1, int(res.Output().ReturnCode.Or(-1)))
	assert.Equal(t, err, res.Err())
	golden.AssertJSON(t, "task-failure", map[string]any{"error": err.Error(), "messages": failed.Messages, "result": res})
}

func TestWaitRevoked(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	c := m.client()
	task := createTask(t, m, c)
	m.answer(http.MethodGet, statusPath, reply{http.StatusGone, `{"status": "REVOKED", "result": null, "task_id": "` + taskID + `"}`})
	res, err := task.Wait(context.Background())
	require.Error(t, err)
	assert.True(t, erigones.IsTaskRevoked(err))
	assert.False(t, erigones.IsTaskFailed(err))
	assert.Equal(t, erigones.TaskRevoked, res.Status)
	assert.True(t, erigones.HasStatus(err, http.StatusGone))
	assert.Equal(t, "erigones: task "+taskID+" was revoked", err.Error())
}

// TestWaitHonorsContext: an unknown task stays PENDING for ever; Wait must
// end when the context does, during a poll or during a sleep.
func TestWaitHonorsContext(t *testing.T) {
	t.Parallel()
	t.Run("cancelled while sleeping", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		c := m.client(erigones.WithWaitBackoff(erigones.ScheduleBackoff(time.Hour)))
		task := createTask(t, m, c)
		m.answer(http.MethodGet, statusPath, pending(taskID))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		start := time.Now()
		res, err := task.Wait(ctx)
		assert.Nil(t, res)
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, erigones.ErrWaitStopped)
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Zero(t, countPath(m, statusPath), "Wait sleeps before the first poll")
	})
	t.Run("deadline while polling", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		c := m.client()
		task := createTask(t, m, c)
		m.answer(http.MethodGet, statusPath, pending(taskID))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := task.Wait(ctx)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorIs(t, err, erigones.ErrWaitStopped)
		assert.Greater(t, countPath(m, statusPath), 1, "kept polling a pending task")
	})
}

// TestWaitSchedule checks that the waits follow the injected schedule, the
// last value repeating.
func TestWaitSchedule(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	sched := []time.Duration{5 * time.Millisecond, 30 * time.Millisecond, 10 * time.Millisecond}
	c := m.client(erigones.WithWaitBackoff(erigones.ScheduleBackoff(sched...)))
	task := createTask(t, m, c)
	var (
		mu    sync.Mutex
		times []time.Time
	)
	m.mt.RegisterResponder(http.MethodGet, apiRoot+statusPath, func(*http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		times = append(times, time.Now())
		if len(times) < 5 {
			return pendingResponse(), nil
		}
		return okResponse(), nil
	})
	start := time.Now()
	_, err := task.Wait(context.Background())
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, times, 5)
	want := []time.Duration{5, 30, 10, 10, 10}
	prev := start
	for i, at := range times {
		gap := at.Sub(prev)
		assert.GreaterOrEqual(t, gap, want[i]*time.Millisecond, "wait %d", i)
		prev = at
	}
}

func pendingResponse() *http.Response {
	r := &http.Response{StatusCode: http.StatusCreated, Header: http.Header{"Content-Type": {"application/json"}}}
	r.Body = bodyOf(`{"status": "PENDING", "result": null, "task_id": "` + taskID + `"}`)
	return r
}

func okResponse() *http.Response {
	r := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}}
	r.Body = bodyOf(`{"status": "SUCCESS", "result": null, "task_id": "` + taskID + `"}`)
	return r
}

func TestTaskDone(t *testing.T) {
	t.Parallel()
	path := "/task/" + taskID + "/done/"
	cases := []struct {
		name  string
		reply reply
		done  bool
		check func(error) bool
	}{
		{"pending", reply{http.StatusCreated, `{"task_id": "` + taskID + `", "done": false}`}, false, func(err error) bool { return err == nil }},
		{"success", reply{http.StatusOK, `{"task_id": "` + taskID + `", "done": true}`}, true, func(err error) bool { return err == nil }},
		{"failure", reply{http.StatusBadRequest, `{"task_id": "` + taskID + `", "done": false}`}, false, erigones.IsTaskFailed},
		{"revoked", reply{http.StatusGone, `{"task_id": "` + taskID + `", "done": false}`}, false, erigones.IsTaskRevoked},
		{"not found", detail(http.StatusNotFound, "Task does not exist (anymore)"), false, erigones.IsNotFound},
		{"no done member", reply{http.StatusOK, `{"task_id": "x"}`}, false, func(err error) bool {
			var d *erigones.DecodeError
			return errors.As(err, &d)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			m.answer(http.MethodGet, path, tc.reply)
			done, err := m.client().Task(taskID, "").Done(context.Background())
			assert.Equal(t, tc.done, done)
			assert.True(t, tc.check(err), "%v", err)
		})
	}
}

func TestTaskCancel(t *testing.T) {
	t.Parallel()
	path := "/task/" + taskID + "/cancel/"
	t.Run("revoked", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		task := createTask(t, m, m.client())
		m.answer(http.MethodPut, path, reply{http.StatusGone, `{"status": "REVOKED", "result": null, "task_id": "` + taskID + `"}`})
		res, err := task.Cancel(context.Background(), nil)
		require.NoError(t, err)
		assert.Equal(t, erigones.TaskRevoked, res.Status)
		assert.JSONEq(t, `{"dc": "main"}`, string(m.requests()[1].Body), "cancel is DC-bound: the task's dc is sent")
	})
	t.Run("finished first", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		m.answer(http.MethodPut, path, ok(`{"message": "done"}`))
		res, err := m.client().Task(taskID, "").Cancel(context.Background(), nil)
		require.NoError(t, err)
		assert.Equal(t, erigones.TaskSuccess, res.Status)
		assert.NoError(t, res.Err())
	})
	t.Run("cannot be cancelled", func(t *testing.T) {
		t.Parallel()
		m := newMock(t)
		m.answer(http.MethodPut, path, detail(http.StatusNotAcceptable, "Task cannot be canceled"))
		_, err := m.client().Task(taskID, "").Cancel(context.Background(), nil)
		assert.True(t, erigones.IsNotAcceptable(err))
		assert.False(t, erigones.IsAlreadyExists(err))
	})
}

func TestTaskStatusFailureIsAnAnswer(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.answer(http.MethodGet, statusPath, reply{http.StatusBadRequest, string(golden.Read(t, "task-failure.json"))})
	res, err := m.client().Task(taskID, "").Status(context.Background())
	require.NoError(t, err)
	assert.Equal(t, erigones.TaskFailure, res.Status)
	assert.True(t, erigones.IsTaskFailed(res.Err()))
}

func TestTaskWithoutID(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	task := m.client().Task("", "")
	_, err := task.Status(context.Background())
	assert.Error(t, err)
	_, err = task.Done(context.Background())
	assert.Error(t, err)
	assert.Empty(t, m.requests())
}

func TestPendingAnswerWithoutTaskID(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.answer(http.MethodPost, "/vm/web01.example.com/backup/daily/", reply{http.StatusCreated, `{"status": "PENDING", "result": null}`})
	_, err := m.client().Backups.Create(context.Background(), vmHost, "daily", nil)
	var d *erigones.DecodeError
	assert.ErrorAs(t, err, &d)
}

// TestSyncCallAnsweredPending: a call the server should answer at once
// that starts a task instead is an error naming the task.
func TestSyncCallAnsweredPending(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.answer(http.MethodGet, "/vm/web01.example.com/backup/", pending(taskID))
	_, err := m.client().Backups.List(context.Background(), vmHost, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), taskID)
}

// TestFailureInside2xx: a FAILURE envelope in a 200 answer is still an error.
func TestFailureInside2xx(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.answer(http.MethodGet, "/vm/web01.example.com/backup/", reply{http.StatusOK, `{"status": "FAILURE", "result": {"detail": "boom"}, "task_id": "x"}`})
	_, err := m.client().Backups.List(context.Background(), vmHost, nil)
	require.True(t, erigones.IsBadRequest(err), "%v", err)
	assert.Contains(t, err.Error(), "boom")
}
