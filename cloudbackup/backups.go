package cloudbackup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/core"
)

// maxPageSize is the largest limit the API accepts (and its default).
const maxPageSize = 1000

// TimeLayout is the layout of the start_time and end_time filters
// ("2018-02-01T12:00:00Z"); times are converted to UTC before formatting.
const TimeLayout = "2006-01-02T15:04:05Z"

// BackupsService lists, reads, deletes and restores backups.
type BackupsService service

// ListBackupsOptions filters and pages Backups.List and Backups.All. Every field is
// optional; the zero value lists the project's own backups, newest first,
// up to 1000 per page. The *bool fields are sent only when set: new(true)
// or new(false).
type ListBackupsOptions struct {
	// CheckpointID selects the backups of one restore point.
	CheckpointID string `url:"checkpoint_id,omitempty"`
	// Dec selects backups in a dedicated cloud (true) or not (false).
	Dec *bool `url:"dec,omitempty"`
	// StartTime and EndTime bound the backups' time; sent in TimeLayout.
	StartTime time.Time `url:"start_time,omitempty" layout:"2006-01-02T15:04:05Z"`
	EndTime   time.Time `url:"end_time,omitempty" layout:"2006-01-02T15:04:05Z"` // see StartTime
	// EnterpriseProjectID selects one enterprise project, or all those the
	// user may see with AllGrantedEnterpriseProjects.
	EnterpriseProjectID string `url:"enterprise_project_id,omitempty"`
	// ImageType selects original backups or replicated copies.
	ImageType ImageType `url:"image_type,omitempty"`
	// Limit is the page size, 1 to 1000 (0: the server's default, 1000).
	Limit int `url:"limit,omitempty"`
	// Marker starts the page after the backup with this ID.
	Marker string `url:"marker,omitempty"`
	// MemberStatus selects shared backups by their sharing state.
	MemberStatus MemberStatus `url:"member_status,omitempty"`
	// Name selects backups by name.
	Name string `url:"name,omitempty"`
	// Offset skips this many matching backups.
	Offset int `url:"offset,omitempty"`
	// OwnType selects own backups (default), shared ones, or both.
	OwnType OwnType `url:"own_type,omitempty"`
	// ParentID selects the child backups of one backup.
	ParentID string `url:"parent_id,omitempty"`
	// ResourceAZ selects backups of resources in one availability zone.
	ResourceAZ string `url:"resource_az,omitempty"`
	// ResourceID selects the backups of one server or disk.
	ResourceID string `url:"resource_id,omitempty"`
	// ResourceName selects backups by the protected resource's name.
	ResourceName string `url:"resource_name,omitempty"`
	// ResourceType selects server or disk backups.
	ResourceType ResourceType `url:"resource_type,omitempty"`
	// Sort orders the backups: "created_at:desc,name:asc", built with
	// Sort(Desc(SortByCreatedAt), Asc(SortByName)). At most 255 characters.
	Sort string `url:"sort,omitempty"`
	// Status selects backups in any of these states; each is sent as its
	// own status parameter (status=available&status=error).
	Status []BackupStatus `url:"status,omitempty"`
	// UsedPercent selects backups in vaults whose used capacity is at
	// least this percentage (1 to 100).
	UsedPercent int `url:"used_percent,omitempty"`
	// VaultID selects the backups in one vault.
	VaultID string `url:"vault_id,omitempty"`
	// ShowReplication asks for replication records with each backup.
	ShowReplication *bool `url:"show_replication,omitempty"`
	// Incremental selects incremental (true) or full (false) backups.
	Incremental *bool `url:"incremental,omitempty"`
}

// query validates the options and encodes them.
func (o *ListBackupsOptions) query() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	if err := checkLimit("ListBackupsOptions", o.Limit); err != nil {
		return nil, err
	}
	switch {
	case o.Offset < 0:
		return nil, fmt.Errorf("ListBackupsOptions.Offset is %d, want 0 or more", o.Offset)
	case o.UsedPercent < 0 || o.UsedPercent > 100:
		return nil, fmt.Errorf("ListBackupsOptions.UsedPercent is %d, want 1 to 100", o.UsedPercent)
	case len(o.Sort) > 255:
		return nil, fmt.Errorf("ListBackupsOptions.Sort has %d characters, want at most 255", len(o.Sort))
	}
	c := *o
	c.StartTime, c.EndTime = utc(c.StartTime), utc(c.EndTime)
	// An empty status selects nothing; sent, it would read "(absent)".
	c.Status = slices.DeleteFunc(slices.Clone(c.Status), func(s BackupStatus) bool { return s == "" })
	return core.EncodeQuery(&c)
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// List returns one page of backups matching opts (nil: the defaults), with
// Count the total number that match and NextMarker the marker of the next
// page. An empty page has an empty, non-nil
// Backups. A Limit outside 0 to 1000 is an error before any request. A 200
// without the backups list (and without a count of 0) is a *DecodeError,
// or an *APIError with status 200 when its body is CBR's error shape
// ({"error_code", "error_msg"}).
func (s *BackupsService) List(ctx context.Context, opts *ListBackupsOptions) (*BackupPage, error) {
	page := &BackupPage{}
	if opts != nil && opts.Limit > 0 {
		page.capHint = opts.Limit
	}
	if err := s.list(ctx, opts, page); err != nil {
		return nil, err
	}
	return page, nil
}

// list fetches one page into page, reusing page.Backups' capacity.
func (s *BackupsService) list(ctx context.Context, opts *ListBackupsOptions, page *BackupPage) error {
	q, err := opts.query()
	if err != nil {
		return fmt.Errorf("%s: %w", providerName, err)
	}
	page.hasList, page.hasCount = false, false
	// The body is decoded here rather than by core.Do, so that the engine
	// reads it in one pass (not json/v2's check of the value and then the
	// engine's).
	resp, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Read,
		Method:     http.MethodGet,
		Path:       pathBackups,
		PathParams: []string{s.client.projectID},
		Query:      q,
	}, nil)
	if body := bytes.TrimSpace(respBody(resp)); err == nil && len(body) > 0 {
		if derr := readPage(body, page); derr != nil {
			err = s.client.core.DecodeError(resp, derr)
		}
	}
	if err == nil && listMissing(page.hasList, page.hasCount, page.Count.Int64) {
		return s.client.noList(resp, "backups")
	}
	page.NextMarker = ""
	if n := len(page.Backups); err == nil && n > 0 {
		page.NextMarker = page.Backups[n-1].ID
	}
	return err
}

// All walks every backup matching opts, page after page, fetching the next
// page only when the loop wants more. It pages by marker (the ID of the
// last backup of a page), which stays correct while backups are added;
// with opts.Offset set (then after opts.Marker, if also set), or when the
// server ignores the marker or a backup has no ID, it pages by offset.
// opts.Limit is the page size (default 1000); a Limit outside 0 to 1000 is
// an error before any request. Only one page is held at a time; breaking
// out of the loop stops fetching. An error is yielded once and ends the
// walk. opts is copied, never changed.
//
// The walk trusts no page blindly: a page that repeats backups or a
// marker, or that leads nowhere, and a list that runs far past its count
// or (by offset) ends short of it, is a *PagingError; a 200 without the
// backups list is a *DecodeError, or an *APIError when its body is CBR's
// error shape. While count says backups remain, a short page does not end
// the walk (a server may serve fewer than asked for). count only tells
// where a walk from the start of the list ends; after opts.Marker a short
// page ends it.
func (s *BackupsService) All(ctx context.Context, opts *ListBackupsOptions) iter.Seq2[Backup, error] {
	var base ListBackupsOptions
	if opts != nil {
		base = *opts
		base.Status = append([]BackupStatus(nil), opts.Status...)
	}
	limit := pageSize(base.Limit)
	p := core.Paging[Backup]{Provider: providerName, List: "backups", Limit: limit, Key: backupID}
	start := backupCursor{marker: base.Marker, offset: base.Offset, byOffset: base.Offset > 0}
	if err := checkLimit("ListBackupsOptions", base.Limit); err != nil {
		return failed[Backup](fmt.Errorf("%s: %w", providerName, err))
	}
	// Positions count from the start of the list only without a marker.
	positioned := base.Marker == ""
	page := &BackupPage{capHint: limit}
	fetch := func(ctx context.Context, c backupCursor, walked int) (core.WalkPage[Backup, backupCursor], error) {
		var out core.WalkPage[Backup, backupCursor]
		o := base
		o.Limit = limit
		if c.byOffset {
			o.Offset = c.offset // with the caller's marker, if any
		} else {
			o.Marker, o.Offset = c.marker, 0
		}
		// The page's backing array is reused: the walk hands out copies
		// and is done with a page before it fetches the next.
		if err := s.list(ctx, &o, page); err != nil {
			return out, err
		}
		if !c.byOffset && walked > 0 && containsID(page.Backups, c.marker) {
			// The server ignored our marker and started over: page by
			// offset from where the walk stands.
			c = backupCursor{offset: walked, byOffset: true}
			o.Marker, o.Offset = base.Marker, c.offset
			if err := s.list(ctx, &o, page); err != nil {
				return out, err
			}
		}
		items := page.Backups
		n := len(items)
		out.Items, out.Total, out.HasTotal = items, int(page.Count.Int64), page.hasCount
		out.Pos, out.ByOffset = -1, c.byOffset
		switch {
		case c.byOffset:
			out.Next = backupCursor{offset: c.offset + n, byOffset: true}
			if positioned {
				out.Pos = c.offset
			}
		case n > 0 && items[n-1].ID == "":
			// No ID to page after: go on by offset.
			out.Next = backupCursor{offset: walked + n, byOffset: true}
		case n > 0:
			out.Next = backupCursor{marker: items[n-1].ID}
		default:
			out.Next = c
		}
		if !c.byOffset && positioned {
			out.Pos = walked
		}
		return out, nil
	}
	return core.Walk(ctx, p, start, fetch)
}

func backupID(b *Backup) string { return b.ID }

// respBody is the body of resp, nil when there is no answer.
func respBody(resp *core.Response) []byte {
	if resp == nil {
		return nil
	}
	return resp.Body
}

// failed is a walk that yields err and nothing else.
func failed[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

func containsID(items []Backup, id string) bool {
	if id == "" {
		return false
	}
	for i := range items {
		if items[i].ID == id {
			return true
		}
	}
	return false
}

// backupRoot is the envelope of one backup.
type backupRoot struct {
	Backup Backup `json:"backup"`
}

// Get returns the backup with the given ID. A missing backup is a 404
// *APIError (IsNotFound).
func (s *BackupsService) Get(ctx context.Context, backupID string) (*Backup, error) {
	var root backupRoot
	_, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Read,
		Method:     http.MethodGet,
		Path:       pathBackup,
		PathParams: []string{s.client.projectID, backupID},
	}, &root)
	if err != nil {
		return nil, err
	}
	if root.Backup.ID == "" {
		return nil, fmt.Errorf("%s: GET backup %s: answer holds no backup", providerName, backupID)
	}
	return &root.Backup, nil
}

// Delete deletes a backup (204 No Content). The deletion runs in the
// background; the backup shows status deleting until it is gone. It is
// sent once: after a 5xx answer or a broken connection, Get the backup to
// see whether it is deleting or gone (404).
//
// A success status is success: a body after it is not read, and a
// connection that breaks while it is read does not make the call fail.
func (s *BackupsService) Delete(ctx context.Context, backupID string) error {
	resp, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Write,
		Method:     http.MethodDelete,
		Path:       pathBackup,
		PathParams: []string{s.client.projectID, backupID},
	}, nil)
	if err != nil && bodyUnread(resp, err) {
		return nil
	}
	return err
}

// RestoreBackupOptions says where a backup is restored to. Use ServerRestore for
// a server backup (the target server and a disk mapping) or VolumeRestore
// for a disk backup.
type RestoreBackupOptions struct {
	// ServerID is the server to restore a server backup to.
	ServerID string `json:"server_id,omitzero"`
	// Mappings map each disk backup of the server backup to a disk of the
	// target server; required with ServerID.
	Mappings []RestoreMapping `json:"mappings,omitzero"`
	// PowerOn starts the server after the restore (the server's default is
	// to start it).
	PowerOn *bool `json:"power_on,omitzero"`
	// VolumeID is the disk to restore a disk backup to.
	VolumeID string `json:"volume_id,omitzero"`
	// ResourceID is the target of other resource types (such as SFS Turbo).
	ResourceID string `json:"resource_id,omitzero"`
	// Details holds where a file-level restore writes to
	// (services/cbr/v1/model/model_backup_restore.go and
	// model_restore_details.go of huaweicloud-sdk-go-v3).
	Details *RestoreDetails `json:"details,omitzero"`
}

// RestoreDetails are the details of a restore.
type RestoreDetails struct {
	// DestinationPath is the directory the data is restored to.
	DestinationPath string `json:"destination_path"`
}

// RestoreMapping maps one disk backup to the disk it is restored to.
type RestoreMapping struct {
	BackupID string `json:"backup_id"` // a child (disk) backup of the server backup
	VolumeID string `json:"volume_id"` // the target server's disk it is restored to
}

// ServerRestore returns options restoring a server backup to serverID,
// with each child disk backup mapped to a disk, and powering the server on
// afterwards when powerOn is true.
func ServerRestore(serverID string, powerOn bool, mappings ...RestoreMapping) *RestoreBackupOptions {
	return &RestoreBackupOptions{ServerID: serverID, Mappings: mappings, PowerOn: &powerOn}
}

// VolumeRestore returns options restoring a disk backup to volumeID.
func VolumeRestore(volumeID string) *RestoreBackupOptions {
	return &RestoreBackupOptions{VolumeID: volumeID}
}

func (o *RestoreBackupOptions) validate() error {
	switch {
	case o == nil:
		return errors.New("restore options are nil: use ServerRestore or VolumeRestore")
	case o.ServerID != "" && o.VolumeID != "":
		return errors.New("restore options name both a server and a volume: give one")
	case o.ServerID == "" && o.VolumeID == "" && o.ResourceID == "":
		return errors.New("restore options name no target: set ServerID, VolumeID or ResourceID")
	case o.ServerID != "" && len(o.Mappings) == 0:
		return errors.New("a server restore needs Mappings from each disk backup to a disk")
	case o.Details != nil && strings.TrimSpace(o.Details.DestinationPath) == "":
		return errors.New("restore Details need a DestinationPath")
	}
	for i, m := range o.Mappings {
		if m.BackupID == "" || m.VolumeID == "" {
			return fmt.Errorf("restore mapping %d needs both BackupID and VolumeID", i)
		}
	}
	return nil
}

// RestoreResult is the answer to a restore (202 Accepted): the restore was
// accepted and runs in the background; Wait waits for it when the server
// named its task.
type RestoreResult struct {
	// JobID identifies the restore task when the server names one (an
	// operation log ID for OperationLogs.Get, and for Wait); CBR often
	// does not.
	JobID string `json:"job_id,omitzero"`
	// RequestID is the server's X-Request-Id of the call.
	RequestID string `json:"request_id,omitzero"`
	// StatusCode is the success status the API answered with (202).
	StatusCode int `json:"status_code,omitzero"`
	// BodyErr is why the body of the success answer could not be read (a
	// connection that closed part-way, a document that is not JSON or
	// whose job_id is not text); nil when it was read whole or was empty.
	// The restore was accepted all the same: do not send it again.
	BodyErr error `json:"-"`

	client *Client
}

// ErrNoTask is wrapped by the error of RestoreResult.Wait when the answer
// named no task (JobID is empty): the restore was accepted, but there is
// nothing to poll; find its task with OperationLogs.List
// (OperationTypeRestore) and wait with OperationLogs.Operation.
var ErrNoTask = errors.New("the answer names no task to wait for")

// Wait polls the restore task (JobID) until it ends, as Operation.Wait
// does: its final state, an *OperationError when it ended in any state
// but success, an error wrapping ErrWaitStopped when ctx ended first.
// Without a JobID it returns an error wrapping ErrNoTask at once.
func (r *RestoreResult) Wait(ctx context.Context, opts ...WaitOption) (*OperationLog, error) {
	switch {
	case r == nil || r.client == nil:
		return nil, fmt.Errorf("%s: Wait on a restore result that no client made", providerName)
	case r.JobID == "":
		return nil, fmt.Errorf("%s: waiting for the restore: %w", providerName, ErrNoTask)
	}
	return r.client.OperationLogs.Operation(r.JobID).Wait(ctx, opts...)
}

type restoreRoot struct {
	Restore *RestoreBackupOptions `json:"restore"`
}

// Restore restores a backup to a server or disk (202 Accepted). The
// restore runs in the background; wait for it with the result's Wait when
// the server names its task (JobID), or find it with OperationLogs.List
// (OperationTypeRestore). It is
// sent once: after a 5xx answer or a broken connection the restore may have
// started, so list the restore tasks (OperationLogs.List with
// OperationTypeRestore) before trying again.
//
// A success status is never an error, whatever its body: a body that
// cannot be read gives a RestoreResult with the reason in BodyErr. Only an
// answer in CBR's error shape is an *APIError.
func (s *BackupsService) Restore(ctx context.Context, backupID string, opts *RestoreBackupOptions) (*RestoreResult, error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("%s: restore %s: %w", providerName, backupID, err)
	}
	resp, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Write,
		Method:     http.MethodPost,
		Path:       pathBackupRestore,
		PathParams: []string{s.client.projectID, backupID},
		Body:       &restoreRoot{Restore: opts},
	}, nil)
	if err != nil {
		if bodyUnread(resp, err) {
			return &RestoreResult{RequestID: resp.Header.Get("X-Request-Id"), StatusCode: resp.StatusCode, BodyErr: err, client: s.client}, nil
		}
		return nil, err
	}
	var out struct {
		JobID String `json:"job_id"`
	}
	bodyErr, err := s.client.decodeAccepted(resp, &out)
	if err != nil {
		return nil, err
	}
	return &RestoreResult{
		JobID: out.JobID.Value, RequestID: resp.Header.Get("X-Request-Id"), StatusCode: resp.StatusCode, BodyErr: bodyErr,
		client: s.client,
	}, nil
}
