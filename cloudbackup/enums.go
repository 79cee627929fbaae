package cloudbackup

import "strings"

// BackupStatus is the state of a backup (status in BackupResp and the
// status filter of ListBackupsOptions).
type BackupStatus string

// The backup states the API documents.
const (
	BackupStatusAvailable      BackupStatus = "available"       // finished and usable
	BackupStatusProtecting     BackupStatus = "protecting"      // being created
	BackupStatusDeleting       BackupStatus = "deleting"        // being deleted
	BackupStatusRestoring      BackupStatus = "restoring"       // being restored from
	BackupStatusError          BackupStatus = "error"           // failed
	BackupStatusWaitingProtect BackupStatus = "waiting_protect" // queued for creation
	BackupStatusWaitingDelete  BackupStatus = "waiting_delete"  // queued for deletion
	BackupStatusWaitingRestore BackupStatus = "waiting_restore" // queued for restoring
)

// backupStatuses lists every documented BackupStatus (read only).
var backupStatuses = []string{
	string(BackupStatusAvailable), string(BackupStatusProtecting), string(BackupStatusDeleting),
	string(BackupStatusRestoring), string(BackupStatusError), string(BackupStatusWaitingProtect),
	string(BackupStatusWaitingDelete), string(BackupStatusWaitingRestore),
}

// BackupStatuses returns every documented backup status, in the order of
// the API reference.
func BackupStatuses() []BackupStatus {
	out := make([]BackupStatus, len(backupStatuses))
	for i, s := range backupStatuses {
		out[i] = BackupStatus(s)
	}
	return out
}

// Known reports whether s is one of the documented states.
func (s BackupStatus) Known() bool { return contains(backupStatuses, string(s)) }

// Succeeded reports whether the backup finished and can be restored from.
func (s BackupStatus) Succeeded() bool { return s == BackupStatusAvailable }

// Failed reports whether the backup failed.
func (s BackupStatus) Failed() bool { return s == BackupStatusError }

// ImageType tells an original backup from a replicated copy.
type ImageType string

// The image types the API documents.
const (
	ImageTypeBackup      ImageType = "backup"      // made in this region
	ImageTypeReplication ImageType = "replication" // replicated from another region
)

var imageTypes = []string{string(ImageTypeBackup), string(ImageTypeReplication)}

// Known reports whether t is one of the documented image types.
func (t ImageType) Known() bool { return contains(imageTypes, string(t)) }

// MemberStatus is the state of a backup shared with another project
// (member_status filter). The API page names the states pending, accept
// and reject; Huawei's SDK names them pending, accepted and rejected
// (services/cbr/v1/model/model_list_backups_request.go and model_member.go
// of huaweicloud-sdk-go-v3). Both spellings are valid here; a filter is
// sent as given, so give the spelling your region answers to.
type MemberStatus string

// The sharing states of the API page and of Huawei's SDK.
const (
	MemberStatusPending  MemberStatus = "pending"  // offered, not answered yet
	MemberStatusAccept   MemberStatus = "accept"   // accepted (the page's spelling)
	MemberStatusReject   MemberStatus = "reject"   // rejected (the page's spelling)
	MemberStatusAccepted MemberStatus = "accepted" // accepted (the SDK's spelling)
	MemberStatusRejected MemberStatus = "rejected" // rejected (the SDK's spelling)
)

var memberStatuses = []string{
	string(MemberStatusPending), string(MemberStatusAccept), string(MemberStatusReject),
	string(MemberStatusAccepted), string(MemberStatusRejected),
}

// Known reports whether s is one of the sharing states, in either spelling.
func (s MemberStatus) Known() bool { return contains(memberStatuses, string(s)) }

// Accepted reports whether s says the share was accepted, in either
// spelling.
func (s MemberStatus) Accepted() bool { return s == MemberStatusAccept || s == MemberStatusAccepted }

// Rejected reports whether s says the share was rejected, in either
// spelling.
func (s MemberStatus) Rejected() bool { return s == MemberStatusReject || s == MemberStatusRejected }

// Same reports whether s and t name the same state, whatever their
// spelling.
func (s MemberStatus) Same(t MemberStatus) bool {
	return s == t || s.Accepted() && t.Accepted() || s.Rejected() && t.Rejected()
}

// OwnType selects backups by ownership (own_type filter). The server
// defaults to OwnTypePrivate.
type OwnType string

// The ownership types the API documents.
const (
	OwnTypeAllGranted OwnType = "all_granted" // own backups and those shared with the project
	OwnTypePrivate    OwnType = "private"     // own backups only (the default)
	OwnTypeShared     OwnType = "shared"      // backups other projects share with this one
)

var ownTypes = []string{string(OwnTypeAllGranted), string(OwnTypePrivate), string(OwnTypeShared)}

// Known reports whether t is one of the documented ownership types.
func (t OwnType) Known() bool { return contains(ownTypes, string(t)) }

// ResourceType is the kind of resource a backup protects.
type ResourceType string

// The resource types of the API page (servers and disks) and those Huawei's
// SDK adds (services/cbr/v1/model/model_backup_resp.go and
// model_list_backups_request.go of huaweicloud-sdk-go-v3). The list filter
// takes servers, disks and desktops.
const (
	ResourceTypeServer           ResourceType = "OS::Nova::Server"            // an ECS cloud server
	ResourceTypeVolume           ResourceType = "OS::Cinder::Volume"          // an EVS disk
	ResourceTypeWorkspaceDesktop ResourceType = "OS::Workspace::DesktopV2"    // a Workspace cloud desktop
	ResourceTypeBareMetalServer  ResourceType = "OS::Ironic::BareMetalServer" // a bare metal server
	ResourceTypeNativeServer     ResourceType = "OS::Native::Server"          // an on-premises server
	ResourceTypeTurbo            ResourceType = "OS::Sfs::Turbo"              // an SFS Turbo file system
)

var resourceTypes = []string{
	string(ResourceTypeServer), string(ResourceTypeVolume), string(ResourceTypeWorkspaceDesktop),
	string(ResourceTypeBareMetalServer), string(ResourceTypeNativeServer), string(ResourceTypeTurbo),
}

// Known reports whether t is one of the known resource types.
func (t ResourceType) Known() bool { return contains(resourceTypes, string(t)) }

// RestoreMode says how a backup can be restored (extend_info.supported_restore_mode).
type RestoreMode string

// The restore modes the API documents.
const (
	RestoreModeNA       RestoreMode = "na"       // cannot be restored
	RestoreModeBackup   RestoreMode = "backup"   // restored from the disk backups
	RestoreModeSnapshot RestoreMode = "snapshot" // can also create a full-server image
)

var restoreModes = []string{string(RestoreModeNA), string(RestoreModeBackup), string(RestoreModeSnapshot)}

// Known reports whether m is one of the documented restore modes.
func (m RestoreMode) Known() bool { return contains(restoreModes, string(m)) }

// ReplicationStatus is the state of one replication of a backup.
type ReplicationStatus string

// The replication states the API documents.
const (
	ReplicationStatusReplicating      ReplicationStatus = "replicating"
	ReplicationStatusSuccess          ReplicationStatus = "success"
	ReplicationStatusFail             ReplicationStatus = "fail"
	ReplicationStatusSkip             ReplicationStatus = "skip"
	ReplicationStatusWaitingReplicate ReplicationStatus = "waiting_replicate"
)

var replicationStatuses = []string{
	string(ReplicationStatusReplicating), string(ReplicationStatusSuccess), string(ReplicationStatusFail),
	string(ReplicationStatusSkip), string(ReplicationStatusWaitingReplicate),
}

// Known reports whether s is one of the documented replication states.
func (s ReplicationStatus) Known() bool { return contains(replicationStatuses, string(s)) }

// SortKey is a property backups can be sorted by.
type SortKey string

// The sort keys the API documents.
const (
	SortByCreatedAt   SortKey = "created_at"
	SortByUpdatedAt   SortKey = "updated_at"
	SortByName        SortKey = "name"
	SortByStatus      SortKey = "status"
	SortByProtectedAt SortKey = "protected_at"
	SortByID          SortKey = "id"
)

var sortKeys = []string{
	string(SortByCreatedAt), string(SortByUpdatedAt), string(SortByName),
	string(SortByStatus), string(SortByProtectedAt), string(SortByID),
}

// Known reports whether k is one of the documented sort keys.
func (k SortKey) Known() bool { return contains(sortKeys, string(k)) }

// SortOrder is one key of a sort with its direction. Build it with Asc or
// Desc and join several with Sort.
type SortOrder struct {
	Key        SortKey // the property to sort by
	Descending bool    // largest or newest first
}

// Asc sorts by k in ascending order.
func Asc(k SortKey) SortOrder { return SortOrder{Key: k} }

// Desc sorts by k in descending order (the server's default direction).
func Desc(k SortKey) SortOrder { return SortOrder{Key: k, Descending: true} }

// String renders the order as "key:asc" or "key:desc".
func (o SortOrder) String() string {
	if o.Descending {
		return string(o.Key) + ":desc"
	}
	return string(o.Key) + ":asc"
}

// Sort renders orders in the documented form of the sort parameter,
// "created_at:desc,name:asc", for ListBackupsOptions.Sort.
func Sort(orders ...SortOrder) string {
	parts := make([]string, len(orders))
	for i, o := range orders {
		parts[i] = o.String()
	}
	return strings.Join(parts, ",")
}

// OperationStatus is the state of an operation log (a task such as a
// backup, a restore or a deletion).
type OperationStatus string

// The task states the API documents.
const (
	OperationStatusSuccess OperationStatus = "success"
	OperationStatusSkipped OperationStatus = "skipped"
	OperationStatusFailed  OperationStatus = "failed"
	OperationStatusRunning OperationStatus = "running"
	OperationStatusTimeout OperationStatus = "timeout"
	OperationStatusWaiting OperationStatus = "waiting"
)

var operationStatuses = []string{
	string(OperationStatusSuccess), string(OperationStatusSkipped), string(OperationStatusFailed),
	string(OperationStatusRunning), string(OperationStatusTimeout), string(OperationStatusWaiting),
}

// Known reports whether s is one of the documented task states.
func (s OperationStatus) Known() bool { return contains(operationStatuses, string(s)) }

// Done reports whether the task has ended (success, failed, timeout or
// skipped). Unknown states count as not done.
func (s OperationStatus) Done() bool {
	switch s {
	case OperationStatusSuccess, OperationStatusFailed, OperationStatusTimeout, OperationStatusSkipped:
		return true
	}
	return false
}

// OperationType is the kind of task an operation log records.
type OperationType string

// The task types the API documents.
const (
	OperationTypeBackup         OperationType = "backup"
	OperationTypeCopy           OperationType = "copy"
	OperationTypeReplication    OperationType = "replication"
	OperationTypeRestore        OperationType = "restore"
	OperationTypeDelete         OperationType = "delete"
	OperationTypeSync           OperationType = "sync"
	OperationTypeVaultDelete    OperationType = "vault_delete"
	OperationTypeRemoveResource OperationType = "remove_resource"
)

// CheckpointStatus is the state of a checkpoint (restore point).
type CheckpointStatus string

// The checkpoint states the API reports.
const (
	CheckpointStatusAvailable     CheckpointStatus = "available"
	CheckpointStatusDeleting      CheckpointStatus = "deleting"
	CheckpointStatusProtecting    CheckpointStatus = "protecting"
	CheckpointStatusDeleted       CheckpointStatus = "deleted"
	CheckpointStatusErrorDeleting CheckpointStatus = "error-deleting"
	CheckpointStatusError         CheckpointStatus = "error"
)

// Done reports whether the checkpoint's backups have ended: any known
// state but protecting. Unknown states count as not done.
func (s CheckpointStatus) Done() bool {
	switch s {
	case CheckpointStatusAvailable, CheckpointStatusError, CheckpointStatusDeleting,
		CheckpointStatusDeleted, CheckpointStatusErrorDeleting:
		return true
	}
	return false
}

// ProtectStatus is the state of a resource bound to a vault.
type ProtectStatus string

// The protection states the API reports.
const (
	ProtectStatusAvailable  ProtectStatus = "available"
	ProtectStatusError      ProtectStatus = "error"
	ProtectStatusProtecting ProtectStatus = "protecting"
	ProtectStatusRestoring  ProtectStatus = "restoring"
	ProtectStatusRemoving   ProtectStatus = "removing"
)

// AllGrantedEnterpriseProjects is the enterprise_project_id value that
// queries every enterprise project the user has permissions on.
const AllGrantedEnterpriseProjects = "all_granted_eps"

// Provider IDs tell what a backup or vault protects (provider_id).
const (
	ProviderServer = "0daac4c5-6707-4851-97ba-169e36266b66" // cloud servers
	ProviderVolume = "d1603440-187d-4516-af25-121250c7cc97" // EVS disks
	ProviderTurbo  = "3f3c3220-245c-4805-b811-758870015881" // SFS Turbo
)

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
