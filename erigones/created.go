package erigones

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/core"
)

// The result of a finished backup task does not name the backup: its
// detail holds only esbackup's msg, rc, time_elapsed, size and
// backup_snapshot_size (esdc-ce api/vm/backup/tasks.py BACKUP_LOG_DETAIL),
// and the task's meta is stripped (api/task/utils.py get_task_result).
// The server names the backup "<definition>-YYYYmmdd_HHMMSS" from its own
// UTC clock while it handles the POST (vms/models/backup.py
// generate_backup_name), before it answers. Created finds the backup from
// what the Create call knows: VM, definition, disk, note, and the window
// of server time in which the name was made.

// createOrigin is what Create knows about the backup it started.
type createOrigin struct {
	vm, definition string
	diskID         int
	note           string
	dc             string
	// from and to bound, in server time, the second the backup's name holds.
	from, to time.Time
}

// createdClockSkew widens the window when the answer had no usable Date
// header and only the client's clock is known.
const createdClockSkew = 5 * time.Minute

// backupNameLayout is the time part of generated backup names (UTC).
const backupNameLayout = "20060102_150405"

// newCreateOrigin derives the window from the create call's answer: the
// server answered at its Date (whole seconds) and made the name at most
// the call's round trip earlier.
func newCreateOrigin(vm, definition string, body CreateBackupOptions, sent, received time.Time, resp *core.Response) *createOrigin {
	o := &createOrigin{vm: vm, definition: definition, diskID: max(body.DiskID, 1), note: body.Note, dc: body.DC}
	var date time.Time
	if resp != nil {
		if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			date = d.UTC()
		}
	}
	if date.IsZero() {
		o.from = sent.UTC().Add(-createdClockSkew).Truncate(time.Second)
		o.to = received.UTC().Add(createdClockSkew)
		return o
	}
	o.from = date.Add(-received.Sub(sent)).Truncate(time.Second)
	o.to = date
	return o
}

// ErrCreatedBackupNotFound is wrapped by the *CreatedBackupError of
// Created when no backup of the definition and disk has a name from the
// time of the create call: the task failed (its backup is removed), or the
// backup was deleted since.
var ErrCreatedBackupNotFound = errors.New("no backup from the time of the create call")

// ErrCreatedBackupAmbiguous is wrapped by the *CreatedBackupError of
// Created when more than one backup fits (several backups of the same
// definition and disk were made in the time window, for example by the
// schedule); Candidates names them.
var ErrCreatedBackupAmbiguous = errors.New("more than one backup from the time of the create call")

// CreatedBackupError reports that Created could not tell the backup
// apart. errors.Is(err, ErrCreatedBackupNotFound) or
// errors.Is(err, ErrCreatedBackupAmbiguous) says why.
type CreatedBackupError struct {
	// TaskID names the create task.
	TaskID string
	// VM, Definition and DiskID are those of the Create call.
	VM, Definition string
	DiskID         int
	// From and To bound the server time the backup's name was looked for in.
	From, To time.Time
	// Candidates names the backups that fit, newest first (ambiguous only).
	Candidates []string
	// Err is ErrCreatedBackupNotFound or ErrCreatedBackupAmbiguous.
	Err error
}

// Error reads like "erigones: backup of task <id> (web01 daily disk 1,
// 2024-03-01T12:00:00Z–2024-03-01T12:00:01Z): <reason>".
func (e *CreatedBackupError) Error() string {
	s := fmt.Sprintf("%s: backup of task %s (%s %s disk %d, %s–%s): %v", provider, e.TaskID, e.VM, e.Definition,
		e.DiskID, e.From.Format(time.RFC3339), e.To.Format(time.RFC3339), e.Err)
	if len(e.Candidates) > 0 {
		s += ": " + strings.Join(e.Candidates, ", ")
	}
	return s
}

// Unwrap returns ErrCreatedBackupNotFound or ErrCreatedBackupAmbiguous.
func (e *CreatedBackupError) Unwrap() error { return e.Err }

// Created returns the backup that a task started by Create made. Call it
// after task.Wait returned without error: the backup is then OK (called
// earlier, it is found PENDING). The server's task result does not name
// the backup, so Created lists the definition's backups of the disk,
// newest first (GET /api/vm/<vm>/backup/?full=true&define=…&disk_id=…),
// and keeps those whose generated name "<definition>-YYYYmmdd_HHMMSS"
// lies in the seconds between the server's Date of the create answer
// less the call's round trip and that Date (or within five minutes of the
// client's clock when the answer had no Date), and whose note is the one
// given to Create. Exactly one must fit: none or several give a
// *CreatedBackupError (see ErrCreatedBackupNotFound and
// ErrCreatedBackupAmbiguous). The server refuses a second backup of the
// same disk while one runs and names are unique per second, so only
// backups started in the same few seconds, or a server clock that the
// Date header does not show, make it ambiguous.
func (s *BackupsService) Created(ctx context.Context, task *Task) (*Backup, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%s: Created: %w", provider, core.ErrNilContext)
	}
	if task == nil || task.origin == nil {
		return nil, fmt.Errorf("%s: Created: the task was not started by Backups.Create", provider)
	}
	o := task.origin
	list, err := s.List(ctx, o.vm, &ListBackupsOptions{
		DiskID: o.diskID, Define: o.definition, OrderBy: []string{"-created"}, DC: o.dc,
	})
	if err != nil {
		return nil, err
	}
	var found []*Backup
	for i := range list {
		b := &list[i]
		if o.fits(b) {
			found = append(found, b)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	e := &CreatedBackupError{TaskID: task.ID(), VM: o.vm, Definition: o.definition, DiskID: o.diskID, From: o.from, To: o.to,
		Err: ErrCreatedBackupNotFound}
	if len(found) > 1 {
		e.Err = ErrCreatedBackupAmbiguous
		for _, b := range found {
			e.Candidates = append(e.Candidates, b.Name)
		}
	}
	return nil, e
}

// fits reports whether b may be the backup the create call made.
func (o *createOrigin) fits(b *Backup) bool {
	if d, ok := b.DiskID.Get(); ok && int(d) != o.diskID {
		return false
	}
	if def, ok := b.Define.Get(); ok && def != o.definition {
		return false
	}
	stamp, ok := strings.CutPrefix(b.Name, o.definition+"-")
	if !ok {
		return false
	}
	t, err := time.ParseInLocation(backupNameLayout, stamp, time.UTC)
	if err != nil || t.Before(o.from) || t.After(o.to) {
		return false
	}
	return o.note == "" || b.Note.Or("") == o.note
}

// CreateAndWait starts a backup as Create does, waits for its task as
// Task.Wait does (with waitOpts), and returns the new backup as Created
// finds it, with the task's final result. When the task fails the error
// is the *TaskFailedError and the Backup nil; when ctx ends first, an
// error wrapping ErrWaitStopped and ctx's error (the backup goes on being
// made on the server). The create call is sent once, as Create's is;
// waiting and finding the backup only read.
func (s *BackupsService) CreateAndWait(ctx context.Context, vm, definition string, opts *CreateBackupOptions, waitOpts ...WaitOption) (*Backup, *TaskResult, error) {
	task, err := s.Create(ctx, vm, definition, opts)
	if err != nil {
		return nil, nil, err
	}
	res, err := task.Wait(ctx, waitOpts...)
	if err != nil {
		return nil, res, err
	}
	b, err := s.Created(ctx, task)
	return b, res, err
}
