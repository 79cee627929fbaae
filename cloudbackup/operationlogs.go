package cloudbackup

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/core"
)

// OperationLogsService reads tasks (backups, restores, deletions,
// replications) and waits for them to end.
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
	Extra map[string]jsontext.Value `json:",embed"`
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
	ID        string         `json:"id,omitzero"`         // the server's or disk's ID
	Name      string         `json:"name,omitzero"`       // its name
	Type      ResourceType   `json:"type,omitzero"`       // server or disk
	ExtraInfo jsontext.Value `json:"extra_info,omitzero"` // more about it, as raw JSON
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

// ListOperationLogsOptions filters and pages ListOperationLogs.
type ListOperationLogsOptions struct {
	// StartTime and EndTime bound the tasks' start; sent in TimeLayout.
	StartTime           time.Time       `url:"start_time,omitempty" layout:"2006-01-02T15:04:05Z"`
	EndTime             time.Time       `url:"end_time,omitempty" layout:"2006-01-02T15:04:05Z"` // see StartTime
	EnterpriseProjectID string          `url:"enterprise_project_id,omitempty"`                  // or AllGrantedEnterpriseProjects
	Limit               int             `url:"limit,omitempty"`                                  // page size (0: the server's)
	Offset              int             `url:"offset,omitempty"`                                 // tasks to skip
	OperationType       OperationType   `url:"operation_type,omitempty"`                         // tasks of one type
	ProviderID          string          `url:"provider_id,omitempty"`                            // tasks on servers, disks, ...
	ResourceID          string          `url:"resource_id,omitempty"`                            // tasks on one resource
	ResourceName        string          `url:"resource_name,omitempty"`                          // tasks by resource name
	Status              OperationStatus `url:"status,omitempty"`                                 // tasks in one state
	VaultID             string          `url:"vault_id,omitempty"`                               // tasks in one vault
	VaultName           string          `url:"vault_name,omitempty"`                             // tasks by vault name
}

// OperationLogPage is one page of ListOperationLogs.
type OperationLogPage struct {
	// OperationLogs on this page; empty (not nil) when none match.
	OperationLogs []OperationLog `json:"operation_logs"`
	// Count is the number of tasks matching in total.
	Count int `json:"count"`
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
func (s *OperationLogsService) List(ctx context.Context, opts *ListOperationLogsOptions) (*OperationLogPage, error) {
	q := url.Values{}
	if opts != nil {
		if opts.Limit < 0 || opts.Offset < 0 {
			return nil, fmt.Errorf("%s: ListOperationLogsOptions: Limit and Offset must not be negative", providerName)
		}
		c := *opts
		c.StartTime, c.EndTime = utc(c.StartTime), utc(c.EndTime)
		v, err := core.EncodeQuery(&c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", providerName, err)
		}
		q = v
	}
	var out struct {
		OperationLogs []OperationLog `json:"operation_logs"`
		Count         Int            `json:"count"`
	}
	if _, err := s.client.core.Do(ctx, &core.Request{
		Method:     http.MethodGet,
		Path:       pathOperationLogs,
		PathParams: []string{s.client.projectID},
		Query:      q,
		List:       core.ListBound{Member: "operation_logs", Max: opts.limit()},
	}, &out); err != nil {
		return nil, err
	}
	if out.OperationLogs == nil {
		out.OperationLogs = []OperationLog{}
	}
	return &OperationLogPage{OperationLogs: out.OperationLogs, Count: int(out.Count.Or(int64(len(out.OperationLogs))))}, nil
}

// All walks every task matching opts by offset, fetching pages lazily.
// opts is copied, never changed.
func (s *OperationLogsService) All(ctx context.Context, opts *ListOperationLogsOptions) iter.Seq2[OperationLog, error] {
	var base ListOperationLogsOptions
	if opts != nil {
		base = *opts
	}
	return core.Offset(ctx, base.Offset, base.Limit, func(ctx context.Context, offset, limit int) (core.OffsetPage[OperationLog], error) {
		o := base
		o.Offset, o.Limit = offset, limit
		page, err := s.List(ctx, &o)
		if err != nil {
			return core.OffsetPage[OperationLog]{}, err
		}
		return core.OffsetPage[OperationLog]{Items: page.OperationLogs, Total: page.Count, HasTotal: true}, nil
	})
}

// WaitOptions tune Wait.
type WaitOptions struct {
	// Backoff returns how long to wait before poll number n (1 for the
	// first repeat). The default starts at 2 s and grows by half each time
	// up to 30 s.
	Backoff func(n int) time.Duration
	// OnPoll, if set, is called with every state read, the last included.
	OnPoll func(*OperationLog)
}

// DefaultWaitBackoff is Wait's default: 2 s, growing by half each poll,
// capped at 30 s.
func DefaultWaitBackoff(n int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < n && d < 30*time.Second; i++ {
		d += d / 2
	}
	return min(d, 30*time.Second)
}

// Wait polls the task until it ends and returns its final state. It
// returns a nil error only for success; a task that ended failed, timeout
// or skipped comes back with an *OperationError (errors.As) next to the
// log. It stops early, with the last state read, when ctx is done or a
// read fails (reads are retried by the client's RetryPolicy first).
func (s *OperationLogsService) Wait(ctx context.Context, operationLogID string, opts *WaitOptions) (*OperationLog, error) {
	backoff := DefaultWaitBackoff
	var onPoll func(*OperationLog)
	if opts != nil {
		if opts.Backoff != nil {
			backoff = opts.Backoff
		}
		onPoll = opts.OnPoll
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for n := 1; ; n++ {
		log, err := s.Get(ctx, operationLogID)
		if err != nil {
			return nil, err
		}
		if onPoll != nil {
			onPoll(log)
		}
		if log.Status.Done() {
			if log.Status == OperationStatusSuccess {
				return log, nil
			}
			return log, &OperationError{Log: log, Status: log.Status, Code: log.ErrorInfo.Code, Message: log.ErrorInfo.Message}
		}
		wait := max(backoff(n), 0)
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return log, fmt.Errorf("%s: waiting for operation %s (%s): %w", providerName, operationLogID, log.Status, ctx.Err())
		case <-timer.C:
		}
	}
}
