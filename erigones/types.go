package erigones

import (
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// BackupStatus is the state of one backup (the API's "status" number).
type BackupStatus int

// Backup states.
const (
	// BackupStatusOK is a complete, restorable backup.
	BackupStatusOK BackupStatus = 1
	// BackupStatusPending is a backup being created or deleted.
	BackupStatusPending BackupStatus = 2
	// BackupStatusRestore is a backup being restored.
	BackupStatusRestore BackupStatus = 3
	// BackupStatusLost is a backup whose data is gone from the backup node.
	BackupStatusLost BackupStatus = 4
)

// Valid reports whether the server reported a status (0 is none: the
// member was null or absent).
func (s BackupStatus) Valid() bool { return s != 0 }

// Get returns the status and whether the server reported one (a status of
// 0 is none: the member was null or absent).
func (s BackupStatus) Get() (BackupStatus, bool) { return s, s != 0 }

// Or returns the status, or def when the server reported none.
func (s BackupStatus) Or(def BackupStatus) BackupStatus {
	if s == 0 {
		return def
	}
	return s
}

// String returns the API's name: "ok", "pending", "restore" or "lost";
// "(absent)" when the server reported none.
func (s BackupStatus) String() string {
	switch s {
	case 0:
		return codec.Absent
	case BackupStatusOK:
		return "ok"
	case BackupStatusPending:
		return "pending"
	case BackupStatusRestore:
		return "restore"
	case BackupStatusLost:
		return "lost"
	}
	return "BackupStatus(" + strconv.Itoa(int(s)) + ")"
}

// UnmarshalJSONFrom reads the number, also when sent as a numeric string;
// null leaves the zero value (unknown).
func (s *BackupStatus) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return unmarshalEnum(dec, (*int)(s))
}

// BackupType says how a backup is stored (the API's "type" number).
type BackupType int

// Backup types.
const (
	// BackupTypeDataset stores the backup as a ZFS dataset on the backup node.
	BackupTypeDataset BackupType = 1
	// BackupTypeFile stores the backup as a (possibly compressed) file.
	BackupTypeFile BackupType = 2
)

// Valid reports whether the server reported a type (0 is none).
func (t BackupType) Valid() bool { return t != 0 }

// Get returns the type and whether the server reported one (old servers
// send none: 0).
func (t BackupType) Get() (BackupType, bool) { return t, t != 0 }

// Or returns the type, or def when the server reported none; old servers
// had dataset backups only, so Or(BackupTypeDataset) is their type.
func (t BackupType) Or(def BackupType) BackupType {
	if t == 0 {
		return def
	}
	return t
}

// String returns "dataset" or "file"; "(absent)" when the server reported
// none.
func (t BackupType) String() string {
	switch t {
	case 0:
		return codec.Absent
	case BackupTypeDataset:
		return "dataset"
	case BackupTypeFile:
		return "file"
	}
	return "BackupType(" + strconv.Itoa(int(t)) + ")"
}

// UnmarshalJSONFrom reads the number, also when sent as a numeric string;
// null or absent leaves 0 (not reported: old servers only had dataset backups).
func (t *BackupType) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return unmarshalEnum(dec, (*int)(t))
}

// Compression is the compression algorithm of file backups.
type Compression int

// Compression algorithms.
const (
	CompressionNone  Compression = 0
	CompressionGzip  Compression = 1
	CompressionBzip2 Compression = 2
	CompressionXZ    Compression = 3
)

// String returns "none", "gzip", "bzip2" or "xz".
func (c Compression) String() string {
	switch c {
	case CompressionNone:
		return "none"
	case CompressionGzip:
		return "gzip"
	case CompressionBzip2:
		return "bzip2"
	case CompressionXZ:
		return "xz"
	}
	return "Compression(" + strconv.Itoa(int(c)) + ")"
}

// UnmarshalJSONFrom reads the number, also when sent as a numeric string;
// null or absent leaves CompressionNone (servers without the field did not compress).
func (c *Compression) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return unmarshalEnum(dec, (*int)(c))
}

func unmarshalEnum(dec *jsontext.Decoder, dst *int) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return readEnum(raw, dst)
}

// readEnum reads an enumeration's number from its raw JSON value, as
// UnmarshalJSONFrom does: the one reader of the engine's members and of
// json/v2's reflection.
func readEnum(raw []byte, dst *int) error {
	if n, ok := plainDigits(raw); ok {
		*dst = n // the usual plain number, without strconv's string
		return nil
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil && int64(int(n)) == n {
		*dst = int(n) // a plain number, read without the codec's allocation
		return nil
	}
	var v codec.Int
	if err := v.UnmarshalJSON(raw); err != nil {
		return err
	}
	n := v.Or(0)
	if int64(int(n)) != n {
		return &codec.ScalarError{Want: "integer", Value: strconv.FormatInt(n, 10)}
	}
	*dst = int(n)
	return nil
}

// plainDigits reads 1 to 18 decimal digits (what strconv.ParseInt reads
// the same, without overflow).
func plainDigits(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// enumMember reads member name, one of the enumerations above, with readEnum.
func enumMember[T any](name string, f func(*T) *int) codec.Member[T] {
	return codec.FieldMember(name, f, func(_ *codec.Decoder, dst *int, raw []byte) error { return readEnum(raw, dst) })
}

// BackupDefinition is a VM disk's backup definition and schedule. Lists with
// full or extended output and single-definition calls return it.
type BackupDefinition struct {
	// Hostname is the VM's hostname.
	Hostname string `json:"hostname"`
	// VMUUID is the VM's uuid (not sent by old servers).
	VMUUID String `json:"vm_uuid"`
	// DC is the VM's virtual datacenter (not sent by old servers).
	DC String `json:"dc"`
	// Name is the definition name (1–8 characters).
	Name string `json:"name"`
	// DiskID is the disk number, from 1 (a number or numeric text; absent
	// when not sent).
	DiskID Int `json:"disk_id"`
	// Type is dataset or file (0 when the server does not report it).
	Type BackupType `json:"type"`
	// Node is the backup node's hostname (its color for non-admin users).
	Node String `json:"node"`
	// Zpool is the storage pool used on the backup node.
	Zpool String `json:"zpool"`
	// Desc is the description (up to 128 characters).
	Desc String `json:"desc"`
	// Bwlimit is the transfer rate limit in bytes per second; absent (null) means no limit.
	Bwlimit Int `json:"bwlimit"`
	// Active says whether the schedule runs (absent when not sent).
	Active Bool `json:"active"`
	// Schedule is the UTC cron schedule, such as "0 4 * * *".
	Schedule String `json:"schedule"`
	// Retention is the number of backups kept (absent when not sent).
	Retention Int `json:"retention"`
	// Compression is the file backup compression.
	Compression Compression `json:"compression"`
	// Fsfreeze says whether the filesystem is frozen through the QEMU guest
	// agent first (absent when not sent).
	Fsfreeze Bool `json:"fsfreeze"`
	// Backups is the number of backups made from this definition; only with extended output.
	Backups Int `json:"backups"`
}

// Backup is one backup of a VM disk. Lists with full output and
// single-backup calls return it.
type Backup struct {
	// Hostname is the original VM hostname.
	Hostname string `json:"hostname"`
	// VMUUID is the VM's uuid; absent when the VM no longer exists.
	VMUUID String `json:"vm_uuid"`
	// VM is the VM's current hostname; absent (null) when the VM was deleted.
	VM String `json:"vm"`
	// DC is the virtual datacenter; sent only by node-side lists.
	DC String `json:"dc"`
	// Define is the name of the backup definition; absent when it was deleted.
	Define String `json:"define"`
	// Name is the backup name, such as "daily-20131014_133701" (1–24 characters).
	Name string `json:"name"`
	// DiskID is the original disk number, from 1 (a number or numeric
	// text; absent when not sent).
	DiskID Int `json:"disk_id"`
	// Type is dataset or file (0 when the server does not report it).
	Type BackupType `json:"type"`
	// Node is the backup node's hostname (its color for non-admin users).
	Node String `json:"node"`
	// Zpool is the storage pool on the backup node.
	Zpool String `json:"zpool"`
	// Created is when the backup was started.
	Created Time `json:"created"`
	// Status is OK, pending, restore or lost.
	Status BackupStatus `json:"status"`
	// Size is the backup's size in bytes; absent while pending.
	Size Int `json:"size"`
	// Time is how many seconds the backup took; absent while pending.
	Time Int `json:"time"`
	// FilePath is where the backup lies on the backup node ("" while pending).
	FilePath String `json:"file_path"`
	// Note is the user's comment (up to 128 characters).
	Note String `json:"note"`
}

// definitionSchema is how the engine reads a BackupDefinition: the members
// of the struct's tags, each read as json/v2 reads its field; other members
// are skipped.
var definitionSchema = codec.NewSchema(
	codec.GoStringMember("hostname", func(d *BackupDefinition) *string { return &d.Hostname }),
	codec.StringMember("vm_uuid", func(d *BackupDefinition) *String { return &d.VMUUID }),
	codec.StringMember("dc", func(d *BackupDefinition) *String { return &d.DC }),
	codec.GoStringMember("name", func(d *BackupDefinition) *string { return &d.Name }),
	codec.IntMember("disk_id", func(d *BackupDefinition) *Int { return &d.DiskID }),
	enumMember("type", func(d *BackupDefinition) *int { return (*int)(&d.Type) }),
	codec.StringMember("node", func(d *BackupDefinition) *String { return &d.Node }),
	codec.StringMember("zpool", func(d *BackupDefinition) *String { return &d.Zpool }),
	codec.StringMember("desc", func(d *BackupDefinition) *String { return &d.Desc }),
	codec.IntMember("bwlimit", func(d *BackupDefinition) *Int { return &d.Bwlimit }),
	codec.BoolMember("active", func(d *BackupDefinition) *Bool { return &d.Active }),
	codec.StringMember("schedule", func(d *BackupDefinition) *String { return &d.Schedule }),
	codec.IntMember("retention", func(d *BackupDefinition) *Int { return &d.Retention }),
	enumMember("compression", func(d *BackupDefinition) *int { return (*int)(&d.Compression) }),
	codec.BoolMember("fsfreeze", func(d *BackupDefinition) *Bool { return &d.Fsfreeze }),
	codec.IntMember("backups", func(d *BackupDefinition) *Int { return &d.Backups }),
)

// backupSchema is how the engine reads a Backup: the members of the
// struct's tags, each read as json/v2 reads its field; other members are
// skipped.
var backupSchema = codec.NewSchema(
	codec.GoStringMember("hostname", func(b *Backup) *string { return &b.Hostname }),
	codec.StringMember("vm_uuid", func(b *Backup) *String { return &b.VMUUID }),
	codec.StringMember("vm", func(b *Backup) *String { return &b.VM }),
	codec.StringMember("dc", func(b *Backup) *String { return &b.DC }),
	codec.StringMember("define", func(b *Backup) *String { return &b.Define }),
	codec.UniqueGoStringMember("name", func(b *Backup) *string { return &b.Name }), // differs in every backup
	codec.IntMember("disk_id", func(b *Backup) *Int { return &b.DiskID }),
	enumMember("type", func(b *Backup) *int { return (*int)(&b.Type) }),
	codec.StringMember("node", func(b *Backup) *String { return &b.Node }),
	codec.StringMember("zpool", func(b *Backup) *String { return &b.Zpool }),
	codec.TimeMember("created", func(b *Backup) *Time { return &b.Created }),
	enumMember("status", func(b *Backup) *int { return (*int)(&b.Status) }),
	codec.IntMember("size", func(b *Backup) *Int { return &b.Size }),
	codec.IntMember("time", func(b *Backup) *Int { return &b.Time }),
	codec.UniqueStringMember("file_path", func(b *Backup) *String { return &b.FilePath }), // holds the name
	codec.StringMember("note", func(b *Backup) *String { return &b.Note }),
)

// OK reports whether the backup is complete and restorable.
func (b *Backup) OK() bool { return b.Status == BackupStatusOK }

// Duration returns how long the backup took, when the server reported it.
func (b *Backup) Duration() (time.Duration, bool) {
	s, ok := b.Time.Get()
	return time.Duration(s) * time.Second, ok
}
