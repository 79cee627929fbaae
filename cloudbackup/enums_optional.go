package cloudbackup

import "github.com/backupsdk/backupsdk/internal/codec"

// The enums are text as CBR sends it: "" when the answer did not have the
// member. Valid, Get and Or tell that absence from a value, and String
// prints it as "(absent)", as the tolerant types (Int, Bool, Time, String)
// do. Known, by contrast, reports whether a value is one the API
// documents.

// Valid reports whether the answer had a value (see Known for a documented one).
func (s BackupStatus) Valid() bool { return s != "" }

// Get returns the backup's state and whether the answer had one.
func (s BackupStatus) Get() (BackupStatus, bool) { return s, s != "" }

// Or returns the backup's state, or def when the answer had none.
func (s BackupStatus) Or(def BackupStatus) BackupStatus { return codec.EnumOr(s, def) }

// String returns the backup's state as CBR names it, or "(absent)".
func (s BackupStatus) String() string { return codec.EnumString(s) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (t ImageType) Valid() bool { return t != "" }

// Get returns the image type and whether the answer had one.
func (t ImageType) Get() (ImageType, bool) { return t, t != "" }

// Or returns the image type, or def when the answer had none.
func (t ImageType) Or(def ImageType) ImageType { return codec.EnumOr(t, def) }

// String returns the image type as CBR names it, or "(absent)".
func (t ImageType) String() string { return codec.EnumString(t) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (s MemberStatus) Valid() bool { return s != "" }

// Get returns the sharing state and whether the answer had one.
func (s MemberStatus) Get() (MemberStatus, bool) { return s, s != "" }

// Or returns the sharing state, or def when the answer had none.
func (s MemberStatus) Or(def MemberStatus) MemberStatus { return codec.EnumOr(s, def) }

// String returns the sharing state as CBR names it, or "(absent)".
func (s MemberStatus) String() string { return codec.EnumString(s) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (t OwnType) Valid() bool { return t != "" }

// Get returns the ownership and whether the answer had one.
func (t OwnType) Get() (OwnType, bool) { return t, t != "" }

// Or returns the ownership, or def when the answer had none.
func (t OwnType) Or(def OwnType) OwnType { return codec.EnumOr(t, def) }

// String returns the ownership as CBR names it, or "(absent)".
func (t OwnType) String() string { return codec.EnumString(t) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (t ResourceType) Valid() bool { return t != "" }

// Get returns the resource type and whether the answer had one.
func (t ResourceType) Get() (ResourceType, bool) { return t, t != "" }

// Or returns the resource type, or def when the answer had none.
func (t ResourceType) Or(def ResourceType) ResourceType { return codec.EnumOr(t, def) }

// String returns the resource type as CBR names it, or "(absent)".
func (t ResourceType) String() string { return codec.EnumString(t) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (m RestoreMode) Valid() bool { return m != "" }

// Get returns the restore mode and whether the answer had one.
func (m RestoreMode) Get() (RestoreMode, bool) { return m, m != "" }

// Or returns the restore mode, or def when the answer had none.
func (m RestoreMode) Or(def RestoreMode) RestoreMode { return codec.EnumOr(m, def) }

// String returns the restore mode as CBR names it, or "(absent)".
func (m RestoreMode) String() string { return codec.EnumString(m) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (s ReplicationStatus) Valid() bool { return s != "" }

// Get returns the replication's state and whether the answer had one.
func (s ReplicationStatus) Get() (ReplicationStatus, bool) { return s, s != "" }

// Or returns the replication's state, or def when the answer had none.
func (s ReplicationStatus) Or(def ReplicationStatus) ReplicationStatus { return codec.EnumOr(s, def) }

// String returns the replication's state as CBR names it, or "(absent)".
func (s ReplicationStatus) String() string { return codec.EnumString(s) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (k SortKey) Valid() bool { return k != "" }

// Get returns the sort key and whether the answer had one.
func (k SortKey) Get() (SortKey, bool) { return k, k != "" }

// Or returns the sort key, or def when the answer had none.
func (k SortKey) Or(def SortKey) SortKey { return codec.EnumOr(k, def) }

// String returns the sort key as CBR names it, or "(absent)".
func (k SortKey) String() string { return codec.EnumString(k) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (s OperationStatus) Valid() bool { return s != "" }

// Get returns the task's state and whether the answer had one.
func (s OperationStatus) Get() (OperationStatus, bool) { return s, s != "" }

// Or returns the task's state, or def when the answer had none.
func (s OperationStatus) Or(def OperationStatus) OperationStatus { return codec.EnumOr(s, def) }

// String returns the task's state as CBR names it, or "(absent)".
func (s OperationStatus) String() string { return codec.EnumString(s) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (t OperationType) Valid() bool { return t != "" }

// Get returns the task type and whether the answer had one.
func (t OperationType) Get() (OperationType, bool) { return t, t != "" }

// Or returns the task type, or def when the answer had none.
func (t OperationType) Or(def OperationType) OperationType { return codec.EnumOr(t, def) }

// String returns the task type as CBR names it, or "(absent)".
func (t OperationType) String() string { return codec.EnumString(t) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (s CheckpointStatus) Valid() bool { return s != "" }

// Get returns the checkpoint's state and whether the answer had one.
func (s CheckpointStatus) Get() (CheckpointStatus, bool) { return s, s != "" }

// Or returns the checkpoint's state, or def when the answer had none.
func (s CheckpointStatus) Or(def CheckpointStatus) CheckpointStatus { return codec.EnumOr(s, def) }

// String returns the checkpoint's state as CBR names it, or "(absent)".
func (s CheckpointStatus) String() string { return codec.EnumString(s) }

// Valid reports whether the answer had a value (see Known for a documented one).
func (s ProtectStatus) Valid() bool { return s != "" }

// Get returns the protection state and whether the answer had one.
func (s ProtectStatus) Get() (ProtectStatus, bool) { return s, s != "" }

// Or returns the protection state, or def when the answer had none.
func (s ProtectStatus) Or(def ProtectStatus) ProtectStatus { return codec.EnumOr(s, def) }

// String returns the protection state as CBR names it, or "(absent)".
func (s ProtectStatus) String() string { return codec.EnumString(s) }
