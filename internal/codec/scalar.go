package codec

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// ScalarError reports a value that cannot be read as the wanted type. The
// JSON and XML decoders wrap it with the location of the offending member.
type ScalarError struct {
	Want  string // "integer", "number", "boolean", "time" or "string"
	Value string // the offending text, cut to 64 bytes
}

func (e *ScalarError) Error() string {
	return fmt.Sprintf("cannot read %q as %s", e.Value, articled(e.Want))
}

func articled(s string) string {
	if s == "integer" {
		return "an integer"
	}
	return "a " + s
}

func scalarErr(want, value string) error {
	if len(value) > 64 {
		value = value[:64] + "…"
	}
	return &ScalarError{Want: want, Value: value}
}

// isAbsent reports whether text stands for "no value": empty, a literal null
// or one of the placeholders appliances print ("n/a", "N/A").
func isAbsent(s string) bool {
	switch len(s) {
	case 0:
		return true
	case 3:
		return strings.EqualFold(s, "n/a")
	case 4:
		return strings.EqualFold(s, "null")
	}
	return false
}

// scalar is what each tolerant type provides to the shared marshalling code.
type scalar interface {
	setText(s string) error // s is trimmed and not absent
	setJSONNumber(raw string) error
	setJSONBool(b bool) error
	reset()
}

// jsonText classifies one raw JSON value for a scalar type.
func unmarshalScalarJSON(dst scalar, want string, v []byte) error {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return scalarErr(want, "")
	}
	switch v[0] {
	case 'n':
		dst.reset()
		return nil
	case 't', 'f':
		return dst.setJSONBool(v[0] == 't')
	case '"':
		var s string
		if bytes.IndexByte(v, '\\') < 0 && len(v) >= 2 {
			s = string(v[1 : len(v)-1])
		} else {
			u, err := unquote(v)
			if err != nil {
				return err
			}
			s = u
		}
		s = strings.TrimSpace(s)
		if isAbsent(s) {
			dst.reset()
			return nil
		}
		return dst.setText(s)
	case '{':
		return scalarErr(want, "an object")
	case '[':
		return scalarErr(want, "an array")
	}
	return dst.setJSONNumber(string(v))
}

func unmarshalScalarFrom(dst scalar, want string, dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return unmarshalScalarJSON(dst, want, v)
}

func unmarshalScalarXML(dst scalar, d *xml.Decoder, start xml.StartElement) error {
	s, null, err := xmlText(d, start)
	if err != nil {
		return err
	}
	s = strings.TrimSpace(s)
	if null || isAbsent(s) {
		dst.reset()
		return nil
	}
	return dst.setText(s)
}

// marshalScalarXML writes a Rails-style element: a typed value, or nil="true".
func marshalScalarXML(e *xml.Encoder, start xml.StartElement, valid bool, railsType, text string) error {
	if !valid {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "nil"}, Value: "true"})
		return e.EncodeElement("", start)
	}
	if railsType != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: railsType})
	}
	return e.EncodeElement(text, start)
}

var nullJSON = []byte("null")

// unquote decodes a JSON string literal. Invalid UTF-8 becomes U+FFFD
// rather than an error, matching the decoder's AllowInvalidUTF8 option.
func unquote(v []byte) (string, error) {
	u, err := jsontext.AppendUnquote(nil, v)
	if err != nil {
		var se *jsontext.SyntacticError
		if !errors.As(err, &se) || se.Err == nil || se.Err.Error() != "invalid UTF-8" {
			return "", err
		}
	}
	return string(u), nil
}

// Int is an integer that servers may send as a JSON number, a numeric string,
// an integral float, or not at all. Valid is false when the value was absent,
// null, "" or "n/a"; the zero Int is absent.
type Int struct {
	Int64 int64
	Valid bool
}

// NewInt returns a present Int holding v.
func NewInt(v int64) Int { return Int{Int64: v, Valid: true} }

// Get returns the value and whether it was present.
func (i Int) Get() (int64, bool) { return i.Int64, i.Valid }

// Or returns the value, or def when it is absent.
func (i Int) Or(def int64) int64 {
	if i.Valid {
		return i.Int64
	}
	return def
}

// Ptr returns a pointer to a copy of the value, or nil when it is absent.
func (i Int) Ptr() *int64 {
	if !i.Valid {
		return nil
	}
	v := i.Int64
	return &v
}

// IsZero reports whether the value is absent; `omitzero` uses it.
func (i Int) IsZero() bool { return !i.Valid }

func (i *Int) reset() { *i = Int{} }

func (i *Int) setText(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*i = NewInt(n)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.IsInf(f, 0) || f < math.MinInt64 || f >= math.MaxInt64 {
		return scalarErr("integer", s)
	}
	*i = NewInt(int64(f))
	return nil
}

func (i *Int) setJSONNumber(raw string) error { return i.setText(raw) }
func (i *Int) setJSONBool(bool) error         { return scalarErr("integer", "a boolean") }

// UnmarshalJSON implements encoding/json's Unmarshaler.
func (i *Int) UnmarshalJSON(b []byte) error { return unmarshalScalarJSON(i, "integer", b) }

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler.
func (i *Int) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return unmarshalScalarFrom(i, "integer", dec)
}

// UnmarshalXML reads Rails XML, where nil="true" means absent.
func (i *Int) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	return unmarshalScalarXML(i, d, start)
}

// MarshalJSON writes a number, or null when absent.
func (i Int) MarshalJSON() ([]byte, error) {
	if !i.Valid {
		return nullJSON, nil
	}
	return strconv.AppendInt(nil, i.Int64, 10), nil
}

// MarshalJSONTo implements encoding/json/v2's streaming marshaler.
func (i Int) MarshalJSONTo(enc *jsontext.Encoder) error {
	if !i.Valid {
		return enc.WriteToken(jsontext.Null)
	}
	return enc.WriteToken(jsontext.Int(i.Int64))
}

// MarshalXML writes a Rails element: type="integer", or nil="true".
func (i Int) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalScalarXML(e, start, i.Valid, "integer", strconv.FormatInt(i.Int64, 10))
}

// Float is a number that servers may send as a JSON number or a numeric
// string. Valid is false when the value was absent, null, "" or "n/a".
type Float struct {
	Float64 float64
	Valid   bool
}

// NewFloat returns a present Float holding v.
func NewFloat(v float64) Float { return Float{Float64: v, Valid: true} }

// Get returns the value and whether it was present.
func (f Float) Get() (float64, bool) { return f.Float64, f.Valid }

// Or returns the value, or def when it is absent.
func (f Float) Or(def float64) float64 {
	if f.Valid {
		return f.Float64
	}
	return def
}

// IsZero reports whether the value is absent; `omitzero` uses it.
func (f Float) IsZero() bool { return !f.Valid }

func (f *Float) reset() { *f = Float{} }

func (f *Float) setText(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return scalarErr("number", s)
	}
	*f = NewFloat(v)
	return nil
}

func (f *Float) setJSONNumber(raw string) error { return f.setText(raw) }
func (f *Float) setJSONBool(bool) error         { return scalarErr("number", "a boolean") }

// UnmarshalJSON implements encoding/json's Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error { return unmarshalScalarJSON(f, "number", b) }

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler.
func (f *Float) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return unmarshalScalarFrom(f, "number", dec)
}

// UnmarshalXML reads Rails XML, where nil="true" means absent.
func (f *Float) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	return unmarshalScalarXML(f, d, start)
}

// MarshalJSON writes a number, or null when absent.
func (f Float) MarshalJSON() ([]byte, error) {
	if !f.Valid {
		return nullJSON, nil
	}
	return jsontext.AppendFloat(nil, f.Float64, 64), nil
}

// MarshalJSONTo implements encoding/json/v2's streaming marshaler.
func (f Float) MarshalJSONTo(enc *jsontext.Encoder) error {
	if !f.Valid {
		return enc.WriteToken(jsontext.Null)
	}
	return enc.WriteToken(jsontext.Float(f.Float64))
}

// MarshalXML writes a Rails element: type="float", or nil="true".
func (f Float) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalScalarXML(e, start, f.Valid, "float", strconv.FormatFloat(f.Float64, 'g', -1, 64))
}

// Bool is a boolean that servers may send as true/false, "true"/"false",
// 1/0, "1"/"0", "yes"/"no" or "t"/"f" (any case). Valid is false when the
// value was absent, null, "" or "n/a".
type Bool struct {
	Bool  bool
	Valid bool
}

// NewBool returns a present Bool holding v.
func NewBool(v bool) Bool { return Bool{Bool: v, Valid: true} }

// Get returns the value and whether it was present.
func (b Bool) Get() (bool, bool) { return b.Bool, b.Valid }

// Or returns the value, or def when it is absent.
func (b Bool) Or(def bool) bool {
	if b.Valid {
		return b.Bool
	}
	return def
}

// IsZero reports whether the value is absent; `omitzero` uses it.
func (b Bool) IsZero() bool { return !b.Valid }

func (b *Bool) reset() { *b = Bool{} }

func (b *Bool) setText(s string) error {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "t", "y":
		*b = NewBool(true)
	case "false", "0", "no", "f", "n":
		*b = NewBool(false)
	default:
		return scalarErr("boolean", s)
	}
	return nil
}

func (b *Bool) setJSONNumber(raw string) error {
	switch raw {
	case "1":
		*b = NewBool(true)
	case "0":
		*b = NewBool(false)
	default:
		return scalarErr("boolean", raw)
	}
	return nil
}

func (b *Bool) setJSONBool(v bool) error { *b = NewBool(v); return nil }

// UnmarshalJSON implements encoding/json's Unmarshaler.
func (b *Bool) UnmarshalJSON(data []byte) error { return unmarshalScalarJSON(b, "boolean", data) }

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler.
func (b *Bool) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return unmarshalScalarFrom(b, "boolean", dec)
}

// UnmarshalXML reads Rails XML, where nil="true" means absent.
func (b *Bool) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	return unmarshalScalarXML(b, d, start)
}

// MarshalJSON writes true or false, or null when absent.
func (b Bool) MarshalJSON() ([]byte, error) {
	if !b.Valid {
		return nullJSON, nil
	}
	return strconv.AppendBool(nil, b.Bool), nil
}

// MarshalJSONTo implements encoding/json/v2's streaming marshaler.
func (b Bool) MarshalJSONTo(enc *jsontext.Encoder) error {
	if !b.Valid {
		return enc.WriteToken(jsontext.Null)
	}
	return enc.WriteToken(jsontext.Bool(b.Bool))
}

// MarshalXML writes a Rails element: type="boolean", or nil="true".
func (b Bool) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalScalarXML(e, start, b.Valid, "boolean", strconv.FormatBool(b.Bool))
}

// String is text that servers may send as a JSON string, a number or a
// boolean (kept as its JSON text). Valid is false when the value was absent
// or null; unlike the other types, "" and "n/a" are kept as text.
type String struct {
	Value string
	Valid bool
}

// NewString returns a present String holding v.
func NewString(v string) String { return String{Value: v, Valid: true} }

// Get returns the value and whether it was present.
func (s String) Get() (string, bool) { return s.Value, s.Valid }

// Or returns the value, or def when it is absent.
func (s String) Or(def string) string {
	if s.Valid {
		return s.Value
	}
	return def
}

// IsZero reports whether the value is absent; `omitzero` uses it.
func (s String) IsZero() bool { return !s.Valid }

func (s *String) reset()                         { *s = String{} }
func (s *String) setText(v string) error         { *s = NewString(v); return nil }
func (s *String) setJSONNumber(raw string) error { *s = NewString(raw); return nil }
func (s *String) setJSONBool(v bool) error       { *s = NewString(strconv.FormatBool(v)); return nil }

// UnmarshalJSON implements encoding/json's Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error { return s.unmarshal(b) }

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler.
func (s *String) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return s.unmarshal(v)
}

// unmarshal keeps strings verbatim: "" and "n/a" are text here, not absence.
func (s *String) unmarshal(v []byte) error {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '"' {
		u, err := unquote(v)
		if err != nil {
			return err
		}
		*s = NewString(u)
		return nil
	}
	return unmarshalScalarJSON(s, "string", v)
}

// UnmarshalXML reads Rails XML, where nil="true" means absent.
func (s *String) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	text, null, err := xmlText(d, start)
	if err != nil {
		return err
	}
	if null {
		s.reset()
		return nil
	}
	*s = NewString(text)
	return nil
}

// MarshalJSON writes a string, or null when absent.
func (s String) MarshalJSON() ([]byte, error) {
	if !s.Valid {
		return nullJSON, nil
	}
	return jsontext.AppendQuote(nil, s.Value)
}

// MarshalJSONTo implements encoding/json/v2's streaming marshaler.
func (s String) MarshalJSONTo(enc *jsontext.Encoder) error {
	if !s.Valid {
		return enc.WriteToken(jsontext.Null)
	}
	return enc.WriteToken(jsontext.String(s.Value))
}

// MarshalXML writes a plain element, or nil="true" when absent.
func (s String) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalScalarXML(e, start, s.Valid, "", s.Value)
}

// Time is a point in time that servers may send in any of several layouts
// (see ParseTime), as epoch seconds, or not at all. Valid is false when the
// value was absent, null, "" or "n/a". Times without a zone are read as UTC.
type Time struct {
	Time  time.Time
	Valid bool
}

// NewTime returns a present Time holding t.
func NewTime(t time.Time) Time { return Time{Time: t, Valid: true} }

// Get returns the value and whether it was present.
func (t Time) Get() (time.Time, bool) { return t.Time, t.Valid }

// Or returns the value, or def when it is absent.
func (t Time) Or(def time.Time) time.Time {
	if t.Valid {
		return t.Time
	}
	return def
}

// IsZero reports whether the value is absent; `omitzero` uses it.
func (t Time) IsZero() bool { return !t.Valid }

func (t *Time) reset() { *t = Time{} }

func (t *Time) setText(s string) error {
	v, err := ParseTime(s, time.UTC)
	if err != nil {
		return err
	}
	*t = NewTime(v)
	return nil
}

func (t *Time) setJSONNumber(raw string) error {
	v, err := parseEpoch(raw)
	if err != nil {
		return err
	}
	*t = NewTime(v)
	return nil
}

func (t *Time) setJSONBool(bool) error { return scalarErr("time", "a boolean") }

// UnmarshalJSON implements encoding/json's Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error { return unmarshalScalarJSON(t, "time", b) }

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler.
func (t *Time) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return unmarshalScalarFrom(t, "time", dec)
}

// UnmarshalXML reads Rails XML, where nil="true" means absent.
func (t *Time) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	return unmarshalScalarXML(t, d, start)
}

// MarshalJSON writes an RFC 3339 string, or null when absent.
func (t Time) MarshalJSON() ([]byte, error) {
	if !t.Valid {
		return nullJSON, nil
	}
	return strconv.AppendQuote(nil, t.Time.Format(time.RFC3339Nano)), nil
}

// MarshalJSONTo implements encoding/json/v2's streaming marshaler.
func (t Time) MarshalJSONTo(enc *jsontext.Encoder) error {
	if !t.Valid {
		return enc.WriteToken(jsontext.Null)
	}
	return enc.WriteToken(jsontext.String(t.Time.Format(time.RFC3339Nano)))
}

// MarshalXML writes a Rails element: type="datetime", or nil="true".
func (t Time) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalScalarXML(e, start, t.Valid, "datetime", t.Time.Format(time.RFC3339))
}

// timeLayouts are tried in order. Fractions are optional in every layout
// with .999999999.
var timeLayouts = []string{
	time.RFC3339Nano,                      // 2013-12-18T11:00:47+00:00, …Z, 2014-01-13T14:41:31.000+02:00
	"2006-01-02T15:04:05.999999999Z0700",  // +0000 without the colon
	"2006-01-02T15:04:05.999999999",       // CBR: 2020-02-05T10:38:34.209782 (no zone)
	"2006-01-02 15:04:05.999999999Z07:00", // SQL style with zone
	"2006-01-02 15:04:05.999999999 -0700", // Ruby Time#to_s
	"2006-01-02 15:04:05.999999999",       // SQL style without zone
	time.RFC1123Z,
	time.RFC1123,
	"2006-01-02",
	"1/2/2006 3:04:05 pm", // appliance-local m/d/Y h:i:s a (input is lower-cased)
	"1/2/2006 3:04 pm",    // appliance-local m/d/Y h:i a
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
}

// ParseTime reads s in any of the layouts real servers use: RFC 3339 with or
// without fractions, with or without a zone (then loc applies), with a space
// instead of T, RFC 1123, a bare date, US m/d/Y with a 12- or 24-hour clock,
// or epoch seconds.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.UTC
	}
	if s != "" && (s[0] >= '0' && s[0] <= '9') && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0 && len(s) >= 9 {
		return parseEpoch(s)
	}
	if t, ok := parseISO(s, loc); ok {
		return t, nil
	}
	lower := strings.ToLower(s)
	for _, layout := range timeLayouts {
		in := s
		if strings.HasSuffix(layout, " pm") {
			in = lower
		}
		if t, err := time.ParseInLocation(layout, in, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, scalarErr("time", s)
}

// maxEpoch is 9999-12-31T23:59:59Z: later times cannot be written in RFC 3339.
const maxEpoch = 253402300799

// parseEpoch reads seconds since 1970, possibly with a fraction, between
// year 0 and year 9999.
func parseEpoch(raw string) (time.Time, error) {
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
		if n < -62167219200 || n > maxEpoch {
			return time.Time{}, scalarErr("time", raw)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(f) || f < -62167219200 || f > maxEpoch {
		return time.Time{}, scalarErr("time", raw)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}
