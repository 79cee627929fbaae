package codec

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// What the engine needs for Huawei CBR's answers, which a region sends in
// more shapes than json/v2 reads into the SDK's types: text fields that
// come as numbers (kept as their JSON text), nested objects and lists that
// come as something else (skipped, not an error), list items that are null
// or junk (dropped), and times without a zone in CBR's own layout (read as
// UTC without time.Parse). The members below read those shapes in the
// engine's one pass; the cloudbackup package's differential fuzz test
// holds them to the reference decoder it keeps.

// NextKind returns the kind of the next value without reading it: '{',
// '[', '"', '0' (a number), 't', 'f', 'n', or 0 at the end of the input
// or at a syntax error (which the next read reports).
func (d *Decoder) NextKind() byte { return byte(d.dec.PeekKind()) }

// EachItem reads the next value. When it is an array, item is called for
// each of its items, at the item, with its index and kind (as NextKind),
// and must read exactly that item (DecodeObjectFrom, ReadValue, SkipValue);
// an error it returns ends the array. Any other value is skipped, and
// EachItem reports false.
func EachItem(d *Decoder, item func(i int, kind byte) error) (array bool, err error) {
	if d.dec.PeekKind() != '[' {
		return false, d.dec.SkipValue()
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return true, err
	}
	for i := 0; d.dec.PeekKind() != ']'; i++ {
		if err := item(i, byte(d.dec.PeekKind())); err != nil {
			return true, err
		}
	}
	_, err = d.dec.ReadToken()
	return true, err
}

// LooseText returns the raw value of the decoder (from ReadValue) as text:
// a string's text (escapes unquoted, which replaces invalid UTF-8 byte by
// byte; without escapes each run of invalid UTF-8 becomes one U+FFFD), ""
// for null, and the JSON text of any other value. With intern, short text
// is shared with the earlier equal text of the document; other text is
// copied into the document's chunks (Decoder.String).
func (d *Decoder) LooseText(raw []byte, intern bool) string {
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		in := raw[1 : len(raw)-1]
		if bytes.IndexByte(in, '\\') >= 0 {
			in = unquoteBytes(raw)
		} else if !d.validUTF8 && !utf8.Valid(in) {
			return strings.ToValidUTF8(string(in), "\uFFFD")
		}
		if intern {
			return d.Intern(in)
		}
		return d.String(in)
	case 'n':
		return ""
	}
	if !d.validUTF8 && !utf8.Valid(raw) { // an object or array as text
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return d.String(raw)
}

// LooseGoStringMember reads member name into the Go string f returns as
// LooseText reads it (interned): any value is text, null is "".
func LooseGoStringMember[T any](name string, f func(*T) *string) Member[T] {
	return looseGoStringMember(name, f, true)
}

// UniqueLooseGoStringMember is LooseGoStringMember without interning: for
// text that differs in every item (a backup's id and name), which would
// only fill the document's intern table.
func UniqueLooseGoStringMember[T any](name string, f func(*T) *string) Member[T] {
	return looseGoStringMember(name, f, false)
}

func looseGoStringMember[T any](name string, f func(*T) *string, intern bool) Member[T] {
	// A plain string or null is read in place as a Go string is (the same
	// text, "" for null); anything else as LooseText reads it.
	return scalarKindMember(name, goStringKindOf(intern), f, func(d *Decoder, dst *string, raw []byte) error {
		*dst = d.LooseText(raw, intern)
		return nil
	})
}

// LooseEnumMember reads member name into the enumeration f returns as
// LooseGoStringMember does (interned), giving one of words, without
// allocating, when the value is a plain string equal to it.
func LooseEnumMember[T any, E ~string](name string, f func(*T) *E, words []string) Member[T] {
	return scalarMember(name, f, func(d *Decoder, dst *E, raw []byte) error {
		if len(raw) >= 2 && raw[0] == '"' {
			in := raw[1 : len(raw)-1]
			for _, w := range words {
				if string(in) == w {
					*dst = E(w)
					return nil
				}
			}
		}
		*dst = E(d.LooseText(raw, true))
		return nil
	})
}

// LooseStringMember reads member name into the String f returns: a string
// as LooseText reads it (interned), null as absent, anything else as
// String's UnmarshalJSON reads it.
func LooseStringMember[T any](name string, f func(*T) *String) Member[T] {
	return scalarMember(name, f, func(d *Decoder, dst *String, raw []byte) error {
		switch raw[0] {
		case '"':
			*dst = NewString(d.LooseText(raw, true))
			return nil
		case 'n':
			*dst = String{}
			return nil
		}
		*dst = String{}
		return dst.UnmarshalJSON(raw)
	})
}

// CBRTimeMember reads member name into the Time f returns, as Time's
// UnmarshalJSON reads it, reading CBR's own layout (ParseCBRTime) in
// place.
func CBRTimeMember[T any](name string, f func(*T) *Time) Member[T] {
	return scalarKindMember(name, cbrTimeKind, f, func(_ *Decoder, dst *Time, raw []byte) error {
		if len(raw) >= 2 && raw[0] == '"' {
			if t, ok := ParseCBRTime(raw[1 : len(raw)-1]); ok {
				*dst = NewTime(t)
				return nil
			}
		}
		*dst = Time{}
		return dst.UnmarshalJSON(raw)
	})
}

// LenientObjectMember reads member name into the U f returns: zeroed, then
// read with s when the value is an object; any other value (null, a
// string, …) is skipped and leaves it zero.
func LenientObjectMember[T, U any](name string, s *Schema[U], f func(*T) *U) Member[T] {
	return Member[T]{name: name, decode: func(d *Decoder, v *T) error {
		u := f(v)
		var zero U
		*u = zero
		if d.dec.PeekKind() != '{' {
			return d.dec.SkipValue()
		}
		return s.decode(d, u)
	}}
}

// WrapErrors makes every member of s hand the error of its value to wrap
// with the member's name, to locate it (a JSON pointer). It returns s.
// Call it once, where s is built.
func (s *Schema[T]) WrapErrors(wrap func(member string, err error) error) *Schema[T] {
	s.wrap = wrap
	return s
}

// ParseCBRTime reads the layouts CBR uses, "2006-01-02T15:04:05" with an
// optional fraction of up to 9 digits and an optional "Z" ("T" may be a
// space), as UTC, without allocating: what ParseTime reads for them. It
// reports false for anything else, which then goes through ParseTime.
func ParseCBRTime(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digitsOf(b[0:4])
	month, ok2 := digitsOf(b[5:7])
	day, ok3 := digitsOf(b[8:10])
	hour, ok4 := digitsOf(b[11:13])
	minute, ok5 := digitsOf(b[14:16])
	sec, ok6 := digitsOf(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		i, scale := 1, 100_000_000
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			if i > 9 {
				return time.Time{}, false
			}
			nsec += int(rest[i]-'0') * scale
			scale /= 10
		}
		if i == 1 {
			return time.Time{}, false
		}
		rest = rest[i:]
	}
	if len(rest) == 1 && rest[0] == 'Z' {
		rest = rest[1:]
	}
	if len(rest) != 0 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// digitsOf reads b, decimal digits only.
func digitsOf(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// TextOf is LooseText for a value read alone, outside a document.
func TextOf(raw []byte) string {
	d := Decoder{single: true}
	return d.LooseText(raw, false)
}

// PathError locates a value that could not be read, as a JSON pointer.
type PathError struct {
	Path string // "/backups/3/resource_size"
	Err  error  // why the value could not be read
}

// Error reads like "at /backups/3/resource_size: cannot read ...".
func (e *PathError) Error() string { return "at " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the error of the value.
func (e *PathError) Unwrap() error { return e.Err }

// AtPath prefixes the location of err (nil stays nil) with one more JSON
// pointer segment: a *LimitError's Path, a *PathError's, or a new
// *PathError around any other error.
func AtPath(segment string, err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *LimitError:
		e.Path = "/" + segment + e.Path
		return e
	case *PathError:
		e.Path = "/" + segment + e.Path
		return e
	}
	return &PathError{Path: "/" + segment, Err: err}
}

// AtIndex is AtPath for the item i of a list.
func AtIndex(i int, err error) error {
	if err == nil {
		return nil
	}
	return AtPath(strconv.Itoa(i), err)
}

// Located makes the errors of s's members name where they happened
// (WrapErrors with AtPath). It returns s.
func (s *Schema[T]) Located() *Schema[T] { return s.WrapErrors(AtPath) }

// KindOf names the kind of a value (as NextKind gives it) as an error
// message does: "a string", "an object", "null", …; "missing" for 0.
func KindOf(k byte) string {
	if k == 0 {
		return "missing"
	}
	return kindWords(k)
}

// KeepValid makes the members KeepUnknown kept in m writable again: one
// with duplicate member names or invalid UTF-8 (which reading tolerates)
// is normalized, the last duplicate winning; one that cannot be is null.
func KeepValid(m map[string]RawJSON) {
	for k, v := range m {
		if jsontext.Value(v).IsValid() {
			continue
		}
		var x any
		m[k] = RawJSON("null")
		if UnmarshalJSON(v, &x) == nil {
			if b, err := MarshalJSON(x); err == nil {
				m[k] = b
			}
		}
	}
}
