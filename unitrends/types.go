package unitrends

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// Backup is one row of the backups query (POST /api/backups), of the
// status view, or one backup read by id. Every field the API documents is
// here, typed; fields the appliance may leave out, send as "n/a" or null are
// the tolerant types whose Valid is false then (and which print
// "(absent)"). Members this type does not know are kept in Extra, as
// RawJSON; encoding/json and encoding/json/v2 both write them back among
// the others, never under an "Extra" key. Both spellings of the template flag,
// "vmware_template" (the field table) and "vm_ware_template" (the sample),
// land in VMwareTemplate; when both are sent and disagree, the second
// spelling is kept in Extra.
type Backup struct {
	// ID is the backup id; absent for rows without a backup (a protected
	// client that has none yet shows as a row with status None).
	ID Int `json:"id"`
	// ClientID is the client (protected machine) of the backup; for a row
	// without a backup id, the appliance's own (DPU) client.
	ClientID Int `json:"client_id"`
	// ClientName is the name of the client.
	ClientName string `json:"client_name"`
	// Type is the pretty-printed backup type ("Full", "Differential", …).
	Type string `json:"type"`
	// StartDateTime is when the backup started, printed by the appliance in
	// its own zone without saying which; it is read in the zone set with
	// WithTimeZone, else placed by the record's start_time, else kept as
	// appliance-local time of unknown zone (see LocalTime.Zone).
	StartDateTime LocalTime `json:"start_date_time"`
	// Duration is how long the backup ran ("00:00:28" or 28 seconds).
	Duration Duration `json:"duration"`
	// Complete says whether the backup is complete.
	Complete Bool `json:"complete"`
	// Status is the backup's outcome: None, Success, Warning or Failure,
	// or, for a value no source documents (an integer among them), the
	// value as sent, for which Status.Known is false.
	Status BackupStatus `json:"status"`
	// SizeMB is the size of the backup (or vaulted backup) in MB.
	SizeMB Int `json:"size"`
	// SyncSizeMB is the size of the data synced, in MB (sync types).
	SyncSizeMB Int `json:"sync_size"`
	// Files is the number of files backed up (file-level types).
	Files Int `json:"files"`
	// Encrypted says whether the backup is encrypted.
	Encrypted Bool `json:"encrypted"`
	// IsCluster says whether the backup is of a VM managed by a Hyper-V
	// cluster client.
	IsCluster Bool `json:"is_cluster"`
	// GUID is the Hyper-V VM's GUID.
	GUID String `json:"guid"`
	// VMName is the virtual machine's name (Hyper-V and VMware types).
	VMName String `json:"vm_name"`
	// ReplicationStatus says whether the backup has been replicated.
	ReplicationStatus ReplicationStatus `json:"replication_status"`
	// Verified says whether the backup has been verified.
	Verified Bool `json:"verified"`
	// VerifyStatus says whether verification succeeded.
	VerifyStatus VerifyStatus `json:"verify_status"`
	// PresyncSeconds is the pre-sync part of a SecureSync, in seconds.
	PresyncSeconds Int `json:"presync_seconds"`
	// SyncSeconds is the sync part of a SecureSync, in seconds.
	SyncSeconds Int `json:"sync_seconds"`
	// PostsyncSeconds is the post-sync part of a SecureSync, in seconds.
	PostsyncSeconds Int `json:"postsync_seconds"`
	// SyncMessage is the output of a SecureSync; it starts with Success or
	// Failure.
	SyncMessage String `json:"sync_message"`
	// ServerInstanceName is the SQL Server or VMware instance.
	ServerInstanceName String `json:"server_instance_name"`
	// DatabaseName is the database (SQL Server), database or storage group
	// (Exchange) or virtual machine (VM types).
	DatabaseName String `json:"database_name"`
	// ServerName is the vCenter or ESX server (VM types).
	ServerName String `json:"server_name"`
	// InstanceID is the protected application instance.
	InstanceID Int `json:"instance_id"`
	// InstanceName is the protected instance's name ("file-level", …).
	InstanceName String `json:"instance_name"`
	// AppID is the application backed up (as the client's applications list it).
	AppID Int `json:"app_id"`
	// AppName is the name of that application.
	AppName String `json:"app_name"`
	// Synthesized says the appliance synthesized the backup.
	Synthesized Bool `json:"synthesized"`
	// SynthCapable says the backup can be part of a synthesis group.
	SynthCapable Bool `json:"synth_capable"`
	// DiskMetadata says the backup holds the disk layout metadata.
	DiskMetadata Bool `json:"disk_metadata"`
	// ClientConfig says the metadata suffices to create a virtual client.
	ClientConfig Bool `json:"client_config"`
	// RestoredBackupType is the backup type of a virtual restore.
	RestoredBackupType String `json:"restored_bkup_type"`
	// Replicated says the backup was replicated from another system.
	Replicated Bool `json:"replicated"`
	// Destination names the replication target (sync types).
	Destination String `json:"destination"`
	// VMwareTemplate says the backup is of a VMware template, not a VM.
	// The field table spells it vmware_template, the documented sample
	// vm_ware_template; either is read. When an answer sends both with
	// different values, VMwareTemplate holds vmware_template and the other
	// spelling stays in Extra, as sent: neither is dropped.
	VMwareTemplate Bool `json:"vmware_template,case:strict"`
	// Certified says the backup was certified as a valid recovery point.
	Certified Bool `json:"certified"`
	// Storage is where the backup is kept (may be empty if it failed).
	Storage String `json:"storage"`
	// Output is the formatted output of the backup.
	Output String `json:"output"`
	// Purgeable says the backup may be purged.
	Purgeable Bool `json:"purgeable"`
	// Last says this is the last backup of its protected asset.
	Last Bool `json:"last"`
	// LegalHold says the backup is on legal hold.
	LegalHold Bool `json:"legalhold"`
	// GFSRecoveryPointType is the GFS recovery point type (may be empty).
	GFSRecoveryPointType String `json:"gfs_rp_type"`
	// StartTime is when the backup started, as epoch seconds (newer appliances).
	StartTime Time `json:"start_time"`
	// CompleteTime is when the backup completed, as epoch seconds (newer appliances).
	CompleteTime Time `json:"complete_time"`
	// Extra holds every member this type does not know, as sent.
	Extra map[string]RawJSON `json:",embed"`

	// spelled is the template flag sent as "vm_ware_template" (the
	// sample's spelling) while the backup is read: afterDecode merges it
	// as it merges that member of Extra, which it spares a map and a copy
	// per backup. It is zero outside decoding.
	spelled spelledTemplate
}

// spelledTemplate is a pending "vm_ware_template": true or false, if sent.
type spelledTemplate struct {
	flag Bool
	sent bool
}

// templateSpelling is the documented sample's spelling of the template flag.
const templateSpelling = "vm_ware_template"

// plainBackup is Backup without its methods, for the codec.
type plainBackup Backup

// backupSchema is how the engine reads a Backup: the members of the
// struct's tags, each read as its type's UnmarshalJSON reads it, unknown
// members kept in Extra, then afterDecode.
var backupSchema = codec.NewSchema(
	codec.IntMember("id", func(b *Backup) *Int { return &b.ID }),
	codec.IntMember("client_id", func(b *Backup) *Int { return &b.ClientID }),
	codec.GoStringMember("client_name", func(b *Backup) *string { return &b.ClientName }),
	codec.GoStringMember("type", func(b *Backup) *string { return &b.Type }),
	codec.ValueMember("start_date_time", readStartDateTime),
	custom("duration", func(b *Backup) *Duration { return &b.Duration }),
	codec.BoolMember("complete", func(b *Backup) *Bool { return &b.Complete }),
	custom("status", func(b *Backup) *BackupStatus { return &b.Status }),
	codec.IntMember("size", func(b *Backup) *Int { return &b.SizeMB }),
	codec.IntMember("sync_size", func(b *Backup) *Int { return &b.SyncSizeMB }),
	codec.IntMember("files", func(b *Backup) *Int { return &b.Files }),
	codec.BoolMember("encrypted", func(b *Backup) *Bool { return &b.Encrypted }),
	codec.BoolMember("is_cluster", func(b *Backup) *Bool { return &b.IsCluster }),
	codec.StringMember("guid", func(b *Backup) *String { return &b.GUID }),
	codec.StringMember("vm_name", func(b *Backup) *String { return &b.VMName }),
	custom("replication_status", func(b *Backup) *ReplicationStatus { return &b.ReplicationStatus }),
	codec.BoolMember("verified", func(b *Backup) *Bool { return &b.Verified }),
	custom("verify_status", func(b *Backup) *VerifyStatus { return &b.VerifyStatus }),
	codec.IntMember("presync_seconds", func(b *Backup) *Int { return &b.PresyncSeconds }),
	codec.IntMember("sync_seconds", func(b *Backup) *Int { return &b.SyncSeconds }),
	codec.IntMember("postsync_seconds", func(b *Backup) *Int { return &b.PostsyncSeconds }),
	codec.StringMember("sync_message", func(b *Backup) *String { return &b.SyncMessage }),
	codec.StringMember("server_instance_name", func(b *Backup) *String { return &b.ServerInstanceName }),
	codec.StringMember("database_name", func(b *Backup) *String { return &b.DatabaseName }),
	codec.StringMember("server_name", func(b *Backup) *String { return &b.ServerName }),
	codec.IntMember("instance_id", func(b *Backup) *Int { return &b.InstanceID }),
	codec.StringMember("instance_name", func(b *Backup) *String { return &b.InstanceName }),
	codec.IntMember("app_id", func(b *Backup) *Int { return &b.AppID }),
	codec.StringMember("app_name", func(b *Backup) *String { return &b.AppName }),
	codec.BoolMember("synthesized", func(b *Backup) *Bool { return &b.Synthesized }),
	codec.BoolMember("synth_capable", func(b *Backup) *Bool { return &b.SynthCapable }),
	codec.BoolMember("disk_metadata", func(b *Backup) *Bool { return &b.DiskMetadata }),
	codec.BoolMember("client_config", func(b *Backup) *Bool { return &b.ClientConfig }),
	codec.StringMember("restored_bkup_type", func(b *Backup) *String { return &b.RestoredBackupType }),
	codec.BoolMember("replicated", func(b *Backup) *Bool { return &b.Replicated }),
	codec.StringMember("destination", func(b *Backup) *String { return &b.Destination }),
	codec.BoolMember("vmware_template", func(b *Backup) *Bool { return &b.VMwareTemplate }).Strict(),
	codec.ValueMember(templateSpelling, readTemplateSpelling).Strict(),
	codec.BoolMember("certified", func(b *Backup) *Bool { return &b.Certified }),
	codec.StringMember("storage", func(b *Backup) *String { return &b.Storage }),
	codec.StringMember("output", func(b *Backup) *String { return &b.Output }),
	codec.BoolMember("purgeable", func(b *Backup) *Bool { return &b.Purgeable }),
	codec.BoolMember("last", func(b *Backup) *Bool { return &b.Last }),
	codec.BoolMember("legalhold", func(b *Backup) *Bool { return &b.LegalHold }),
	codec.StringMember("gfs_rp_type", func(b *Backup) *String { return &b.GFSRecoveryPointType }),
	codec.TimeMember("start_time", func(b *Backup) *Time { return &b.StartTime }),
	codec.TimeMember("complete_time", func(b *Backup) *Time { return &b.CompleteTime }),
).KeepUnknown(func(b *Backup) *map[string]RawJSON { return &b.Extra }).After((*Backup).afterDecode)

// readStartDateTime reads start_date_time as LocalTime.UnmarshalJSON does;
// the appliance's own m/d/Y text, the usual case, is read in place and
// kept among the document's strings (codec.Decoder.String) rather than in
// an allocation of its own.
func readStartDateTime(d *codec.Decoder, b *Backup, raw []byte) error {
	if inner, ok := plainLiteral(raw); ok {
		// The conversion does not escape: no allocation.
		if t, ok := parseApplianceTime(string(inner), time.UTC); ok {
			b.StartDateTime = LocalTime{Time: t, Valid: true, Text: d.String(inner)}
			return nil
		}
	}
	return b.StartDateTime.UnmarshalJSON(raw)
}

// custom reads a member of one of this package's own types as its
// UnmarshalJSON reads it (what json/v2 does through UnmarshalJSONFrom).
func custom[V any, P interface {
	*V
	UnmarshalJSON([]byte) error
}](name string, f func(*Backup) *V) codec.Member[Backup] {
	return codec.UnmarshalerMember[Backup, V, P](name, f)
}

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler:
// it reads the next value as UnmarshalJSON does.
func (b *Backup) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return fromDecoder(dec, b.UnmarshalJSON)
}

// MarshalJSON writes the backup as encoding/json/v2 does, with the members
// of Extra among the others (not under an "Extra" key), also when
// encoding/json (v1) calls it.
func (b Backup) MarshalJSON() ([]byte, error) { return codec.MarshalJSON(plainBackup(b)) }

// UnmarshalJSON reads one backup with the SDK's tolerant codec and drops
// "n/a" placeholders from text fields.
func (b *Backup) UnmarshalJSON(data []byte) error {
	v, err := codec.DecodeObject(validUTF8(data), backupSchema, codec.Limits{})
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// afterDecode applies what the schema cannot express: placeholders dropped,
// the template flag's spellings merged.
func (b *Backup) afterDecode() {
	b.dropPlaceholders()
	b.mergeTemplateSpellings()
}

// readTemplateSpelling reads "vm_ware_template" as the member of Extra it
// would otherwise be: a plain true or false is held in b.spelled until
// afterDecode, anything else goes to Extra as sent; the last one sent
// counts.
func readTemplateSpelling(_ *codec.Decoder, b *Backup, raw []byte) error {
	if t := string(raw) == "true"; t || string(raw) == "false" {
		b.spelled = spelledTemplate{flag: codec.NewBool(t), sent: true}
		delete(b.Extra, templateSpelling)
		return nil
	}
	b.spelled = spelledTemplate{}
	if b.Extra == nil {
		b.Extra = make(map[string]RawJSON)
	}
	b.Extra[templateSpelling] = append(RawJSON(nil), raw...)
	return nil
}

// mergeTemplateSpellings moves the template flag sent under another
// spelling ("vm_ware_template", or another case) from Extra into
// VMwareTemplate when that is absent, or when both say the same; a
// different value stays in Extra, so that neither is lost.
func (b *Backup) mergeTemplateSpellings() {
	if s := b.spelled; s.sent {
		b.spelled = spelledTemplate{}
		if len(b.Extra) == 0 && (!b.VMwareTemplate.Valid || b.VMwareTemplate == s.flag) {
			b.VMwareTemplate, b.Extra = s.flag, nil // the sample's case: nothing else to merge
			return
		}
		if b.Extra == nil {
			b.Extra = make(map[string]RawJSON, 1)
		}
		b.Extra[templateSpelling] = strconv.AppendBool(nil, s.flag.Bool)
	}
	switch len(b.Extra) {
	case 0:
		b.Extra = nil
		return
	case 1: // the usual case (the sample's vm_ware_template): no sorting
		for name, raw := range b.Extra {
			b.mergeTemplateSpelling(name, raw)
		}
	default:
		for _, name := range slices.Sorted(maps.Keys(b.Extra)) { // sorted: the same result every time
			b.mergeTemplateSpelling(name, b.Extra[name])
		}
	}
	if len(b.Extra) == 0 {
		b.Extra = nil
	}
}

// mergeTemplateSpelling merges the member name of Extra into
// VMwareTemplate when it spells the template flag (see
// mergeTemplateSpellings).
func (b *Backup) mergeTemplateSpelling(name string, raw RawJSON) {
	if !isTemplateSpelling(name) {
		return
	}
	var v Bool
	if v.UnmarshalJSON(raw) != nil {
		return // not a flag: kept as sent
	}
	if !b.VMwareTemplate.Valid {
		b.VMwareTemplate = v
	} else if v != b.VMwareTemplate {
		return
	}
	delete(b.Extra, name)
}

// isTemplateSpelling reports foldName(name) == "vmwaretemplate", without
// allocating for an ASCII name.
func isTemplateSpelling(name string) bool {
	const want = "vmwaretemplate"
	j := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= utf8.RuneSelf:
			return foldName(name) == want
		case c == '_' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if j == len(want) || want[j] != c {
			return false
		}
		j++
	}
	return j == len(want)
}

func (b *Backup) dropPlaceholders() {
	if isPlaceholder(b.ClientName) {
		b.ClientName = ""
	}
	if isPlaceholder(b.Type) {
		b.Type = ""
	}
	for _, s := range []*String{
		&b.GUID, &b.VMName, &b.SyncMessage, &b.ServerInstanceName, &b.DatabaseName,
		&b.ServerName, &b.InstanceName, &b.AppName, &b.RestoredBackupType, &b.Destination,
		&b.Storage, &b.Output, &b.GFSRecoveryPointType,
	} {
		if s.Valid && isPlaceholder(s.Value) {
			*s = String{}
		}
	}
}

// validUTF8 replaces invalid UTF-8 (which JSON can hold only inside
// strings) with U+FFFD, so that what was decoded can be encoded again:
// one per invalid byte, as json/v2 reads it (a system named "\xff\xff" is
// "\uFFFD\uFFFD" whether its name is read from the whole answer or not).
func validUTF8(data []byte) []byte {
	if utf8.Valid(data) {
		return data
	}
	out := make([]byte, 0, len(data)+8)
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, data[:n]...)
		}
		data = data[n:]
	}
	return out
}

// inZone re-reads the appliance-local times in loc; with no loc, the
// record's epoch start_time, when it has one, tells their offset.
func (b *Backup) inZone(loc *time.Location) error {
	t, err := b.StartDateTime.In(loc)
	if err != nil {
		return err
	}
	if loc == nil && b.StartTime.Valid {
		t = t.fromRecord(b.StartTime.Time)
	}
	b.StartDateTime = t
	return nil
}

// backupsInZone re-reads the appliance-local times of out in loc.
func backupsInZone(out []Backup, loc *time.Location) ([]Backup, error) {
	for i := range out {
		if err := out[i].inZone(loc); err != nil {
			return nil, fmt.Errorf("backup %d: start_date_time: %w", i, err)
		}
	}
	return out, nil
}

// Finished returns when the backup ended: CompleteTime when the appliance
// sent it, else StartDateTime plus Duration.
func (b *Backup) Finished() (time.Time, bool) {
	if b.CompleteTime.Valid {
		return b.CompleteTime.Time, true
	}
	if b.StartDateTime.Valid && b.Duration.Valid {
		return b.StartDateTime.Time.Add(b.Duration.Duration), true
	}
	return time.Time{}, false
}

// isPlaceholder reports text that stands for "no value".
func isPlaceholder(s string) bool {
	// Text that begins and ends with a printable ASCII byte has no space
	// to trim; unless three or four bytes long, it is not "n/a" or "null"
	// in any case (no other rune folds to their letters).
	if n := len(s); n > 0 && n != 3 && n != 4 && ' ' < s[0] && s[0] < utf8.RuneSelf && ' ' < s[n-1] && s[n-1] < utf8.RuneSelf {
		return false
	}
	s = strings.TrimSpace(s)
	return s == "" || strings.EqualFold(s, "n/a") || strings.EqualFold(s, "null")
}

// System is one system (appliance) this appliance manages, from
// GET /api/systems. The fields are those appliances send; others are kept
// in Extra.
type System struct {
	// ID is the system id (the sid of other calls).
	ID Int `json:"id"`
	// Name is the system's name.
	Name string `json:"name"`
	// Host is its host name or address.
	Host String `json:"host"`
	// Role is its role ("Managed", "Replication Target", …).
	Role String `json:"role"`
	// Version is its software version.
	Version String `json:"version"`
	// Local says this is the appliance answering.
	Local Bool `json:"local"`
	// Online says the system is reachable.
	Online Bool `json:"online"`
	// Status is its status text.
	Status String `json:"status"`
	// AssetTag is its asset tag.
	AssetTag String `json:"asset_tag"`
	// TotalMBSize is the size of its backup storage, in MB.
	TotalMBSize Int `json:"total_mb_size"`
	// TotalMBFree is the free part of its backup storage, in MB.
	TotalMBFree Int `json:"total_mb_free"`
	// Extra holds every member this type does not know, as sent.
	Extra map[string]RawJSON `json:",embed"`
}

// plainSystem is System without its methods, for the codec.
type plainSystem System

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler:
// it reads the next value as UnmarshalJSON does.
func (s *System) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return fromDecoder(dec, s.UnmarshalJSON)
}

// MarshalJSON writes the system as encoding/json/v2 does, with the members
// of Extra among the others (not under an "Extra" key), also when
// encoding/json (v1) calls it.
func (s System) MarshalJSON() ([]byte, error) { return codec.MarshalJSON(plainSystem(s)) }

// fromDecoder reads the decoder's next value and hands it to a type's
// UnmarshalJSON, so that both encoders read a value the same way.
func fromDecoder(dec *jsontext.Decoder, unmarshal func([]byte) error) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return unmarshal(v)
}

// UnmarshalJSON reads one system with the SDK's tolerant codec.
func (s *System) UnmarshalJSON(data []byte) error {
	v, err := codec.DecodeObject(validUTF8(data), systemSchema, codec.Limits{})
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// systemSchema is how the engine reads a System: the members of the
// struct's tags, unknown members kept in Extra.
var systemSchema = codec.NewSchema(
	codec.IntMember("id", func(s *System) *Int { return &s.ID }),
	codec.GoStringMember("name", func(s *System) *string { return &s.Name }),
	codec.StringMember("host", func(s *System) *String { return &s.Host }),
	codec.StringMember("role", func(s *System) *String { return &s.Role }),
	codec.StringMember("version", func(s *System) *String { return &s.Version }),
	codec.BoolMember("local", func(s *System) *Bool { return &s.Local }),
	codec.BoolMember("online", func(s *System) *Bool { return &s.Online }),
	codec.StringMember("status", func(s *System) *String { return &s.Status }),
	codec.StringMember("asset_tag", func(s *System) *String { return &s.AssetTag }),
	codec.IntMember("total_mb_size", func(s *System) *Int { return &s.TotalMBSize }),
	codec.IntMember("total_mb_free", func(s *System) *Int { return &s.TotalMBFree }),
).KeepUnknown(func(s *System) *map[string]RawJSON { return &s.Extra })

// StatusEntry is one row of the status view (GET /api/backups/).
type StatusEntry struct {
	// System is the name of the system the appliance grouped the row
	// under, or "" when the view was one flat list.
	System string `json:"system,omitzero"`
	// Backup is the row.
	Backup Backup `json:"backup"`
}

// LocalTime is a time the appliance prints as text in its own zone without
// naming it ("10/14/2014 09:32 am", "10/14/2014 09:32:05 am"), or sends as
// epoch seconds or a dated text with a zone. Valid is false when it was
// absent, null, "" or "n/a". Text is the text as sent (empty for a number).
//
// The Unitrends API says nowhere which zone an appliance prints its times
// in: neither the API wiki (github.com/Unitrends/unitrends-api-doc) nor the
// community clients (agonzalezm/unitrends-pstoolkit, wyre-technology's
// node client) show a call that tells it. Zone therefore says what Time
// rests on:
//
//   - ZoneUnknown: the text named no zone and nothing else told it. Time
//     holds the appliance's wall clock labelled UTC: it is appliance-local
//     time, off from the real instant by the appliance's UTC offset. Show
//     it as appliance time, never as UTC; set WithTimeZone to fix it.
//   - ZoneFromRecord: the text named no zone, but the same record carries
//     the start as epoch seconds (start_time, newer appliances), so the
//     appliance's offset at that time is known: Time is that instant, in a
//     fixed zone of that offset.
//   - ZoneConfigured: the text was read in the zone of WithTimeZone. DST is
//     then DSTGap for a wall clock that does not exist in that zone (the
//     hour skipped in spring; Time is what time.Date makes of it, an hour
//     off) or DSTOverlap for one that exists twice (the hour repeated in
//     autumn; Time is the first of the two): the instant is uncertain.
//   - ZoneInValue: the value was an instant (epoch seconds, or a text with
//     a zone); it is exact.
type LocalTime struct {
	Time  time.Time    // the time; see Zone for what it rests on
	Valid bool         // false when absent
	Text  string       // the text as sent ("" for a number)
	Zone  ZoneSource   // what Time's zone rests on
	DST   DSTAmbiguity // for ZoneConfigured: a wall clock in a DST gap or overlap
}

// ZoneSource tells what the zone of a LocalTime rests on (see LocalTime).
type ZoneSource int

// The sources of a LocalTime's zone.
const (
	// ZoneUnknown: appliance-local wall clock, zone not known.
	ZoneUnknown ZoneSource = iota
	// ZoneConfigured: read in the zone given with WithTimeZone.
	ZoneConfigured
	// ZoneFromRecord: the offset follows from the record's epoch start_time.
	ZoneFromRecord
	// ZoneInValue: the value itself was an instant.
	ZoneInValue
)

// String names the source: "unknown", "configured", "record" or "value".
func (z ZoneSource) String() string {
	switch z {
	case ZoneConfigured:
		return "configured"
	case ZoneFromRecord:
		return "record"
	case ZoneInValue:
		return "value"
	}
	return "unknown"
}

// DSTAmbiguity flags a wall clock time that a daylight saving change makes
// impossible or ambiguous in the configured zone.
type DSTAmbiguity string

// The DST flags of a LocalTime.
const (
	// DSTGap is a wall clock time the zone skips (clocks go forward).
	DSTGap DSTAmbiguity = "gap"
	// DSTOverlap is a wall clock time the zone has twice (clocks go back).
	DSTOverlap DSTAmbiguity = "overlap"
)

// Get returns the time and whether it was present.
func (t LocalTime) Get() (time.Time, bool) { return t.Time, t.Valid }

// Or returns the time, or def when it is absent.
func (t LocalTime) Or(def time.Time) time.Time {
	if t.Valid {
		return t.Time
	}
	return def
}

// IsZero reports whether the time is absent; `omitzero` uses it.
func (t LocalTime) IsZero() bool { return !t.Valid }

// String returns the time in RFC 3339, or "(absent)". A time whose zone is
// unknown (ZoneUnknown) is written without an offset
// ("2014-10-14T09:32:00"), as the appliance's wall clock it is, never as
// UTC.
func (t LocalTime) String() string {
	if !t.Valid {
		return codec.Absent
	}
	if t.Zone == ZoneUnknown && t.Text != "" {
		return t.Time.Format(wallClockLayout)
	}
	return t.Time.Format(time.RFC3339Nano)
}

// wallClockLayout writes a time without its offset.
const wallClockLayout = "2006-01-02T15:04:05.999999999"

// Instant returns the time as a point in time, and whether that point is
// certain: false when the zone is unknown or the wall clock falls into a
// DST gap or overlap (Time is then only the appliance's wall clock, or one
// of its readings).
func (t LocalTime) Instant() (time.Time, bool) {
	return t.Time, t.Valid && t.Zone != ZoneUnknown && t.DST == ""
}

// In returns the time re-read in loc: a text without a zone is taken as
// loc's wall clock (Zone ZoneConfigured, DST flagged); epoch seconds and
// texts with a zone keep their instant (shown in loc). A nil loc means the
// zone is unknown: the wall clock is kept, labelled UTC (ZoneUnknown). The
// Client does this with the zone of WithTimeZone.
func (t LocalTime) In(loc *time.Location) (LocalTime, error) {
	if !t.Valid {
		return t, nil
	}
	show := loc
	if show == nil {
		show = time.UTC
	}
	t.DST = ""
	if t.Text == "" {
		t.Time, t.Zone = t.Time.In(show), ZoneInValue
		return t, nil
	}
	// The appliance's own shapes name no zone; other texts may.
	wall, ok := parseApplianceTime(t.Text, time.UTC)
	if !ok {
		var err error
		if wall, err = parseLocal(t.Text, time.UTC); err != nil {
			return t, err
		}
		if textHasZone(t.Text, wall) {
			t.Time, t.Zone = wall.In(show), ZoneInValue
			return t, nil
		}
	}
	if loc == nil {
		t.Time, t.Zone = wall, ZoneUnknown
		return t, nil
	}
	v, err := parseLocal(t.Text, loc)
	if err != nil {
		return t, err
	}
	t.Time, t.Zone, t.DST = v, ZoneConfigured, dstAmbiguity(v, wall, loc)
	return t, nil
}

// textHasZone reports whether text names its instant: read in another
// zone, it gives the same instant as wall (read in UTC).
func textHasZone(text string, wall time.Time) bool {
	if _, ok := parseApplianceTime(text, time.UTC); ok {
		return false // the appliance's own shapes name no zone
	}
	other, err := parseLocal(text, recordZones[(14*60+5*60+30)/15]) // +05:30
	return err == nil && other.Equal(wall)
}

// dstAmbiguity tells whether the wall clock of wall (read in UTC) falls
// into a gap of loc (v, what time.Date made of it, shows another wall
// clock) or an overlap (another offset of loc nearby gives the same wall
// clock at another instant).
func dstAmbiguity(v, wall time.Time, loc *time.Location) DSTAmbiguity {
	if !sameWallClock(v, wall) {
		return DSTGap
	}
	_, off := v.Zone()
	for _, probe := range []time.Duration{-3 * time.Hour, 3 * time.Hour} {
		_, other := v.Add(probe).Zone()
		if other == off {
			continue
		}
		alt := v.Add(time.Duration(off-other) * time.Second).In(loc)
		if !alt.Equal(v) && sameWallClock(alt, wall) {
			return DSTOverlap
		}
	}
	return ""
}

func sameWallClock(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd && a.Hour() == b.Hour() && a.Minute() == b.Minute() && a.Second() == b.Second()
}

// fromRecord places a wall clock of unknown zone at the instant epoch of
// the same event, when the two differ by a plausible UTC offset (a whole
// quarter hour within ±14h, the text's missing seconds allowed for).
func (t LocalTime) fromRecord(epoch time.Time) LocalTime {
	if !t.Valid || t.Zone != ZoneUnknown {
		return t
	}
	diff := t.Time.Sub(epoch)
	const quarter = 15 * time.Minute
	off := diff.Round(quarter)
	if off < -14*time.Hour || off > 14*time.Hour || (diff-off).Abs() > time.Minute {
		return t
	}
	t.Time = epoch.In(recordZones[(off+14*time.Hour)/quarter])
	t.Zone = ZoneFromRecord
	return t
}

// recordZones are the fixed zones fromRecord places times in, one per
// quarter hour from -14:00 to +14:00, made once rather than per backup.
// They are never changed.
var recordZones = func() (z [113]*time.Location) {
	for i := range z {
		z[i] = time.FixedZone("", (i-56)*15*60)
	}
	return z
}()

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler:
// it reads the next value as UnmarshalJSON does.
func (t *LocalTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return fromDecoder(dec, t.UnmarshalJSON)
}

// UnmarshalJSON reads a text in any layout codec.ParseTime knows (the
// appliance's m/d/Y h:i a and m/d/Y h:i:s a among them) as wall clock of an
// unknown zone, or a number as epoch seconds.
func (t *LocalTime) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] != '"' {
		var ct codec.Time
		if err := ct.UnmarshalJSON(data); err != nil {
			return err
		}
		*t = LocalTime{Time: ct.Time, Valid: ct.Valid, Zone: ZoneInValue}
		return nil
	}
	s, err := jsonText(data)
	if err != nil {
		return err
	}
	s = strings.TrimSpace(s)
	if isPlaceholder(s) {
		*t = LocalTime{}
		return nil
	}
	v, err := parseLocal(s, time.UTC)
	if err != nil {
		return err
	}
	*t = LocalTime{Time: v, Valid: true, Text: s}
	return nil
}

// MarshalJSON writes an RFC 3339 string, or null when absent. A time whose
// zone is unknown is written without an offset ("2014-10-14T09:32:00"), as
// the appliance's local time it is, never as UTC.
func (t LocalTime) MarshalJSON() ([]byte, error) {
	if !t.Valid {
		return []byte("null"), nil
	}
	if t.Zone == ZoneUnknown && t.Text != "" {
		return strconv.AppendQuote(nil, t.Time.Format(wallClockLayout)), nil
	}
	return strconv.AppendQuote(nil, t.Time.Format(time.RFC3339Nano)), nil
}

// Duration is how long something ran, which appliances send as "00:00:28"
// (h:mm:ss, also m:ss, with optional fractions) or as a number of seconds
// (also in a string). Valid is false when it was absent, null, "" or "n/a".
type Duration struct {
	Duration time.Duration // the duration, to the millisecond
	Valid    bool          // false when absent
}

// Get returns the duration and whether it was present.
func (d Duration) Get() (time.Duration, bool) { return d.Duration, d.Valid }

// Or returns the duration, or def when it is absent.
func (d Duration) Or(def time.Duration) time.Duration {
	if d.Valid {
		return d.Duration
	}
	return def
}

// IsZero reports whether the duration is absent; `omitzero` uses it.
func (d Duration) IsZero() bool { return !d.Valid }

// String returns the duration as time.Duration prints it ("28s"), or
// "(absent)".
func (d Duration) String() string {
	if !d.Valid {
		return codec.Absent
	}
	return d.Duration.String()
}

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler:
// it reads the next value as UnmarshalJSON does.
func (d *Duration) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return fromDecoder(dec, d.UnmarshalJSON)
}

// UnmarshalJSON reads "00:00:28", 28, "28" or 28.5.
func (d *Duration) UnmarshalJSON(data []byte) error {
	if inner, ok := plainLiteral(data); ok {
		// The usual h:mm:ss, read without making a string of it (the
		// conversion does not escape): what the general code below gives.
		if v, ok := clockDuration(string(inner)); ok {
			*d = Duration{Duration: v, Valid: true}
			return nil
		}
	}
	data = bytes.TrimSpace(data)
	var s string
	switch {
	case len(data) == 0:
		return fmt.Errorf("cannot read an empty value as a duration")
	case data[0] == '"':
		text, err := jsonText(data)
		if err != nil {
			return err
		}
		s = text
	case string(data) == "null":
		*d = Duration{}
		return nil
	case data[0] == '-' || (data[0] >= '0' && data[0] <= '9'):
		s = string(data)
	default:
		return fmt.Errorf("cannot read %s as a duration", clip(string(data)))
	}
	s = strings.TrimSpace(s)
	if isPlaceholder(s) {
		*d = Duration{}
		return nil
	}
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration{Duration: v, Valid: true}
	return nil
}

// MarshalJSON writes the duration as a number of seconds, or null.
func (d Duration) MarshalJSON() ([]byte, error) {
	if !d.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, d.Duration.Seconds(), 'f', -1, 64), nil
}

// maxDurationSeconds keeps durations inside time.Duration.
const maxDurationSeconds = float64(math.MaxInt64 / int64(time.Second))

// parseDuration reads seconds ("28", "28.5") or h:mm:ss / m:ss.
func parseDuration(s string) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("cannot read %q as a duration (want h:mm:ss or seconds)", clip(s))
	}
	if !strings.Contains(s, ":") {
		return seconds(s, bad)
	}
	if d, ok := clockDuration(s); ok {
		return d, nil
	}
	return parseClock(s, bad)
}

// parseClock reads h:mm:ss or m:ss, each part a decimal, fractions only in
// the last.
func parseClock(s string, bad func() (time.Duration, error)) (time.Duration, error) {
	if strings.Count(s, ":") > 2 {
		return bad()
	}
	var total float64
	for i, rest := 0, s; ; i++ {
		p, after, more := strings.Cut(rest, ":")
		p = strings.TrimSpace(p)
		if !isDecimal(p) || (more && strings.Contains(p, ".")) {
			return bad()
		}
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return bad()
		}
		if i > 0 && v >= 60 {
			return bad()
		}
		total = total*60 + v
		if !more {
			break
		}
		rest = after
	}
	if total > maxDurationSeconds {
		return bad()
	}
	return time.Duration(total * float64(time.Second)).Round(time.Millisecond), nil
}

func seconds(s string, bad func() (time.Duration, error)) (time.Duration, error) {
	if !isDecimal(s) {
		return bad()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) || v > maxDurationSeconds {
		return bad()
	}
	return time.Duration(v * float64(time.Second)).Round(time.Millisecond), nil
}

// isDecimal reports digits with at most one '.', and at least one digit.
func isDecimal(s string) bool {
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// BackupStatus is a backup's outcome. Only the spellings a source
// documents are mapped to the constants below:
//
//   - "None", "Success", "Warning", "Failure": the post_backups page of the
//     Unitrends API wiki (github.com/Unitrends/unitrends-api-doc), whose
//     sample sends "Success";
//   - "Successful" and "Failed": the notes on real appliances
//     (shared/notes/unitrends.md), the backup statuses of Unitrends' MSP
//     public API (Successful, Warning, Failed, InProgress, Unknown) and the
//     community PowerShell toolkit (agonzalezm/unitrends-pstoolkit), which
//     tests for 'Success' and 'Failed'.
//
// Any case is accepted. Some appliances send an integer instead; no source
// says which number means what, so an integer is never guessed at: it is
// kept as sent ("3"), and Known reports false, as for any other word
// ("Queued", "InProgress"). A caller who judges backups must treat an
// unknown status as neither a success nor a failure. An absent one ("",
// "n/a", null) is "": Valid reports false and String prints "(absent)".
type BackupStatus string

// The documented backup statuses.
const (
	BackupStatusNone    BackupStatus = "None"
	BackupStatusSuccess BackupStatus = "Success"
	BackupStatusWarning BackupStatus = "Warning"
	BackupStatusFailure BackupStatus = "Failure"
)

// ParseBackupStatus maps a documented spelling to its BackupStatus; other
// text is kept as sent (trimmed), see BackupStatus.
func ParseBackupStatus(s string) BackupStatus {
	var buf [32]byte
	if st, ok := backupStatusOf(foldStatus(buf[:0], s)); ok {
		return st
	}
	return BackupStatus(strings.TrimSpace(s))
}

// backupStatusOf maps a folded spelling (see foldStatus) to its status:
// only the spellings BackupStatus names.
func backupStatusOf(folded []byte) (BackupStatus, bool) {
	switch string(folded) {
	case "":
		return "", true
	case "none":
		return BackupStatusNone, true
	case "success", "successful":
		return BackupStatusSuccess, true
	case "warning":
		return BackupStatusWarning, true
	case "failure", "failed":
		return BackupStatusFailure, true
	}
	return "", false
}

// Code returns the integer an appliance sent as the status, which no
// source maps to an outcome; ok is false for a word or an absent status.
func (s BackupStatus) Code() (code int64, ok bool) {
	n, err := strconv.ParseInt(string(s), 10, 64)
	return n, err == nil
}

// Known reports whether s is one of the documented statuses.
func (s BackupStatus) Known() bool {
	switch s {
	case BackupStatusNone, BackupStatusSuccess, BackupStatusWarning, BackupStatusFailure:
		return true
	}
	return false
}

// Valid reports whether the appliance sent a status ("", null and
// placeholders such as "n/a" are absent).
func (s BackupStatus) Valid() bool { return s != "" }

// Get returns the status and whether it was present.
func (s BackupStatus) Get() (BackupStatus, bool) { return s, s != "" }

// Or returns the status, or def when it is absent.
func (s BackupStatus) Or(def BackupStatus) BackupStatus { return codec.EnumOr(s, def) }

// String returns the status as mapped or sent, or "(absent)".
func (s BackupStatus) String() string { return codec.EnumString(s) }

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler:
// it reads the next value as UnmarshalJSON does.
func (s *BackupStatus) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return fromDecoder(dec, s.UnmarshalJSON)
}

// UnmarshalJSON reads a status string or integer in any spelling.
func (s *BackupStatus) UnmarshalJSON(data []byte) error {
	switch string(data) { // the documented spellings, as sent, at once
	case `"Success"`:
		*s = BackupStatusSuccess
		return nil
	case `"Failure"`:
		*s = BackupStatusFailure
		return nil
	case `"Warning"`:
		*s = BackupStatusWarning
		return nil
	}
	if inner, ok := plainLiteral(data); ok {
		var buf [32]byte
		if st, ok := backupStatusOf(foldStatus(buf[:0], string(inner))); ok {
			*s = st
			return nil
		}
	}
	text, err := statusText(data, "backup status")
	if err != nil {
		return err
	}
	*s = ParseBackupStatus(text)
	return nil
}

// ReplicationStatus says whether a backup has been replicated. Spellings
// are mapped to the constants ("in_progress" to In Progress, …); "N/A" and
// other placeholders are absent (""), while the spelled-out "Not
// Applicable" is ReplicationNotApplicable.
type ReplicationStatus string

// The documented replication statuses.
const (
	ReplicationNotApplicable ReplicationStatus = "Not Applicable"
	ReplicationNeeded        ReplicationStatus = "Needed"
	ReplicationCompleted     ReplicationStatus = "Completed"
	ReplicationInProgress    ReplicationStatus = "In Progress"
	ReplicationWaiting       ReplicationStatus = "Waiting"
)

// ParseReplicationStatus maps any spelling appliances use to a
// ReplicationStatus.
func ParseReplicationStatus(s string) ReplicationStatus {
	var buf [32]byte
	if st, ok := replicationStatusOf(foldStatus(buf[:0], s)); ok {
		return st
	}
	return ReplicationStatus(strings.TrimSpace(s))
}

// replicationStatusOf maps a folded spelling (see foldStatus) to its
// status.
func replicationStatusOf(folded []byte) (ReplicationStatus, bool) {
	switch string(folded) {
	case "":
		return "", true
	case "notapplicable":
		return ReplicationNotApplicable, true
	case "needed", "required", "pending":
		return ReplicationNeeded, true
	case "completed", "complete", "replicated", "done":
		return ReplicationCompleted, true
	case "inprogress", "running", "replicating":
		return ReplicationInProgress, true
	case "waiting", "queued":
		return ReplicationWaiting, true
	}
	return "", false
}

// Known reports whether s is one of the documented statuses.
func (s ReplicationStatus) Known() bool {
	switch s {
	case ReplicationNotApplicable, ReplicationNeeded, ReplicationCompleted, ReplicationInProgress, ReplicationWaiting:
		return true
	}
	return false
}

// Valid reports whether the appliance sent a status ("", null and
// placeholders such as "n/a" are absent).
func (s ReplicationStatus) Valid() bool { return s != "" }

// Get returns the status and whether it was present.
func (s ReplicationStatus) Get() (ReplicationStatus, bool) { return s, s != "" }

// Or returns the status, or def when it is absent.
func (s ReplicationStatus) Or(def ReplicationStatus) ReplicationStatus { return codec.EnumOr(s, def) }

// String returns the status as mapped or sent, or "(absent)".
func (s ReplicationStatus) String() string { return codec.EnumString(s) }

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler:
// it reads the next value as UnmarshalJSON does.
func (s *ReplicationStatus) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return fromDecoder(dec, s.UnmarshalJSON)
}

// UnmarshalJSON reads a replication status in any spelling.
func (s *ReplicationStatus) UnmarshalJSON(data []byte) error {
	switch string(data) { // the usual spellings, as sent, at once
	case `"N/A"`, `"n/a"`, `""`, `null`:
		*s = ""
		return nil
	case `"Completed"`:
		*s = ReplicationCompleted
		return nil
	}
	if inner, ok := plainLiteral(data); ok {
		var buf [32]byte
		if st, ok := replicationStatusOf(foldStatus(buf[:0], string(inner))); ok {
			*s = st
			return nil
		}
	}
	text, err := statusText(data, "replication status")
	if err != nil {
		return err
	}
	*s = ParseReplicationStatus(text)
	return nil
}

// VerifyStatus says whether a backup was verified successfully. The
// documented "Successful" and "Failed" are also sent as "Success" (as in
// the documented sample) and "Failure"; "N/A" is absent ("").
type VerifyStatus string

// The documented verification statuses.
const (
	VerifyNotApplicable VerifyStatus = "Not Applicable"
	VerifySuccessful    VerifyStatus = "Successful"
	VerifyFailed        VerifyStatus = "Failed"
)

// ParseVerifyStatus maps any spelling appliances use to a VerifyStatus.
func ParseVerifyStatus(s string) VerifyStatus {
	var buf [32]byte
	if st, ok := verifyStatusOf(foldStatus(buf[:0], s)); ok {
		return st
	}
	return VerifyStatus(strings.TrimSpace(s))
}

// verifyStatusOf maps a folded spelling (see foldStatus) to its status.
func verifyStatusOf(folded []byte) (VerifyStatus, bool) {
	switch string(folded) {
	case "":
		return "", true
	case "notapplicable":
		return VerifyNotApplicable, true
	case "successful", "success", "succeeded", "verified", "ok":
		return VerifySuccessful, true
	case "failed", "failure", "fail", "error":
		return VerifyFailed, true
	}
	return "", false
}

// Known reports whether s is one of the documented statuses.
func (s VerifyStatus) Known() bool {
	switch s {
	case VerifyNotApplicable, VerifySuccessful, VerifyFailed:
		return true
	}
	return false
}

// Valid reports whether the appliance sent a status ("", null and
// placeholders such as "n/a" are absent).
func (s VerifyStatus) Valid() bool { return s != "" }

// Get returns the status and whether it was present.
func (s VerifyStatus) Get() (VerifyStatus, bool) { return s, s != "" }

// Or returns the status, or def when it is absent.
func (s VerifyStatus) Or(def VerifyStatus) VerifyStatus { return codec.EnumOr(s, def) }

// String returns the status as mapped or sent, or "(absent)".
func (s VerifyStatus) String() string { return codec.EnumString(s) }

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler:
// it reads the next value as UnmarshalJSON does.
func (s *VerifyStatus) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return fromDecoder(dec, s.UnmarshalJSON)
}

// UnmarshalJSON reads a verification status in any spelling.
func (s *VerifyStatus) UnmarshalJSON(data []byte) error {
	switch string(data) { // the usual spellings, as sent, at once
	case `"Success"`, `"Successful"`:
		*s = VerifySuccessful
		return nil
	case `"N/A"`, `"n/a"`, `""`, `null`:
		*s = ""
		return nil
	}
	if inner, ok := plainLiteral(data); ok {
		var buf [32]byte
		if st, ok := verifyStatusOf(foldStatus(buf[:0], string(inner))); ok {
			*s = st
			return nil
		}
	}
	text, err := statusText(data, "verify status")
	if err != nil {
		return err
	}
	*s = ParseVerifyStatus(text)
	return nil
}

// foldStatus lower-cases s and drops spaces, '_' and '-', so that "In
// Progress", "in_progress" and "InProgress" compare equal. Placeholders
// fold to "". It appends to dst, so that a caller's buffer on the stack
// saves an allocation.
func foldStatus(dst []byte, s string) []byte {
	if isPlaceholder(s) {
		return dst
	}
	s = strings.TrimSpace(s)
	i := 0
	for ; i < len(s) && s[i] < utf8.RuneSelf; i++ { // ASCII, the usual case
		switch c := s[i]; {
		case c == ' ' || c == '_' || c == '-' || c == '\t':
		case 'A' <= c && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		default:
			dst = append(dst, c)
		}
	}
	for _, r := range s[i:] {
		switch r {
		case ' ', '_', '-', '\t':
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// statusText returns a JSON string's text or a number's digits; null is "".
func statusText(data []byte, what string) (string, error) {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return "", fmt.Errorf("cannot read an empty value as a %s", what)
	case data[0] == '"':
		return jsonText(data)
	case string(data) == "null":
		return "", nil
	case data[0] == '-' || (data[0] >= '0' && data[0] <= '9'):
		var n Int
		if err := n.UnmarshalJSON(data); err != nil {
			return "", err
		}
		return strconv.FormatInt(n.Int64, 10), nil
	}
	return "", fmt.Errorf("cannot read %s as a %s", clip(string(data)), what)
}

// The appliance's own text shapes, read without the general code's
// allocations (FuzzFastScalars checks each against it).

// jsonText returns the text of the JSON string literal data (as a
// decoder checked it): without an unquoting decoder when the literal holds
// no escape and only valid UTF-8, else through the codec.
func jsonText(data []byte) (string, error) {
	if inner, ok := plainLiteral(data); ok {
		return string(inner), nil
	}
	var s string
	err := codec.UnmarshalJSON(data, &s)
	return s, err
}

// plainLiteral returns the text between the quotes of a JSON string
// literal (white space around it allowed) that needs no unquoting: no
// escape, no control character, valid UTF-8. ok is false for anything
// else.
func plainLiteral(data []byte) (inner []byte, ok bool) {
	if len(data) == 0 || data[0] != '"' {
		data = bytes.TrimSpace(data)
	}
	n := len(data)
	if n < 2 || data[0] != '"' || data[n-1] != '"' {
		return nil, false
	}
	inner = data[1 : n-1]
	ascii := true
	for _, c := range inner {
		if c < 0x20 || c == '"' || c == '\\' {
			return nil, false
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	return inner, ascii || utf8.Valid(inner)
}

// clockDuration reads the usual h:mm:ss and m:ss of whole seconds (each
// part 1 to 6 digits, later parts below 60) exactly as parseDuration's
// general code reads them, without its float arithmetic. ok is false for
// anything else.
func clockDuration(s string) (d time.Duration, ok bool) {
	var total int64
	for i := 0; ; i++ {
		if i == 3 {
			return 0, false
		}
		n := 0
		var v int64
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			v = v*10 + int64(s[n]-'0')
			n++
		}
		if n == 0 || n > 6 || (i > 0 && v >= 60) {
			return 0, false
		}
		total = total*60 + v
		s = s[n:]
		if s == "" {
			return time.Duration(total) * time.Second, i > 0
		}
		if s[0] != ':' {
			return 0, false
		}
		s = s[1:]
	}
}

// parseLocal reads a time the appliance printed, in loc when the text
// names no zone: the appliance's own m/d/Y layouts directly, anything else
// through codec.ParseTime.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if t, ok := parseApplianceTime(s, loc); ok {
		return t, nil
	}
	return codec.ParseTime(s, loc)
}

// parseApplianceTime reads exactly the shapes appliances print,
//
//	M/D/YYYY h:mm[:ss] am|pm (any case)   M/D/YYYY H:mm[:ss]
//
// (month, day and hour of one or two digits, single spaces), in loc, as
// time.ParseInLocation reads them with codec.ParseTime's layouts. ok is
// false for anything else, including an impossible date.
func parseApplianceTime(s string, loc *time.Location) (t time.Time, ok bool) {
	month, s, ok1 := num12(s)
	s, ok2 := cut(s, '/')
	day, s, ok3 := num12(s)
	s, ok4 := cut(s, '/')
	if !(ok1 && ok2 && ok3 && ok4) || len(s) < 4 {
		return time.Time{}, false
	}
	year, okY := codec.Digits(s[:4])
	s, ok5 := cut(s[4:], ' ')
	hour, s, ok6 := num12(s)
	s, ok7 := cut(s, ':')
	if !(okY && ok5 && ok6 && ok7) || len(s) < 2 {
		return time.Time{}, false
	}
	minute, okM := codec.Digits(s[:2])
	s = s[2:]
	sec := 0
	if len(s) > 0 && s[0] == ':' {
		if len(s) < 3 {
			return time.Time{}, false
		}
		var okS bool
		if sec, okS = codec.Digits(s[1:3]); !okS {
			return time.Time{}, false
		}
		s = s[3:]
	}
	switch {
	case s == "":
		if hour > 23 {
			return time.Time{}, false
		}
	case len(s) == 3 && s[0] == ' ' && (s[2] == 'm' || s[2] == 'M'):
		if hour > 12 {
			return time.Time{}, false
		}
		switch s[1] {
		case 'a', 'A':
			if hour == 12 {
				hour = 0
			}
		case 'p', 'P':
			if hour < 12 {
				hour += 12
			}
		default:
			return time.Time{}, false
		}
	default:
		return time.Time{}, false
	}
	if !okM || month < 1 || month > 12 || day < 1 || day > codec.DaysInMonth(month, year) || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc), true
}

// num12 reads one or two digits, as time.Parse reads "1", "2" and "3".
func num12(s string) (int, string, bool) {
	if len(s) == 0 || s[0] < '0' || s[0] > '9' {
		return 0, s, false
	}
	if len(s) == 1 || s[1] < '0' || s[1] > '9' {
		return int(s[0] - '0'), s[1:], true
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), s[2:], true
}

func cut(s string, sep byte) (string, bool) {
	if len(s) == 0 || s[0] != sep {
		return s, false
	}
	return s[1:], true
}
