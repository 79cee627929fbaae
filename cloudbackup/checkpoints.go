package cloudbackup

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/backupsdk/backupsdk/internal/core"
)

// CheckpointsService creates restore points (backs up now) and reads them.
type CheckpointsService service

// Checkpoint is a restore point: the backups of a vault's resources taken
// together.
type Checkpoint struct {
	ID        string           `json:"id"`                  // the checkpoint's ID, the backups' checkpoint_id
	ProjectID string           `json:"project_id"`          // the project it belongs to
	Status    CheckpointStatus `json:"status"`              // protecting until its backups are done
	CreatedAt Time             `json:"created_at,omitzero"` // when it was created
	// Vault is the vault with the resources being backed up and those
	// skipped.
	Vault CheckpointVault `json:"vault"`
	// ExtraInfo holds the name and description given at creation.
	ExtraInfo CheckpointExtraInfo `json:"extra_info,omitzero"`
	// Extra keeps members this type does not know, as raw JSON.
	Extra map[string]RawJSON `json:",embed"`

	// BodyErr says what of the answer could not be read, nil when all of
	// it was: a *DecodeError wrapping FieldErrors that name the members
	// left out (those fields are absent; an ID or status the answer did
	// not have is named too), or, when the answer could not be read at
	// all, the reason (then ID is empty). From Create, the checkpoint was
	// created all the same: do not create it again; without its ID, find
	// it with OperationLogs.List (OperationTypeBackup, the vault's ID).
	BodyErr error `json:"-"`

	client *Client
}

// CheckpointError is returned by Checkpoint.Wait when the checkpoint
// ended in any state but available (error, deleting, deleted,
// error-deleting). Checkpoint is its final state.
type CheckpointError struct {
	Checkpoint *Checkpoint
	Status     CheckpointStatus
}

// Error reads like "cloudbackup: checkpoint <id> ended error".
func (e *CheckpointError) Error() string {
	return fmt.Sprintf("%s: checkpoint %s ended %s", providerName, e.Checkpoint.ID, e.Status)
}

// Wait polls the checkpoint (Checkpoints.Get) until it is no longer
// protecting, that is until its backups have ended, and returns its final
// state: nil error when it is available, a *CheckpointError when it ended
// otherwise. Polls are spaced by the client's backoff (WithWaitBackoff,
// default DefaultWaitBackoff) or the call's (WaitBackoff); WaitProgress
// reports each poll with the checkpoint's status. It stops at once when
// ctx ends, with the last state read and an error wrapping
// ErrWaitStopped, and when a read fails; the backups go on on the server
// either way. A checkpoint whose ID the answer did not give (see BodyErr)
// cannot be waited for: that is an error at once.
func (cp *Checkpoint) Wait(ctx context.Context, opts ...WaitOption) (*Checkpoint, error) {
	switch {
	case cp == nil || cp.client == nil:
		return nil, fmt.Errorf("%s: Wait on a checkpoint that no client made", providerName)
	case cp.ID == "":
		return nil, fmt.Errorf("%s: waiting for the checkpoint: its ID is unknown (%v)", providerName, cp.BodyErr)
	}
	var last *Checkpoint
	err := core.Wait(ctx, cp.client.waitConfig(opts), "checkpoint "+cp.ID, func(ctx context.Context) (core.Poll, error) {
		got, err := cp.client.Checkpoints.Get(ctx, cp.ID)
		if err != nil {
			return core.Poll{}, err
		}
		last = got
		return core.Poll{State: string(got.Status), Done: got.Status.Done()}, nil
	})
	if err != nil {
		return last, stopped(err)
	}
	if last.Status != CheckpointStatusAvailable {
		return last, &CheckpointError{Checkpoint: last, Status: last.Status}
	}
	return last, nil
}

// CheckpointVault is the vault of a checkpoint.
type CheckpointVault struct {
	ID               string               `json:"id"`                         // the vault's ID
	Name             string               `json:"name"`                       // the vault's name
	Resources        []CheckpointResource `json:"resources,omitzero"`         // the resources being backed up
	SkippedResources []SkippedResource    `json:"skipped_resources,omitzero"` // those left out, and why
}

// CheckpointResource is a resource a checkpoint backs up.
//
// Huawei's SDK types the sizes and the count as strings
// (services/cbr/v1/model/model_checkpoint_resource_resp.go of
// huaweicloud-sdk-go-v3), the vault's resources as numbers: both are read.
type CheckpointResource struct {
	ID            string        `json:"id"`                      // the server's or disk's ID
	Name          string        `json:"name"`                    // its name
	Type          ResourceType  `json:"type"`                    // server or disk
	ProtectStatus ProtectStatus `json:"protect_status,omitzero"` // protecting while the backup runs
	ResourceSize  Int           `json:"resource_size,omitzero"`  // its size in GB
	BackupSize    Int           `json:"backup_size,omitzero"`    // the size of its backups
	BackupCount   Int           `json:"backup_count,omitzero"`   // the number of its backups
	// ExtraInfo is the resource's extra information, as raw JSON (the SDK
	// types it as a string).
	ExtraInfo RawJSON `json:"extra_info,omitzero"`
}

// SkippedResource is a resource a checkpoint did not back up, and why.
type SkippedResource struct {
	ID     string `json:"id"`              // the resource's ID
	Name   string `json:"name,omitzero"`   // its name
	Type   string `json:"type,omitzero"`   // its resource type
	Code   string `json:"code,omitzero"`   // the error code of the reason
	Reason string `json:"reason,omitzero"` // why it was skipped (already being backed up, ...)
}

// CheckpointExtraInfo is what was given at creation.
type CheckpointExtraInfo struct {
	Name              string `json:"name,omitzero"`               // the name given to the backups
	Description       string `json:"description,omitzero"`        // their description
	RetentionDuration Int    `json:"retention_duration,omitzero"` // days kept; -1 for ever
}

// CreateCheckpointOptions describes a backup made now (the checkpoint's
// parameters).
type CreateCheckpointOptions struct {
	// Name names the backups (the server picks "manualbk_xxxx" if empty).
	Name string `json:"name,omitzero"`
	// Description describes the backups.
	Description string `json:"description,omitzero"`
	// Incremental asks for an incremental (true) or full (false) backup;
	// nil lets the server choose.
	Incremental *bool `json:"incremental,omitzero"`
	// Resources are the IDs of the vault's resources to back up; empty
	// means all of them.
	Resources []string `json:"resources,omitzero"`
	// ResourceDetails describe resources to back up with their type and,
	// for servers, which disks to include or leave out
	// (services/cbr/v1/model/model_checkpoint_param.go and
	// model_resource.go of huaweicloud-sdk-go-v3).
	ResourceDetails []ResourceDetail `json:"resource_details,omitzero"`
	// AutoTrigger marks the backup as made by a schedule; leave it false
	// for a manual backup.
	AutoTrigger bool `json:"auto_trigger"`
	// PolicyID is the policy of a backup made by a schedule (with
	// AutoTrigger).
	PolicyID string `json:"policy_id,omitzero"`
}

// ResourceDetail is a resource to back up, with its type.
type ResourceDetail struct {
	ID   string       `json:"id"`            // the resource's ID
	Name string       `json:"name,omitzero"` // its name
	Type ResourceType `json:"type"`          // such as ResourceTypeServer
	// ExtraInfo says which disks of a server to back up.
	ExtraInfo *ResourceExtraInfo `json:"extra_info,omitzero"`
}

// ResourceExtraInfo says which disks of a server a backup covers
// (services/cbr/v1/model/model_resource_extra_info.go).
type ResourceExtraInfo struct {
	// ExcludeVolumes are disks left out, also once more disks are attached.
	ExcludeVolumes []string `json:"exclude_volumes,omitzero"`
	// IncludeVolumes, when given, are the only disks backed up.
	IncludeVolumes []IncludedVolume `json:"include_volumes,omitzero"`
}

// IncludedVolume is a disk a server backup includes.
type IncludedVolume struct {
	ID        string `json:"id"`                  // the disk's ID
	OSVersion string `json:"os_version,omitzero"` // the operating system on it
}

type createCheckpointRoot struct {
	Checkpoint struct {
		VaultID    string                   `json:"vault_id"`
		Parameters *CreateCheckpointOptions `json:"parameters"`
	} `json:"checkpoint"`
}

type checkpointRoot struct {
	Checkpoint *Checkpoint `json:"checkpoint"`
}

// Create backs up the resources of a vault now: it creates a checkpoint
// (nil opts: every resource, server defaults). The backups run in the
// background; wait for them with the checkpoint's Wait (it turns
// available), or follow them with OperationLogs (OperationTypeBackup). It is sent once: after a 5xx
// answer or a broken connection the backup may have started, so list the
// backup tasks (OperationLogs.List with OperationTypeBackup) or the vault's
// backups before trying again.
//
// A success answer is never an error: the backup has started. Members of
// it that cannot be read (a size that is no integer, say) are left absent
// and named in the checkpoint's BodyErr, the rest kept; an answer that
// cannot be read at all (cut off, not JSON, no checkpoint) gives a
// checkpoint with an empty ID and the reason in BodyErr. Only an answer in
// CBR's error shape is an *APIError.
func (s *CheckpointsService) Create(ctx context.Context, vaultID string, opts *CreateCheckpointOptions) (*Checkpoint, error) {
	if vaultID == "" {
		return nil, fmt.Errorf("%s: create checkpoint: %w", providerName, errors.New("vault ID is empty"))
	}
	var body createCheckpointRoot
	body.Checkpoint.VaultID = vaultID
	body.Checkpoint.Parameters = opts
	if opts == nil {
		body.Checkpoint.Parameters = &CreateCheckpointOptions{}
	}
	resp, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Write,
		Method:     http.MethodPost,
		Path:       pathCheckpoints,
		PathParams: []string{s.client.projectID},
		Body:       &body,
	}, nil)
	if err != nil {
		if bodyUnread(resp, err) {
			return &Checkpoint{BodyErr: err, client: s.client}, nil
		}
		return nil, err
	}
	cp, bodyErr, err := s.client.decodeCheckpoint(resp)
	if err != nil {
		return nil, err
	}
	cp.BodyErr = bodyErr
	cp.client = s.client
	return cp, nil
}

// Get returns the checkpoint with the given ID (404: IsNotFound). Members
// of the answer that cannot be read are left absent and named in BodyErr,
// as with Create; an answer without the checkpoint is a *DecodeError.
func (s *CheckpointsService) Get(ctx context.Context, checkpointID string) (*Checkpoint, error) {
	resp, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Read,
		Method:     http.MethodGet,
		Path:       pathCheckpoint,
		PathParams: []string{s.client.projectID, checkpointID},
	}, nil)
	if err != nil {
		return nil, err
	}
	cp, bodyErr, err := s.client.decodeCheckpoint(resp)
	switch {
	case err != nil:
		return nil, err
	case cp.ID == "":
		// A read may be repeated: without the checkpoint, it failed (a
		// *DecodeError naming what is missing).
		return nil, bodyErr
	}
	cp.BodyErr = bodyErr
	cp.client = s.client
	return cp, nil
}

// decodeCheckpoint reads {"checkpoint": {...}} leniently. The checkpoint
// is never nil; bodyErr says what could not be read (an ID or status the
// answer lacks included); err is an *APIError for CBR's error shape.
func (c *Client) decodeCheckpoint(resp *core.Response) (cp *Checkpoint, bodyErr, err error) {
	var root checkpointRoot
	bodyErr, err = c.decodeAccepted(resp, &root)
	if err != nil {
		return nil, nil, err
	}
	cp = root.Checkpoint
	if cp == nil {
		cp = &Checkpoint{}
	}
	var missing []string
	if cp.ID == "" {
		missing = append(missing, "/checkpoint/id")
	}
	if cp.Status == "" {
		missing = append(missing, "/checkpoint/status")
	}
	if root.Checkpoint == nil {
		missing = []string{"/checkpoint"}
	}
	return cp, c.withMissing(resp, bodyErr, missing...), nil
}
