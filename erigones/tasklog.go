package erigones

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// TaskDetails is what the server keeps about a running task: the view and
// parameters that started it (esdc-ce api/task/task_views.py task_details,
// the task's "apiview"). For a backup task the backup's name is here
// (Backup) while the task runs.
type TaskDetails struct {
	// TaskID names the task.
	TaskID String `json:"task_id"`
	// View is the API view that started it: "vm_backup" (create, restore,
	// delete one) or "vm_backup_list" (delete several).
	View String `json:"view"`
	// Method is the HTTP method of the call: POST create, PUT restore,
	// DELETE delete.
	Method String `json:"method"`
	// Hostname is the VM's hostname (its original one when the VM is gone).
	Hostname String `json:"hostname"`
	// DiskID is the disk, from 1.
	DiskID Int `json:"disk_id"`
	// Backup is the backup's name (vm_backup).
	Backup String `json:"bkpname"`
	// Backups are the backups' names (vm_backup_list).
	Backups []string `json:"bkpnames"`
	// VM says whether the backup's VM still exists.
	VM Bool `json:"vm"`
	// TargetHostname and TargetDiskID are the disk a restore overwrites.
	TargetHostname String `json:"target_hostname"`
	TargetDiskID   Int    `json:"target_disk_id"`
	// Force is the restore's force flag.
	Force Bool `json:"force"`
	// Time is when the task was registered.
	Time Time `json:"time"`
	// Raw is the whole answer, for views and members not listed here.
	Raw RawJSON `json:"-"`
}

// Details returns what the server keeps about the task while it runs (GET
// /api/task/<id>/, in the task's datacenter). A task that finished (or
// never existed, or runs in another datacenter) is a 404 (IsNotFound): the
// server keeps the details of running tasks only.
func (t *Task) Details(ctx context.Context) (*TaskDetails, error) {
	if t.ID() == "" {
		return nil, fmt.Errorf("%s: task has no id", provider)
	}
	c := t.client
	r := &core.Request{Kind: core.Read, Method: http.MethodGet, Path: pathTaskDetails, PathParams: []string{t.ID()}, Query: c.withDC(nil, t.dc)}
	resp, err := c.core.Do(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	// Not an envelope: TaskSuccessResponse writes the apiview as it is.
	var out TaskDetails
	if err := decodeObject(resp.Body, &out); err != nil {
		return nil, c.core.DecodeError(resp, err)
	}
	out.Raw = RawJSON(append([]byte(nil), resp.Body...))
	return &out, nil
}

// decodeObject decodes a bare JSON object (not an envelope) into out.
func decodeObject(body []byte, out any) error {
	v := jsontext.Value(body)
	if len(body) == 0 || !v.IsValid() || v.Kind() != '{' {
		return errors.New("not a JSON object")
	}
	return codec.UnmarshalJSON(body, out)
}

// ListTaskLogOptions select entries of the task log. Without Page the server
// answers its last 10 entries of the datacenter and applies no filter, so
// the filters need a Page (else a *ValidationError, nothing is sent).
type ListTaskLogOptions struct {
	// Page is the page of 100 entries to read, from 1; 0 reads the last 10
	// entries instead.
	Page int `url:"page,omitempty"`
	// Status keeps entries of one state: PENDING, SUCCESS, FAILURE or REVOKED.
	Status TaskStatus `url:"status,omitempty"`
	// ObjectType keeps entries about one kind of object: "vm", "node",
	// "dc", "nodestorage", "subnet", "image", "vmtemplate", "iso",
	// "domain", "user" or "role".
	ObjectType string `url:"object_type,omitempty"`
	// ObjectName keeps entries about existing objects whose name contains
	// it (ignoring case); ObjectType is required with it.
	ObjectName string `url:"object_name,omitempty"`
	// ShowRunning keeps entries of running tasks.
	ShowRunning bool `url:"show_running,omitempty"`
	// HideAuto leaves out automatic (scheduled) tasks.
	HideAuto bool `url:"hide_auto,omitempty"`
	// DateFrom keeps entries from that day on (its date in UTC).
	DateFrom time.Time `url:"-"`
	// DateTo keeps entries up to the start of that day (its date in UTC),
	// as the server compares.
	DateTo time.Time `url:"-"`
	// OrderBy is "time" or "-time" (the default, newest first).
	OrderBy []string `url:"order_by,comma,omitempty"`
	// DC overrides the client's default datacenter.
	DC string `url:"dc,omitempty"`
}

// TaskLogEntry is one line of the task log (esdc-ce api/task/log.py,
// api/task/serializers.py TaskLogEntrySerializer).
type TaskLogEntry struct {
	// Time is when it was logged.
	Time Time `json:"time"`
	// TaskID names the task (or the synchronous call).
	TaskID String `json:"task"`
	// Status is PENDING when a task started, then its final state.
	Status String `json:"status"`
	// Username is the user who started it.
	Username String `json:"username"`
	// Msg says what was done, such as "Create backup of server's disk".
	Msg String `json:"msg"`
	// Detail is the call's detail when the task started ("hostname='…',
	// bkpname='…', disk_id=1"), and the result's detail when it ended: for
	// a failure "Got bad return code (N). Error: …".
	Detail String `json:"detail"`
	// ObjectType, ObjectName and ObjectAlias name the object, such as vm
	// and its hostname.
	ObjectType  String `json:"object_type"`
	ObjectName  String `json:"object_name"`
	ObjectAlias String `json:"object_alias"`
	// Flag is the kind of action: 0 other, 1 create, 2 delete, 3 update, 4 remote.
	Flag Int `json:"flag"`
	// TaskType is the task's group and type number; only the last 10
	// entries (no Page) carry it.
	TaskType Int `json:"task_type"`
}

// TaskLog is one answer of the task log.
type TaskLog struct {
	// Count is the number of entries that match, over all pages; absent
	// without Page.
	Count Int `json:"count"`
	// Next and Previous are the URLs of the neighbouring pages, absent at
	// the ends (the server sends none for page 1 from page 2).
	Next     String `json:"next"`
	Previous String `json:"previous"`
	// Entries are the entries, newest first by default.
	Entries []TaskLogEntry `json:"results"`
}

// ListTaskLog reads the task log of the datacenter (GET /api/task/log/): the
// last 10 entries, or with opts.Page a page of 100 that the filters
// select. Use it to see why a task failed when its result was not kept
// (task results expire after an hour): Status FAILURE, ObjectType "vm" and
// ObjectName the VM's hostname. Invalid filters are a 400 with
// APIError.Fields; a page past the end a 404 (IsNotFound).
func (c *Client) ListTaskLog(ctx context.Context, opts *ListTaskLogOptions) (*TaskLog, error) {
	var o ListTaskLogOptions
	if opts != nil {
		o = *opts
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	q, err := query(&o)
	if err != nil {
		return nil, err
	}
	if !o.DateFrom.IsZero() {
		q.Set("date_from", o.DateFrom.UTC().Format(time.DateOnly))
	}
	if !o.DateTo.IsZero() {
		q.Set("date_to", o.DateTo.UTC().Format(time.DateOnly))
	}
	r := &core.Request{Kind: core.Read, Method: http.MethodGet, Path: pathTaskLog, Query: c.withDC(q, o.DC)}
	resp, err := c.core.Do(ctx, r, nil)
	if err != nil {
		return nil, err
	}
	// Not an envelope: TaskSuccessResponse writes {"results": …} as it is.
	var out TaskLog
	if err := decodeObject(resp.Body, &out); err != nil {
		return nil, c.core.DecodeError(resp, err)
	}
	if out.Entries == nil {
		out.Entries = []TaskLogEntry{}
	}
	return &out, nil
}

// taskLogPageSize is the server's page of the task log (esdc-ce
// api/task/task_log.py TaskLogView.get: 100 per page).
const taskLogPageSize = 100

// AllTaskLog walks every page of the task log that opts select (GET
// /api/task/log/?page=N, the filters of ListTaskLogOptions), from
// opts.Page (page 1 when 0) to the last, and yields each entry once. Pages
// are fetched as the loop asks for more; breaking out stops fetching. An
// error (invalid filters, a page past the end, a server that pages
// inconsistently: *PagingError) is yielded once and ends the walk. Entries
// logged while the walk runs push older ones to later pages: those the
// walk has already yielded are skipped, not yielded twice.
func (c *Client) AllTaskLog(ctx context.Context, opts *ListTaskLogOptions) iter.Seq2[TaskLogEntry, error] {
	var o ListTaskLogOptions
	if opts != nil {
		o = *opts
	}
	if o.Page == 0 {
		o.Page = 1
	}
	p := core.Paging[TaskLogEntry]{Provider: provider, List: "task log", Limit: taskLogPageSize, Key: taskLogKey}
	return core.Walk(ctx, p, o.Page, func(ctx context.Context, page, _ int) (core.WalkPage[TaskLogEntry, int], error) {
		var out core.WalkPage[TaskLogEntry, int]
		po := o
		po.Page = page
		log, err := c.ListTaskLog(ctx, &po)
		if err != nil {
			return out, err
		}
		out.Items = log.Entries
		if n, ok := log.Count.Get(); ok {
			out.Total, out.HasTotal = int(n), true
		}
		out.Pos, out.ByOffset, out.Next = (page-1)*taskLogPageSize, true, page+1
		return out, nil
	})
}

// taskLogKey tells entries apart: a task has one entry when it starts and
// one when it ends.
func taskLogKey(e *TaskLogEntry) string {
	if !e.TaskID.Valid {
		return ""
	}
	return e.TaskID.Value + "\x00" + e.Status.Value + "\x00" + e.Time.String() + "\x00" + e.Msg.Value
}

// PagingError reports a walk (AllTaskLog) the server paged inconsistently:
// a page that repeats entries, or a list that goes on past or ends short of
// its own count. Use errors.As.
type PagingError = core.PagingError

// validate refuses what the server would ignore or could not read.
func (o *ListTaskLogOptions) validate() error {
	switch {
	case o.Page < 0:
		return &ValidationError{Field: "page", Value: fmt.Sprint(o.Page), Reason: "pages are numbered from 1"}
	case o.Page == 0 && (o.Status != "" || o.ObjectType != "" || o.ObjectName != "" || o.ShowRunning || o.HideAuto ||
		!o.DateFrom.IsZero() || !o.DateTo.IsZero() || len(o.OrderBy) > 0):
		return &ValidationError{Field: "page", Value: "0", Reason: "filters and order_by apply only to pages (set Page)"}
	case o.ObjectName != "" && o.ObjectType == "":
		return &ValidationError{Field: "object_type", Value: "", Reason: "required when filtering by object_name"}
	}
	return nil
}
