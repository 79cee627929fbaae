package cloudbackup

import "github.com/backupsdk/backupsdk/internal/codec"

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

// backupSchema is how the engine reads a Backup, its members in the order
// CBR sends them; set in init, for its children are Backups.
var backupSchema *codec.Schema[Backup]

func init() {
	backupSchema = codec.NewSchema(
		codec.LooseGoStringMember("provider_id", func(b *Backup) *string { return &b.ProviderID }),
		codec.UniqueLooseGoStringMember("checkpoint_id", func(b *Backup) *string { return &b.CheckpointID }),
		codec.CBRTimeMember("updated_at", func(b *Backup) *Time { return &b.UpdatedAt }),
		codec.LooseGoStringMember("vault_id", func(b *Backup) *string { return &b.VaultID }),
		codec.UniqueLooseGoStringMember("id", func(b *Backup) *string { return &b.ID }),
		codec.LooseGoStringMember("resource_az", func(b *Backup) *string { return &b.ResourceAZ }),
		codec.LooseEnumMember("image_type", func(b *Backup) *ImageType { return &b.ImageType }, imageTypes),
		codec.LooseGoStringMember("resource_id", func(b *Backup) *string { return &b.ResourceID }),
		codec.IntMember("resource_size", func(b *Backup) *Int { return &b.ResourceSize }),
		codec.StreamMember("children", func(d *codec.Decoder, b *Backup) error { return objectList(d, backupSchema, &b.Children) }),
		codec.LenientObjectMember("extend_info", extendInfoSchema, func(b *Backup) *BackupExtendInfo { return &b.ExtendInfo }),
		codec.LooseGoStringMember("project_id", func(b *Backup) *string { return &b.ProjectID }),
		codec.LooseEnumMember("status", func(b *Backup) *BackupStatus { return &b.Status }, backupStatuses),
		codec.LooseGoStringMember("resource_name", func(b *Backup) *string { return &b.ResourceName }),
		codec.LooseGoStringMember("description", func(b *Backup) *string { return &b.Description }),
		codec.CBRTimeMember("expired_at", func(b *Backup) *Time { return &b.ExpiredAt }),
		codec.StreamMember("replication_records", func(d *codec.Decoder, b *Backup) error {
			return objectList(d, replicationSchema, &b.ReplicationRecords)
		}),
		codec.UniqueLooseGoStringMember("name", func(b *Backup) *string { return &b.Name }),
		codec.CBRTimeMember("created_at", func(b *Backup) *Time { return &b.CreatedAt }),
		codec.LooseEnumMember("resource_type", func(b *Backup) *ResourceType { return &b.ResourceType }, resourceTypes),
		codec.LooseGoStringMember("parent_id", func(b *Backup) *string { return &b.ParentID }),
		codec.LooseStringMember("enterprise_project_id", func(b *Backup) *String { return &b.EnterpriseProjectID }),
		codec.CBRTimeMember("protected_at", func(b *Backup) *Time { return &b.ProtectedAt }),
		codec.BoolMember("incremental", func(b *Backup) *Bool { return &b.Incremental }),
	).KeepUnknown(func(b *Backup) *map[string]RawJSON { return &b.Extra }).
		After(func(b *Backup) { codec.KeepValid(b.Extra) }).Located()
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

// extendInfoSchema is how the engine reads a BackupExtendInfo.
var extendInfoSchema = codec.NewSchema(
	codec.BoolMember("auto_trigger", func(e *BackupExtendInfo) *Bool { return &e.AutoTrigger }),
	codec.LooseEnumMember("supported_restore_mode", func(e *BackupExtendInfo) *RestoreMode { return &e.SupportedRestoreMode }, restoreModes),
	codec.BoolMember("contain_system_disk", func(e *BackupExtendInfo) *Bool { return &e.ContainSystemDisk }),
	codec.BoolMember("support_lld", func(e *BackupExtendInfo) *Bool { return &e.SupportLLD }),
	codec.LooseGoStringMember("architecture", func(e *BackupExtendInfo) *string { return &e.Architecture }),
	codec.BoolMember("system_disk", func(e *BackupExtendInfo) *Bool { return &e.SystemDisk }),
	codec.LenientObjectMember("app_consistency", appConsistencySchema, func(e *BackupExtendInfo) *AppConsistency { return &e.AppConsistency }),
	codec.BoolMember("bootable", func(e *BackupExtendInfo) *Bool { return &e.Bootable }),
	codec.BoolMember("incremental", func(e *BackupExtendInfo) *Bool { return &e.Incremental }),
	codec.UniqueLooseGoStringMember("snapshot_id", func(e *BackupExtendInfo) *string { return &e.SnapshotID }),
	codec.StreamMember("os_images_data", readImages),
	codec.BoolMember("encrypted", func(e *BackupExtendInfo) *Bool { return &e.Encrypted }),
	codec.BoolMember("is_multi_az", func(e *BackupExtendInfo) *Bool { return &e.IsMultiAZ }),
	codec.IntMember("progress", func(e *BackupExtendInfo) *Int { return &e.Progress }),
).KeepUnknown(func(e *BackupExtendInfo) *map[string]RawJSON { return &e.Extra }).
	After(func(e *BackupExtendInfo) { codec.KeepValid(e.Extra) }).Located()

// AppConsistency reports on an application-consistent backup. The values
// are the server's codes as text ("0" and so on).
type AppConsistency struct {
	AppConsistency             string `json:"app_consistency"`               // whether consistency was asked for
	AppConsistencyStatus       string `json:"app_consistency_status"`        // whether it was achieved
	AppConsistencyErrorCode    string `json:"app_consistency_error_code"`    // why not, as a code
	AppConsistencyErrorMessage string `json:"app_consistency_error_message"` // why not, in words
}

// appConsistencySchema is how the engine reads an AppConsistency; other
// members are skipped.
var appConsistencySchema = codec.NewSchema(
	codec.LooseGoStringMember("app_consistency_error_code", func(a *AppConsistency) *string { return &a.AppConsistencyErrorCode }),
	codec.LooseGoStringMember("app_consistency_status", func(a *AppConsistency) *string { return &a.AppConsistencyStatus }),
	codec.LooseGoStringMember("app_consistency_error_message", func(a *AppConsistency) *string { return &a.AppConsistencyErrorMessage }),
	codec.LooseGoStringMember("app_consistency", func(a *AppConsistency) *string { return &a.AppConsistency }),
)

// ImageData names an image registered from a backup.
type ImageData struct {
	ImageID string `json:"image_id"` // the image's ID
}

// imageSchema is how the engine reads an ImageData given as an object.
var imageSchema = codec.NewSchema(
	codec.UniqueLooseGoStringMember("image_id", func(i *ImageData) *string { return &i.ImageID }),
)

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

// replicationSchema is how the engine reads a ReplicationRecord.
var replicationSchema = codec.NewSchema(
	codec.UniqueLooseGoStringMember("id", func(r *ReplicationRecord) *string { return &r.ID }),
	codec.LooseEnumMember("status", func(r *ReplicationRecord) *ReplicationStatus { return &r.Status }, replicationStatuses),
	codec.CBRTimeMember("created_at", func(r *ReplicationRecord) *Time { return &r.CreatedAt }),
	codec.LooseGoStringMember("source_region", func(r *ReplicationRecord) *string { return &r.SourceRegion }),
	codec.LooseGoStringMember("source_project_id", func(r *ReplicationRecord) *string { return &r.SourceProjectID }),
	codec.UniqueLooseGoStringMember("source_backup_id", func(r *ReplicationRecord) *string { return &r.SourceBackupID }),
	codec.UniqueLooseGoStringMember("source_checkpoint_id", func(r *ReplicationRecord) *string { return &r.SourceCheckpointID }),
	codec.LooseGoStringMember("destination_region", func(r *ReplicationRecord) *string { return &r.DestinationRegion }),
	codec.LooseGoStringMember("destination_project_id", func(r *ReplicationRecord) *string { return &r.DestinationProjectID }),
	codec.UniqueLooseGoStringMember("destination_backup_id", func(r *ReplicationRecord) *string { return &r.DestinationBackupID }),
	codec.UniqueLooseGoStringMember("destination_checkpoint_id", func(r *ReplicationRecord) *string { return &r.DestinationCheckpointID }),
	codec.LooseGoStringMember("destination_vault_id", func(r *ReplicationRecord) *string { return &r.DestinationVaultID }),
	codec.LooseGoStringMember("vault_id", func(r *ReplicationRecord) *string { return &r.VaultID }),
	codec.StreamMember("extra_info", readExtraInfo),
).KeepUnknown(func(r *ReplicationRecord) *map[string]RawJSON { return &r.Extra }).
	After(func(r *ReplicationRecord) { codec.KeepValid(r.Extra) }).Located()

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

// replicationExtraSchema is how the engine reads a ReplicationExtraInfo
// given as an object (onto what it holds: extra_info sent twice merges).
var replicationExtraSchema = codec.NewSchema(
	codec.IntMember("progress", func(x *ReplicationExtraInfo) *Int { return &x.Progress }),
	codec.UniqueLooseGoStringMember("fail_code", func(x *ReplicationExtraInfo) *string { return &x.FailCode }),
	codec.UniqueLooseGoStringMember("fail_reason", func(x *ReplicationExtraInfo) *string { return &x.FailReason }),
	codec.BoolMember("auto_trigger", func(x *ReplicationExtraInfo) *Bool { return &x.AutoTrigger }),
	codec.LooseGoStringMember("destination_vault_id", func(x *ReplicationExtraInfo) *string { return &x.DestinationVaultID }),
).KeepUnknown(func(x *ReplicationExtraInfo) *map[string]RawJSON { return &x.Extra }).
	After(func(x *ReplicationExtraInfo) { codec.KeepValid(x.Extra) }).Located()

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

	capHint int // expected page size, to size Backups once
	// hasList and hasCount say whether the answer had the backups and
	// count members (a 200 without its list is an error; without a count
	// a walk cannot use it).
	hasList, hasCount bool
}

// pageSchema is how the engine reads a list answer (readPage).
var pageSchema = codec.NewSchema(
	codec.IntMember("count", func(p *BackupPage) *Int { return &p.Count }),
	codec.StreamMember("backups", readPageList),
	codec.IntMember("offset", func(p *BackupPage) *Int { return &p.Offset }),
	codec.IntMember("limit", func(p *BackupPage) *Int { return &p.Limit }),
).After(func(p *BackupPage) {
	// count is bounded to an int32's range; absent, a walk cannot use it.
	p.Count.Int64 = max(min(p.Count.Int64, 1<<31-1), 0)
	p.hasCount = p.Count.Valid
}).Located()
