package erigones

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/backupsdk/backupsdk/internal/core"
)

// BackupsService lists, creates, restores and deletes the backups of VM
// disks. Creating, restoring and deleting run as server tasks and return a
// *Task; those calls are never sent again after they may have reached the
// server (a second attempt would find the first one's task running).
type BackupsService service

// ListBackupsOptions filter and sort backup lists. Nil means the server's
// defaults.
type ListBackupsOptions struct {
	// DiskID keeps the backups of one original disk (from 1).
	DiskID int `url:"disk_id,omitempty"`
	// Define keeps the backups made from one backup definition.
	Define string `url:"define,omitempty"`
	// VM keeps the backups of one original VM hostname; node lists only.
	VM string `url:"vm,omitempty"`
	// WithoutVM keeps the backups whose VM no longer exists (vm sent
	// empty; api/vm/backup/vm_backup_list.py filter_backup_vm); node lists
	// only, and not with VM.
	WithoutVM bool `url:"-"`
	// OriginalHostname reads the vm argument of a per-VM list as the
	// original hostname of the backups even when a VM of that name exists
	// now (the server's "hostname" parameter): the only way to reach a
	// deleted VM's backups once a new VM reuses its name. Without it an
	// existing VM's own backups are listed, and a name no VM has is
	// already read as an original hostname.
	OriginalHostname bool `url:"-"`
	// Extended asks for extended output; for backups the server treats it
	// as full output. Object lists only: the names calls never send it.
	Extended bool `url:"extended,omitempty"`
	// OrderBy sorts by name, disk_id, size, time, created or hostname (node
	// lists); prefix "-" for descending. Default: -created.
	OrderBy []string `url:"order_by,comma,omitempty"`
	// DC overrides the client's default datacenter; node lists, which are
	// not DC-bound, never send it.
	DC string `url:"dc,omitempty"`
}

func (o *ListBackupsOptions) dc() string {
	if o == nil {
		return ""
	}
	return o.DC
}

// List returns the backups of a VM with all their details, newest first
// by default (GET /api/vm/<vm>/backup/?full=true). vm is the VM's hostname
// or uuid, or the original hostname of backups whose VM is gone: a name no
// VM has is no error but lists the backups made under that name (empty
// when there are none; api/vm/backup/vm_backup_list.py). See
// ListBackupsOptions.OriginalHostname. The list is empty, not nil, when
// there are none.
func (s *BackupsService) List(ctx context.Context, vm string, opts *ListBackupsOptions) ([]Backup, error) {
	return s.client.backups(ctx, pathVMBackups, vm, opts, true)
}

// ListNames returns only the names of a VM's backups (GET
// /api/vm/<vm>/backup/, the server's default output).
func (s *BackupsService) ListNames(ctx context.Context, vm string, opts *ListBackupsOptions) ([]string, error) {
	c := s.client
	q, err := c.backupListQuery(opts, false, vm, true)
	if err != nil {
		return nil, err
	}
	return c.names(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: pathVMBackups, PathParams: []string{vm}, Query: q})
}

// backupListQuery is listQuery with the backup lists' own parameters: vm
// empty for WithoutVM (node lists, dcBound false) and hostname for
// OriginalHostname (per-VM lists, dcBound true).
func (c *Client) backupListQuery(opts *ListBackupsOptions, full bool, host string, perVM bool) (url.Values, error) {
	q, err := c.listQuery(opts, full, opts.dc(), perVM)
	if err != nil || opts == nil {
		return q, err
	}
	switch {
	case opts.WithoutVM && perVM:
		return nil, errors.New("erigones: ListBackupsOptions.WithoutVM: node lists only")
	case opts.WithoutVM && opts.VM != "":
		return nil, errors.New("erigones: ListBackupsOptions: WithoutVM and VM exclude each other")
	case opts.WithoutVM:
		q.Set("vm", "")
	}
	if opts.OriginalHostname && perVM {
		q.Set("hostname", host) // the server checks only that the parameter is present
	}
	return q, nil
}

func (c *Client) backups(ctx context.Context, path, host string, opts *ListBackupsOptions, dcBound bool) ([]Backup, error) {
	q, err := c.backupListQuery(opts, true, host, dcBound)
	if err != nil {
		return nil, err
	}
	var out []Backup
	if err := c.sync(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: path, PathParams: []string{host}, Query: q}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []Backup{}
	}
	return out, nil
}

// GetBackupOptions select the disk of Get. Nil means disk 1.
type GetBackupOptions struct {
	// DiskID is the original disk (from 1); 0 means 1.
	DiskID int `url:"disk_id,omitempty"`
	// OriginalHostname reads vm as the backup's original hostname even
	// when a VM of that name exists now (see ListBackupsOptions).
	OriginalHostname bool `url:"-"`
	// DC overrides the client's default datacenter.
	DC string `url:"dc,omitempty"`
}

// backupGetQuery is GetBackupOptions in the query.
type backupGetQuery struct {
	DiskID   int    `url:"disk_id,omitempty"`
	Hostname string `url:"hostname,omitempty"`
}

// originalHostname is the value of the server's "hostname" parameter:
// only its presence matters (api/vm/backup/vm_backup.py).
func originalHostname(on bool, vm string) string {
	if on {
		return vm
	}
	return ""
}

// Get returns one backup (GET /api/vm/<vm>/backup/<name>/). vm is the VM,
// or the original hostname of a backup whose VM is gone. A missing backup
// is a 404 (IsNotFound); so is a disk the VM does not have (the server
// checks only that disk_id is above 0).
func (s *BackupsService) Get(ctx context.Context, vm, name string, opts *GetBackupOptions) (*Backup, error) {
	if err := ValidateBackupName(name); err != nil {
		return nil, err
	}
	var o GetBackupOptions
	if opts != nil {
		o = *opts
	}
	q := backupGetQuery{DiskID: o.DiskID, Hostname: originalHostname(o.OriginalHostname, vm)}
	return getObject[Backup](ctx, s.client, pathVMBackup, []string{vm, name}, q, o.DC)
}

// CreateBackupOptions are the parameters of Create. Nil means disk 1, no note.
type CreateBackupOptions struct {
	// DiskID is the disk the definition belongs to (from 1); 0 means 1.
	DiskID int `json:"disk_id,omitzero"`
	// Note is a comment stored with the backup (up to 128 characters).
	Note string `json:"note,omitzero"`
	// DC overrides the client's default datacenter.
	DC string `json:"dc,omitzero"`
}

// Create starts a backup of a VM disk now, as the backup definition named
// definition describes (POST /api/vm/<vm>/backup/<definition>/), and
// returns its task. The server names the backup
// "<definition>-YYYYmmdd_HHMMSS" (its UTC clock) but says so neither in
// this answer nor in the task's result: after task.Wait succeeds, Created
// returns the new Backup (CreateAndWait does all three). Errors before the
// task starts: 404 VM or definition not found, 406 backup already exists
// (one per definition, disk and second), 412 invalid disk_id, 417 DC backup
// size limit reached, 423 node or VM not operational, 428 VM not
// installed, and 400 when another backup task of the disk holds its lock
// (IsTaskAlreadyRunning) or the backup node's worker does not answer
// (IsWorkerNotResponding); IsLocked covers the 423 and both 400s.
//
// It is sent once: after a 5xx answer or a broken connection the backup
// may have started, so list the VM's backups (List) and running tasks
// (Client.ListTasks) before trying again.
func (s *BackupsService) Create(ctx context.Context, vm, definition string, opts *CreateBackupOptions) (*Task, error) {
	if err := ValidateDefinitionName(definition); err != nil {
		return nil, err
	}
	c := s.client
	var body CreateBackupOptions
	if opts != nil {
		body = *opts
	}
	body.DC = c.pickDC(body.DC)
	sent := time.Now()
	task, resp, err := c.asyncResp(ctx, &core.Request{
		Method: http.MethodPost, Path: pathVMBackup, PathParams: []string{vm, definition}, Body: body,
		Kind: core.Write,
	}, body.DC)
	if err != nil {
		return nil, err
	}
	task.origin = newCreateOrigin(vm, definition, body, sent, time.Now(), resp)
	return task, nil
}

// RestoreBackupOptions are the parameters of Restore. The server requires
// TargetHostnameOrUUID and TargetDiskID.
type RestoreBackupOptions struct {
	// DiskID is the backup's original disk (from 1); 0 means 1.
	DiskID int `json:"disk_id,omitzero"`
	// TargetHostnameOrUUID is the VM to restore into; it must be stopped.
	TargetHostnameOrUUID string `json:"target_hostname_or_uuid,omitzero"`
	// TargetDiskID is the disk to overwrite (from 1).
	TargetDiskID int `json:"target_disk_id,omitzero"`
	// Force deletes the target disk's snapshots and backups first; nil
	// means the server's default, true. With false a disk that has
	// snapshots is refused (417).
	Force *bool `json:"force,omitzero"`
	// OriginalHostname reads vm as the backup's original hostname even
	// when a VM of that name exists now (see ListBackupsOptions).
	OriginalHostname bool `json:"-"`
	// DC overrides the client's default datacenter.
	DC string `json:"dc,omitzero"`
}

// Restore overwrites a VM disk with the backup (PUT
// /api/vm/<vm>/backup/<name>/). All data written after the backup on the
// target disk, snapshots included, is lost. Errors before the task starts:
// 404, 409 VM has pending tasks, 412 invalid disk_id or target_disk_id, 417
// backup not OK or VM has snapshots, 423 VM not stopped or locked, 428
// brand, disk size or free space mismatch.
//
// It is sent once: after a 5xx answer or a broken connection the restore
// may have started, so look at the running tasks (Client.ListTasks) and
// the backup's status (Get; 3 is RESTORE) before trying again.
func (s *BackupsService) Restore(ctx context.Context, vm, name string, opts *RestoreBackupOptions) (*Task, error) {
	if err := ValidateBackupName(name); err != nil {
		return nil, err
	}
	c := s.client
	var body struct {
		RestoreBackupOptions `json:",inline"`
		Hostname             string `json:"hostname,omitzero"`
	}
	if opts != nil {
		body.RestoreBackupOptions = *opts
	}
	body.DC = c.pickDC(body.DC)
	body.Hostname = originalHostname(body.OriginalHostname, vm)
	return c.async(ctx, &core.Request{
		Method: http.MethodPut, Path: pathVMBackup, PathParams: []string{vm, name}, Body: body,
		Kind: core.Write,
	}, body.DC)
}

// UpdateNoteOptions select the backup of UpdateNote. Nil means disk 1.
type UpdateNoteOptions struct {
	// DiskID is the backup's original disk (from 1); 0 means 1.
	DiskID int
	// OriginalHostname reads vm as the backup's original hostname even
	// when a VM of that name exists now (see ListBackupsOptions).
	OriginalHostname bool
	// DC overrides the client's default datacenter.
	DC string
}

type noteBody struct {
	Note     string `json:"note"`
	DiskID   int    `json:"disk_id,omitzero"`
	Hostname string `json:"hostname,omitzero"`
	DC       string `json:"dc,omitzero"`
}

// UpdateNote replaces a backup's note ("" clears it) and returns the backup
// (PUT /api/vm/<vm>/backup/<name>/ with a note, which the server treats as
// a note change, not a restore; synchronous). It is sent once: after a 5xx
// answer or a broken connection, Get the backup to see which note it has.
// A member of the success answer that does not fit its field is left
// absent and logged at warning level on the client's Logger: the note is
// changed, so it is not an error.
func (s *BackupsService) UpdateNote(ctx context.Context, vm, name, note string, opts *UpdateNoteOptions) (*Backup, error) {
	if err := ValidateBackupName(name); err != nil {
		return nil, err
	}
	c := s.client
	body := noteBody{Note: note}
	if opts != nil {
		body.DiskID, body.DC = opts.DiskID, opts.DC
		body.Hostname = originalHostname(opts.OriginalHostname, vm)
	}
	body.DC = c.pickDC(body.DC)
	var out Backup
	if err := c.sync(ctx, &core.Request{
		Method: http.MethodPut, Path: pathVMBackup, PathParams: []string{vm, name}, Body: body,
		Kind: core.Write,
	}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteBackupOptions select the disk of Delete and DeleteMany. Nil means disk 1.
type DeleteBackupOptions struct {
	// DiskID is the backups' original disk (from 1); 0 means 1.
	DiskID int `json:"disk_id,omitzero"`
	// OriginalHostname reads vm as the backups' original hostname even
	// when a VM of that name exists now (see ListBackupsOptions).
	OriginalHostname bool `json:"-"`
	// DC overrides the client's default datacenter.
	DC string `json:"dc,omitzero"`
}

// Delete removes a backup (DELETE /api/vm/<vm>/backup/<name>/, parameters
// in a JSON body). A lost backup is removed from the database at once (the
// Task is already final); others are deleted by a task. A backup that is
// pending or being restored is refused with 417. It is sent once: after a
// 5xx answer or a broken connection, Get the backup to see whether it is
// still there.
func (s *BackupsService) Delete(ctx context.Context, vm, name string, opts *DeleteBackupOptions) (*Task, error) {
	if err := ValidateBackupName(name); err != nil {
		return nil, err
	}
	c := s.client
	var body struct {
		DeleteBackupOptions `json:",inline"`
		Hostname            string `json:"hostname,omitzero"`
	}
	if opts != nil {
		body.DeleteBackupOptions = *opts
	}
	body.DC = c.pickDC(body.DC)
	body.Hostname = originalHostname(body.OriginalHostname, vm)
	return c.async(ctx, &core.Request{
		Method: http.MethodDelete, Path: pathVMBackup, PathParams: []string{vm, name}, Body: body,
		Kind: core.Write,
	}, body.DC)
}

type deleteManyBody struct {
	Bkpnames []string `json:"bkpnames"`
	DiskID   int      `json:"disk_id,omitzero"`
	Hostname string   `json:"hostname,omitzero"`
	DC       string   `json:"dc,omitzero"`
}

// DeleteMany removes several backups of one VM disk in one task (DELETE
// /api/vm/<vm>/backup/ with {"bkpnames": [...]} in a JSON body). Names not
// found are ignored by the server unless none is found (404); all found
// backups must be OK (417). It is sent once: after a 5xx answer or a broken
// connection, list the VM's backups (ListNames) to see which remain.
func (s *BackupsService) DeleteMany(ctx context.Context, vm string, names []string, opts *DeleteBackupOptions) (*Task, error) {
	if len(names) == 0 {
		return nil, errors.New("erigones: DeleteMany: no backup names")
	}
	for i, n := range names {
		if err := ValidateBackupName(n); err != nil {
			return nil, fmt.Errorf("bkpnames[%d]: %w", i, err)
		}
	}
	c := s.client
	body := deleteManyBody{Bkpnames: append([]string(nil), names...)}
	if opts != nil {
		body.DiskID, body.DC = opts.DiskID, opts.DC
		body.Hostname = originalHostname(opts.OriginalHostname, vm)
	}
	body.DC = c.pickDC(body.DC)
	return c.async(ctx, &core.Request{
		Method: http.MethodDelete, Path: pathVMBackups, PathParams: []string{vm}, Body: body,
		Kind: core.Write,
	}, body.DC)
}
