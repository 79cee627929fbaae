package onapp

import (
	"bytes"
	"errors"
	"strings"

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
	l := backupListJSON{size: len(data)}
	if err := codec.UnmarshalJSON(data, &l); err != nil {
		return nil, false
	}
	return l.items, true
}

// backupListJSON streams a JSON array of backups into items, one item at
// a time, without a slice of intermediate items.
type backupListJSON struct {
	size  int // of the whole body, to size items after the first
	items []Backup
}

// errDecline stops the one-pass decoder at an item it leaves to the
// general path.
var errDecline = errors.New("left to the general path")

// UnmarshalJSONFrom reads the array. An item that is not a clean backup
// (see backupItemJSON.backup) stops it with an error.
func (l *backupListJSON) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if _, err := dec.ReadToken(); err != nil { // '[', as the caller checked
		return err
	}
	start := dec.InputOffset()
	l.items = []Backup{}
	var it backupItemJSON
	for dec.PeekKind() != ']' {
		it = backupItemJSON{}
		if err := json.UnmarshalDecode(dec, &it); err != nil {
			return err
		}
		b, ok := it.backup()
		if !ok {
			return errDecline
		}
		if len(l.items) == 0 {
			l.items = make([]Backup, 0, presize(l.size, dec.InputOffset()-start))
		}
		l.items = append(l.items, b)
	}
	_, err := dec.ReadToken()
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
		return 0
	}
	return int(min(int64(size)/first+1, maxPresize))
}

// backupItemJSON is one item of a list of backups, read in one pass: the
// members of a bare backup land in Bare, the object of a root-wrapped one
// ({"backup":{…}}) in Wrapped. Names match as the general path matches
// them: the codec matches the backup's members (exactly, else ignoring
// case, '_' and '-'), while the root and error members are found exactly
// here and by strings.EqualFold there, so an item with such a member in
// another case is left to the general path.
type backupItemJSON struct {
	Bare    backupWire         `json:",embed"`
	Wrapped rooted[backupWire] `json:"backup,case:strict"`
	Errors  seen               `json:"errors,case:strict"`
	Error   seen               `json:"error,case:strict"`
	// Other holds the names of members no field took, so that a root or
	// error member spelled in another case is noticed.
	Other map[string]seen `json:",embed"`
}

// backup returns the item's backup: the wrapped one, else the bare one.
// ok is false for an item the general path must read: one with the root
// name sent more than once or not as an object, or an error document.
func (it *backupItemJSON) backup() (b Backup, ok bool) {
	for name := range it.Other {
		if strings.EqualFold(name, "backup") || strings.EqualFold(name, "errors") || strings.EqualFold(name, "error") {
			return Backup{}, false
		}
	}
	switch {
	case it.Wrapped.n == 1 && it.Wrapped.object:
		return it.Wrapped.v.value(), true
	case it.Wrapped.n == 0 && !bool(it.Errors) && !bool(it.Error):
		return it.Bare.value(), true
	}
	return Backup{}, false
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
