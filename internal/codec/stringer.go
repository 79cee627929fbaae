package codec

import (
	"strconv"
	"time"
)

// Absent is what the String methods of the tolerant types print for a
// value that was absent or null, so that fmt.Println(b.Size) never shows a
// made-up 0 or an empty string.
const Absent = "(absent)"

// String returns the number in decimal, or Absent.
func (i Int) String() string {
	if !i.Valid {
		return Absent
	}
	return strconv.FormatInt(i.Int64, 10)
}

// String returns the number in the shortest form that reads back the
// same, or Absent.
func (f Float) String() string {
	if !f.Valid {
		return Absent
	}
	return strconv.FormatFloat(f.Float64, 'g', -1, 64)
}

// String returns "true" or "false", or Absent.
func (b Bool) String() string {
	if !b.Valid {
		return Absent
	}
	return strconv.FormatBool(b.Bool)
}

// String returns the text as sent ("" stays ""), or Absent.
func (s String) String() string {
	if !s.Valid {
		return Absent
	}
	return s.Value
}

// String returns the time in RFC 3339 (with fractional seconds when it
// has them), or Absent.
func (t Time) String() string {
	if !t.Valid {
		return Absent
	}
	return t.Time.Format(time.RFC3339Nano)
}

// String returns the text as sent, or Absent.
func (t Text[T]) String() string {
	if !t.Valid {
		return Absent
	}
	return string(t.Value)
}

// EnumOr returns v, or def when v is "": the Or method of an API's string
// enumeration, whose absent value is "".
func EnumOr[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}

// EnumString returns v as text, or Absent when v is "": the String method
// of an API's string enumeration.
func EnumString[T ~string](v T) string {
	if v == "" {
		return Absent
	}
	return string(v)
}
