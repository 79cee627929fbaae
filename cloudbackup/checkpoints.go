package cloudbackup

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

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
	Extra map[string]jsontext.Value `json:",embed"`
}

// CheckpointVault is the vault of a checkpoint.
type CheckpointVault struct {
	ID               string               `json:"id"`                         // the vault's ID
	Name             string               `json:"name"`                       // the vault's name
	Resources        []CheckpointResource `json:"resources,omitzero"`         // the resources being backed up
	SkippedResources []SkippedResource    `json:"skipped_resources,omitzero"` // those left out, and why
}

// CheckpointResource is a resource a checkpoint backs up.
type CheckpointResource struct {
	ID            string        `json:"id"`                      // the server's or disk's ID
	Name          string        `json:"name"`                    // its name
	Type          ResourceType  `json:"type"`                    // server or disk
	ProtectStatus ProtectStatus `json:"protect_status,omitzero"` // protecting while the backup runs
	ResourceSize  Int           `json:"resource_size,omitzero"`  // its size in GB
	BackupSize    Int           `json:"backup_size,omitzero"`    // the size of its backups
	BackupCount   Int           `json:"backup_count,omitzero"`   // the number of its backups
	// ExtraInfo is the resource's extra information, as raw JSON.
	ExtraInfo jsontext.Value `json:"extra_info,omitzero"`
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
	// AutoTrigger marks the backup as made by a schedule; leave it false
	// for a manual backup.
	AutoTrigger bool `json:"auto_trigger"`
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
// background; follow them with Get (the checkpoint turns available) or
// with OperationLogs (OperationTypeBackup). It is sent once: after a 5xx
// answer or a broken connection the backup may have started, so list the
// backup tasks (OperationLogs.List with OperationTypeBackup) or the vault's
// backups before trying again.
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
	var root checkpointRoot
	if _, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Write,
		Method:     http.MethodPost,
		Path:       pathCheckpoints,
		PathParams: []string{s.client.projectID},
		Body:       &body,
	}, &root); err != nil {
		return nil, err
	}
	if root.Checkpoint == nil {
		return nil, fmt.Errorf("%s: create checkpoint: answer holds no checkpoint", providerName)
	}
	return root.Checkpoint, nil
}

// Get returns the checkpoint with the given ID (404: IsNotFound).
func (s *CheckpointsService) Get(ctx context.Context, checkpointID string) (*Checkpoint, error) {
	var root checkpointRoot
	if _, err := s.client.core.Do(ctx, &core.Request{
		Kind:       core.Read,
		Method:     http.MethodGet,
		Path:       pathCheckpoint,
		PathParams: []string{s.client.projectID, checkpointID},
	}, &root); err != nil {
		return nil, err
	}
	if root.Checkpoint == nil {
		return nil, fmt.Errorf("%s: GET checkpoint %s: answer holds no checkpoint", providerName, checkpointID)
	}
	return root.Checkpoint, nil
}
