package onapp

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/backupsdk/backupsdk/internal/core"
)

// BackupsService covers OnApp's backups: normal backups of disks and
// incremental backups of virtual servers. Get it as Client.Backups.
//
// OnApp does not page these lists: each call returns the whole list. An
// empty list is an empty, non-nil slice.
type BackupsService service

// List returns the backups opts selects: of a virtual server (VMID; all
// of them, or only its normal or incremental ones with Type), of a disk
// (DiskID), or of one disk of a virtual server (VMID and DiskID). OnApp has
// no call that lists every backup: opts must name a server or a disk, and
// a nil opts is an error, as is Type given with DiskID. The routes:
//
//	VMID                        GET /virtual_machines/:id/backups
//	VMID, Type incremental      GET /virtual_machines/:id/backups/files
//	VMID, Type normal           GET /virtual_machines/:id/backups/images
//	VMID, DiskID                GET /virtual_machines/:id/disks/:disk_id/backups
//	DiskID                      GET /settings/disks/:disk_id/backups
func (s *BackupsService) List(ctx context.Context, opts *ListBackupsOptions) ([]Backup, error) {
	const op = "Backups.List"
	if opts == nil || (opts.VMID == 0 && opts.DiskID == 0) {
		return nil, fmt.Errorf("%s: %s: give ListBackupsOptions.VMID or DiskID: OnApp has no call that lists every backup", providerName, op)
	}
	switch {
	case opts.Type != "" && opts.Type != BackupTypeNormal && opts.Type != BackupTypeIncremental:
		return nil, fmt.Errorf("%s: %s: Type %q: want %q, %q or none", providerName, op, opts.Type, BackupTypeNormal, BackupTypeIncremental)
	case opts.Type != "" && opts.DiskID != 0:
		return nil, fmt.Errorf("%s: %s: Type filters the backups of a virtual server (VMID alone), not of a disk", providerName, op)
	case opts.DiskID != 0 && opts.VMID != 0:
		return s.client.listBackups(ctx, op, routeVMDiskBackups, id("virtual server", opts.VMID), id("disk", opts.DiskID))
	case opts.DiskID != 0:
		return s.client.listBackups(ctx, op, routeDiskBackups, id("disk", opts.DiskID))
	case opts.Type == BackupTypeIncremental:
		return s.client.listBackups(ctx, op, routeVMBackupFiles, id("virtual server", opts.VMID))
	case opts.Type == BackupTypeNormal:
		return s.client.listBackups(ctx, op, routeVMBackupImages, id("virtual server", opts.VMID))
	default:
		return s.client.listBackups(ctx, op, routeVMBackups, id("virtual server", opts.VMID))
	}
}

// Get returns one backup (GET /backups/:id). An unknown id is an *APIError
// for which IsNotFound is true.
func (s *BackupsService) Get(ctx context.Context, backupID int64) (*Backup, error) {
	resp, err := s.client.send(ctx, "Backups.Get", http.MethodGet, routeBackup, nil, core.Read, id("backup", backupID))
	if err != nil {
		return nil, err
	}
	return s.client.decodeBackup(resp)
}

// CreateNormal schedules a normal backup of a disk
// (POST /settings/disks/:id/backups). The control panel answers 201 with
// the new backup, which is scheduled, not built: Built is false until the
// backup transaction has run (CreateResult.Wait waits for that). opts may
// be nil.
//
// A 201 without a body is a scheduled backup too, not an error: the result
// then says Scheduled with a nil Backup, because the answer did not tell
// the new backup's id (see CreateResult for how to find it). Do not create
// again.
//
// It is sent once: after a 5xx answer or a broken connection it returns
// the error, and the caller should list the disk's backups (List with
// DiskID) before trying again, so as not to take a second backup.
func (s *BackupsService) CreateNormal(ctx context.Context, diskID int64, opts *CreateBackupOptions) (*CreateResult, error) {
	return s.client.create(ctx, "Backups.CreateNormal", routeDiskBackups, opts, id("disk", diskID))
}

// CreateIncremental schedules an incremental backup of a virtual server
// (POST /virtual_machines/:id/backups), with an optional note. The answer
// is the new, scheduled backup (201, Built false; CreateResult.Wait waits
// until it is built); a 201 without a body is scheduled too, with its id
// not known yet (see CreateResult). opts may be nil.
//
// It is sent once: after a 5xx answer or a broken connection, list the
// server's incremental backups (List with VMID and Type
// BackupTypeIncremental) before trying again.
func (s *BackupsService) CreateIncremental(ctx context.Context, vmID int64, opts *CreateBackupOptions) (*CreateResult, error) {
	return s.client.create(ctx, "Backups.CreateIncremental", routeVMBackups, opts, id("virtual server", vmID))
}

// Restore schedules the restore of a backup onto the server or disk it was
// taken of (POST /backups/:id/restore). The control panel answers 201: the
// restore is queued, not done.
//
// It is sent once: after a 5xx answer or a connection that broke before
// the answer's status arrived the restore may or may not be queued, so
// check the backup's server (its transactions, or Backups.Get) before
// calling Restore again.
//
// A success status whose body cannot be read still counts as scheduled:
// the restore was accepted, and reporting an error would invite a second
// one. A body that is cut off (the connection closed part-way, or the
// document ends early) or is not a backup gives a RestoreResult with
// Scheduled true, a nil Backup, and the reason in BodyErr.
func (s *BackupsService) Restore(ctx context.Context, backupID int64) (*RestoreResult, error) {
	resp, err := s.client.send(ctx, "Backups.Restore", http.MethodPost, routeBackupRestore, nil, core.Write, id("backup", backupID))
	if err != nil {
		if bodyCutOff(resp, err) {
			return &RestoreResult{Scheduled: true, StatusCode: resp.StatusCode, BodyErr: err}, nil
		}
		return nil, err
	}
	res := &RestoreResult{Scheduled: true, StatusCode: resp.StatusCode}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return res, nil
	}
	w, err := s.client.decodeWrittenBackup(resp)
	if err != nil {
		return nil, err
	}
	if w.value != nil && w.value.ID.Valid {
		res.Backup = w.value
	}
	res.BodyErr = w.bodyErr
	return res, nil
}

// Delete deletes a backup (DELETE /backups/:id; the control panel answers
// 204). It is sent once: after a 5xx answer or a broken connection, Get the
// backup to see whether it is gone.
func (s *BackupsService) Delete(ctx context.Context, backupID int64) error {
	_, err := s.client.send(ctx, "Backups.Delete", http.MethodDelete, routeBackup, nil, core.Write, id("backup", backupID))
	return err
}

// UpdateNote replaces a backup's note (PUT /backups/:id with
// {"backup":{"note":…}}; the control panel answers 204). An empty note
// clears it. It is sent once: after a 5xx answer or a broken connection,
// Get the backup to see which note it has.
func (s *BackupsService) UpdateNote(ctx context.Context, backupID int64, note string) error {
	body := s.client.wrap(&noteBody{Note: note})
	_, err := s.client.send(ctx, "Backups.UpdateNote", http.MethodPut, routeBackup, body, core.Write, id("backup", backupID))
	return err
}

// ConvertToTemplate turns a built backup into an image template
// (POST /backups/:id/convert with {"backup":{"label":…}}) and returns the
// new template. opts.Label is required (a nil opts is an error). It is sent once: after a 5xx
// answer or a broken connection, look for a template with the label in
// the control panel before trying again, so as not to make a second one.
//
// A success answer whose body cannot be read whole still returns the
// result, with what could be read and the reason in BodyErr: the
// template is made.
func (s *BackupsService) ConvertToTemplate(ctx context.Context, backupID int64, opts *ConvertBackupOptions) (*ConvertResult, error) {
	const op = "Backups.ConvertToTemplate"
	if opts == nil || strings.TrimSpace(opts.Label) == "" {
		return nil, fmt.Errorf("%s: %s: label is required", providerName, op)
	}
	if opts.MinDiskSize < 0 || opts.MinMemorySize < 0 {
		return nil, fmt.Errorf("%s: %s: minimum sizes must not be negative", providerName, op)
	}
	body := s.client.wrap(&convertBody{Label: opts.Label, MinDiskSize: opts.MinDiskSize, MinMemorySize: opts.MinMemorySize})
	resp, err := s.client.send(ctx, op, http.MethodPost, routeBackupConvert, body, core.Write, id("backup", backupID))
	if err != nil {
		if bodyCutOff(resp, err) {
			return &ConvertResult{StatusCode: resp.StatusCode, BodyErr: err}, nil
		}
		return nil, err
	}
	res := &ConvertResult{StatusCode: resp.StatusCode}
	w, err := decodeWritten(s.client, resp, "image_template", templateXML, func(t *ImageTemplate, id Int) { t.ID = id })
	if err != nil {
		return nil, err
	}
	res.Template, res.BodyErr = w.value, w.bodyErr
	return res, nil
}

// bodyCutOff reports whether err is a success status whose body could not
// be read to the end: the write was accepted all the same.
func bodyCutOff(resp *core.Response, err error) bool {
	var te *core.TransportError
	return resp != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 && errors.As(err, &te)
}

// pathID is one path parameter: what it names, and its value.
type pathID struct {
	what  string
	value int64
}

func id(what string, v int64) pathID { return pathID{what, v} }

// send performs one call. Path parameters are checked before any I/O.
func (c *Client) send(ctx context.Context, op, method, tmpl string, body any, kind core.Kind, ids ...pathID) (*core.Response, error) {
	params := make([]string, len(ids))
	for i, p := range ids {
		if p.value <= 0 {
			return nil, fmt.Errorf("%s: %s: %s id %d: must be positive", providerName, op, p.what, p.value)
		}
		params[i] = strconv.FormatInt(p.value, 10)
	}
	return c.core.Do(ctx, &core.Request{
		Method:     method,
		Path:       c.route(tmpl),
		PathParams: params,
		Body:       body,
		Format:     c.format,
		Kind:       kind,
	}, nil)
}

func (c *Client) listBackups(ctx context.Context, op, tmpl string, ids ...pathID) ([]Backup, error) {
	resp, err := c.send(ctx, op, http.MethodGet, tmpl, nil, core.Read, ids...)
	if err != nil {
		return nil, err
	}
	return decodeBody(c, resp, backupRecords.list)
}

func (c *Client) create(ctx context.Context, op, tmpl string, opts *CreateBackupOptions, ids ...pathID) (*CreateResult, error) {
	var body any
	if opts != nil && opts.Note != "" {
		body = c.wrap(&createBody{Note: opts.Note})
	}
	resp, err := c.send(ctx, op, http.MethodPost, tmpl, body, core.Write, ids...)
	if err != nil {
		if bodyCutOff(resp, err) {
			return &CreateResult{Scheduled: true, StatusCode: resp.StatusCode, BodyErr: err, client: c}, nil
		}
		return nil, err
	}
	res := &CreateResult{Scheduled: true, StatusCode: resp.StatusCode, client: c}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		// Accepted without a word about the new backup: reporting an
		// error would invite a second backup.
		return res, nil
	}
	w, err := c.decodeWrittenBackup(resp)
	if err != nil {
		return nil, err
	}
	res.Backup, res.BodyErr = w.value, w.bodyErr
	return res, nil
}

// decodeWrittenBackup reads the backup in a write's success answer (see
// decodeWritten).
func (c *Client) decodeWrittenBackup(resp *core.Response) (written[Backup], error) {
	w, err := decodeWritten(c, resp, "backup", backupXML, func(b *backupWire, id Int) { b.ID = id })
	if err != nil || w.value == nil {
		return written[Backup]{bodyErr: w.bodyErr}, err
	}
	b := w.value.value()
	return written[Backup]{value: &b, bodyErr: w.bodyErr}, nil
}

func (c *Client) decodeBackup(resp *core.Response) (*Backup, error) {
	return decodeBody(c, resp, backupRecords.one)
}

// decodeBody decodes the body of a success answer in the client's format;
// a failure is the error decodeError makes of it.
func decodeBody[T any](c *Client, resp *core.Response, decode func(Format, []byte) (T, error)) (T, error) {
	v, err := decode(c.format, resp.Body)
	if err != nil {
		var zero T
		return zero, c.decodeError(resp, err)
	}
	return v, nil
}

// decodeError turns a decoding failure into the error the caller gets: an
// *APIError for an error document inside a success answer, else a
// *DecodeError.
func (c *Client) decodeError(resp *core.Response, err error) error {
	if errors.Is(err, errErrorDocument) {
		return c.core.APIError(resp, resp.StatusCode)
	}
	return c.core.DecodeError(resp, err)
}

// Request bodies. JSON wraps them in {"backup": …}; XML names the root
// element <backup>.
type (
	jsonBackupRoot struct {
		Backup any `json:"backup"`
	}
	createBody struct {
		XMLName xml.Name `json:"-" xml:"backup"`
		Note    string   `json:"note,omitzero" xml:"note,omitempty"`
	}
	noteBody struct {
		XMLName xml.Name `json:"-" xml:"backup"`
		Note    string   `json:"note" xml:"note"`
	}
	convertBody struct {
		XMLName       xml.Name `json:"-" xml:"backup"`
		Label         string   `json:"label" xml:"label"`
		MinDiskSize   int      `json:"min_disk_size,omitzero" xml:"min_disk_size,omitempty"`
		MinMemorySize int      `json:"min_memory_size,omitzero" xml:"min_memory_size,omitempty"`
	}
)

// wrap returns the body as the client's format sends it.
func (c *Client) wrap(v any) any {
	if c.format == XML {
		return v
	}
	return jsonBackupRoot{Backup: v}
}
