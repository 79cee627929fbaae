package codec

import (
	"reflect"

	"github.com/go-json-experiment/json/jsontext"
)

// What the engine needs to read answers whose list sits in an object of
// objects (Unitrends' status view, keyed by system name, each system's
// rows in {"backups": […]}), in the same pass as the answer: the kind of
// the next value, and the members of an object inside the document.

// PeekKind returns the kind of the next value without reading it: 'n',
// 't', 'f', '"', '0' (a number), '{' or '['; 0 at the end of the input or
// after an error.
func (d *Decoder) PeekKind() jsontext.Kind { return d.dec.PeekKind() }

// DecodeMembersFrom reads the next value of d, an object or null (an
// object without members), as DecodeMembers reads a document: member gets
// each member's name (unquoted, valid only during the call) and must read
// its value. An error member returns ends the read. Another kind of value
// is a *SemanticError, read past so that the caller may go on.
func DecodeMembersFrom(d *Decoder, member func(d *Decoder, name []byte) error) error {
	switch k := d.dec.PeekKind(); k {
	case 'n':
		return d.dec.SkipValue()
	case '{':
	default:
		if err := d.dec.SkipValue(); err != nil {
			return err
		}
		return kindError[map[string]RawJSON](d, k)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	return d.eachMember(member)
}

// What an envelope whose result's type the caller picks per call needs
// (Erigones' {"status","result","task_id"}): a member read either into the
// caller's value where it stands, or kept as sent.

// Slot is a member whose value is read by Into where it stands, or, when
// Into is nil, kept as sent in Raw.
type Slot struct {
	Into func(d *Decoder) error // reads the value where it stands; nil keeps it
	Raw  RawJSON                // the value as sent (the last one), when Into is nil
	Err  error                  // why the last value Into read did not fit
}

// SlotMember reads member name into the Slot f returns. A value Into
// cannot read is the Slot's Err, not an error of the object, unless the
// document cannot be read on after it (see Fatal).
func SlotMember[T any](name string, f func(*T) *Slot) Member[T] {
	return StreamMember(name, func(d *Decoder, v *T) error {
		s := f(v)
		if s.Into != nil {
			if s.Err = s.Into(d); Fatal(s.Err) {
				return s.Err
			}
			return nil
		}
		raw, err := d.dec.ReadValue()
		if err == nil {
			s.Raw = append(RawJSON(nil), raw...)
		}
		return err
	})
}

// ListInto returns a Slot's Into that reads a list into *list with s (see
// DecodeListFrom).
func ListInto[T any](s *Schema[T], list *[]T) func(d *Decoder) error {
	return func(d *Decoder) error { return DecodeListFrom(d, s, list) }
}

// ObjectInto returns a Slot's Into that reads an object into *v with s,
// from a zero value (see DecodeObjectFrom).
func ObjectInto[T any](s *Schema[T], v *T) func(d *Decoder) error {
	return func(d *Decoder) error {
		var zero T
		*v = zero
		return DecodeObjectFrom(d, s, v)
	}
}

// ValueInto returns a Slot's Into that reads a value into v, a non-nil
// pointer, by UnmarshalJSON from the value's text, from a zero value: for
// the types without a Schema.
func ValueInto(v any) func(d *Decoder) error {
	return func(d *Decoder) error {
		raw, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		reflect.ValueOf(v).Elem().SetZero()
		return UnmarshalJSON(raw, v)
	}
}
