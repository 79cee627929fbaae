package unitrends

import (
	"bytes"
	"cmp"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// The fast paths below read the common case of a backups answer without
// the general code's extra passes; each gives exactly what the general
// code gives, or declines and lets it run (FuzzFastDecodeBackups and
// FuzzFastScalars check it).

// fastDecodeBackups reads the usual answers of the backups query, the
// documented {"backups": […]} and a bare array, in one pass: the list is
// decoded where it stands, not copied out of a map of members first. ok is
// false for anything else (a "data" list, a list member spelled in another
// case or sent twice, a member that may report an error, a non-ASCII
// member name, invalid UTF-8, a value that fails to decode); DecodeBackups
// then takes the general path. When ok is true, errorInBody finds no error
// in data, so Query need not look again.
func fastDecodeBackups(data []byte) (list []Backup, ok bool) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, false
	}
	switch data[0] {
	case '[':
		return fastBackupList(data)
	case '{':
		if !utf8.Valid(data) {
			return nil, false
		}
		a := backupsAnswer{list: backupArray{size: len(data)}}
		if err := codec.UnmarshalJSON(data, &a); err != nil || !a.found {
			return nil, false
		}
		return a.list.items, true
	}
	return nil, false
}

// backupsAnswer is {"backups": […]}: the list member is decoded in place,
// the other members skipped.
type backupsAnswer struct {
	list  backupArray
	found bool
}

// UnmarshalJSONFrom reads the object. A second list member, or one named
// other than exactly "backups", stops it: the general path picks among
// them.
func (a *backupsAnswer) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return cmp.Or(err, errDecline)
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String()
		switch {
		case name == backupListKeys[0] && !a.found:
			a.found = true
			if err := a.list.UnmarshalJSONFrom(dec); err != nil {
				return err
			}
		case isListKey(name) || mayReportError(name):
			return errDecline
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	_, err := dec.ReadToken()
	return err
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

// fastBackupList reads a JSON array of backups (or null) straight into
// Backup values, in one pass: no per-item copy, no second decoder per
// item. ok is false when the array holds invalid UTF-8 (which
// Backup.UnmarshalJSON mends first) or anything fails to decode; the
// general path then reads it and words the error.
func fastBackupList(raw jsontext.Value) (list []Backup, ok bool) {
	if !utf8.Valid(raw) {
		return nil, false
	}
	l := backupArray{size: len(raw)}
	if err := codec.UnmarshalJSON(raw, &l); err != nil {
		return nil, false
	}
	return l.items, true
}

// backupArray is a JSON array of backups, or null.
type backupArray struct {
	size  int // of the input, to size items after the first
	items []Backup
}

// UnmarshalJSONFrom decodes each item as Backup.UnmarshalJSON does, from
// the same decoder.
func (l *backupArray) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	l.items = []Backup{}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		return nil
	case '[':
	default:
		return errNotArray
	}
	start := dec.InputOffset()
	for dec.PeekKind() != ']' {
		l.items = append(l.items, Backup{})
		b := &l.items[len(l.items)-1]
		if err := json.UnmarshalDecode(dec, (*plainBackup)(b)); err != nil {
			return err
		}
		b.afterDecode()
		if len(l.items) == 1 {
			l.items = append(make([]Backup, 0, presize(l.size, dec.InputOffset()-start)), l.items[0])
		}
	}
	_, err = dec.ReadToken()
	return err
}

// maxPresize bounds the items a list is sized for from its first item: a
// small first item and a large body (of white space, or of big later items)
// must not make a sender able to ask for gigabytes; beyond it the list
// grows as it is read.
const maxPresize = 1024

// presize guesses the items of a list of size bytes whose first item took
// first bytes: lists are uniform.
func presize(size int, first int64) int {
	if first <= 0 {
		return 1
	}
	return int(min(int64(size)/first+1, maxPresize))
}

// errDecline stops a fast path at what it leaves to the general one.
var errDecline = errors.New("left to the general path")

// errNotArray stops fastBackupList at a value that is not a list; the
// general path words the error.
var errNotArray = errors.New("not a JSON array")

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
	data = bytes.TrimSpace(data)
	n := len(data)
	if n < 2 || data[0] != '"' || data[n-1] != '"' {
		return nil, false
	}
	inner = data[1 : n-1]
	for _, c := range inner {
		if c < 0x20 || c == '"' || c == '\\' {
			return nil, false
		}
	}
	return inner, utf8.Valid(inner)
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
	year, okY := fixed(s[:4])
	s, ok5 := cut(s[4:], ' ')
	hour, s, ok6 := num12(s)
	s, ok7 := cut(s, ':')
	if !(okY && ok5 && ok6 && ok7) || len(s) < 2 {
		return time.Time{}, false
	}
	minute, okM := fixed(s[:2])
	s = s[2:]
	sec := 0
	if len(s) > 0 && s[0] == ':' {
		if len(s) < 3 {
			return time.Time{}, false
		}
		var okS bool
		if sec, okS = fixed(s[1:3]); !okS {
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
	if !okM || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || minute > 59 || sec > 59 {
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

// fixed reads a string of digits only.
func fixed(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func cut(s string, sep byte) (string, bool) {
	if len(s) == 0 || s[0] != sep {
		return s, false
	}
	return s[1:], true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
