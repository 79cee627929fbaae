package codec

import (
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
)

// What the engine needs to read an envelope whose result's type the caller
// picks per call (Erigones' {"status","result","task_id"}): the result is
// decoded where it stands, in the same pass as the envelope, instead of
// being copied out and decoded again.

// StreamMember reads member name with read, which gets the decoder at the
// member's value and must read exactly that value (DecodeListFrom,
// DecodeObjectFrom, ReadValue or SkipValue). An error read returns ends the
// object; to go on after a value that did not fit, read keeps the error
// and returns nil (see Fatal).
func StreamMember[T any](name string, read func(d *Decoder, v *T) error) Member[T] {
	return Member[T]{name: name, decode: read}
}

// DecodeObjectFrom decodes the next value of d, an object or null (which
// zeroes *v), into *v with s. As with DecodeListFrom, when the value cannot
// be read into a T, d is left after the value so that the caller may go on
// with the document; after a syntax error (Fatal) it may not.
func DecodeObjectFrom[T any](d *Decoder, s *Schema[T], v *T) error {
	depth := d.dec.StackDepth()
	return d.skipRest(depth, s.decode(d, v))
}

// DecodeInto decodes data, one JSON object (or null, which zeroes *v), onto
// *v with s, after checking its shape against l: what *v holds before is
// what its members decode into (an envelope carrying where its result
// goes). Unlike DecodeObject it interns repeated strings and sizes the
// lists of its members from the document's size, as DecodeMembers does:
// the object is a page, not one item.
func DecodeInto[T any](data []byte, s *Schema[T], v *T, l Limits) error {
	d, err := newDecoder(data, l)
	if err != nil {
		return err
	}
	d.size = len(data)
	if err := s.decode(d, v); err != nil {
		return err
	}
	return d.finish()
}

// What a list of backups costs most after the pass itself: interning the
// text that differs in every item. These members read what StringMember
// and GoStringMember read (the tests hold them to it), in place like them.

// UniqueStringMember reads member name into the String f returns, as
// StringMember does, without interning: for text that differs in every
// item (a backup's name, its file's path), which would only fill the
// document's intern table.
func UniqueStringMember[T any](name string, f func(*T) *String) Member[T] {
	return scalarKindMember(name, uniqueStringKind, f, func(d *Decoder, dst *String, raw []byte) error {
		if raw[0] != '"' {
			return dst.unmarshal(raw)
		}
		t, err := d.uniqueText(raw)
		if err != nil {
			return err
		}
		*dst = NewString(t)
		return nil
	})
}

// UniqueGoStringMember reads member name into the Go string f returns, as
// json/v2 reads a string field, without interning (see UniqueStringMember).
func UniqueGoStringMember[T any](name string, f func(*T) *string) Member[T] {
	return goStringMember(name, f, false)
}

func goStringMember[T any](name string, f func(*T) *string, intern bool) Member[T] {
	return scalarKindMember(name, goStringKindOf(intern), f, func(d *Decoder, dst *string, raw []byte) error {
		switch raw[0] {
		case 'n':
			*dst = ""
			return nil
		case '"':
			t, plain := d.literal(raw)
			switch {
			case !plain:
				*dst = string(unquoteBytes(raw)) // as json/v2: invalid UTF-8 and lone surrogates become U+FFFD
			case intern:
				*dst = d.Intern(t)
			default:
				*dst = d.String(t)
			}
			return nil
		}
		return kindError[string](d, jsontext.Value(raw).Kind())
	})
}

// uniqueText is text without interning.
func (d *Decoder) uniqueText(raw []byte) (string, error) {
	if t, ok := d.literal(raw); ok {
		return d.String(t), nil
	}
	return unquote(raw)
}

// plainISO reads raw as ParseTime reads the text of a string literal when
// that text needs no unquoting, has no space to trim (it starts with a
// digit and ends with an ASCII character that is not a space), and is no
// epoch (its fifth character is '-'): then ParseTime is parseISO in UTC.
func (d *Decoder) plainISO(raw []byte) (time.Time, bool) {
	if len(raw) < 12 || raw[0] != '"' {
		return time.Time{}, false
	}
	text, plain := d.literal(raw)
	if !plain {
		return time.Time{}, false
	}
	return plainISOText(text)
}

// plainISOText is plainISO of the text of a string literal with no escape.
func plainISOText(text []byte) (time.Time, bool) {
	if len(text) < 10 || text[0] < '0' || text[0] > '9' || text[4] != '-' {
		return time.Time{}, false
	}
	switch last := text[len(text)-1]; {
	case last >= utf8.RuneSelf, last == ' ', last == '\t', last == '\n', last == '\r', last == '\v', last == '\f':
		return time.Time{}, false
	}
	// parseISO keeps nothing of its text: the bytes need not be copied.
	return parseISO(unsafe.String(unsafe.SliceData(text), len(text)), time.UTC)
}
