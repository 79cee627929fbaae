package codec

import (
	"bytes"
	"errors"

	"github.com/go-json-experiment/json/jsontext"
)

// RawJSON is a JSON value kept as the server sent it: an unknown member, or
// a result whose shape depends on the call. It marshals as that value (null
// when empty) with encoding/json and encoding/json/v2 alike, and its String
// method returns the JSON text.
type RawJSON []byte

// MarshalJSON returns the value, or null when it is empty.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(bytes.TrimSpace(r)) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps a copy of the value.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if r == nil {
		return errors.New("codec: RawJSON: UnmarshalJSON on nil pointer")
	}
	*r = append((*r)[:0], b...)
	return nil
}

// UnmarshalJSONFrom implements encoding/json/v2's streaming unmarshaler.
func (r *RawJSON) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*r = append((*r)[:0], v...)
	return nil
}

// IsNull reports whether the value is absent or JSON null.
func (r RawJSON) IsNull() bool {
	t := bytes.TrimSpace(r)
	return len(t) == 0 || string(t) == "null"
}

// String returns the JSON text.
func (r RawJSON) String() string { return string(r) }
