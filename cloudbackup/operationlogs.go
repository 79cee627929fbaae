package cloudbackup

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/backupsdk/backupsdk/internal/core"
)

// OperationLogsService reads tasks (backups, restores, deletions,
// replications) and gives handles to wait for them to end (Operation).
type OperationLogsService service

// OperationLog is one task.
type OperationLog struct {
	ID            string          `json:"id"`                     // the task's ID
	Status        OperationStatus `json:"status"`                 // its state; Status.Done() once ended
	OperationType OperationType   `json:"operation_type"`         // backup, restore, delete, ...
	CheckpointID  string          `json:"checkpoint_id,omitzero"` // the restore point it works on
	PolicyID      string          `json:"policy_id,omitzero"`     // the policy that started it
	ProjectID     string          `json:"project_id"`             // the project it belongs to
	ProviderID    string          `json:"provider_id,omitzero"`   // what it protects (ProviderServer, ...)
	VaultID       string          `json:"vault_id,omitzero"`      // the vault it works in
	VaultName     string          `json:"vault_name,omitzero"`    // that vault's name
	CreatedAt     Time            `json:"created_at,omitzero"`    // when it was created
	StartedAt     Time            `json:"started_at,omitzero"`    // when it started
	EndedAt       Time            `json:"ended_at,omitzero"`      // when it ended
	UpdatedAt     Time            `json:"updated_at,omitzero"`    // when it last changed
	// ErrorInfo says why a task failed.
	ErrorInfo OperationErrorInfo `json:"error_info,omitzero"`
	// ExtraInfo holds the task's details: progress, resource, backup or
	// restore.
	ExtraInfo OperationExtraInfo `json:"extra_info,omitzero"`
}

// OperationErrorInfo is the error of a failed task.
type OperationErrorInfo struct {
	Code    string `json:"code,omitzero"`    // such as BackupService.6401
	Message string `json:"message,omitzero"` // what went wrong
}

// OperationExtraInfo holds a task's details.
type OperationExtraInfo struct {
	Common   OperationCommon   `json:"common,omitzero"`   // progress and request of every task
	Resource OperationResource `json:"resource,omitzero"` // the resource the task works on
	Backup   *OperationBackup  `json:"backup,omitzero"`   // set for backup tasks
	Restore  *OperationRestore `json:"restore,omitzero"`  // set for restore tasks
	// Extra keeps the details of other task types (delete, sync,
	// replication, vault_delete, remove_resources) as raw JSON.
	Extra map[string]RawJSON `json:",embed"`
}

// OperationCommon is what every task reports.
type OperationCommon struct {
	// Progress is in percent (0 to 100).
	Progress  Int    `json:"progress,omitzero"`
	RequestID string `json:"request_id,omitzero"` // the request that started the task
	TaskID    string `json:"task_id,omitzero"`    // the backend task's ID
}

// OperationResource is the resource a task works on.
type OperationResource struct {
	ID        string       `json:"id,omitzero"`         // the server's or disk's ID
	Name      string       `json:"name,omitzero"`       // its name
	Type      ResourceType `json:"type,omitzero"`       // server or disk
	ExtraInfo RawJSON      `json:"extra_info,omitzero"` // more about it, as raw JSON
}

// OperationBackup is the backup a backup task makes.
type OperationBackup struct {
	BackupID             string `json:"backup_id,omitzero"`              // the backup being made
	BackupName           string `json:"backup_name,omitzero"`            // its name
	Incremental          Bool   `json:"incremental,omitzero"`            // whether it is incremental
	AppConsistencyStatus string `json:"app_consistency_status,omitzero"` // application consistency reached
}

// OperationRestore is what a restore task restores, and where to.
type OperationRestore struct {
	BackupID           string `json:"backup_id,omitzero"`            // the backup restored from
	BackupName         string `json:"backup_name,omitzero"`          // its name
	TargetResourceID   string `json:"target_resource_id,omitzero"`   // the server or disk restored to
	TargetResourceName string `json:"target_resource_name,omitzero"` // its name
}

// Get returns the task with the given ID (404: IsNotFound).
func (s *OperationLogsService) Get(ctx context.Context, operationLogID string) (*OperationLog, error) {
	var root struct {
		OperationLog *OperationLog `json:"operation_log"`
	}
	if _, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Read,
		Method:     http.MethodGet,
		Path:       pathOperationLog,
		PathParams: []string{s.client.projectID, operationLogID},
	}, &root); err != nil {
		return nil, err
	}
	if root.OperationLog == nil {
		return nil, fmt.Errorf("%s: GET operation log %s: answer holds no operation log", providerName, operationLogID)
	}
	return root.OperationLog, nil
}

// ListOperationLogsOptions filters and pages OperationLogs.List and OperationLogs.All.
type ListOperationLogsOptions struct {
	// StartTime and EndTime bound the tasks' start; sent in TimeLayout.
	StartTime           time.Time       `url:"start_time,omitempty" layout:"2006-01-02T15:04:05Z"`
	EndTime             time.Time       `url:"end_time,omitempty" layout:"2006-01-02T15:04:05Z"` // see StartTime
	EnterpriseProjectID string          `url:"enterprise_project_id,omitempty"`                  // or AllGrantedEnterpriseProjects
	Limit               int             `url:"limit,omitempty"`                                  // page size, 1 to 1000 (0: the server's, 1000)
	Offset              int             `url:"offset,omitempty"`                                 // tasks to skip
	OperationType       OperationType   `url:"operation_type,omitempty"`                         // tasks of one type
	ProviderID          string          `url:"provider_id,omitempty"`                            // tasks on servers, disks, ...
	ResourceID          string          `url:"resource_id,omitempty"`                            // tasks on one resource
	ResourceName        string          `url:"resource_name,omitempty"`                          // tasks by resource name
	Status              OperationStatus `url:"status,omitempty"`                                 // tasks in one state
	VaultID             string          `url:"vault_id,omitempty"`                               // tasks in one vault
	VaultName           string          `url:"vault_name,omitempty"`                             // tasks by vault name
}

// OperationLogPage is one page of OperationLogs.List.
type OperationLogPage struct {
	// OperationLogs on this page; empty (not nil) when none match.
	OperationLogs []OperationLog `json:"operation_logs"`
	// Count is the number of tasks matching in total; absent (Valid false)
	// when the answer gave none.
	Count Int `json:"count,omitzero"`
	// Offset and Limit are the position and size of the page when the
	// answer tells them (services/cbr/v1/model/model_list_op_logs_response.go
	// of huaweicloud-sdk-go-v3); absent when it does not.
	Offset Int `json:"offset,omitzero"`
	Limit  Int `json:"limit,omitzero"` // see Offset
}

// limit is the page size the call asks for, which bounds the answer's list
// (0: the server's default, no bound beyond the codec's).
func (o *ListOperationLogsOptions) limit() int {
	if o == nil {
		return 0
	}
	return o.Limit
}

// List returns one page of tasks, newest first (nil opts: the defaults).
// Limit is 1 to 1000 (0: the server's default, 1000); outside that it is
// an error before any request. A 200 without the operation_logs list (and
// without a count of 0) is a *DecodeError, or an *APIError with status 200
// when its body is CBR's error shape. Count is the number of tasks
// matching in total, and absent when the answer gives none.
func (s *OperationLogsService) List(ctx context.Context, opts *ListOperationLogsOptions) (*OperationLogPage, error) {
	page, _, err := s.list(ctx, opts)
	return page, err
}

// list is List, also reporting whether the answer had a count.
func (s *OperationLogsService) list(ctx context.Context, opts *ListOperationLogsOptions) (*OperationLogPage, bool, error) {
	q := url.Values{}
	if opts != nil {
		if opts.Limit < 0 || opts.Offset < 0 {
			return nil, false, fmt.Errorf("%s: ListOperationLogsOptions: Limit and Offset must not be negative", providerName)
		}
		if err := checkLimit("ListOperationLogsOptions", opts.Limit); err != nil {
			return nil, false, fmt.Errorf("%s: %w", providerName, err)
		}
		c := *opts
		c.StartTime, c.EndTime = utc(c.StartTime), utc(c.EndTime)
		v, err := core.EncodeQuery(&c)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", providerName, err)
		}
		q = v
	}
	var out struct {
		OperationLogs listOf[OperationLog] `json:"operation_logs"`
		Count         Int                  `json:"count"`
		Offset        Int                  `json:"offset"`
		Limit         Int                  `json:"limit"`
	}
	resp, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Read,
		Method:     http.MethodGet,
		Path:       pathOperationLogs,
		PathParams: []string{s.client.projectID},
		Query:      q,
		List:       core.ListBound{Member: "operation_logs", Max: opts.limit()},
	}, &out)
	if err != nil {
		return nil, false, err
	}
	if listMissing(out.OperationLogs.present, out.Count.Valid, out.Count.Int64) {
		return nil, false, s.client.noList(resp, "operation_logs")
	}
	logs := out.OperationLogs.items
	if logs == nil {
		logs = []OperationLog{}
	}
	return &OperationLogPage{OperationLogs: logs, Count: out.Count, Offset: out.Offset, Limit: out.Limit}, out.Count.Valid, nil
}

// All walks every task matching opts by offset, newest first, fetching
// pages lazily, opts.Limit a page (default 1000). It ends where count
// says, or without a count at a short or empty page. Tasks started while
// it walks push older ones onto the next page; those are skipped rather
// than yielded twice. Any other repeat, or a list that ends short of its
// count, is a *PagingError. See BackupsService.All for the rest. opts is
// copied, never changed.
func (s *OperationLogsService) All(ctx context.Context, opts *ListOperationLogsOptions) iter.Seq2[OperationLog, error] {
	var base ListOperationLogsOptions
	if opts != nil {
		base = *opts
	}
	if err := checkLimit("ListOperationLogsOptions", base.Limit); err != nil {
		return failed[OperationLog](fmt.Errorf("%s: %w", providerName, err))
	}
	p := core.Paging[OperationLog]{Provider: providerName, List: "operation logs", Limit: pageSize(base.Limit), Key: func(l *OperationLog) string { return l.ID }}
	return core.Offset(ctx, p, base.Offset, func(ctx context.Context, offset, limit int) (core.Page[OperationLog], error) {
		o := base
		o.Offset, o.Limit = offset, limit
		page, hasCount, err := s.list(ctx, &o)
		if err != nil {
			return core.Page[OperationLog]{}, err
		}
		n, _ := total(page.Count)
		return core.Page[OperationLog]{Items: page.OperationLogs, Total: n, HasTotal: hasCount}, nil
	})
}

// Operation is a task CBR runs in the background (an operation log), to
// wait for. Get one from OperationLogs.Operation with a task's ID (from
// OperationLogs.List, say); RestoreResult.Wait waits for its own.
type Operation struct {
	// ID is the operation log's ID.
	ID     string
	client *Client
}

// Operation returns a handle on the task with the given ID, to wait for.
// It does no I/O.
func (s *OperationLogsService) Operation(operationLogID string) *Operation {
	return &Operation{ID: operationLogID, client: s.client}
}

// Wait polls the task until it ends and returns its final state. It
// returns a nil error only for success; a task that ended failed, timeout
// or skipped comes back with an *OperationError (errors.As) next to the
// log. Polls are spaced by the client's backoff (WithWaitBackoff, default
// DefaultWaitBackoff) or the call's (WaitBackoff); WaitProgress reports
// each poll with the task's status and progress percent. It stops at once
// when ctx ends, with the last state read and an error wrapping
// ErrWaitStopped, and when a read fails (reads are retried by the
// client's RetryPolicy first). The task goes on on the server either way.
func (op *Operation) Wait(ctx context.Context, opts ...WaitOption) (*OperationLog, error) {
	if op == nil || op.client == nil {
		return nil, fmt.Errorf("%s: Wait on an operation that no client made: use OperationLogs.Operation", providerName)
	}
	if op.ID == "" {
		return nil, fmt.Errorf("%s: Wait: the operation has no ID", providerName)
	}
	var last *OperationLog
	err := core.Wait(ctx, op.client.waitConfig(opts), "operation "+op.ID, func(ctx context.Context) (core.Poll, error) {
		log, err := op.client.OperationLogs.Get(ctx, op.ID)
		if err != nil {
			return core.Poll{}, err
		}
		last = log
		return core.Poll{State: string(log.Status), Done: log.Status.Done(), Percent: log.ExtraInfo.Common.Progress}, nil
	})
	if err != nil {
		return last, stopped(err)
	}
	if last.Status != OperationStatusSuccess {
		return last, &OperationError{Log: last, Status: last.Status, Code: last.ErrorInfo.Code, Message: last.ErrorInfo.Message}
	}
	return last, nil
}

// stopped names the package in the error of a wait whose context ended
// (a poll's own errors name it already).
func stopped(err error) error {
	if errors.Is(err, ErrWaitStopped) {
		return fmt.Errorf("%s: %w", providerName, err)
	}
	return err
}
