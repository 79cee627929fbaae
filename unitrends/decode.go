package unitrends

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// Members that hold a list, by call, in the order they are looked for.
var (
	backupListKeys = []string{"backups", "data"}
	statusListKeys = []string{"BackupStatus", "backups", "data"}
	systemListKeys = []string{"systems", "appliance", "appliances", "data"}
)

// DecodeBackups reads the answer of the backups query (POST /api/backups)
// in any of the shapes appliances send: {"backups": […]} (the
// documentation), {"data": […]} (newer appliances) or a bare array. Times
// printed without a zone are read in loc; nil means the zone is unknown
// (see LocalTime). An empty body,
// null or {} is an empty list; an object with neither member, or malformed
// JSON, is an error that says where the body went wrong.
func DecodeBackups(data []byte, loc *time.Location) ([]Backup, error) {
	list, _, err := readBackupsAnswer(data)
	if err != nil {
		return nil, err
	}
	return backupsInZone(list, loc)
}

// readBackupsAnswer reads a backups answer in one pass. clean reports that
// the body holds no member errorInBody reads (nor a non-ASCII name, whose
// matching is left to the codec), so that Query need not look for an
// error in it again.
func readBackupsAnswer(data []byte) (list []Backup, clean bool, err error) {
	data = validUTF8(bytes.TrimSpace(data))
	if len(data) == 0 || string(data) == "null" {
		return []Backup{}, true, nil
	}
	switch data[0] {
	case '[':
		list, err := decodeBackupArray(data)
		return list, true, err
	case '{':
	default:
		return nil, true, fmt.Errorf("want a JSON object or array, body starts %q", clip(string(data)))
	}
	// The list members are decoded where they stand; which one answers is
	// settled at the end, as listValue settles it.
	type candidate struct {
		list []Backup // nil for null
		err  error
	}
	lists := map[string]candidate{}
	var names []string
	clean = true
	err = codec.DecodeMembers(data, codec.Limits{}, func(d *codec.Decoder, name []byte) error {
		n := string(name)
		names = append(names, n)
		if mayReportError(n) {
			clean = false
		}
		if !isListKey(n) {
			return d.SkipValue()
		}
		var c candidate
		if c.err = codec.DecodeListFrom(d, backupSchema, &c.list); c.err != nil && codec.Fatal(c.err) {
			return c.err
		}
		lists[n] = c
		return nil
	})
	if err != nil {
		return nil, clean, err
	}
	if len(names) == 0 {
		return []Backup{}, clean, nil
	}
	for _, k := range backupListKeys {
		if n, ok := pickName(lists, k); ok {
			c := lists[n]
			if c.err != nil {
				return nil, clean, c.err
			}
			if c.list == nil {
				c.list = []Backup{}
			}
			return c.list, clean, nil
		}
	}
	return nil, clean, fmt.Errorf("the answer has no %s member (members: %s)", quoteList(backupListKeys), memberNames(names))
}

// pickName finds key among the names of m as lookupName does.
func pickName[V any](m map[string]V, key string) (string, bool) {
	if _, ok := m[key]; ok {
		return key, true
	}
	want := foldName(key)
	for _, n := range slices.Sorted(maps.Keys(m)) {
		if foldName(n) == want {
			return n, true
		}
	}
	return "", false
}

// isListKey reports whether name matches a list member of the backups
// query as lookupName matches them.
func isListKey(name string) bool {
	for _, k := range backupListKeys {
		if foldName(name) == foldName(k) {
			return true
		}
	}
	return false
}

// mayReportError reports whether a member name is one errorInBody reads
// (errorBody's fields, matched as the codec matches names: ignoring case,
// '_' and '-'), or a non-ASCII name, whose matching is left to the codec.
func mayReportError(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return true
		}
	}
	switch foldName(name) {
	case "result", "status", "error", "message":
		return true
	}
	return false
}

// decodeBackupArray reads a JSON array of backups (null is none) with the
// engine.
func decodeBackupArray(data []byte) ([]Backup, error) {
	list, err := codec.DecodeList(validUTF8(data), backupSchema, codec.Limits{})
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []Backup{}
	}
	return list, nil
}

func decodeBackupList(raw jsontext.Value, loc *time.Location) ([]Backup, error) {
	if raw == nil {
		return []Backup{}, nil
	}
	list, err := decodeBackupArray(raw)
	if err != nil {
		return nil, err
	}
	return backupsInZone(list, loc)
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
	return nil, fmt.Errorf("the answer has no %s member (members: %s)", quoteList(keys), memberNames(slices.Collect(maps.Keys(m))))
}

// lookupName finds key in m the way the codec matches names: exactly, else
// ignoring case, '_' and '-'.
func lookupName(m map[string]jsontext.Value, key string) (jsontext.Value, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	want := foldName(key)
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names) // deterministic when two spellings are present
	for _, k := range names {
		if foldName(k) == want {
			return m[k], true
		}
	}
	return nil, false
}

func foldName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

func quoteList(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, " or ")
}

func memberNames(names []string) string {
	names = slices.Compact(slices.Sorted(slices.Values(names)))
	if len(names) > 8 {
		names = append(names[:8], "…")
	}
	return strings.Join(names, ", ")
}

// errNoBackup reports an answer to a read by id that holds no backup.
var errNoBackup = errors.New("the answer holds no backup")

// decodeOneBackup reads the answer of GET /api/backups/<id>/: a list in any
// of the query's shapes (its entry with the id, else its first), an object
// {"backup": {…}}, or the backup object itself.
func decodeOneBackup(data []byte, id int64, loc *time.Location) (*Backup, error) {
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
		for _, k := range append([]string{"backup"}, backupListKeys...) {
			if v, ok := lookupName(m, k); ok {
				one = v
				break
			}
		}
		if kind(one) == '{' {
			var b Backup
			if err := codec.UnmarshalJSON(one, &b); err != nil {
				return nil, err
			}
			return &b, b.inZone(loc)
		}
		list = one
	}
	if kind(list) == 'n' {
		return nil, errNoBackup
	}
	bs, err := decodeBackupList(list, loc)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, errNoBackup
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

// decodeStatus reads the status view: {"BackupStatus": […]} (or the list
// members of the query), a bare array, or an object keyed by system name
// whose values are such lists. Grouped rows come out ordered by system name,
// each group in the appliance's order.
func decodeStatus(data []byte, loc *time.Location) ([]StatusEntry, error) {
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
		return appendEntries(out, "", raw, loc)
	}
	var m map[string]jsontext.Value
	if err := codec.UnmarshalJSON(data, &m); err != nil {
		return nil, err
	}
	for _, k := range statusListKeys {
		if v, ok := lookupName(m, k); ok {
			return appendEntries(out, "", v, loc)
		}
	}
	systems := make([]string, 0, len(m))
	for k := range m {
		systems = append(systems, k)
	}
	slices.Sort(systems)
	for _, sys := range systems {
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
		if out, err = appendEntries(out, sys, v, loc); err != nil {
			return nil, fmt.Errorf("system %q: %w", sys, err)
		}
	}
	return out, nil
}

func appendEntries(out []StatusEntry, system string, raw jsontext.Value, loc *time.Location) ([]StatusEntry, error) {
	if kind(raw) == 'n' {
		return out, nil
	}
	bs, err := decodeBackupList(raw, loc)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		out = append(out, StatusEntry{System: system, Backup: b})
	}
	return out, nil
}

// decodeSystems reads GET /api/systems: {"systems": […]}, {"appliance":
// […]}, {"data": […]} or a bare array.
func decodeSystems(data []byte) ([]System, error) {
	raw, err := listValue(data, systemListKeys)
	if err != nil {
		return nil, err
	}
	out := []System{}
	if raw == nil {
		return out, nil
	}
	if err := codec.UnmarshalJSON(raw, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []System{}
	}
	return out, nil
}
