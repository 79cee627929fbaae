package erigonestest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// logRec is one task log entry (vms/models/tasklog.py TaskLogEntry, as
// api/task/utils.py task_log writes it).
type logRec struct {
	time       time.Time
	task       string
	dc         string
	status     string
	taskType   int
	flag       int
	username   string
	objectType string
	objectName string
	msg        string
	detail     string
}

// maxLog bounds the fake's task log.
const maxLog = 10000

// logTask logs a task as it starts (PENDING, with the view's detail) and
// as it ends (with the result's detail), as TaskResponse and the backup
// callbacks do (api/task/response.py, api/vm/backup/tasks.py).
func (s *Server) logTask(t *taskRec) {
	detail := t.detail
	if out, ok := t.result.(taskOutput); ok && !t.running() {
		detail = out.Detail
	}
	status := t.state
	if status == stateStarted {
		status = statePending // task_log logs STARTED as PENDING
	}
	s.logEntry(t.id, t.dc, status, t.msg, t.objectType, t.objectName, detail)
}

// logEntry appends one entry to the task log.
func (s *Server) logEntry(task, dc, status, msg, objectType, objectName, detail string) {
	s.st.log = append(s.st.log, logRec{
		time: s.cfg.now().UTC(), task: task, dc: dc, status: status, taskType: taskType(task), flag: taskFlag(msg),
		username: s.cfg.user, objectType: objectType, objectName: objectName, msg: msg, detail: detail,
	})
	if n := len(s.st.log); n > maxLog {
		s.st.log = slices.Delete(s.st.log, 0, n-maxLog)
	}
}

// taskType is api/task/log.py task_type_from_task_prefix: the index of the
// task group (dc-bound d, unbound u) and of the task type (d e a m i f).
func taskType(id string) int {
	prefix, _, _ := strings.Cut(id, "-")
	i := strings.IndexFunc(prefix, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 || len(prefix) < i+3 {
		return 0
	}
	tt := strings.IndexByte("deamif", prefix[i])
	tg := strings.IndexByte("du", prefix[i+2])
	return max(tg, 0)*100 + max(tt, 0)
}

// taskFlag is api/task/log.py task_flag_from_task_msg.
func taskFlag(msg string) int {
	hasPrefix := func(prefixes ...string) bool {
		return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(msg, p) })
	}
	switch {
	case hasPrefix("Update", "Rollback", "Restore", "Revert"):
		return 3
	case hasPrefix("Add", "Create", "Recreate", "Import"):
		return 1
	case hasPrefix("Remove", "Delete", "Invalid"):
		return 2
	case hasPrefix("Remote"):
		return 4
	}
	return 0
}

// logLastSize is core/settings.py TASK_LOG_LASTSIZE: the cached log holds
// the last 10 entries.
const logLastSize = 10

// logPerPage is the page size of api/task/task_log.py TaskLogView.get.
const logPerPage = 100

// cachedEntry is an entry of the cached log (api/task/log.py log: the
// stored dict without dc, owner, user and object ids).
type cachedEntry struct {
	Time        string `json:"time"`
	Task        string `json:"task"`
	Status      string `json:"status"`
	TaskType    int    `json:"task_type"`
	Flag        int    `json:"flag"`
	Username    string `json:"username"`
	ObjectType  string `json:"object_type"`
	ObjectName  string `json:"object_name"`
	ObjectAlias string `json:"object_alias"`
	Msg         string `json:"msg"`
	Detail      string `json:"detail"`
}

// dbEntry is api/task/serializers.py TaskLogEntrySerializer.
type dbEntry struct {
	Time        string `json:"time"`
	Task        string `json:"task"`
	Status      string `json:"status"`
	Username    string `json:"username"`
	Msg         string `json:"msg"`
	Detail      string `json:"detail"`
	ObjectName  string `json:"object_name"`
	ObjectAlias string `json:"object_alias"`
	ObjectType  string `json:"object_type"`
	Flag        int    `json:"flag"`
}

// taskLogObjectTypes are the choices of TaskLogFilterSerializer.object_type.
var taskLogObjectTypes = []string{"dc", "vm", "node", "nodestorage", "subnet", "image", "vmtemplate", "iso", "domain", "user", "role"}

// taskLog is GET /api/task/log/ (api/task/task_views.py task_log,
// api/task/task_log.py TaskLogView.get). Without page it answers the last
// 10 entries of the datacenter, newest first: {"results": [...]}. With page
// the filters of api/task/serializers.py TaskLogFilterSerializer apply
// (status, object_type, object_name, show_running, hide_auto, date_from,
// date_to), order_by is time or -time, and the answer is a page of 100:
// {"count", "next", "previous", "results"}. Invalid filters are a bare 400
// field map, an invalid page 404 "Invalid page.". Not an envelope.
func (h *handler) taskLog() {
	var entries []logRec
	for _, e := range h.st.log {
		if e.dc == h.dc.name {
			entries = append(entries, e)
		}
	}
	page, _ := h.p.str("page")
	if page == "" {
		slices.Reverse(entries)
		entries = entries[:min(len(entries), logLastSize)]
		out := make([]cachedEntry, len(entries))
		for i, e := range entries {
			out[i] = cachedEntry{Time: isoTime(e.time), Task: e.task, Status: e.status, TaskType: e.taskType, Flag: e.flag,
				Username: e.username, ObjectType: e.objectType, ObjectName: e.objectName, Msg: e.msg, Detail: e.detail}
		}
		writeJSON(h.w, http.StatusOK, map[string]any{"results": out})
		return
	}
	keep, ok := h.taskLogFilter()
	if !ok {
		return
	}
	entries = slices.DeleteFunc(entries, func(e logRec) bool { return !keep(e) })
	if !order(h, entries, []orderField[logRec]{{"time", func(a, b logRec) int { return a.time.Compare(b.time) }}}, "-time") {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(page))
	pages := max(1, (len(entries)+logPerPage-1)/logPerPage)
	if err != nil || n < 1 || n > pages {
		h.detail(http.StatusNotFound, "Invalid page.")
		return
	}
	items := entries[(n-1)*logPerPage : min(len(entries), n*logPerPage)]
	out := make([]dbEntry, len(items))
	for i, e := range items {
		out[i] = dbEntry{Time: isoTime(e.time), Task: e.task, Status: e.status, Username: e.username, Msg: e.msg,
			Detail: e.detail, ObjectName: e.objectName, ObjectType: e.objectType, Flag: e.flag}
	}
	link := func(p int) any {
		if p < 1 || p > pages {
			return nil
		}
		u := url.URL{Scheme: "http", Host: h.r.Host, Path: h.r.URL.Path}
		q := h.r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		u.RawQuery = q.Encode()
		return u.String()
	}
	var prev any
	if n > 2 { // api/paginator.py: the previous link of page 2 is null too
		prev = link(n - 1)
	}
	writeJSON(h.w, http.StatusOK, struct {
		Count    int       `json:"count"`
		Next     any       `json:"next"`
		Previous any       `json:"previous"`
		Results  []dbEntry `json:"results"`
	}{len(entries), link(n + 1), prev, out})
}

// taskLogFilter validates the filters; an invalid one is answered with a
// bare 400 field map (SimpleTaskResponse of the serializer's errors).
func (h *handler) taskLogFilter() (func(logRec) bool, bool) {
	p := h.p
	errs := fieldErrors{}
	status, _ := p.str("status")
	if status != "" && !slices.Contains([]string{statePending, stateSuccess, stateFailure, stateRevoked}, status) {
		errs.add("status", fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", status))
	}
	objType, _ := p.str("object_type")
	if objType != "" && !slices.Contains(taskLogObjectTypes, objType) {
		errs.add("object_type", fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", objType))
	}
	objName, _ := p.str("object_name")
	if len(objName) > 2048 {
		errs.add("object_name", fmt.Sprintf("Ensure this value has at most 2048 characters (it has %d).", len(objName)))
	}
	date := func(k string) (time.Time, bool) {
		s, _ := p.str(k)
		if s == "" {
			return time.Time{}, false
		}
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			errs.add(k, "Date has wrong format. Use one of these formats instead: YYYY[-MM[-DD]].")
			return time.Time{}, false
		}
		return d, true
	}
	from, hasFrom := date("date_from")
	to, hasTo := date("date_to")
	if objName != "" && objType == "" && len(errs) == 0 {
		errs.add("object_type", "object_type attribute is required when filtering by object_name.")
	}
	if len(errs) > 0 {
		writeJSON(h.w, http.StatusBadRequest, map[string][]string(errs))
		return nil, false
	}
	var names map[string]bool // existing objects whose name contains object_name
	if objName != "" {
		names = map[string]bool{}
		lower := strings.ToLower(objName)
		switch objType {
		case "vm":
			for _, v := range h.st.vms {
				if strings.Contains(strings.ToLower(v.Hostname), lower) {
					names[v.Hostname] = true
				}
			}
		case "node":
			for _, n := range h.st.nodes {
				if strings.Contains(strings.ToLower(n.Hostname), lower) {
					names[n.Hostname] = true
				}
			}
		}
	}
	running := p.flag("show_running")
	return func(e logRec) bool {
		switch {
		case hasFrom && e.time.Before(from):
		case hasTo && e.time.After(to): // date_to compares with midnight of that day
		case names != nil && !names[e.objectName]:
		case status != "" && e.status != status:
		case running && !h.s.taskRunning(e.task):
		case objType != "" && e.objectType != objType:
		default:
			return true
		}
		return false
	}, true
}

// taskRunning reports whether id names a running task.
func (s *Server) taskRunning(id string) bool {
	t := s.st.tasks[id]
	return t != nil && t.running()
}
