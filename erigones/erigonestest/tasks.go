package erigonestest

import (
	"fmt"
	"maps"
	"net/http"
	"time"
)

// Task states, as celery names them.
const (
	statePending = "PENDING"
	stateStarted = "STARTED"
	stateSuccess = "SUCCESS"
	stateFailure = "FAILURE"
	stateRevoked = "REVOKED"
)

// taskResultTTL is how long the real server keeps task results; afterwards
// a task id is unknown and reads as PENDING.
const taskResultTTL = time.Hour

// taskRec is one asynchronous task.
type taskRec struct {
	id       string
	dc       string
	state    string
	result   any
	polls    int
	need     int
	failMsg  string
	finished time.Time

	vm   *vmRec // the VM the task runs for (its pending tasks), if any
	lock string // the lock it holds while pending
	taskInfo
	started  time.Time
	signal   int // the signal a cancel sent to the running task (15, or 9 with force)
	canceled bool
	// success applies the task's effect and returns its message; failure
	// undoes what was done when the task started.
	success func() (message, detail string)
	failure func()
}

// taskOutput is the result of a backup task.
type taskOutput struct {
	Message    string `json:"message"`
	ReturnCode int    `json:"returncode"`
	Detail     string `json:"detail"`
}

func (t *taskRec) running() bool { return t.state == statePending || t.state == stateStarted }

// taskInfo is what the server records about a task when it starts
// (api/api_views.py TaskAPIView, api/task/response.py TaskResponse): the
// task log message (api/vm/messages.py), the view's detail, the apiview
// that GET /task/<id>/ shows while the task runs, and the object it runs for.
type taskInfo struct {
	msg        string
	detail     string
	apiview    map[string]any
	objectType string // "vm", or "node" for a backup whose VM is gone
	objectName string
}

// startTask registers a pending task and logs it as PENDING.
func (s *Server) startTask(dc *dcRec, vm *vmRec, lock string, info taskInfo, success func() (string, string), failure func()) *taskRec {
	t := &taskRec{
		id: s.taskID('e', dc.id), dc: dc.name, state: statePending, need: s.cfg.taskPolls,
		vm: vm, lock: lock, taskInfo: info, success: success, failure: failure, started: s.cfg.now().UTC(),
	}
	if len(s.st.failQueue) > 0 {
		t.failMsg = s.st.failQueue[0]
		s.st.failQueue = s.st.failQueue[1:]
	}
	s.st.tasks[t.id] = t
	s.st.taskOrder = append(s.st.taskOrder, t.id)
	s.logTask(t)
	return t
}

// finishTask ends a running task with SUCCESS, or FAILURE when it was set to fail.
//
// The results are shaped as api/vm/backup/tasks.py vm_backup_cb and
// vm_backup_list_cb leave them (api/task/utils.py get_task_result strips
// meta and json): on success "message" says what was done and "detail"
// lists only the esbackup keys of BACKUP_LOG_DETAIL (msg, rc,
// time_elapsed, size, backup_snapshot_size) — never the backup's name; on
// failure "message" is the command's stderr and TaskException
// (que/exceptions.py) puts "Got bad return code (N). Error: <msg>" in "detail".
func (s *Server) finishTask(t *taskRec) {
	t.finished = s.cfg.now()
	if t.failMsg != "" {
		if t.failure != nil {
			t.failure()
		}
		t.state = stateFailure
		t.result = taskOutput{Message: t.failMsg, ReturnCode: 1, Detail: "Got bad return code (1). Error: " + t.failMsg}
		s.logTask(t)
		return
	}
	msg, detail := "", ""
	if t.success != nil {
		msg, detail = t.success()
	}
	t.state = stateSuccess
	t.result = taskOutput{Message: msg, ReturnCode: 0, Detail: detail}
	s.logTask(t)
}

// startable answers as the real server does when a task cannot start, and
// reports whether it can. que/tasks.py execute pings the worker of the
// backup node's queue first, then takes the task lock; either failure
// becomes a FailureTaskResponse (api/api_views.py TaskAPIView.error_response,
// api/task/response.py): HTTP 400 with the message as the result and a
// dummy task id. Neither is a 409 or 423.
func (h *handler) startable(backupNode, lock string) bool {
	if h.st.workersDown[backupNode] {
		h.taskError("Task queue worker (backup@" + backupNode + ") is not responding!")
		return false
	}
	if h.s.lockHeld(lock) {
		h.taskError("Task did not acquire lock")
		return false
	}
	return true
}

// taskError answers 400 FAILURE with a bare message as the result.
func (h *handler) taskError(msg string) {
	h.envelope(http.StatusBadRequest, stateFailure, msg, h.s.taskID('d', h.dcID()))
}

// lockHeld reports whether a running task holds lock.
func (s *Server) lockHeld(lock string) bool {
	for _, t := range s.st.tasks {
		if t.running() && t.lock == lock {
			return true
		}
	}
	return false
}

// vmHasTasks reports whether a task runs for vm.
func (s *Server) vmHasTasks(vm *vmRec) bool {
	for _, t := range s.st.tasks {
		if t.running() && t.vm == vm {
			return true
		}
	}
	return false
}

// task finds a task whose result has not expired.
func (s *Server) task(id string) *taskRec {
	t := s.st.tasks[id]
	if t == nil {
		return nil
	}
	if !t.running() && s.cfg.now().Sub(t.finished) > taskResultTTL {
		return nil
	}
	return t
}

// taskCode is the HTTP status for a task state.
func taskCode(state string) int {
	switch state {
	case stateSuccess:
		return http.StatusOK
	case stateFailure:
		return http.StatusBadRequest
	case stateRevoked:
		return http.StatusGone
	}
	return http.StatusCreated
}

// poll counts one poll of a running task and finishes it on the last one.
func (s *Server) poll(t *taskRec) {
	if !t.running() {
		return
	}
	t.polls++
	if t.polls >= t.need {
		s.finishTask(t)
		return
	}
	t.state = stateStarted
}

// taskStatus is GET /api/task/<id>/status/.
func (h *handler) taskStatus(id string) {
	if isDummyTask(id) {
		h.detail(http.StatusNotFound, "Task does not exist (anymore)")
		return
	}
	t := h.s.task(id)
	if t == nil { // celery cannot tell an unknown task from a queued one
		h.envelope(http.StatusCreated, statePending, nil, id)
		return
	}
	h.s.poll(t)
	h.envelope(taskCode(t.state), t.state, t.result, t.id)
}

// taskDone is GET /api/task/<id>/done/.
func (h *handler) taskDone(id string) {
	type doneOut struct {
		TaskID string `json:"task_id"`
		Done   bool   `json:"done"`
	}
	if isDummyTask(id) {
		h.detail(http.StatusNotFound, "Task does not exist (anymore)")
		return
	}
	t := h.s.task(id)
	if t == nil {
		writeJSON(h.w, http.StatusCreated, doneOut{TaskID: id})
		return
	}
	h.s.poll(t)
	writeJSON(h.w, taskCode(t.state), doneOut{TaskID: t.id, Done: t.state == stateSuccess})
}

// taskCancel is PUT /api/task/<id>/cancel/ (api/task/task_views.py
// task_cancel): only a running task of the user in the request's
// datacenter can be cancelled (else 406 "Task cannot be canceled"); force
// (TaskCancelSerializer, default false) kills it with SIGKILL instead of
// SIGTERM (api/task/utils.py cancel_task). The answer is the task's status.
// A task that was still queued is revoked, a running one terminated; the
// task log says which (que/handlers.py task_revoked_handler).
func (h *handler) taskCancel(id string) {
	t := h.s.task(id)
	if t == nil || !t.running() || t.dc != h.dc.name {
		h.detail(http.StatusNotAcceptable, "Task cannot be canceled")
		return
	}
	force, _, ok := h.p.boolean("force")
	t.signal = 15
	if ok && force {
		t.signal = 9
	}
	if t.failure != nil {
		t.failure()
	}
	started := t.state == stateStarted
	t.state = stateRevoked
	t.result = nil
	t.canceled = true
	t.finished = h.s.cfg.now()
	reason := "revoked"
	if started {
		reason = fmt.Sprintf("terminated (%d)", t.signal)
	}
	h.s.logEntry(t.id, t.dc, stateRevoked, t.msg, t.objectType, t.objectName, reason)
	h.envelope(taskCode(t.state), t.state, t.result, t.id)
}

// taskDetails is GET /api/task/<id>/ (api/task/task_views.py
// task_details): the apiview the server stored for a running task
// (vms/models/base.py _create_task_info adds its start time) with the
// task_id, a bare object; a finished, unknown or other datacenter's task
// is 404 "Task does not exist".
func (h *handler) taskDetails(id string) {
	t := h.s.task(id)
	if t == nil || !t.running() || t.dc != h.dc.name {
		h.detail(http.StatusNotFound, "Task does not exist")
		return
	}
	out := make(map[string]any, len(t.apiview)+2)
	maps.Copy(out, t.apiview)
	out["time"] = isoTime(t.started)
	out["task_id"] = t.id
	writeJSON(h.w, http.StatusOK, out)
}

// isoTime formats as Python's datetime.isoformat of an aware UTC time.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000+00:00") }

// taskList is GET /api/task/: the running tasks of the datacenter, a bare list.
func (h *handler) taskList() {
	ids := []string{}
	for _, id := range h.st.taskOrder {
		if t := h.st.tasks[id]; t.running() && t.dc == h.dc.name {
			ids = append(ids, id)
		}
	}
	writeJSON(h.w, http.StatusOK, ids)
}
