package cloudbackup

import (
	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// The types that keep unknown members in Extra marshal through
// encoding/json/v2 (codec.MarshalJSON) also when encoding/json (v1) is
// asked: v1 does not know the ",embed" of Extra and would write an
// "Extra" member instead of the kept members themselves. Each method
// marshals an alias type without the method, so that v2 does not call it
// again.

// MarshalJSON writes the backup as CBR sends it, its Extra members
// inlined.
func (b Backup) MarshalJSON() ([]byte, error) {
	type plain Backup
	return codec.MarshalJSON(plain(b))
}

// MarshalJSON writes the extended attributes, their Extra members inlined.
func (e BackupExtendInfo) MarshalJSON() ([]byte, error) {
	type plain BackupExtendInfo
	return codec.MarshalJSON(plain(e))
}

// MarshalJSON writes the record, its Extra members inlined.
func (r ReplicationRecord) MarshalJSON() ([]byte, error) {
	type plain ReplicationRecord
	return codec.MarshalJSON(plain(r))
}

// MarshalJSON writes extra_info as MarshalJSONTo does: the string it came
// as, or an object with the Extra members inlined.
func (x ReplicationExtraInfo) MarshalJSON() ([]byte, error) {
	return codec.MarshalJSON(x) // v2 prefers MarshalJSONTo
}

// MarshalJSON writes the checkpoint, its Extra members inlined.
func (cp Checkpoint) MarshalJSON() ([]byte, error) {
	type plain Checkpoint
	return codec.MarshalJSON(plain(cp))
}

// MarshalJSON writes the vault, its Extra members inlined.
func (v Vault) MarshalJSON() ([]byte, error) {
	type plain Vault
	return codec.MarshalJSON(plain(v))
}

// MarshalJSON writes the task's details, their Extra members inlined.
func (x OperationExtraInfo) MarshalJSON() ([]byte, error) {
	type plain OperationExtraInfo
	return codec.MarshalJSON(plain(x))
}

// MarshalJSONTo writes extra_info as the object Huawei's SDK models, or as
// the string it came as when that string held no object.
func (x ReplicationExtraInfo) MarshalJSONTo(enc *jsontext.Encoder) error {
	if x.fromText() {
		return enc.WriteToken(jsontext.String(x.Text))
	}
	type plain ReplicationExtraInfo // without these methods
	b, err := codec.MarshalJSON(plain(x))
	if err != nil {
		return err
	}
	return enc.WriteValue(b)
}
