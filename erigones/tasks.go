package erigones

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// TaskStatus is the state of a call or task, the envelope's "status".
type TaskStatus string

// Task states, as the server spells them.
const (
	// TaskPending is a task waiting for a worker (HTTP 201).
	TaskPending TaskStatus = "PENDING"
	// TaskStarted is a task a worker runs (HTTP 201).
	TaskStarted TaskStatus = "STARTED"
	// TaskRetry is a task that will run again; the server reports it as pending.
	TaskRetry TaskStatus = "RETRY"
	// TaskSuccess is a finished call or task (HTTP 200, or 201 for a created object).
	TaskSuccess TaskStatus = "SUCCESS"
	// TaskFailure is a failed call or task (HTTP 400).
	TaskFailure TaskStatus = "FAILURE"
	// TaskRevoked is a cancelled task (HTTP 410).
	TaskRevoked TaskStatus = "REVOKED"
)

// Final reports whether the state will not change any more: SUCCESS,
// FAILURE or REVOKED.
func (s TaskStatus) Final() bool {
	return s == TaskSuccess || s == TaskFailure || s == TaskRevoked
}

// Task is an asynchronous job the server started (creating, restoring or
// deleting backups). Calls that answer 201 PENDING return one instead of
// pretending to be done; poll it with Status or Done, stop it with Cancel,
// or block on Wait. When the server finished the job at once (a lost backup
// deleted from the database, a synchronous server), the Task is already
// final and Wait returns without polling. A Task is immutable and safe for
// concurrent use.
type Task struct {
	client *Client
	dc     string
	first  TaskResult
	origin *createOrigin // set by Backups.Create, for Created
}

// ID returns the task id, such as "1e1d1-6f75849b-11b8-4bf1-8f66".
func (t *Task) ID() string { return t.first.TaskID }

// Initial returns the answer of the call that started the task: PENDING
// with a null result, or the final answer when the server finished at once.
func (t *Task) Initial() *TaskResult {
	r := t.first
	r.Result = slices.Clone(r.Result)
	return &r
}

// TaskResult is one answer about a task: its state and, once it ended, its
// result.
type TaskResult struct {
	// TaskID names the task.
	TaskID string `json:"task_id"`
	// Status is the task's state.
	Status TaskStatus `json:"status"`
	// Result is the raw result: null while pending; for backup tasks an
	// object with message, returncode and detail (see Output).
	Result RawJSON `json:"result"`

	err error
}

// Err returns nil unless the task failed (*TaskFailedError) or was revoked
// (*TaskRevokedError).
func (r *TaskResult) Err() error {
	if r.err != nil {
		return r.err
	}
	switch r.Status {
	case TaskFailure:
		return r.failure(nil)
	case TaskRevoked:
		return &TaskRevokedError{TaskID: r.TaskID}
	}
	return nil
}

// Decode decodes the result into v.
func (r *TaskResult) Decode(v any) error {
	if len(r.Result) == 0 {
		return nil
	}
	return codec.UnmarshalJSON(r.Result, v)
}

// TaskOutput is the result of a finished backup task: {"message":
// "Backup successfully created", "returncode": 0, "detail": "rc=0,
// time_elapsed=12, backup_snapshot_size=41843149"}. On success detail
// holds only esbackup's msg, rc, time_elapsed, size and
// backup_snapshot_size (esdc-ce api/vm/backup/tasks.py): it never names the
// backup (use BackupsService.Created). On failure message is the command's
// stderr and detail "Got bad return code (N). Error: …".
type TaskOutput struct {
	// Message says what happened.
	Message string `json:"message"`
	// ReturnCode is the exit code of the backup command, when reported.
	ReturnCode Int `json:"returncode"`
	// Detail lists facts about the job as "key=value, key=value".
	Detail string `json:"detail"`
}

// Output reads the result as a TaskOutput. A result of another shape gives
// the zero TaskOutput; a bare string becomes its Message.
func (r *TaskResult) Output() TaskOutput {
	var o TaskOutput
	if len(r.Result) == 0 {
		return o
	}
	switch jsontext.Value(r.Result).Kind() {
	case '{':
		var raw struct {
			Message    codec.String `json:"message"`
			ReturnCode Int          `json:"returncode"`
			Detail     codec.String `json:"detail"`
		}
		if codec.UnmarshalJSON(r.Result, &raw) == nil {
			o = TaskOutput{Message: raw.Message.Value, ReturnCode: raw.ReturnCode, Detail: raw.Detail.Value}
		}
	case '"':
		var s string
		if codec.UnmarshalJSON(r.Result, &s) == nil {
			o.Message = s
		}
	}
	return o
}

// DetailValue returns the value of key in Detail ("rc=0, time_elapsed=12,
// size=41843149" has rc, time_elapsed and size), without surrounding quotes.
func (o TaskOutput) DetailValue(key string) (string, bool) {
	for part := range strings.SplitSeq(o.Detail, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.TrimSpace(k) == key {
			v = strings.TrimSpace(v)
			if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			return v, true
		}
	}
	return "", false
}

// failure builds the typed error of a FAILURE result.
func (r *TaskResult) failure(apiErr *APIError) *TaskFailedError {
	e := &TaskFailedError{TaskID: r.TaskID, Result: r.Result, Err: apiErr}
	if apiErr != nil {
		e.Messages = slices.Clone(apiErr.Messages)
		e.Fields = apiErr.Fields
	} else if len(r.Result) > 0 {
		tmp := core.NewAPIError(provider, "", "", http.StatusBadRequest, nil, []byte(`{"result":`+string(r.Result)+`}`))
		parseAPIError(tmp, []byte(`{"result":`+string(r.Result)+`}`))
		e.Messages, e.Fields = tmp.Messages, tmp.Fields
	}
	e.Message = strings.Join(e.Messages, "; ")
	return e
}

// Status asks the server for the task's state once (GET
// /api/task/<id>/status/). A failed or revoked task is an answer, not an
// error: the returned TaskResult says so and its Err gives the typed error.
// An unknown task id stays PENDING (the server cannot tell it from a queued one).
func (t *Task) Status(ctx context.Context) (*TaskResult, error) {
	return t.poll(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: pathTaskStatus, PathParams: []string{t.ID()}})
}

// poll sends a task status or cancel call; both answer with the status
// envelope, whose HTTP status follows the task's state (201 pending, 200
// success, 400 failure, 410 revoked).
func (t *Task) poll(ctx context.Context, r *core.Request) (*TaskResult, error) {
	if t.ID() == "" {
		return nil, fmt.Errorf("%s: task has no id", provider)
	}
	c := t.client
	resp, err := c.core.Do(ctx, r, nil)
	var apiErr *APIError
	if err != nil {
		var ok bool
		apiErr, ok = core.AsAPIError(err)
		if !ok || resp == nil || (apiErr.StatusCode != http.StatusBadRequest && apiErr.StatusCode != http.StatusGone) {
			return nil, err
		}
		if env, derr := decodeEnvelope(resp.Body); derr != nil || (env.Status != TaskFailure && env.Status != TaskRevoked) {
			return nil, err
		}
	}
	env, err := decodeEnvelope(resp.Body)
	if err != nil {
		return nil, c.core.DecodeError(resp, err)
	}
	res := &TaskResult{TaskID: env.TaskID, Status: env.Status, Result: RawJSON(env.Result)}
	if res.TaskID == "" {
		res.TaskID = t.ID()
	}
	switch env.Status {
	case TaskFailure:
		if apiErr == nil {
			apiErr = c.core.APIError(resp, http.StatusBadRequest)
		}
		res.err = res.failure(apiErr)
	case TaskRevoked:
		if apiErr == nil {
			apiErr = c.core.APIError(resp, http.StatusGone)
		}
		res.err = &TaskRevokedError{TaskID: res.TaskID, Err: apiErr}
	}
	return res, nil
}

// Done asks the server whether the task finished successfully (GET
// /api/task/<id>/done/): false while it runs; for a task that failed or was
// revoked, false and a *TaskFailedError or *TaskRevokedError (call Status
// for the failure's messages).
func (t *Task) Done(ctx context.Context) (bool, error) {
	if t.ID() == "" {
		return false, fmt.Errorf("%s: task has no id", provider)
	}
	var out struct {
		Done codec.Bool `json:"done"`
	}
	r := &core.Request{Kind: core.Read, Method: http.MethodGet, Path: pathTaskDone, PathParams: []string{t.ID()}}
	resp, err := t.client.core.Do(ctx, r, nil)
	if err != nil {
		apiErr, ok := core.AsAPIError(err)
		if !ok || resp == nil || (apiErr.StatusCode != http.StatusBadRequest && apiErr.StatusCode != http.StatusGone) ||
			codec.UnmarshalJSON(resp.Body, &out) != nil || !out.Done.Valid {
			return false, err
		}
		if apiErr.StatusCode == http.StatusGone {
			return false, &TaskRevokedError{TaskID: t.ID(), Err: apiErr}
		}
		return false, &TaskFailedError{TaskID: t.ID(), Err: apiErr}
	}
	if err := codec.UnmarshalJSON(resp.Body, &out); err != nil {
		return false, t.client.core.DecodeError(resp, err)
	}
	if !out.Done.Valid {
		return false, t.client.core.DecodeError(resp, errors.New(`no "done" member`))
	}
	return out.Done.Bool, nil
}

// cancelBody is the body of a cancel call.
type cancelBody struct {
	Force bool   `json:"force,omitzero"`
	DC    string `json:"dc,omitzero"`
}

// CancelTaskOptions are the parameters of Cancel. Nil means a plain cancel.
type CancelTaskOptions struct {
	// Force kills a running task's command with SIGKILL instead of SIGTERM
	// (esdc-ce api/task/task_views.py task_cancel, api/task/utils.py
	// cancel_task).
	Force bool
}

// Cancel asks the server to revoke the task (PUT /api/task/<id>/cancel/,
// with {"force": true} when opts.Force) and returns its state afterwards:
// REVOKED when the cancel took effect, or SUCCESS or FAILURE when the task
// ended first. A task that is not a running task of the user in the
// task's datacenter answers 406 (IsNotAcceptable). The server waits a
// second before it answers. It is sent once: after a 5xx answer or a
// broken connection, ask Status.
func (t *Task) Cancel(ctx context.Context, opts *CancelTaskOptions) (*TaskResult, error) {
	body := cancelBody{DC: t.dc}
	if opts != nil {
		body.Force = opts.Force
	}
	return t.poll(ctx, &core.Request{
		Method: http.MethodPut, Path: pathTaskCancel, PathParams: []string{t.ID()},
		Body: body, Kind: core.Write,
	})
}

// Wait polls the task until it ends, sleeping before each status poll as
// the client's backoff says (WithWaitBackoff; by default 1, 3, 6, 12, 30,
// 30 … seconds, as the es client polls) or as WaitBackoff in opts says for
// this call; WaitProgress in opts is called after every poll with the
// task's status. It returns the final TaskResult with a nil error on
// SUCCESS; on FAILURE the TaskResult and a *TaskFailedError carrying the
// server's messages; on REVOKED the TaskResult and a *TaskRevokedError.
// When ctx ends first it returns at once an error wrapping ErrWaitStopped
// and ctx's error: the task goes on running on the server (an unknown
// task id stays PENDING for ever, so give ctx a deadline). Errors of the
// polls themselves end the wait. A task the server finished at once is
// returned without a poll (and without a progress call).
func (t *Task) Wait(ctx context.Context, opts ...WaitOption) (*TaskResult, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%s: waiting for task %s: %w", provider, t.ID(), core.ErrNilContext)
	}
	if t.first.Status.Final() {
		r := t.Initial()
		return r, r.Err()
	}
	var last *TaskResult
	cfg := core.WaitConfig{Backoff: t.client.wait}.Apply(opts)
	err := core.Wait(ctx, cfg, "task "+t.ID(), func(ctx context.Context) (core.Poll, error) {
		r, err := t.Status(ctx)
		if err != nil {
			return core.Poll{}, err
		}
		last = r
		return core.Poll{State: string(r.Status), Done: r.Status.Final()}, nil
	})
	switch {
	case err == nil:
		return last, last.Err()
	case errors.Is(err, ErrWaitStopped):
		return nil, fmt.Errorf("%s: %w", provider, err)
	case ctx.Err() != nil:
		// The context ended during a poll: that is the wait stopping too.
		return nil, fmt.Errorf("%s: waiting for task %s: %w: %w", provider, t.ID(), ErrWaitStopped, err)
	}
	return nil, err
}
