package erigonestest

import (
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

	vm     *vmRec // the VM the task runs for (its pending tasks), if any
	lock   string // the lock it holds while pending
	detail string
	// success applies the task's effect and returns its message; failure
	// undoes what was done when the task started.
	success func() string
	failure func()
}

// taskOutput is the result of a backup task.
type taskOutput struct {
	Message    string `json:"message"`
	ReturnCode int    `json:"returncode"`
	Detail     string `json:"detail"`
}

func (t *taskRec) running() bool { return t.state == statePending || t.state == stateStarted }

// startTask registers a pending task.
func (s *Server) startTask(dc *dcRec, vm *vmRec, lock, detail string, success func() string, failure func()) *taskRec {
	t := &taskRec{
		id: s.taskID('e', dc.id), dc: dc.name, state: statePending, need: s.cfg.taskPolls,
		vm: vm, lock: lock, detail: detail, success: success, failure: failure,
	}
	if len(s.st.failQueue) > 0 {
		t.failMsg = s.st.failQueue[0]
		s.st.failQueue = s.st.failQueue[1:]
	}
	s.st.tasks[t.id] = t
	s.st.taskOrder = append(s.st.taskOrder, t.id)
	return t
}

// finishTask ends a running task with SUCCESS, or FAILURE when it was set to fail.
func (s *Server) finishTask(t *taskRec) {
	t.finished = s.cfg.now()
	if t.failMsg != "" {
		if t.failure != nil {
			t.failure()
		}
		t.state = stateFailure
		t.result = taskOutput{Message: "Got bad return code (1). Error: " + t.failMsg, ReturnCode: 1, Detail: t.detail}
		return
	}
	msg := ""
	if t.success != nil {
		msg = t.success()
	}
	t.state = stateSuccess
	t.result = taskOutput{Message: msg, ReturnCode: 0, Detail: t.detail}
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

// taskCancel is PUT /api/task/<id>/cancel/: only a running task of the
// user in the request's datacenter can be cancelled.
func (h *handler) taskCancel(id string) {
	t := h.s.task(id)
	if t == nil || !t.running() || t.dc != h.dc.name {
		h.detail(http.StatusNotAcceptable, "Task cannot be canceled")
		return
	}
	if t.failure != nil {
		t.failure()
	}
	t.state = stateRevoked
	t.result = nil
	t.finished = h.s.cfg.now()
	h.envelope(taskCode(t.state), t.state, t.result, t.id)
}

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
