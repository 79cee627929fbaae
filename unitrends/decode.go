package unitrends

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// The answers' envelopes are read in one pass by the engine: of the
// members that may hold the answer, each one that beats those seen before
// it (see pick) is decoded where it stands, the others are skipped.
// oracle_test.go keeps the reading through maps of raw members this
// replaced; the fuzz tests hold the two together.

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
	p := listPick(backupSchema, backupListKeys)
	list, err = readListAnswer(data, backupSchema, p)
	return list, !slices.ContainsFunc(p.names, mayReportError), err
}

// readListAnswer reads the answer of a list call: the body itself an
// array, or the list p picks in an object. An empty body, null, {} or a
// null member is an empty list.
func readListAnswer[T any](data []byte, s *codec.Schema[T], p *pick[T]) ([]T, error) {
	data = validUTF8(bytes.TrimSpace(data))
	var l listOf[T]
	var err error
	switch {
	case len(data) == 0 || string(data) == "null":
	case data[0] == '[':
		l.items, err = codec.DecodeList(data, s, codec.Limits{})
	case data[0] == '{':
		if err = codec.DecodeMembers(data, codec.Limits{}, p.member); err == nil {
			l = p.list()
		}
	default:
		return nil, fmt.Errorf("want a JSON object or array, body starts %q", clip(string(data)))
	}
	if err == nil {
		err = l.err
	}
	if err != nil {
		return nil, err
	}
	if l.items == nil {
		l.items = []T{}
	}
	return l.items, nil
}

// listOf is a list member as read: its items, or why they do not fit.
type listOf[T any] struct {
	items []T // nil for null
	err   error
}

// readList reads the next value, an array of objects or null, with s; an
// error after which the document cannot be read on is returned, any other
// kept in the listOf.
func readList[T any](d *codec.Decoder, s *codec.Schema[T]) (l listOf[T], err error) {
	if l.err = codec.DecodeListFrom(d, s, &l.items); codec.Fatal(l.err) {
		return l, l.err
	}
	return l, nil
}

// listPick picks the list under the first of keys, read with s.
func listPick[T any](s *codec.Schema[T], keys []string) *pick[T] {
	return &pick[T]{keys: keys, read: func(d *codec.Decoder) (listOf[T], error) { return readList(d, s) }}
}

// list returns the list p picked: none for an object without members, an
// error for one without any of the keys.
func (p *pick[T]) list() listOf[T] {
	if !p.found && len(p.names) > 0 {
		return listOf[T]{err: errNoMember(p.keys, p.names)}
	}
	return p.value
}

// pick reads, while an object is walked, the member that answers: the
// first of keys by its own name, else the first (sorted) name that matches
// it ignoring case, '_' and '-'; of a name sent twice, the last value.
// Whether a member beats those before it is known from its name alone, so
// it is read (with read, whose error ends the walk) or skipped where it
// stands.
type pick[T any] struct {
	keys  []string
	read  func(d *codec.Decoder) (listOf[T], error)
	value listOf[T] // of the member picked so far
	name  string    // its name
	rank  int       // its rank (see rank)
	found bool
	names []string // of every member
}

// member is the member reader of codec.DecodeMembers.
func (p *pick[T]) member(d *codec.Decoder, name []byte) error {
	n := string(name)
	p.names = append(p.names, n)
	r := rank(p.keys, n)
	if r < 0 || (p.found && (r > p.rank || (r == p.rank && n > p.name))) {
		return d.SkipValue()
	}
	p.rank, p.name, p.found = r, n, true
	var err error
	p.value, err = p.read(d)
	return err
}

// rank orders the names that match keys: 2i for keys[i] itself, 2i+1 for
// a name that matches it ignoring case, '_' and '-'; -1 for no match.
func rank(keys []string, name string) int {
	for i, k := range keys {
		switch {
		case name == k:
			return 2 * i
		case foldName(name) == foldName(k):
			return 2*i + 1
		}
	}
	return -1
}

func foldName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// errNoMember reports an answer whose object has none of keys.
func errNoMember(keys, names []string) error {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = strconv.Quote(k)
	}
	if names = slices.Compact(slices.Sorted(slices.Values(names))); len(names) > 8 {
		names = append(names[:8], "…")
	}
	return fmt.Errorf("the answer has no %s member (members: %s)", strings.Join(q, " or "), strings.Join(names, ", "))
}

// errNoBackup reports an answer to a read by id that holds no backup.
var errNoBackup = errors.New("the answer holds no backup")

// decodeOneBackup reads the answer of GET /api/backups/<id>/: a list in any
// of the query's shapes (its entry with the id, else its first), an object
// {"backup": {…}}, or the backup object itself.
func decodeOneBackup(data []byte, id int64, loc *time.Location) (*Backup, error) {
	data = validUTF8(bytes.TrimSpace(data))
	if len(data) == 0 || string(data) == "null" {
		return nil, errNoBackup
	}
	var one listOf[Backup]
	object := data[0] == '{'
	if !object {
		one.items, one.err = readListAnswer(data, backupSchema, nil)
	} else {
		// An object member is the backup, an array or null a list; object
		// tells which the member picked last was.
		p := &pick[Backup]{keys: oneBackupKeys, read: func(d *codec.Decoder) (l listOf[Backup], err error) {
			if object = d.PeekKind() == '{'; !object {
				return readList(d, backupSchema)
			}
			l.items = make([]Backup, 1)
			if l.err = codec.DecodeObjectFrom(d, backupSchema, &l.items[0]); codec.Fatal(l.err) {
				return l, l.err
			}
			return l, nil
		}}
		if err := codec.DecodeMembers(data, codec.Limits{}, p.member); err != nil {
			return nil, err
		}
		if one = p.value; !p.found { // the object is the backup itself
			b, err := codec.DecodeObject(data, backupSchema, codec.Limits{})
			one, object = listOf[Backup]{[]Backup{b}, err}, true
		}
	}
	if one.err != nil {
		return nil, one.err
	}
	if object {
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
	p := listPick(backupSchema, statusListKeys)
	if len(data) == 0 || data[0] != '{' {
		list, err := readListAnswer(data, backupSchema, p)
		if err != nil {
			return nil, err
		}
		return appendEntries([]StatusEntry{}, "", list, loc)
	}
	// A member is the list itself, or a system's rows.
	groups := map[string]listOf[Backup]{}
	err := codec.DecodeMembers(data, codec.Limits{}, func(d *codec.Decoder, name []byte) (err error) {
		if rank(statusListKeys, string(name)) >= 0 {
			return p.member(d, name)
		}
		var l listOf[Backup]
		switch d.PeekKind() {
		case '[', 'n':
			l, err = readList(d, backupSchema)
		case '{': // {"backups": […]}, a list answer of its own
			inner := listPick(backupSchema, statusListKeys)
			if err = codec.DecodeMembersFrom(d, inner.member); err == nil {
				l = inner.list()
			}
		default:
			raw, rerr := d.ReadValue()
			l.err, err = fmt.Errorf("want a list of backups, got %s", clip(string(raw))), rerr
		}
		groups[string(name)] = l
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []StatusEntry{}
	if p.found {
		if p.value.err != nil {
			return nil, p.value.err
		}
		return appendEntries(out, "", p.value.items, loc)
	}
	for _, sys := range slices.Sorted(maps.Keys(groups)) {
		l := groups[sys]
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
	return readListAnswer(data, systemSchema, listPick(systemSchema, systemListKeys))
}
