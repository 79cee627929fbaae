package onapp

import "github.com/backupsdk/backupsdk/internal/codec"

// BackupType tells a normal backup (of one disk) from an incremental backup
// (of a whole virtual server).
type BackupType string

const (
	// BackupTypeNormal is a full backup of one disk, listed under
	// /virtual_machines/:id/backups/images; its target is a Disk.
	BackupTypeNormal BackupType = "normal"
	// BackupTypeIncremental is an incremental backup of a virtual server,
	// listed under /virtual_machines/:id/backups/files; its target is a
	// VirtualMachine.
	BackupTypeIncremental BackupType = "incremental"
)

// Initiated tells what started a backup: a user (manual) or a schedule with
// its period.
type Initiated string

const (
	// InitiatedManual is a backup a user asked for.
	InitiatedManual Initiated = "manual"
	// InitiatedDays is a backup taken by a daily schedule.
	InitiatedDays Initiated = "days"
	// InitiatedWeeks is a backup taken by a weekly schedule.
	InitiatedWeeks Initiated = "weeks"
	// InitiatedMonths is a backup taken by a monthly schedule.
	InitiatedMonths Initiated = "months"
	// InitiatedYears is a backup taken by a yearly schedule.
	InitiatedYears Initiated = "years"
)

// DataStoreType names the kind of data store the backed-up disk lives on.
type DataStoreType string

const (
	// DataStoreLVM is an LVM data store.
	DataStoreLVM DataStoreType = "lvm"
	// DataStoreVMware is a VMware data store.
	DataStoreVMware DataStoreType = "vmware"
	// DataStoreSolidFire is a SolidFire data store (IQN is then set).
	DataStoreSolidFire DataStoreType = "solidfire"
)

// TargetType names the kind of object a backup was taken of; TargetID is
// that object's id.
type TargetType string

const (
	// TargetDisk is the target of a normal backup: TargetID is a disk id.
	TargetDisk TargetType = "Disk"
	// TargetVirtualMachine is the target of an incremental backup:
	// TargetID is a virtual server id.
	TargetVirtualMachine TargetType = "VirtualMachine"
)

// ImageTypeTar is the only image_type the API documents.
const ImageTypeTar = "tar"

// Backup is one OnApp backup, normal or incremental, as the control panel
// describes it. Every scalar may be null or absent and uses a tolerant type
// (Int, Bool, Time, String, Text): Valid is false when the value was
// missing, null, nil="true" in XML, or "" for numbers and times; text keeps
// "" as sent. JSON names are the API's own.
type Backup struct {
	// ID is the backup's id.
	ID Int `json:"id" xml:"id"`
	// BackupType is normal or incremental.
	BackupType Text[BackupType] `json:"backup_type" xml:"backup_type"`
	// TargetType and TargetID name what was backed up: a Disk (normal
	// backups) or a VirtualMachine (incremental backups).
	TargetType Text[TargetType] `json:"target_type" xml:"target_type"`
	TargetID   Int              `json:"target_id" xml:"target_id"`
	// DiskID is the backed-up disk's id; absent for incremental backups.
	DiskID Int `json:"disk_id" xml:"disk_id"`
	// Identifier is the backup's identifier on the storage.
	Identifier String `json:"identifier" xml:"identifier"`
	// Built is true once the backup has been taken. A backup that was just
	// created is scheduled, not built: Built is false and BuiltAt absent.
	Built Bool `json:"built" xml:"built"`
	// BuiltAt is when the backup was built; absent until then.
	BuiltAt Time `json:"built_at" xml:"built_at"`
	// CreatedAt and UpdatedAt are when the record was created and last
	// changed.
	CreatedAt Time `json:"created_at" xml:"created_at"`
	UpdatedAt Time `json:"updated_at" xml:"updated_at"`
	// BackupSize is the space the backup takes, in kB (sent as a number or
	// a numeric string).
	BackupSize Int `json:"backup_size" xml:"backup_size"`
	// BackupServerID is the backup server holding the backup; often absent.
	BackupServerID Int `json:"backup_server_id" xml:"backup_server_id"`
	// Initiated is manual, or the schedule period that took the backup.
	Initiated Text[Initiated] `json:"initiated" xml:"initiated"`
	// Note is the user's note; absent when none was set.
	Note String `json:"note" xml:"note"`
	// ImageType is the image format ("tar"); absent on many backups.
	ImageType String `json:"image_type" xml:"image_type"`
	// DataStoreType is the kind of data store backed up: lvm, vmware or
	// solidfire.
	DataStoreType Text[DataStoreType] `json:"data_store_type" xml:"data_store_type"`
	// VolumeID is the data store id; often absent.
	VolumeID Int `json:"volume_id" xml:"volume_id"`
	// VolumeGroup is the LVM volume group, when the control panel sends it.
	VolumeGroup String `json:"volume_group" xml:"volume_group"`
	// IQN is the iSCSI qualified name of a SolidFire volume; else absent.
	IQN String `json:"iqn" xml:"iqn"`
	// Locked is true while the backed-up server is locked.
	Locked Bool `json:"locked" xml:"locked"`
	// MarkedForDelete is true when an auto-backup is due to be deleted.
	MarkedForDelete Bool `json:"marked_for_delete" xml:"marked_for_delete"`
	// MinDiskSize (GB) and MinMemorySize (MB) are what a server restored
	// or built from this backup needs at least.
	MinDiskSize   Int `json:"min_disk_size" xml:"min_disk_size"`
	MinMemorySize Int `json:"min_memory_size" xml:"min_memory_size"`
	// OperatingSystem and OperatingSystemDistro describe the backed-up
	// server ("linux", "ubuntu").
	OperatingSystem       String `json:"operating_system" xml:"operating_system"`
	OperatingSystemDistro String `json:"operating_system_distro" xml:"operating_system_distro"`
	// TemplateID is the template the backed-up server was built from.
	TemplateID Int `json:"template_id" xml:"template_id"`
	// UserID is the owner of the backed-up server.
	UserID Int `json:"user_id" xml:"user_id"`
	// AllowResizeWithoutReboot is true if CPU and RAM of the backed-up
	// server can be resized without a reboot. The samples spell it
	// allow_resize_without_reboot, the prose allowed_resize_without_reboot;
	// both are read.
	AllowResizeWithoutReboot Bool `json:"allow_resize_without_reboot" xml:"allow_resize_without_reboot"`
	// AllowedHotMigrate is true if the backed-up server may be hot
	// migrated.
	AllowedHotMigrate Bool `json:"allowed_hot_migrate" xml:"allowed_hot_migrate"`
	// AllowedSwap is true if a swap disk is allowed for the backed-up
	// server.
	AllowedSwap Bool `json:"allowed_swap" xml:"allowed_swap"`
}

// IsIncremental reports whether b is an incremental (virtual server)
// backup rather than a normal (disk) backup.
func (b *Backup) IsIncremental() bool { return b.BackupType.Value == BackupTypeIncremental }

// IsBuilt reports whether the backup has been taken (Built is true). A
// backup just created or one whose transaction failed is not built.
func (b *Backup) IsBuilt() bool { return b.Built.Valid && b.Built.Bool }

// ImageTemplate is the template a backup was converted into.
type ImageTemplate struct {
	// ID is the template's id.
	ID Int `json:"id" xml:"id"`
	// Label is the template's name.
	Label String `json:"label" xml:"label"`
	// FileName is the template file on the template store.
	FileName String `json:"file_name" xml:"file_name"`
	// State is the template's state, such as "active" or "inactive".
	State String `json:"state" xml:"state"`
	// Version is the template's version.
	Version String `json:"version" xml:"version"`
	// OperatingSystem, OperatingSystemDistro and OperatingSystemArch
	// describe the system in the template.
	OperatingSystem       String `json:"operating_system" xml:"operating_system"`
	OperatingSystemDistro String `json:"operating_system_distro" xml:"operating_system_distro"`
	OperatingSystemArch   String `json:"operating_system_arch" xml:"operating_system_arch"`
	// MinDiskSize (GB) and MinMemorySize (MB) are what a server built from
	// the template needs at least.
	MinDiskSize   Int `json:"min_disk_size" xml:"min_disk_size"`
	MinMemorySize Int `json:"min_memory_size" xml:"min_memory_size"`
	// TemplateSize is the template's size in kB.
	TemplateSize Int `json:"template_size" xml:"template_size"`
	// Checksum is the template file's checksum, once known.
	Checksum String `json:"checksum" xml:"checksum"`
	// BackupServerID is the backup server holding the template file.
	BackupServerID Int `json:"backup_server_id" xml:"backup_server_id"`
	// ParentTemplateID is the template the backed-up server was built from.
	ParentTemplateID Int `json:"parent_template_id" xml:"parent_template_id"`
	// UserID is the template's owner.
	UserID Int `json:"user_id" xml:"user_id"`
	// AllowResizeWithoutReboot, AllowedHotMigrate and AllowedSwap carry
	// over from the backup.
	AllowResizeWithoutReboot Bool `json:"allow_resize_without_reboot" xml:"allow_resize_without_reboot"`
	AllowedHotMigrate        Bool `json:"allowed_hot_migrate" xml:"allowed_hot_migrate"`
	AllowedSwap              Bool `json:"allowed_swap" xml:"allowed_swap"`
	// CreatedAt and UpdatedAt are when the record was created and last
	// changed.
	CreatedAt Time `json:"created_at" xml:"created_at"`
	UpdatedAt Time `json:"updated_at" xml:"updated_at"`
}

// CreateBackupOptions are the optional settings of a new backup
// (Backups.CreateNormal, Backups.CreateIncremental).
type CreateBackupOptions struct {
	// Note is stored with the backup.
	Note string `json:"note,omitzero"`
}

// ListBackupsOptions select the backups Backups.List returns: those of a
// virtual server, of a disk, or of one disk of a virtual server.
type ListBackupsOptions struct {
	// VMID lists the backups of this virtual server.
	VMID int64
	// DiskID lists the backups of this disk (with VMID: of this disk of
	// that virtual server).
	DiskID int64
	// Type keeps only the normal (BackupTypeNormal) or incremental
	// (BackupTypeIncremental) backups of VMID; "" lists both. It cannot
	// be given with DiskID.
	Type BackupType
}

// ConvertBackupOptions describe the template a backup is converted into
// (Backups.ConvertToTemplate).
type ConvertBackupOptions struct {
	// Label names the template (required).
	Label string `json:"label"`
	// MinDiskSize (GB) and MinMemorySize (MB) override the backup's
	// minimums when set.
	MinDiskSize   int `json:"min_disk_size,omitzero"`
	MinMemorySize int `json:"min_memory_size,omitzero"`
}

// CreateResult is the control panel's answer to CreateNormal or
// CreateIncremental: the backup is scheduled (a transaction is queued), not
// built.
//
// Backup is nil when the control panel answered 201 without a body, as it
// answers a restore: the backup was scheduled, but its id is not known yet.
// Do not create again to learn it. To find the new backup, list the
// target's backups (Backups.List with DiskID for a normal backup, with VMID
// and Type BackupTypeIncremental for an incremental one), newest first by
// CreatedAt, and take the newest one created since the call that is not
// built yet (Built false); a note given in CreateBackupOptions tells it
// apart from a scheduled backup started at the same time.
type CreateResult struct {
	// Scheduled is true when the control panel accepted the backup.
	Scheduled bool `json:"scheduled"`
	// StatusCode is the success status the control panel answered with
	// (201 Created).
	StatusCode int `json:"status_code"`
	// Backup is the new backup as the answer described it; nil when the
	// answer had no body, or not even the backup's id could be read from
	// it. Members that did not fit their fields are left absent (see
	// BodyErr).
	Backup *Backup `json:"backup,omitzero"`
	// BodyErr is why the body of the success answer could not be read
	// whole: a connection that closed part-way, a foreign document, or
	// members that did not fit (errors.As(BodyErr, &FieldErrors{}) names
	// them). The backup is scheduled all the same: do not create again.
	BodyErr error `json:"-"`

	client *Client // for Wait
}

// ID returns the new backup's id, and false when the answer did not tell
// it (see CreateResult).
func (r *CreateResult) ID() (int64, bool) {
	if r == nil || r.Backup == nil {
		return 0, false
	}
	return r.Backup.ID.Get()
}

// RestoreResult is the control panel's answer to a restore: the restore is
// scheduled (a transaction is queued), not done.
//
// It has no Wait: the backups API shows no end of a restore. The answer
// names no transaction, and the backup does not change while it is
// restored; the server's Locked flag is set only once the queued
// transaction starts, so an unlocked server cannot tell a restore not yet
// started from one done. Watch the server's transactions in the control
// panel.
type RestoreResult struct {
	// Scheduled is true when the control panel accepted the restore.
	Scheduled bool `json:"scheduled"`
	// StatusCode is the success status the control panel answered with
	// (201 Created for a scheduled restore).
	StatusCode int `json:"status_code"`
	// Backup is the backup being restored, when the answer carried it.
	Backup *Backup `json:"backup,omitzero"`
	// BodyErr is why the body of the success answer could not be read or
	// decoded (a connection that closed part-way, a cut-off or foreign
	// document); nil when it was read whole. The restore is scheduled
	// all the same: do not send it again.
	BodyErr error `json:"-"`
}

// ConvertResult is the control panel's answer to ConvertToTemplate: the
// template is made (its file is written by a transaction that follows).
type ConvertResult struct {
	// StatusCode is the success status the control panel answered with.
	StatusCode int `json:"status_code"`
	// Template is the new template as the answer described it; nil when
	// not even its id could be read. Members that did not fit their
	// fields are left absent (see BodyErr).
	Template *ImageTemplate `json:"image_template,omitzero"`
	// BodyErr is why the body of the success answer could not be read
	// whole (see CreateResult.BodyErr); the template is made all the
	// same: do not convert again.
	BodyErr error `json:"-"`
}

// ID returns the new template's id, and false when the answer did not
// tell it.
func (r *ConvertResult) ID() (int64, bool) {
	if r == nil || r.Template == nil {
		return 0, false
	}
	return r.Template.ID.Get()
}

// VirtualMachine is one virtual server of the control panel, with the
// fields a backup tool needs to name it and tell its state. OnApp sends
// many more (ip_addresses, prices, hypervisor settings); they are ignored.
// JSON names are the API's own.
type VirtualMachine struct {
	// ID is the virtual server's id: the vmID of the Backups and Disks
	// calls.
	ID Int `json:"id" xml:"id"`
	// Identifier is the server's identifier on the hypervisors
	// ("hp3w06ai2h3k6d").
	Identifier String `json:"identifier" xml:"identifier"`
	// Label is the server's name in the control panel.
	Label String `json:"label" xml:"label"`
	// Hostname is the server's host name.
	Hostname String `json:"hostname" xml:"hostname"`
	// Booted is true while the server is powered on.
	Booted Bool `json:"booted" xml:"booted"`
	// Built is true once the server has been provisioned.
	Built Bool `json:"built" xml:"built"`
	// Locked is true while a transaction (such as a backup) holds the
	// server.
	Locked Bool `json:"locked" xml:"locked"`
	// Suspended is true when the server has been suspended.
	Suspended Bool `json:"suspended" xml:"suspended"`
	// OperatingSystem and OperatingSystemDistro describe the server's
	// system ("linux", "ubuntu").
	OperatingSystem       String `json:"operating_system" xml:"operating_system"`
	OperatingSystemDistro String `json:"operating_system_distro" xml:"operating_system_distro"`
	// TemplateID is the template the server was built from.
	TemplateID Int `json:"template_id" xml:"template_id"`
	// UserID is the server's owner.
	UserID Int `json:"user_id" xml:"user_id"`
	// Memory is the server's RAM in MB.
	Memory Int `json:"memory" xml:"memory"`
	// CPUs is the number of virtual CPUs.
	CPUs Int `json:"cpus" xml:"cpus"`
	// TotalDiskSize is the size of all the server's disks, in GB.
	TotalDiskSize Int `json:"total_disk_size" xml:"total_disk_size"`
	// CreatedAt and UpdatedAt are when the record was created and last
	// changed.
	CreatedAt Time `json:"created_at" xml:"created_at"`
	UpdatedAt Time `json:"updated_at" xml:"updated_at"`
}

// Disk is one disk of a virtual server: the target of normal backups
// (Backup.DiskID). JSON names are the API's own.
type Disk struct {
	// ID is the disk's id: the diskID of the Backups calls.
	ID Int `json:"id" xml:"id"`
	// Identifier is the disk's identifier on the data store.
	Identifier String `json:"identifier" xml:"identifier"`
	// Label is the disk's name.
	Label String `json:"label" xml:"label"`
	// DiskSize is the disk's size in GB.
	DiskSize Int `json:"disk_size" xml:"disk_size"`
	// Primary is true for the disk the server boots from.
	Primary Bool `json:"primary" xml:"primary"`
	// IsSwap is true for a swap disk (OnApp does not back those up).
	IsSwap Bool `json:"is_swap" xml:"is_swap"`
	// MountPoint is where the disk is mounted in the server, when set
	// ("/data"); absent for most disks.
	MountPoint String `json:"mount_point" xml:"mount_point"`
	// Built is true once the disk has been created on its data store.
	Built Bool `json:"built" xml:"built"`
	// Locked is true while a transaction (such as a backup) holds the
	// disk.
	Locked Bool `json:"locked" xml:"locked"`
	// DataStoreID is the data store holding the disk.
	DataStoreID Int `json:"data_store_id" xml:"data_store_id"`
	// VirtualMachineID is the virtual server the disk belongs to.
	VirtualMachineID Int `json:"virtual_machine_id" xml:"virtual_machine_id"`
	// CreatedAt and UpdatedAt are when the record was created and last
	// changed.
	CreatedAt Time `json:"created_at" xml:"created_at"`
	UpdatedAt Time `json:"updated_at" xml:"updated_at"`
}

// The engine's descriptions of the records (internal/codec's Field): one
// per field, in the order the control panel sends them, names as the json
// and xml tags above spell them; each gives the JSON Schema and the
// XMLSchema of its type.

// backupSchema reads a backup as it comes over the wire: the fields of
// Backup and the prose's spelling allowed_resize_without_reboot (merged
// by backupWire.value).
var backupSchema, backupXML = codec.NewSchemas(
	codec.BoolField("allow_resize_without_reboot", func(w *backupWire) *Bool { return &w.AllowResizeWithoutReboot }),
	codec.BoolField("allowed_hot_migrate", func(w *backupWire) *Bool { return &w.AllowedHotMigrate }),
	codec.BoolField("allowed_swap", func(w *backupWire) *Bool { return &w.AllowedSwap }),
	codec.IntField("backup_server_id", func(w *backupWire) *Int { return &w.BackupServerID }),
	codec.IntField("backup_size", func(w *backupWire) *Int { return &w.BackupSize }),
	codec.BoolField("built", func(w *backupWire) *Bool { return &w.Built }),
	codec.TimeField("built_at", func(w *backupWire) *Time { return &w.BuiltAt }),
	codec.TimeField("created_at", func(w *backupWire) *Time { return &w.CreatedAt }),
	codec.TextField("data_store_type", func(w *backupWire) *Text[DataStoreType] { return &w.DataStoreType }),
	codec.IntField("id", func(w *backupWire) *Int { return &w.ID }),
	codec.StringField("identifier", func(w *backupWire) *String { return &w.Identifier }),
	codec.TextField("initiated", func(w *backupWire) *Text[Initiated] { return &w.Initiated }),
	codec.StringField("iqn", func(w *backupWire) *String { return &w.IQN }),
	codec.BoolField("locked", func(w *backupWire) *Bool { return &w.Locked }),
	codec.BoolField("marked_for_delete", func(w *backupWire) *Bool { return &w.MarkedForDelete }),
	codec.IntField("min_disk_size", func(w *backupWire) *Int { return &w.MinDiskSize }),
	codec.IntField("min_memory_size", func(w *backupWire) *Int { return &w.MinMemorySize }),
	codec.StringField("note", func(w *backupWire) *String { return &w.Note }),
	codec.StringField("operating_system", func(w *backupWire) *String { return &w.OperatingSystem }),
	codec.StringField("operating_system_distro", func(w *backupWire) *String { return &w.OperatingSystemDistro }),
	codec.IntField("target_id", func(w *backupWire) *Int { return &w.TargetID }),
	codec.TextField("target_type", func(w *backupWire) *Text[TargetType] { return &w.TargetType }),
	codec.IntField("template_id", func(w *backupWire) *Int { return &w.TemplateID }),
	codec.TimeField("updated_at", func(w *backupWire) *Time { return &w.UpdatedAt }),
	codec.IntField("user_id", func(w *backupWire) *Int { return &w.UserID }),
	codec.IntField("volume_id", func(w *backupWire) *Int { return &w.VolumeID }),
	codec.TextField("backup_type", func(w *backupWire) *Text[BackupType] { return &w.BackupType }),
	codec.IntField("disk_id", func(w *backupWire) *Int { return &w.DiskID }),
	codec.StringField("image_type", func(w *backupWire) *String { return &w.ImageType }),
	codec.StringField("volume_group", func(w *backupWire) *String { return &w.VolumeGroup }),
	codec.BoolField("allowed_resize_without_reboot", func(w *backupWire) *Bool { return &w.AllowedResizeWithoutReboot }),
)

// templateSchema reads an ImageTemplate.
var templateSchema, templateXML = codec.NewSchemas(
	codec.IntField("id", func(t *ImageTemplate) *Int { return &t.ID }),
	codec.StringField("label", func(t *ImageTemplate) *String { return &t.Label }),
	codec.StringField("file_name", func(t *ImageTemplate) *String { return &t.FileName }),
	codec.StringField("state", func(t *ImageTemplate) *String { return &t.State }),
	codec.StringField("version", func(t *ImageTemplate) *String { return &t.Version }),
	codec.StringField("operating_system", func(t *ImageTemplate) *String { return &t.OperatingSystem }),
	codec.StringField("operating_system_distro", func(t *ImageTemplate) *String { return &t.OperatingSystemDistro }),
	codec.StringField("operating_system_arch", func(t *ImageTemplate) *String { return &t.OperatingSystemArch }),
	codec.IntField("min_disk_size", func(t *ImageTemplate) *Int { return &t.MinDiskSize }),
	codec.IntField("min_memory_size", func(t *ImageTemplate) *Int { return &t.MinMemorySize }),
	codec.IntField("template_size", func(t *ImageTemplate) *Int { return &t.TemplateSize }),
	codec.StringField("checksum", func(t *ImageTemplate) *String { return &t.Checksum }),
	codec.IntField("backup_server_id", func(t *ImageTemplate) *Int { return &t.BackupServerID }),
	codec.IntField("parent_template_id", func(t *ImageTemplate) *Int { return &t.ParentTemplateID }),
	codec.IntField("user_id", func(t *ImageTemplate) *Int { return &t.UserID }),
	codec.BoolField("allow_resize_without_reboot", func(t *ImageTemplate) *Bool { return &t.AllowResizeWithoutReboot }),
	codec.BoolField("allowed_hot_migrate", func(t *ImageTemplate) *Bool { return &t.AllowedHotMigrate }),
	codec.BoolField("allowed_swap", func(t *ImageTemplate) *Bool { return &t.AllowedSwap }),
	codec.TimeField("created_at", func(t *ImageTemplate) *Time { return &t.CreatedAt }),
	codec.TimeField("updated_at", func(t *ImageTemplate) *Time { return &t.UpdatedAt }),
)

// virtualMachineSchema reads a VirtualMachine; the many other members
// OnApp sends are skipped.
var virtualMachineSchema, virtualMachineXML = codec.NewSchemas(
	codec.IntField("id", func(vm *VirtualMachine) *Int { return &vm.ID }),
	codec.StringField("identifier", func(vm *VirtualMachine) *String { return &vm.Identifier }),
	codec.StringField("label", func(vm *VirtualMachine) *String { return &vm.Label }),
	codec.StringField("hostname", func(vm *VirtualMachine) *String { return &vm.Hostname }),
	codec.BoolField("booted", func(vm *VirtualMachine) *Bool { return &vm.Booted }),
	codec.BoolField("built", func(vm *VirtualMachine) *Bool { return &vm.Built }),
	codec.BoolField("locked", func(vm *VirtualMachine) *Bool { return &vm.Locked }),
	codec.BoolField("suspended", func(vm *VirtualMachine) *Bool { return &vm.Suspended }),
	codec.StringField("operating_system", func(vm *VirtualMachine) *String { return &vm.OperatingSystem }),
	codec.StringField("operating_system_distro", func(vm *VirtualMachine) *String { return &vm.OperatingSystemDistro }),
	codec.IntField("template_id", func(vm *VirtualMachine) *Int { return &vm.TemplateID }),
	codec.IntField("user_id", func(vm *VirtualMachine) *Int { return &vm.UserID }),
	codec.IntField("memory", func(vm *VirtualMachine) *Int { return &vm.Memory }),
	codec.IntField("cpus", func(vm *VirtualMachine) *Int { return &vm.CPUs }),
	codec.IntField("total_disk_size", func(vm *VirtualMachine) *Int { return &vm.TotalDiskSize }),
	codec.TimeField("created_at", func(vm *VirtualMachine) *Time { return &vm.CreatedAt }),
	codec.TimeField("updated_at", func(vm *VirtualMachine) *Time { return &vm.UpdatedAt }),
)

// diskSchema reads a Disk.
var diskSchema, diskXML = codec.NewSchemas(
	codec.IntField("id", func(k *Disk) *Int { return &k.ID }),
	codec.StringField("identifier", func(k *Disk) *String { return &k.Identifier }),
	codec.StringField("label", func(k *Disk) *String { return &k.Label }),
	codec.IntField("disk_size", func(k *Disk) *Int { return &k.DiskSize }),
	codec.BoolField("primary", func(k *Disk) *Bool { return &k.Primary }),
	codec.BoolField("is_swap", func(k *Disk) *Bool { return &k.IsSwap }),
	codec.StringField("mount_point", func(k *Disk) *String { return &k.MountPoint }),
	codec.BoolField("built", func(k *Disk) *Bool { return &k.Built }),
	codec.BoolField("locked", func(k *Disk) *Bool { return &k.Locked }),
	codec.IntField("data_store_id", func(k *Disk) *Int { return &k.DataStoreID }),
	codec.IntField("virtual_machine_id", func(k *Disk) *Int { return &k.VirtualMachineID }),
	codec.TimeField("created_at", func(k *Disk) *Time { return &k.CreatedAt }),
	codec.TimeField("updated_at", func(k *Disk) *Time { return &k.UpdatedAt }),
)
