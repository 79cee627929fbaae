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

	"github.com/backupsdk/backupsdk/internal/codec"
)

// The answers' envelopes are read in one pass by the engine: each member
// that may hold the answer is decoded where it stands, and which one
// answers is settled once the object is read (the first of the call's
// keys, matched as the codec matches names; a name sent twice counts once,
// with its last value). oracle_test.go keeps the reading through maps of
// raw members this replaced; the fuzz tests hold the two together.

// Members that hold the answer, by call, in the order they are looked for.
var (
	backupListKeys = []string{"backups", "data"}
	statusListKeys = []string{"BackupStatus", "backups", "data"}
	systemListKeys = []string{"systems", "appliance", "appliances", "data"}
	oneBackupKeys  = []string{"backup", "backups", "data"}
)

// DecodeBackups reads the answer of the backups query (POST /api/backups)
// in any of the shapes appliances send: {"backups": […]} (the
// documentation), {"data": […]} (newer appliances) or a bare array. Times
// printed without a zone are read in loc; nil means the zone is unknown
// (see LocalTime). An empty body, null or {} is an empty list; an object
// with neither member, or malformed JSON, is an error that says where the
// body went wrong.
func DecodeBackups(data []byte, loc *time.Location) ([]Backup, error) {
	list, _, err := readBackupsAnswer(data)
	if err != nil {
		return nil, err
	}
	return backupsInZone(list, loc)
}

// readBackupsAnswer reads a backups answer. clean reports that the body
// holds no member errorInBody reads (nor a non-ASCII name, whose matching
// is left to the codec), so that Query need not look for an error in it
// again.
func readBackupsAnswer(data []byte) (list []Backup, clean bool, err error) {
	var m members[listOf[Backup]]
	list, err = readListAnswer(data, backupSchema, backupListKeys, &m)
	return list, !slices.ContainsFunc(m.names, mayReportError), err
}

// readListAnswer reads the answer of a list call with m: the body itself
// an array, or the list under the first of keys in an object. An empty
// body, null, {} or a null member is an empty list.
func readListAnswer[T any](data []byte, s *codec.Schema[T], keys []string, m *members[listOf[T]]) ([]T, error) {
	data = validUTF8(bytes.TrimSpace(data))
	var list []T
	var err error
	switch {
	case len(data) == 0 || string(data) == "null":
	case data[0] == '[':
		list, err = codec.DecodeList(data, s, codec.Limits{})
	case data[0] == '{':
		if m == nil {
			m = new(members[listOf[T]])
		}
		if err = codec.DecodeMembers(data, codec.Limits{}, m.reader(keys, listReader(s))); err == nil {
			list, err = listIn(m, keys)
		}
	default:
		return nil, fmt.Errorf("want a JSON object or array, body starts %q", clip(string(data)))
	}
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []T{}
	}
	return list, nil
}

// listOf is a list member as read: its items, or why they do not fit.
type listOf[T any] struct {
	items []T // nil for null
	err   error
}

// listReader reads a list member with s; an error after which the
// document cannot be read on is returned, any other kept in the member.
func listReader[T any](s *codec.Schema[T]) func(d *codec.Decoder) (listOf[T], error) {
	return func(d *codec.Decoder) (l listOf[T], err error) {
		l.err = codec.DecodeListFrom(d, s, &l.items)
		if codec.Fatal(l.err) {
			return l, l.err
		}
		return l, nil
	}
}

// listIn returns the list of the first of keys among m: nil for an object
// without members, an error for one without any of keys.
func listIn[T any](m *members[listOf[T]], keys []string) ([]T, error) {
	if len(m.names) == 0 {
		return nil, nil
	}
	l, ok := m.first(keys)
	if !ok {
		return nil, fmt.Errorf("the answer has no %s member (members: %s)", quoteList(keys), memberNames(m.names))
	}
	return l.items, l.err
}

// members collects, while an object is walked, every member's name and the
// members that may answer, by name (a name sent twice: its last value).
type members[V any] struct {
	values map[string]V
	names  []string
}

// reader returns a member reader for codec.DecodeMembers that keeps the
// members whose names match one of keys (all, for nil keys), read by read,
// and skips the others.
func (m *members[V]) reader(keys []string, read func(d *codec.Decoder) (V, error)) func(d *codec.Decoder, name []byte) error {
	return func(d *codec.Decoder, name []byte) error {
		n := string(name)
		m.names = append(m.names, n)
		if keys != nil && !isKey(keys, n) {
			return d.SkipValue()
		}
		v, err := read(d)
		if m.values == nil {
			m.values = make(map[string]V)
		}
		m.values[n] = v
		return err
	}
}

// isKey reports whether name matches one of keys ignoring case, '_' and '-'.
func isKey(keys []string, name string) bool {
	return slices.ContainsFunc(keys, func(k string) bool { return foldName(k) == foldName(name) })
}

// first returns the member of the first of keys: the name itself, else
// the first (sorted) that matches it ignoring case, '_' and '-'.
func (m *members[V]) first(keys []string) (v V, ok bool) {
	for _, k := range keys {
		if v, ok := m.values[k]; ok {
			return v, true
		}
		for _, n := range slices.Sorted(maps.Keys(m.values)) {
			if foldName(n) == foldName(k) {
				return m.values[n], true
			}
		}
	}
	return v, false
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

// backupsInZone re-reads the appliance-local times of out in loc.
func backupsInZone(out []Backup, loc *time.Location) ([]Backup, error) {
	for i := range out {
		if err := out[i].inZone(loc); err != nil {
			return nil, fmt.Errorf("backup %d: start_date_time: %w", i, err)
		}
	}
	return out, nil
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

// oneOf is a member of a read by id as read: a backup object (one item,
// object true) or a list, or why it does not fit.
type oneOf struct {
	listOf[Backup]
	object bool
}

// readOne reads a member of a read by id: an object as the backup, an
// array or null as a list.
func readOne(d *codec.Decoder) (o oneOf, err error) {
	if d.PeekKind() != '{' {
		o.listOf, err = listReader(backupSchema)(d)
		return o, err
	}
	o.items, o.object = make([]Backup, 1), true
	if o.err = codec.DecodeObjectFrom(d, backupSchema, &o.items[0]); codec.Fatal(o.err) {
		return o, o.err
	}
	return o, nil
}

// decodeOneBackup reads the answer of GET /api/backups/<id>/: a list in any
// of the query's shapes (its entry with the id, else its first), an object
// {"backup": {…}}, or the backup object itself.
func decodeOneBackup(data []byte, id int64, loc *time.Location) (*Backup, error) {
	data = validUTF8(bytes.TrimSpace(data))
	if len(data) == 0 || string(data) == "null" {
		return nil, errNoBackup
	}
	var one oneOf
	if data[0] != '{' {
		one.items, one.err = readListAnswer(data, backupSchema, nil, nil)
	} else {
		var m members[oneOf]
		if err := codec.DecodeMembers(data, codec.Limits{}, m.reader(oneBackupKeys, readOne)); err != nil {
			return nil, err
		}
		var ok bool
		if one, ok = m.first(oneBackupKeys); !ok { // the object is the backup itself
			b, err := codec.DecodeObject(data, backupSchema, codec.Limits{})
			one = oneOf{listOf[Backup]{[]Backup{b}, err}, true}
		}
	}
	if one.err != nil {
		return nil, one.err
	}
	if one.object {
		return &one.items[0], one.items[0].inZone(loc)
	}
	bs, err := backupsInZone(one.items, loc)
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

// decodeStatus reads the status view: {"BackupStatus": […]} (or the list
// members of the query), a bare array, or an object keyed by system name
// whose values are such lists, or objects holding one. Grouped rows come
// out ordered by system name, each group in the appliance's order.
func decodeStatus(data []byte, loc *time.Location) ([]StatusEntry, error) {
	data = validUTF8(bytes.TrimSpace(data))
	if len(data) == 0 || data[0] != '{' {
		list, err := readListAnswer(data, backupSchema, statusListKeys, nil)
		if err != nil {
			return nil, err
		}
		return appendEntries([]StatusEntry{}, "", list, loc)
	}
	// Every member is read: the list itself, or a system's rows.
	var m members[listOf[Backup]]
	readList := listReader(backupSchema)
	readRows := func(d *codec.Decoder) (listOf[Backup], error) {
		switch d.PeekKind() {
		case '[', 'n':
			return readList(d)
		case '{': // {"backups": […]}: a list answer of its own
			var inner members[listOf[Backup]]
			if err := codec.DecodeMembersFrom(d, inner.reader(statusListKeys, readList)); err != nil {
				return listOf[Backup]{}, err
			}
			l, err := listIn(&inner, statusListKeys)
			return listOf[Backup]{l, err}, nil
		}
		raw, err := d.ReadValue()
		return listOf[Backup]{err: fmt.Errorf("want a list of backups, got %s", clip(string(raw)))}, err
	}
	err := codec.DecodeMembers(data, codec.Limits{}, func(d *codec.Decoder, name []byte) error {
		if isKey(statusListKeys, string(name)) {
			return m.reader(nil, readList)(d, name)
		}
		return m.reader(nil, readRows)(d, name)
	})
	if err != nil {
		return nil, err
	}
	out := []StatusEntry{}
	if l, ok := m.first(statusListKeys); ok {
		if l.err != nil {
			return nil, l.err
		}
		return appendEntries(out, "", l.items, loc)
	}
	for _, sys := range slices.Sorted(maps.Keys(m.values)) {
		l := m.values[sys]
		if l.err == nil {
			out, l.err = appendEntries(out, sys, l.items, loc)
		}
		if l.err != nil {
			return nil, fmt.Errorf("system %q: %w", sys, l.err)
		}
	}
	return out, nil
}

func appendEntries(out []StatusEntry, system string, list []Backup, loc *time.Location) ([]StatusEntry, error) {
	list, err := backupsInZone(list, loc)
	if err != nil {
		return nil, err
	}
	for _, b := range list {
		out = append(out, StatusEntry{System: system, Backup: b})
	}
	return out, nil
}

// decodeSystems reads GET /api/systems: {"systems": […]}, {"appliance":
// […]}, {"data": […]} or a bare array.
func decodeSystems(data []byte) ([]System, error) {
	return readListAnswer(data, systemSchema, systemListKeys, nil)
}
