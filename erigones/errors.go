package erigones

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// APIError is returned for every answer the API marks as failed: a non-2xx
// status ({"detail": …} with 403, 404, 406, 409, 412, 417, 423, 428, or a
// 400 FAILURE envelope whose result holds field messages), or a FAILURE
// envelope inside a 2xx answer. Use errors.As(err, &apiErr) on any error of
// this package. Fields holds the per-field validation messages of a 400
// FAILURE; RequestID holds the envelope's task_id.
type APIError = core.APIError

// DecodeError reports a response body that is not the expected envelope or
// value: an HTML page, truncated JSON, a wrong shape.
type DecodeError = core.DecodeError

// LimitError is wrapped by a *DecodeError for an answer beyond a bound on
// its shape, which keeps decoding within a small multiple of the body's
// size: nesting deeper than 10 000 levels, more than 100 000 items in one
// array or object, more arrays and objects than the body's size allows,
// or a list longer than the page asked for. Bound and Max name the bound,
// Path where in the body it was passed.
type LimitError = core.LimitError

// TransportError reports a call that got no usable answer (connection
// refused, reset, timed out, body unreadable), after the retries ran out.
type TransportError = core.TransportError

// RetryPolicy says how often and how patiently calls are repeated; see
// WithRetryPolicy.
type RetryPolicy = core.RetryPolicy

// DefaultRetryPolicy is 4 retries, waiting from 500 ms up to 30 s.
func DefaultRetryPolicy() RetryPolicy { return core.DefaultRetryPolicy() }

// Int is an integer the server may send as a number or a numeric string,
// or not at all (Valid false: absent or null), such as a backup's size.
type Int = codec.Int

// Time is a point in time that may be absent (Valid false), such as a
// backup's creation time.
type Time = codec.Time

// Bool is a boolean the server may send as true/false or as text ("true",
// "1"), or not at all (Valid false), such as a definition's active flag.
type Bool = codec.Bool

// String is text that may be absent or null (Valid false), such as the VM
// of a backup whose server was deleted.
type String = codec.String

// HasStatus reports whether err is an *APIError with one of the given HTTP statuses.
func HasStatus(err error, codes ...int) bool { return core.HasStatus(err, codes...) }

// IsNotFound reports a 404: VM, node, backup definition, backup or
// datacenter not found.
func IsNotFound(err error) bool { return core.IsNotFound(err) }

// IsUnauthorized reports a 401: invalid API key or token.
func IsUnauthorized(err error) bool { return core.IsUnauthorized(err) }

// IsForbidden reports a 403: no permission, or no valid credentials.
func IsForbidden(err error) bool { return core.IsForbidden(err) }

// IsRateLimited reports a 429 Too Many Requests (a proxy's or the web
// server's limit; Danube Cloud itself has none). Reads are retried after
// one by the RetryPolicy before it reaches the caller.
func IsRateLimited(err error) bool { return core.IsRateLimited(err) }

// IsValidation reports the request's content refused: a 400 whose body
// holds the messages of the server's serializers (Django REST framework),
// per field, {"field": ["message", …]} (APIError.Fields holds them), or
// for the whole request, {"non_field_errors": [...]} (in
// APIError.Messages); or an argument the client refused before sending
// (*ValidationError). A 400 with a bare {"detail": "…"} (credentials
// refused at login), a task that could not take its lock or reach its
// worker (IsLocked), or a task that failed while running is not one; nor
// is the server's 412 for a disk_id or order_by out of range
// (IsPreconditionFailed).
func IsValidation(err error) bool {
	var v *ValidationError
	if core.IsValidation(err) || errors.As(err, &v) {
		return true
	}
	e, ok := core.AsAPIError(err)
	return ok && e.StatusCode == http.StatusBadRequest && !IsTaskFailed(err) && strings.Contains(e.Body, `"non_field_errors"`)
}

// IsBadRequest reports a 400 answer: a FAILURE envelope, typically with
// field validation messages in APIError.Fields, or a failed login.
func IsBadRequest(err error) bool { return core.HasStatus(err, http.StatusBadRequest) }

// IsNotAcceptable reports a 406: the object already exists (backup
// definition, backup) or a task cannot be cancelled.
func IsNotAcceptable(err error) bool { return core.HasStatus(err, http.StatusNotAcceptable) }

// IsAlreadyExists reports a 406 whose message says the object already
// exists ("Backup definition already exists", "Backup already exists").
func IsAlreadyExists(err error) bool {
	e, ok := core.AsAPIError(err)
	return ok && e.StatusCode == http.StatusNotAcceptable && strings.Contains(strings.ToLower(e.Message), "already exists")
}

// IsConflict reports a 409: the VM or node has pending tasks.
func IsConflict(err error) bool { return core.IsConflict(err) }

// IsTaskAlreadyRunning reports that the server refused to start a task
// because another one runs for the same object: a 400 FAILURE "Task did
// not acquire lock" (the backup task lock of a VM disk is held; esdc-ce
// que/tasks.py execute, answered by api/api_views.py as a 400), or a 409
// "VM has pending tasks" (restore). Older fakes answered 423 "Task is
// already running"; that is recognised too.
func IsTaskAlreadyRunning(err error) bool {
	e, ok := core.AsAPIError(err)
	if !ok {
		return false
	}
	switch e.StatusCode {
	case http.StatusConflict:
		return true
	case http.StatusBadRequest:
		return hasMessage(e, "task did not acquire lock")
	case http.StatusLocked:
		return hasMessage(e, "already running")
	}
	return false
}

// IsWorkerNotResponding reports a 400 FAILURE "Task queue worker (...) is
// not responding!": the node that would run the task did not answer a
// ping, so no task was started (esdc-ce que/tasks.py execute). Trying
// again later may work.
func IsWorkerNotResponding(err error) bool {
	e, ok := core.AsAPIError(err)
	return ok && e.StatusCode == http.StatusBadRequest && hasMessage(e, "task queue worker") && hasMessage(e, "not responding")
}

// IsLocked reports that the server could not start the work now: a 423
// (the node or VM is not operational, the VM is not stopped or is locked),
// or the 400 answers of a task that could not start because its lock is
// held (IsTaskAlreadyRunning) or its worker does not respond
// (IsWorkerNotResponding).
func IsLocked(err error) bool {
	if core.HasStatus(err, http.StatusLocked) {
		return true
	}
	e, ok := core.AsAPIError(err)
	return ok && e.StatusCode == http.StatusBadRequest && (IsTaskAlreadyRunning(err) || IsWorkerNotResponding(err))
}

// hasMessage reports whether one of the error's messages contains sub,
// ignoring case.
func hasMessage(e *APIError, sub string) bool {
	if strings.Contains(strings.ToLower(e.Message), sub) {
		return true
	}
	for _, m := range e.Messages {
		if strings.Contains(strings.ToLower(m), sub) {
			return true
		}
	}
	return false
}

// IsPreconditionFailed reports a 412: invalid input such as a disk_id out
// of the hypervisor's range, invalid bkpnames or order_by.
func IsPreconditionFailed(err error) bool {
	return core.HasStatus(err, http.StatusPreconditionFailed)
}

// IsExpectationFailed reports a 417: the backup's status is not OK, the VM
// has snapshots (restore with force false), or the DC backup size limit is reached.
func IsExpectationFailed(err error) bool {
	return core.HasStatus(err, http.StatusExpectationFailed)
}

// IsPreconditionRequired reports a 428: the VM is not installed, or brand,
// disk size or free space do not fit a restore.
func IsPreconditionRequired(err error) bool {
	return core.HasStatus(err, http.StatusPreconditionRequired)
}

// TaskFailedError is returned by Task.Wait (and by TaskResult.Err) when the
// task ended with FAILURE. It carries the server's messages and unwraps to
// the *APIError of the 400 answer that reported it.
type TaskFailedError struct {
	// TaskID names the task.
	TaskID string
	// Message is every message joined by "; ".
	Message string
	// Messages holds the messages of the task result, most important first.
	Messages []string
	// Fields holds per-field validation messages, when the result has them.
	Fields map[string][]string
	// Result is the task's raw result.
	Result RawJSON
	// Err is the answer that reported the failure.
	Err *APIError
}

// Error reads like "erigones: task <id> failed: <messages>".
func (e *TaskFailedError) Error() string {
	s := "erigones: task " + e.TaskID + " failed"
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap returns the *APIError of the answer that reported the failure.
func (e *TaskFailedError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// TaskRevokedError is returned by Task.Wait (and by TaskResult.Err) when the
// task was cancelled (REVOKED, HTTP 410). It unwraps to the *APIError of that answer.
type TaskRevokedError struct {
	TaskID string
	// Err is the answer that reported the cancellation.
	Err *APIError
}

// Error reads like "erigones: task <id> was revoked".
func (e *TaskRevokedError) Error() string { return "erigones: task " + e.TaskID + " was revoked" }

// Unwrap returns the *APIError of the answer that reported the cancellation.
func (e *TaskRevokedError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// IsTaskFailed reports whether err is a *TaskFailedError.
func IsTaskFailed(err error) bool {
	var e *TaskFailedError
	return errors.As(err, &e)
}

// IsTaskRevoked reports whether err is a *TaskRevokedError.
func IsTaskRevoked(err error) bool {
	var e *TaskRevokedError
	return errors.As(err, &e)
}

// ValidationError reports an argument the client refused before sending,
// because no server version could accept it (a definition name longer than
// 8 characters, a backup name longer than 24, a name outside
// ^[A-Za-z0-9][A-Za-z0-9._-]*$).
type ValidationError struct {
	// Field is the parameter, such as "bkpdef" or "bkpname".
	Field string
	// Value is the rejected value.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

// Error reads like `erigones: invalid bkpdef "x y": must match …`.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("erigones: invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// parseAPIError refines the core's generic reading of an error body with
// what is specific to the Danube Cloud envelope: the task_id becomes the
// request id, DRF's non_field_errors are plain messages (the core reads
// field maps, including one under "detail"), and a task result's
// "detail" comes before its "message".
func parseAPIError(e *APIError, body []byte) {
	// A bare field map may name a field "status" (the task log's filters,
	// esdc-ce api/task/task_log.py), which the core reads as an envelope's.
	var bare struct {
		Status []string `json:"status"`
	}
	if codec.UnmarshalJSON(body, &bare) == nil && len(bare.Status) > 0 && e.Fields["status"] == nil {
		if e.Fields == nil {
			e.Fields = map[string][]string{}
		}
		e.Fields["status"] = bare.Status
		for _, m := range bare.Status {
			e.Messages = append(e.Messages, "status: "+m)
		}
		e.Message = strings.Join(e.Messages, "; ")
	}
	var env struct {
		TaskID codec.String   `json:"task_id"`
		Result jsontext.Value `json:"result"`
	}
	if codec.UnmarshalJSON(body, &env) != nil {
		return
	}
	if e.RequestID == "" && env.TaskID.Valid {
		e.RequestID = env.TaskID.Value
	}
	if msgs, ok := e.Fields["non_field_errors"]; ok {
		delete(e.Fields, "non_field_errors")
		if len(e.Fields) == 0 {
			e.Fields = nil
		}
		for i, m := range e.Messages {
			if after, found := strings.CutPrefix(m, "non_field_errors: "); found && slices.Contains(msgs, after) {
				e.Messages[i] = after
			}
		}
	}
	// A failed task's result holds the command's stderr in "message" and
	// the server's summary, "Got bad return code (N). Error: <msg>", in
	// "detail" (esdc-ce que/exceptions.py TaskException, api/vm/backup/
	// tasks.py): the summary comes first.
	var res struct {
		Detail codec.String `json:"detail"`
	}
	if len(env.Result) > 0 && env.Result.Kind() == '{' && codec.UnmarshalJSON(env.Result, &res) == nil && res.Detail.Valid {
		msg := strings.TrimSpace(res.Detail.Value)
		if i := slices.Index(e.Messages, msg); i > 0 {
			e.Messages = slices.Insert(slices.Delete(e.Messages, i, i+1), 0, msg)
		}
	}
	e.Message = strings.Join(e.Messages, "; ")
}
