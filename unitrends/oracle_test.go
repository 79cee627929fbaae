package unitrends

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// The oracle of the engine's decoding: json/v2 with the codec's options
// into the same shapes, as the package decoded them before the engine (a
// map of the answer's members, then the list, each backup into the plain
// struct, then afterDecode). FuzzDecodeBackupsAgainstOracle and
// FuzzDecodeOtherAnswersAgainstOracle hold the engine to it.

// oracleBackup is a Backup read by json/v2 through reflection.
type oracleBackup Backup

func (b *oracleBackup) UnmarshalJSON(data []byte) error {
	var p plainBackup
	if err := codec.UnmarshalJSON(validUTF8(data), &p); err != nil {
		return err
	}
	*b = oracleBackup(p)
	(*Backup)(b).afterDecode()
	return nil
}

// oracleSystem is a System read by json/v2 through reflection.
type oracleSystem System

func (s *oracleSystem) UnmarshalJSON(data []byte) error {
	var p plainSystem
	if err := codec.UnmarshalJSON(validUTF8(data), &p); err != nil {
		return err
	}
	*s = oracleSystem(p)
	return nil
}

// oracleDecodeBackups is DecodeBackups as json/v2 reads it.
func oracleDecodeBackups(data []byte, loc *time.Location) ([]Backup, error) {
	raw, err := listValue(data, backupListKeys)
	if err != nil {
		return nil, err
	}
	return oracleBackupList(raw, loc)
}

// oracleBackupList reads a JSON array of backups (nil: none) as json/v2
// reads it.
func oracleBackupList(raw jsontext.Value, loc *time.Location) ([]Backup, error) {
	out := []oracleBackup{}
	if raw != nil {
		if err := codec.UnmarshalJSON(raw, &out); err != nil {
			return nil, err
		}
	}
	list := make([]Backup, len(out))
	for i := range out {
		list[i] = Backup(out[i])
	}
	return backupsInZone(list, loc)
}

// listValue finds the array of a list answer: the body itself, or the
// first of keys (matched ignoring case, '_' and '-') in an object. It
// returns nil for an empty body, null, {} or a null member.
func listValue(data []byte, keys []string) (jsontext.Value, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return nil, nil
	}
	switch data[0] {
	case '[':
		return jsontext.Value(data), nil
	case '{':
	default:
		return nil, fmt.Errorf("want a JSON object or array, body starts %q", clip(string(data)))
	}
	var m map[string]jsontext.Value
	if err := codec.UnmarshalJSON(data, &m); err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, nil
	}
	for _, k := range keys {
		if v, ok := lookupName(m, k); ok {
			if kind(v) == 'n' { // null
				return nil, nil
			}
			return v, nil
		}
	}
	return nil, errNoMember(keys, slices.Collect(maps.Keys(m)))
}

// lookupName finds key in m the way the codec matches names: exactly, else
// ignoring case, '_' and '-'.
func lookupName(m map[string]jsontext.Value, key string) (jsontext.Value, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	want := foldName(key)
	for _, k := range slices.Sorted(maps.Keys(m)) { // deterministic when two spellings are present
		if foldName(k) == want {
			return m[k], true
		}
	}
	return nil, false
}

// oracleDecodeOneBackup is decodeOneBackup as json/v2 reads it.
func oracleDecodeOneBackup(data []byte, id int64, loc *time.Location) (*Backup, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return nil, errNoBackup
	}
	list := jsontext.Value(data)
	if data[0] == '{' {
		var m map[string]jsontext.Value
		if err := codec.UnmarshalJSON(data, &m); err != nil {
			return nil, err
		}
		one := jsontext.Value(data) // the object is the backup itself
		for _, k := range oneBackupKeys {
			if v, ok := lookupName(m, k); ok {
				one = v
				break
			}
		}
		if kind(one) == '{' {
			var b Backup
			if err := codec.UnmarshalJSON(one, (*oracleBackup)(&b)); err != nil {
				return nil, err
			}
			return &b, b.inZone(loc)
		}
		list = one
	}
	if kind(list) == 'n' {
		return nil, errNoBackup
	}
	bs, err := oracleBackupList(list, loc)
	if err != nil {
		return nil, err
	}
	for i := range bs {
		if n, ok := bs[i].ID.Get(); ok && n == id {
			return &bs[i], nil
		}
	}
	if len(bs) == 1 && !bs[0].ID.Valid {
		return &bs[0], nil // a one-row answer that does not repeat the id
	}
	return nil, errNoBackup
}

// oracleDecodeStatus is decodeStatus as json/v2 reads it.
func oracleDecodeStatus(data []byte, loc *time.Location) ([]StatusEntry, error) {
	data = bytes.TrimSpace(data)
	out := []StatusEntry{}
	if len(data) == 0 || string(data) == "null" {
		return out, nil
	}
	if data[0] != '{' {
		raw, err := listValue(data, statusListKeys)
		if err != nil {
			return nil, err
		}
		return oracleAppendEntries(out, "", raw, loc)
	}
	var m map[string]jsontext.Value
	if err := codec.UnmarshalJSON(data, &m); err != nil {
		return nil, err
	}
	for _, k := range statusListKeys {
		if v, ok := lookupName(m, k); ok {
			return oracleAppendEntries(out, "", v, loc)
		}
	}
	for _, sys := range slices.Sorted(maps.Keys(m)) {
		v := m[sys]
		switch kind(v) {
		case '[', 'n':
		case '{':
			inner, err := listValue(v, statusListKeys)
			if err != nil {
				return nil, fmt.Errorf("system %q: %w", sys, err)
			}
			v = inner
		default:
			return nil, fmt.Errorf("system %q: want a list of backups, got %s", sys, clip(string(v)))
		}
		var err error
		if out, err = oracleAppendEntries(out, sys, v, loc); err != nil {
			return nil, fmt.Errorf("system %q: %w", sys, err)
		}
	}
	return out, nil
}

func oracleAppendEntries(out []StatusEntry, system string, raw jsontext.Value, loc *time.Location) ([]StatusEntry, error) {
	if kind(raw) == 'n' {
		return out, nil
	}
	bs, err := oracleBackupList(raw, loc)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		out = append(out, StatusEntry{System: system, Backup: b})
	}
	return out, nil
}

// oracleDecodeSystems is decodeSystems as json/v2 reads it.
func oracleDecodeSystems(data []byte) ([]System, error) {
	raw, err := listValue(data, systemListKeys)
	if err != nil {
		return nil, err
	}
	out := []oracleSystem{}
	if raw != nil {
		if err := codec.UnmarshalJSON(raw, &out); err != nil {
			return nil, err
		}
	}
	list := make([]System, len(out))
	for i := range out {
		list[i] = System(out[i])
	}
	return list, nil
}
