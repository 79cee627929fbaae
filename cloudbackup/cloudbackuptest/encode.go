package cloudbackuptest

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/cloudbackup"
)

// cbrTimeLayout is how CBR writes times: microseconds, no zone (UTC).
const cbrTimeLayout = "2006-01-02T15:04:05.000000"

// appendBackup writes b as CBR does (the member set of the documented
// sample, times in CBR's layout), without reflection: the list handler
// writes 1000 of them per page. Replication records are written only when
// withReplication is set (the show_replication parameter).
func appendBackup(dst []byte, b *cloudbackup.Backup, withReplication bool) []byte {
	dst = append(dst, '{')
	dst = appendStr(dst, "provider_id", b.ProviderID, false)
	dst = appendStr(dst, "checkpoint_id", b.CheckpointID, true)
	dst = appendTime(dst, "updated_at", b.UpdatedAt)
	dst = appendStr(dst, "vault_id", b.VaultID, true)
	dst = appendStr(dst, "id", b.ID, true)
	dst = appendStr(dst, "resource_az", b.ResourceAZ, true)
	dst = appendStr(dst, "image_type", string(b.ImageType), true)
	dst = appendStr(dst, "resource_id", b.ResourceID, true)
	if v, ok := b.ResourceSize.Get(); ok {
		dst = append(dst, `,"resource_size":`...)
		dst = strconv.AppendInt(dst, v, 10)
	}
	dst = append(dst, `,"children":[`...)
	for i := range b.Children {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendBackup(dst, &b.Children[i], withReplication)
	}
	dst = append(dst, ']')
	dst = append(dst, `,"extend_info":`...)
	dst = appendExtendInfo(dst, &b.ExtendInfo)
	dst = appendStr(dst, "project_id", b.ProjectID, true)
	dst = appendStr(dst, "status", string(b.Status), true)
	dst = appendStr(dst, "resource_name", b.ResourceName, true)
	dst = appendStr(dst, "description", b.Description, true)
	dst = appendTime(dst, "expired_at", b.ExpiredAt)
	dst = append(dst, `,"replication_records":[`...)
	if withReplication {
		for i := range b.ReplicationRecords {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendReplication(dst, &b.ReplicationRecords[i])
		}
	}
	dst = append(dst, ']')
	dst = appendStr(dst, "name", b.Name, true)
	dst = appendTime(dst, "created_at", b.CreatedAt)
	dst = appendStr(dst, "resource_type", string(b.ResourceType), true)
	if b.ParentID != "" {
		dst = appendStr(dst, "parent_id", b.ParentID, true)
	}
	if b.ProtectedAt.Valid {
		dst = appendTime(dst, "protected_at", b.ProtectedAt)
	}
	if v, ok := b.EnterpriseProjectID.Get(); ok {
		dst = appendStr(dst, "enterprise_project_id", v, true)
	}
	if v, ok := b.Incremental.Get(); ok {
		dst = appendBool(dst, "incremental", v, true)
	}
	dst = appendExtra(dst, b.Extra)
	return append(dst, '}')
}

// object writes the members of a JSON object with the commas between them.
type object struct {
	b []byte
	n int
}

func (o *object) key(name string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = appendQuoted(o.b, name)
	o.b = append(o.b, ':')
}

func appendExtendInfo(dst []byte, e *cloudbackup.BackupExtendInfo) []byte {
	o := object{b: append(dst, '{')}
	for _, f := range [...]struct {
		name string
		v    cloudbackup.Bool
	}{
		{"auto_trigger", e.AutoTrigger}, {"bootable", e.Bootable}, {"incremental", e.Incremental},
		{"support_lld", e.SupportLLD}, {"contain_system_disk", e.ContainSystemDisk},
		{"encrypted", e.Encrypted}, {"system_disk", e.SystemDisk}, {"is_multi_az", e.IsMultiAZ},
	} {
		if v, ok := f.v.Get(); ok {
			o.key(f.name)
			o.b = strconv.AppendBool(o.b, v)
		}
	}
	for _, f := range [...]struct{ name, v string }{
		{"snapshot_id", e.SnapshotID}, {"supported_restore_mode", string(e.SupportedRestoreMode)},
		{"architecture", e.Architecture},
	} {
		if f.v != "" {
			o.key(f.name)
			o.b = appendQuoted(o.b, f.v)
		}
	}
	if v, ok := e.Progress.Get(); ok {
		o.key("progress")
		o.b = strconv.AppendInt(o.b, v, 10)
	}
	if len(e.OSImagesData) > 0 {
		o.key("os_images_data")
		o.b = append(o.b, '[')
		for i, img := range e.OSImagesData {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendStr(append(o.b, '{'), "image_id", img.ImageID, false)
			o.b = append(o.b, '}')
		}
		o.b = append(o.b, ']')
	}
	if a := e.AppConsistency; a != (cloudbackup.AppConsistency{}) {
		o.key("app_consistency")
		o.b = append(o.b, '{')
		o.b = appendStr(o.b, "app_consistency_error_code", a.AppConsistencyErrorCode, false)
		o.b = appendStr(o.b, "app_consistency_status", a.AppConsistencyStatus, true)
		o.b = appendStr(o.b, "app_consistency_error_message", a.AppConsistencyErrorMessage, true)
		o.b = appendStr(o.b, "app_consistency", a.AppConsistency, true)
		o.b = append(o.b, '}')
	}
	if len(e.Extra) > 0 {
		for _, k := range slices.Sorted(maps.Keys(e.Extra)) {
			o.key(k)
			o.b = append(o.b, e.Extra[k]...)
		}
	}
	return append(o.b, '}')
}

func appendReplication(dst []byte, r *cloudbackup.ReplicationRecord) []byte {
	dst = append(dst, '{')
	dst = appendStr(dst, "id", r.ID, false)
	dst = appendStr(dst, "status", string(r.Status), true)
	dst = appendTime(dst, "created_at", r.CreatedAt)
	for _, f := range []struct{ name, v string }{
		{"source_region", r.SourceRegion}, {"source_project_id", r.SourceProjectID},
		{"source_backup_id", r.SourceBackupID}, {"source_checkpoint_id", r.SourceCheckpointID},
		{"destination_region", r.DestinationRegion}, {"destination_project_id", r.DestinationProjectID},
		{"destination_backup_id", r.DestinationBackupID}, {"destination_checkpoint_id", r.DestinationCheckpointID},
		{"destination_vault_id", r.DestinationVaultID}, {"vault_id", r.VaultID},
	} {
		dst = appendStr(dst, f.name, f.v, true)
	}
	dst = append(dst, `,"extra_info":`...)
	dst = appendReplicationExtra(dst, &r.ExtraInfo)
	dst = appendExtra(dst, r.Extra)
	return append(dst, '}')
}

// appendReplicationExtra writes extra_info as an object, as Huawei's SDK
// models it (services/cbr/v1/model/model_replication_records_extra_info.go
// of huaweicloud-sdk-go-v3: progress, fail_code, fail_reason,
// auto_trigger, destination_vault_id), though the API page calls it a
// string.
func appendReplicationExtra(dst []byte, x *cloudbackup.ReplicationExtraInfo) []byte {
	o := object{b: append(dst, '{')}
	if v, ok := x.Progress.Get(); ok {
		o.key("progress")
		o.b = strconv.AppendInt(o.b, v, 10)
	}
	for _, f := range [...]struct{ name, v string }{
		{"fail_code", x.FailCode}, {"fail_reason", x.FailReason}, {"destination_vault_id", x.DestinationVaultID},
	} {
		if f.v != "" {
			o.key(f.name)
			o.b = appendQuoted(o.b, f.v)
		}
	}
	if v, ok := x.AutoTrigger.Get(); ok {
		o.key("auto_trigger")
		o.b = strconv.AppendBool(o.b, v)
	}
	for _, k := range slices.Sorted(maps.Keys(x.Extra)) {
		o.key(k)
		o.b = append(o.b, x.Extra[k]...)
	}
	return append(o.b, '}')
}

// appendExtra writes unknown members kept from input, each after a comma.
func appendExtra(dst []byte, extra map[string]cloudbackup.RawJSON) []byte {
	if len(extra) == 0 {
		return dst
	}
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		dst = append(dst, ',')
		dst = appendQuoted(dst, k)
		dst = append(dst, ':')
		dst = append(dst, extra[k]...)
	}
	return dst
}

func appendStr(dst []byte, name, v string, comma bool) []byte {
	if comma {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	dst = append(dst, `":`...)
	return appendQuoted(dst, v)
}

func appendBool(dst []byte, name string, v, comma bool) []byte {
	if comma {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	dst = append(dst, `":`...)
	return strconv.AppendBool(dst, v)
}

func appendTime(dst []byte, name string, t cloudbackup.Time) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, `":`...)
	if !t.Valid {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = t.Time.UTC().AppendFormat(dst, cbrTimeLayout)
	return append(dst, '"')
}

// appendQuoted writes s as a JSON string; plain ASCII without quotes or
// backslashes is copied as it is.
func appendQuoted(dst []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	out, err := jsontext.AppendQuote(dst, strings.ToValidUTF8(s, "\uFFFD"))
	if err != nil {
		return append(dst, `""`...)
	}
	return out
}

// cbrTime truncates t to CBR's precision (microseconds) in UTC.
func cbrTime(t time.Time) cloudbackup.Time {
	return cloudbackup.Time{Time: t.UTC().Truncate(time.Microsecond), Valid: true}
}
