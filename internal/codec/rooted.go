package codec

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrErrorDocument marks a success answer whose body is an error document
// ({"errors":…} or {"error":…}, in any case, where a record was wanted):
// Rails answers a failure that way under a status that says nothing.
var ErrErrorDocument = errors.New("the body is an error document")

// ErrEmptyBody marks a success answer without the record the call needs.
var ErrEmptyBody = errors.New("the body is empty")

// Rooted reads the JSON records of one type as Rails renders them: bare
// ({…}) or under their root name ({"backup":{…}}, include_root_in_json),
// alone or in a list (an array, null, or an object holding the array under
// the plural name). A name is found as a map of the members would find it
// (the last one spelled exactly, else the one spelled in another case; two
// other spellings are an error). Each item is read in one pass: which of
// the two forms it is, and whether the part that counts could be read, is
// known once the whole item is read, so the errors of the part that does
// not count are kept, not returned.
type Rooted[W any] struct {
	root   string
	record *Schema[W]
	item   *Schema[rootedItem[W]]
}

// rootedItem is one item as Rooted reads it: its members as the bare
// record's, and the object under the root apart.
type rootedItem[W any] struct {
	bare    W
	bareErr error // the first member of bare that did not fit
	root    W
	rooted  bool  // the root name was sent, spelled exactly
	rootErr error // why the last root object sent could not be read
	object  bool  // the item was an object (not null)
	// other holds the members no field took: a root name or an error
	// member spelled in another case is found there.
	other map[string]RawJSON
}

// NewRooted describes the records record reads, under the root name root.
func NewRooted[W any](root string, record *Schema[W]) *Rooted[W] {
	members := Lift(record, func(it *rootedItem[W]) *W { return &it.bare }, func(it *rootedItem[W], err error) {
		if it.bareErr == nil {
			it.bareErr = err
		}
	})
	members = append(members, ReplaceObjectMember(root, record, func(it *rootedItem[W]) *W { return &it.root },
		func(it *rootedItem[W], err error) {
			it.rooted = true
			it.rootErr = err
		}).Strict())
	s := NewSchema(members...).
		KeepUnknown(func(it *rootedItem[W]) *map[string]RawJSON { return &it.other }).
		After(func(it *rootedItem[W]) { it.object = true })
	return &Rooted[W]{root: root, record: record, item: s}
}

// Root returns the root name of the records.
func (r *Rooted[W]) Root() string { return r.root }

// Each reads a list of records from data and hands each to item where it
// stands (valid until item returns; copy what is kept), with hint as
// DecodeEach gives it. An empty body is an empty list; a failing item is
// named by its position.
func (r *Rooted[W]) Each(data []byte, plural string, item func(w *W, hint int) error) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil
	}
	switch data[0] {
	case '[', 'n':
		return r.each(data, item)
	case '{':
		v, found, errDoc, err := envelopeMember(data, plural)
		switch {
		case err != nil:
			return err
		case found:
			if err := r.each(v, item); err != nil {
				return fmt.Errorf("%s: %w", plural, err)
			}
			return nil
		case errDoc:
			return ErrErrorDocument
		}
		return fmt.Errorf("want a JSON array of %s, got an object", plural)
	}
	return fmt.Errorf("want a JSON array of %s, got %s", plural, KindOfValue(data))
}

// each reads data, a JSON array of records or null, in one pass.
func (r *Rooted[W]) each(data []byte, item func(w *W, hint int) error) error {
	n := 0
	return DecodeEach(data, r.item, Limits{}, func(it *rootedItem[W], hint int) error {
		w, err := r.value(it)
		if err != nil {
			return fmt.Errorf("%s %d: %w", r.root, n, err)
		}
		n++
		return item(w, hint)
	})
}

// One reads one record, rooted or bare.
func (r *Rooted[W]) One(data []byte) (*W, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, ErrEmptyBody
	}
	if data[0] != '{' {
		return nil, fmt.Errorf("want a JSON object (%s), got %s", r.root, KindOfValue(data))
	}
	it, err := DecodeObject(data, r.item, Limits{})
	if err != nil {
		return nil, err
	}
	return r.value(&it)
}

// value returns the item's record: the one under the root name when that
// was sent (in any case, as long as only one spelling was), else the bare
// one; an item holding an error member and no root is ErrErrorDocument.
// The record is the item's own (valid until the item is reused): the
// caller converts it where it stands, without a copy on the heap.
func (r *Rooted[W]) value(it *rootedItem[W]) (*W, error) {
	switch {
	case !it.object:
		return nil, fmt.Errorf("want a JSON object (%s), got null", r.root)
	case it.rooted && it.rootErr != nil:
		return nil, fmt.Errorf("%s: %w", r.root, it.rootErr)
	case it.rooted:
		return &it.root, nil
	}
	var raw RawJSON
	roots, errDoc := 0, false
	for name, v := range it.other {
		switch {
		case strings.EqualFold(name, r.root):
			roots++
			raw = v
		case strings.EqualFold(name, "errors"), strings.EqualFold(name, "error"):
			errDoc = true
		}
	}
	switch {
	case roots > 1:
		return nil, fmt.Errorf("%d members named %s in different cases", roots, r.root)
	case roots == 1:
		if raw = bytes.TrimSpace(raw); len(raw) == 0 || raw[0] != '{' {
			return nil, fmt.Errorf("%s: want a JSON object, got %s", r.root, KindOfValue(raw))
		}
		w, err := DecodeObject(raw, r.record, Limits{})
		if err != nil {
			return nil, err
		}
		return &w, nil
	case errDoc:
		return nil, ErrErrorDocument
	}
	if it.bareErr != nil {
		return nil, it.bareErr
	}
	return &it.bare, nil
}

// RootedObject returns the object under root when data is rooted, or data
// itself when it is a bare object: the text of one record, for a reader
// more forgiving than Rooted's.
func RootedObject(data []byte, root string) ([]byte, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, ErrEmptyBody
	}
	if data[0] != '{' {
		return nil, fmt.Errorf("want a JSON object (%s), got %s", root, KindOfValue(data))
	}
	v, found, errDoc, err := envelopeMember(data, root)
	switch {
	case err != nil:
		return nil, err
	case found:
		if v = bytes.TrimSpace(v); len(v) > 0 && v[0] == '{' {
			return v, nil
		}
		return nil, fmt.Errorf("%s: want a JSON object, got %s", root, KindOfValue(v))
	case errDoc:
		return nil, ErrErrorDocument
	}
	return data, nil
}

// envelopeMember reads data, a JSON object, in one pass, and returns its
// member name as a map of the members would find it (the last one spelled
// exactly, else the one spelled in another case; two other spellings are
// an error), and whether the object is an error document (it has an
// "errors" or "error" member, in any case).
func envelopeMember(data []byte, name string) (v []byte, found, errDoc bool, err error) {
	var other map[string][]byte // the other spellings of name: the last value of each
	err = DecodeMembers(data, Limits{}, func(d *Decoder, n []byte) error {
		exact := string(n) == name
		if !exact && !strings.EqualFold(string(n), name) {
			if strings.EqualFold(string(n), "errors") || strings.EqualFold(string(n), "error") {
				errDoc = true
			}
			return d.SkipValue()
		}
		raw, err := d.ReadValue()
		if err != nil {
			return err
		}
		raw = bytes.Clone(raw)
		switch {
		case exact:
			v, found = raw, true
		case other == nil:
			other = map[string][]byte{string(n): raw}
		default:
			other[string(n)] = raw
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, false, false, err
	case found:
		return v, true, errDoc, nil
	case len(other) > 1:
		return nil, true, errDoc, fmt.Errorf("%d members named %s in different cases", len(other), name)
	}
	for _, raw := range other {
		return raw, true, errDoc, nil
	}
	return nil, false, errDoc, nil
}

// KindOfValue names the kind of the JSON value v as an error message does
// ("an array", "a number", …; "nothing" for no value).
func KindOfValue(v []byte) string {
	switch {
	case len(v) == 0:
		return "nothing"
	case v[0] == '-' || v[0] >= '0' && v[0] <= '9':
		return "a number"
	}
	return kindWords(v[0])
}
