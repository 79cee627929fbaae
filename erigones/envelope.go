package erigones

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
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

// envelope is every answer of the API but login, logout, task done and
// the task list: {"status": …, "result": …, "task_id": …}.
type envelope struct {
	Status TaskStatus
	Result jsontext.Value // a valid JSON value, "null" when absent
	TaskID string
}

// nullJSON returns a fresh JSON null (never a shared slice a caller could change).
func nullJSON() jsontext.Value { return jsontext.Value("null") }

// decodeEnvelope reads the envelope of an answer. It fails on a body that
// is not a JSON object with a known status; the result is kept raw for the
// caller to decode into its own type.
func decodeEnvelope(body []byte) (*envelope, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("empty body, want a JSON envelope")
	}
	if body[0] != '{' {
		return nil, errors.New("not a JSON object, want an envelope")
	}
	var raw struct {
		Status codec.String   `json:"status"`
		Result jsontext.Value `json:"result"`
		TaskID codec.String   `json:"task_id"`
	}
	if err := codec.UnmarshalJSON(body, &raw); err != nil {
		return nil, err
	}
	if !raw.Status.Valid {
		return nil, errors.New("no status member, not an envelope")
	}
	status, ok := taskStatusOf(raw.Status.Value)
	if !ok {
		return nil, fmt.Errorf("unknown status %q", raw.Status.Value)
	}
	res := raw.Result
	if len(res) == 0 {
		res = nullJSON()
	}
	return &envelope{Status: status, Result: res, TaskID: raw.TaskID.Value}, nil
}

// taskStatusOf reads the envelope's status as the server spells it (any
// case, RETRY reported as PENDING); ok is false for an unknown one.
func taskStatusOf(s string) (TaskStatus, bool) {
	status := TaskStatus(strings.ToUpper(strings.TrimSpace(s)))
	switch status {
	case TaskPending, TaskStarted, TaskSuccess, TaskFailure, TaskRevoked:
	case TaskRetry:
		status = TaskPending
	default:
		return "", false
	}
	return status, true
}
