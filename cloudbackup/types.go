package cloudbackup

import ()

// Backup is one backup (BackupResp): a copy of a server or disk at one
// point in time, kept in a vault.
//
// Decoding is tolerant: fields documented as text also accept numbers and
// booleans (kept as their JSON text), numbers and booleans also accept
// their string forms, times are read with or without fractions and zone
// (no zone means UTC), and members the type does not know are kept in
// Extra.
type Backup struct {
	// ID identifies the backup.
	ID string `json:"id"`
	// Name is the backup's name ("autobk_b629" for scheduled backups).
	Name string `json:"name"`
	// Description is the user's description; often empty.
	Description string `json:"description"`
	// Status is the backup's state: BackupStatusAvailable once it finished.
	Status BackupStatus `json:"status"`
	// ImageType tells an original backup from a replicated copy.
	ImageType ImageType `json:"image_type"`
	// CheckpointID is the restore point the backup belongs to.
	CheckpointID string `json:"checkpoint_id"`
	// ParentID is the parent backup of a per-disk child backup.
	ParentID string `json:"parent_id,omitzero"`
	// ProjectID is the project that owns the backup.
	ProjectID string `json:"project_id"`
	// VaultID is the vault the backup is stored in.
	VaultID string `json:"vault_id"`
	// ProviderID tells what was backed up (ProviderServer, ProviderVolume, ...).
	ProviderID string `json:"provider_id"`
	// EnterpriseProjectID is the enterprise project ("0" is the default one).
	EnterpriseProjectID String `json:"enterprise_project_id,omitzero"`
	// ResourceID identifies the protected server or disk.
	ResourceID string `json:"resource_id"`
	// ResourceName is the protected resource's name.
	ResourceName string `json:"resource_name"`
	// ResourceType tells a server from a disk.
	ResourceType ResourceType `json:"resource_type"`
	// ResourceAZ is the resource's availability zone.
	ResourceAZ string `json:"resource_az"`
	// ResourceSize is the size of the protected resource in GB.
	ResourceSize Int `json:"resource_size,omitzero"`
	// CreatedAt is when the backup was started.
	CreatedAt Time `json:"created_at,omitzero"`
	// UpdatedAt is when the backup last changed.
	UpdatedAt Time `json:"updated_at,omitzero"`
	// ProtectedAt is when the data was captured.
	ProtectedAt Time `json:"protected_at,omitzero"`
	// ExpiredAt is when the retention policy deletes the backup (absent:
	// kept until deleted).
	ExpiredAt Time `json:"expired_at,omitzero"`
	// Incremental reports an incremental backup, where the server says so
	// at the top level (see also ExtendInfo.Incremental).
	Incremental Bool `json:"incremental,omitzero"`
	// ExtendInfo holds the extended attributes (BackupExtendInfo).
	ExtendInfo BackupExtendInfo `json:"extend_info,omitzero"`
	// Children are the per-disk backups of a server backup.
	Children []Backup `json:"children"`
	// ReplicationRecords list the replications of this backup to other
	// regions (filled in with ListBackupsOptions.ShowReplication).
	ReplicationRecords []ReplicationRecord `json:"replication_records"`
	// Extra keeps members this type does not know, as raw JSON.
	Extra map[string]RawJSON `json:",embed"`
}

// BackupExtendInfo holds the extended attributes of a backup.
type BackupExtendInfo struct {
	// AutoTrigger reports a backup made by a policy schedule.
	AutoTrigger Bool `json:"auto_trigger,omitzero"`
	// Bootable reports a backup of a system disk.
	Bootable Bool `json:"bootable,omitzero"`
	// Incremental reports an incremental backup.
	Incremental Bool `json:"incremental,omitzero"`
	// SnapshotID is the snapshot a disk backup was made from.
	SnapshotID string `json:"snapshot_id,omitzero"`
	// SupportLLD reports whether lazy loading allows a fast restore.
	SupportLLD Bool `json:"support_lld,omitzero"`
	// SupportedRestoreMode says how the backup can be restored.
	SupportedRestoreMode RestoreMode `json:"supported_restore_mode,omitzero"`
	// OSImagesData lists the images registered from the backup.
	OSImagesData []ImageData `json:"os_images_data,omitzero"`
	// ContainSystemDisk reports a server backup that includes the system disk.
	ContainSystemDisk Bool `json:"contain_system_disk,omitzero"`
	// Encrypted reports an encrypted backup.
	Encrypted Bool `json:"encrypted,omitzero"`
	// SystemDisk reports a backup of a system disk.
	SystemDisk Bool `json:"system_disk,omitzero"`
	// IsMultiAZ reports a backup stored across availability zones.
	IsMultiAZ Bool `json:"is_multi_az,omitzero"`
	// Architecture is the server's CPU architecture ("x86_64", "arm").
	Architecture string `json:"architecture,omitzero"`
	// AppConsistency reports on an application-consistent backup.
	AppConsistency AppConsistency `json:"app_consistency,omitzero"`
	// Progress is the progress in percent, while the backup is made.
	Progress Int `json:"progress,omitzero"`
	// Extra keeps members this type does not know, as raw JSON.
	Extra map[string]RawJSON `json:",embed"`
}

// AppConsistency reports on an application-consistent backup. The values
// are the server's codes as text ("0" and so on).
type AppConsistency struct {
	AppConsistency             string `json:"app_consistency"`               // whether consistency was asked for
	AppConsistencyStatus       string `json:"app_consistency_status"`        // whether it was achieved
	AppConsistencyErrorCode    string `json:"app_consistency_error_code"`    // why not, as a code
	AppConsistencyErrorMessage string `json:"app_consistency_error_message"` // why not, in words
}

// ImageData names an image registered from a backup.
type ImageData struct {
	ImageID string `json:"image_id"` // the image's ID
}

// ReplicationRecord is one replication of a backup (ReplicationRecordGet).
type ReplicationRecord struct {
	ID        string            `json:"id"`                  // the record's ID
	Status    ReplicationStatus `json:"status"`              // the replication's state
	CreatedAt Time              `json:"created_at,omitzero"` // when it started
	// Source of the replication: region, project, backup and restore point.
	SourceRegion       string `json:"source_region,omitzero"`
	SourceProjectID    string `json:"source_project_id,omitzero"`    // see SourceRegion
	SourceBackupID     string `json:"source_backup_id,omitzero"`     // see SourceRegion
	SourceCheckpointID string `json:"source_checkpoint_id,omitzero"` // see SourceRegion
	// Destination of the replication: region, project, backup, restore
	// point and vault.
	DestinationRegion       string `json:"destination_region,omitzero"`
	DestinationProjectID    string `json:"destination_project_id,omitzero"`    // see DestinationRegion
	DestinationBackupID     string `json:"destination_backup_id,omitzero"`     // see DestinationRegion
	DestinationCheckpointID string `json:"destination_checkpoint_id,omitzero"` // see DestinationRegion
	DestinationVaultID      string `json:"destination_vault_id,omitzero"`      // see DestinationRegion
	// VaultID is the vault the source backup is in.
	VaultID string `json:"vault_id,omitzero"`
	// ExtraInfo is the replication's progress and, when it failed, why.
	ExtraInfo ReplicationExtraInfo `json:"extra_info,omitzero"`
	// Extra keeps members this type does not know, as raw JSON.
	Extra map[string]RawJSON `json:",embed"`
}

// ReplicationExtraInfo is the additional information of a replication
// (extra_info). Huawei's SDK models it as an object with these members
// (services/cbr/v1/model/model_replication_records_extra_info.go of
// huaweicloud-sdk-go-v3); the API page types it as a string. Both are
// read: a string that holds a JSON object fills the fields as the object
// would, and any string is also kept in Text.
type ReplicationExtraInfo struct {
	// Progress is the replication's progress in percent.
	Progress Int `json:"progress,omitzero"`
	// FailCode and FailReason say why a replication failed.
	FailCode   string `json:"fail_code,omitzero"`
	FailReason string `json:"fail_reason,omitzero"` // see FailCode
	// AutoTrigger reports a replication started by a policy.
	AutoTrigger Bool `json:"auto_trigger,omitzero"`
	// DestinationVaultID is the vault the copy goes to.
	DestinationVaultID string `json:"destination_vault_id,omitzero"`
	// Text is extra_info as the server sent it when it was a string, or
	// the JSON text of a value that is neither an object nor a string; ""
	// when it was an object.
	Text string `json:"-"`
	// Extra keeps members this type does not know, as raw JSON.
	Extra map[string]RawJSON `json:",embed"`
}

// IsZero reports whether nothing was sent (omitzero uses it).
func (x ReplicationExtraInfo) IsZero() bool {
	return !x.Progress.Valid && x.FailCode == "" && x.FailReason == "" && !x.AutoTrigger.Valid &&
		x.DestinationVaultID == "" && x.Text == "" && len(x.Extra) == 0
}

// fromText reports whether the value came as a string that was not an
// object: it is written back as that string.
func (x ReplicationExtraInfo) fromText() bool {
	y := x
	y.Text = ""
	return x.Text != "" && y.IsZero()
}

// BackupPage is one page of Backups.List.
type BackupPage struct {
	// Backups on this page; empty (not nil) when none match.
	Backups []Backup `json:"backups"`
	// Count is the number of backups matching the filters in total, not
	// the size of this page; absent (Valid false) when the answer did not
	// say, never a made-up 0.
	Count Int `json:"count"`
	// Offset and Limit are the position and size of the page when the
	// answer tells them (Huawei's SDK models both:
	// services/cbr/v1/model/model_list_backups_response.go); absent when
	// it does not.
	Offset Int `json:"offset,omitzero"`
	Limit  Int `json:"limit,omitzero"` // see Offset
	// NextMarker is the marker of the page after this one, for paging by
	// hand: set ListBackupsOptions.Marker to it (and Offset to 0) for the
	// next call. It is the ID of the page's last backup; "" when the page
	// is empty (the list has ended) or its last backup has no ID (page on
	// by Offset then). A page shorter than the Limit asked for need not
	// be the last: the list has ended when a page is empty, or when the
	// backups walked reach Count. Backups.All does all this itself.
	NextMarker string `json:"-"`

	capHint int               // expected page size, to size Backups once
	intern  map[string]string // strings shared across the pages of a walk
	// hasList and hasCount say whether the answer had the backups and
	// count members (a 200 without its list is an error; without a count
	// a walk cannot use it).
	hasList, hasCount bool
}
