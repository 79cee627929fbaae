package onapp

import (
	"bytes"
	"errors"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// fastBackupsJSON reads the usual list answer, a JSON array of
// root-wrapped or bare backups, in one pass: each item is decoded once,
// straight into its Backup, instead of being copied out of the array,
// split into a map of members and decoded again. ok is false for anything
// else (another shape, an error document, a bad value, a wrapper sent
// twice); decodeBackupsJSON then takes the general path, which reads those
// and words their errors. Whatever this returns, the general path returns
// too (FuzzFastBackupsJSON checks it).
func fastBackupsJSON(data []byte) (list []Backup, ok bool) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '[' {
		return nil, false
	}
	var items []backupItemJSON
	if err := codec.UnmarshalJSON(data, &items); err != nil {
		return nil, false
	}
	out := make([]Backup, len(items))
	for i := range items {
		it := &items[i]
		switch {
		case it.Wrapped.n == 1 && it.Wrapped.object:
			out[i] = it.Wrapped.v.value()
		case it.Wrapped.n == 0 && !bool(it.Errors) && !bool(it.Error):
			out[i] = it.Bare.value()
		default:
			return nil, false
		}
	}
	return out, true
}

// backupItemJSON is one item of a list of backups, read in one pass: the
// members of a bare backup land in Bare, the object of a root-wrapped one
// ({"backup":{…}}) in Wrapped. Names match as the general path matches
// them (exactly, else ignoring case).
type backupItemJSON struct {
	Bare    backupWire         `json:",embed"`
	Wrapped rooted[backupWire] `json:"backup"`
	Errors  seen               `json:"errors"`
	Error   seen               `json:"error"`
}

// errNotObject stops the one-pass decoder at an item that is not an
// object; the general path words the error.
var errNotObject = errors.New("not a JSON object")

// UnmarshalJSONFrom refuses anything but an object (a null item would
// otherwise read as an empty backup).
func (it *backupItemJSON) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return errNotObject
	}
	type plain backupItemJSON
	return json.UnmarshalDecode(dec, (*plain)(it))
}

// rooted is the object under a Rails root name. n counts how often the
// name was sent; object is false when the last one was not an object.
type rooted[W any] struct {
	v      W
	n      int
	object bool
}

// UnmarshalJSONFrom decodes the object, the last one sent winning.
func (r *rooted[W]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	r.n++
	var zero W
	r.v = zero
	if r.object = dec.PeekKind() == '{'; !r.object {
		return dec.SkipValue()
	}
	return json.UnmarshalDecode(dec, &r.v)
}

// seen notes that a member was sent, whatever its value.
type seen bool

// UnmarshalJSONFrom skips the value.
func (s *seen) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*s = true
	return dec.SkipValue()
}
