package codec

import (
	"encoding/xml"

	"github.com/go-json-experiment/json/jsontext"
)

// Text is a String whose text has a named string type, such as a value of
// an API's enumeration: it decodes and encodes as String does (null and
// nil="true" are absent, "" is kept as text), and keeps the caller's type.
type Text[T ~string] struct {
	Value T
	Valid bool
}

// NewText returns a present Text holding v.
func NewText[T ~string](v T) Text[T] { return Text[T]{Value: v, Valid: true} }

// Get returns the value and whether it was present.
func (t Text[T]) Get() (T, bool) { return t.Value, t.Valid }

// Or returns the value, or def when it is absent.
func (t Text[T]) Or(def T) T {
	if t.Valid {
		return t.Value
	}
	return def
}

// IsZero reports whether the value is absent; `omitzero` uses it.
func (t Text[T]) IsZero() bool { return !t.Valid }

func (t Text[T]) str() String { return String{Value: string(t.Value), Valid: t.Valid} }

func (t *Text[T]) set(s String) { *t = Text[T]{Value: T(s.Value), Valid: s.Valid} }

// UnmarshalJSON implements encoding/json's Unmarshaler.
func (t *Text[T]) UnmarshalJSON(b []byte) error {
	var s String
	err := s.UnmarshalJSON(b)
	t.set(s)
	return err
}

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler.
func (t *Text[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var s String
	err := s.UnmarshalJSONFrom(dec)
	t.set(s)
	return err
}

// UnmarshalXML reads Rails XML, where nil="true" means absent.
func (t *Text[T]) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var s String
	err := s.UnmarshalXML(d, start)
	t.set(s)
	return err
}

// MarshalJSON writes a string, or null when absent.
func (t Text[T]) MarshalJSON() ([]byte, error) { return t.str().MarshalJSON() }

// MarshalJSONTo implements encoding/json/v2's streaming marshaler.
func (t Text[T]) MarshalJSONTo(enc *jsontext.Encoder) error { return t.str().MarshalJSONTo(enc) }

// MarshalXML writes a plain element, or nil="true" when absent.
func (t Text[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return t.str().MarshalXML(e, start)
}
