package onapp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// errErrorDocument marks a success answer whose body is an error document
// ({"errors":…} or <errors>); the caller turns it into an *APIError.
var errErrorDocument = errors.New("the body is an error document")

// errEmptyBody marks a success answer without the body the call needs.
var errEmptyBody = errors.New("the body is empty")

// backupWire is a Backup as it comes over the wire: it also reads the
// prose's spelling allowed_resize_without_reboot.
type backupWire struct {
	Backup
	AllowedResizeWithoutReboot Bool `json:"allowed_resize_without_reboot" xml:"allowed_resize_without_reboot"`
}

func (w *backupWire) value() Backup {
	b := w.Backup
	if !b.AllowResizeWithoutReboot.Valid {
		b.AllowResizeWithoutReboot = w.AllowedResizeWithoutReboot
	}
	return b
}

// decodeBackupsJSON reads a list of backups: an array of root-wrapped
// objects ([{"backup":{…}}]), of bare objects ([{…}]), or either inside
// {"backups":[…]}. An empty body, null or [] give an empty list.
func decodeBackupsJSON(data []byte) ([]Backup, error) {
	return jsonItems(data, "backups", backupItemSchema, (*backupWire).value)
}

// decodeBackupsXML reads <backups type="array"><backup>…</backup></backups>.
// nil="true" elements come out absent; an empty document or an empty array
// gives an empty list.
func decodeBackupsXML(data []byte) ([]Backup, error) {
	return xmlItems(data, "backup", backupXML, (*backupWire).value)
}

// decodeBackupJSON reads one backup, root-wrapped ({"backup":{…}}) or bare.
func decodeBackupJSON(data []byte) (*Backup, error) {
	return jsonOne(data, backupItemSchema, (*backupWire).value)
}

// decodeBackupXML reads one <backup> document.
func decodeBackupXML(data []byte) (*Backup, error) {
	w, err := xmlObject(data, "backup", backupXML)
	if err != nil {
		return nil, err
	}
	b := w.value()
	return &b, nil
}

// written is the decoded answer of a call that changed state: what could
// be read, and why the rest could not.
type written[T any] struct {
	value   *T    // nil when not even the object's id could be read
	bodyErr error // nil when the answer was read whole
}

// idOnly reads no more than the id of an answer's object.
type idOnly struct {
	ID Int `json:"id" xml:"id"`
}

var idXML = codec.NewXMLSchema(codec.IntField("id", func(v *idOnly) *Int { return &v.ID }))

// decodeWritten reads the success answer of a write whose object sits
// under root. The server did the work, so the answer must not turn into an
// error: members that do not fit their fields are left absent (JSON) and
// reported, and an answer that cannot be read at all keeps the object's
// id when that much can be read. Only an error document is an error.
func decodeWritten[T any](c *Client, resp *core.Response, root string, xs *codec.XMLSchema[T], setID func(*T, Int)) (written[T], error) {
	var out written[T]
	if c.format == XML {
		v, err := xmlObject(resp.Body, root, xs)
		if err == nil {
			out.value = &v
			return out, nil
		}
		if errors.Is(err, errErrorDocument) {
			return out, c.core.APIError(resp, resp.StatusCode)
		}
		out.bodyErr = c.core.DecodeError(resp, err)
		if id, err := xmlObject(resp.Body, root, idXML); err == nil && id.ID.Valid {
			var partial T
			setID(&partial, id.ID)
			out.value = &partial
		}
		return out, nil
	}
	raw, err := jsonObject(resp.Body, root)
	if err != nil {
		if errors.Is(err, errErrorDocument) {
			return out, c.core.APIError(resp, resp.StatusCode)
		}
		out.bodyErr = c.core.DecodeError(resp, err)
		return out, nil
	}
	var v T
	problems, err := codec.UnmarshalJSONLenient(raw, &v, codec.Limits{})
	if err != nil {
		out.bodyErr = c.core.DecodeError(resp, err)
		return out, nil
	}
	if problems != nil {
		out.bodyErr = c.core.DecodeError(resp, problems)
	}
	out.value = &v
	return out, nil
}

// decodeTemplateJSON reads {"image_template":{…}} or a bare template.
func decodeTemplateJSON(data []byte) (*ImageTemplate, error) {
	return jsonOne(data, templateItemSchema, same)
}

// decodeTemplateXML reads one <image_template> document.
func decodeTemplateXML(data []byte) (*ImageTemplate, error) {
	return xmlOne(data, "image_template", templateXML)
}

// decodeVirtualMachinesJSON reads a list of virtual servers:
// [{"virtual_machine":{…}}], bare [{…}], or either inside
// {"virtual_machines":[…]}. An empty body, null or [] give an empty list.
func decodeVirtualMachinesJSON(data []byte) ([]VirtualMachine, error) {
	return jsonItems(data, "virtual_machines", virtualMachineItemSchema, same)
}

// decodeVirtualMachinesXML reads
// <virtual_machines type="array"><virtual_machine>…</virtual_machine></virtual_machines>.
func decodeVirtualMachinesXML(data []byte) ([]VirtualMachine, error) {
	return xmlItems(data, "virtual_machine", virtualMachineXML, same)
}

// decodeVirtualMachineJSON reads one virtual server, root-wrapped
// ({"virtual_machine":{…}}) or bare.
func decodeVirtualMachineJSON(data []byte) (*VirtualMachine, error) {
	return jsonOne(data, virtualMachineItemSchema, same)
}

// decodeVirtualMachineXML reads one <virtual_machine> document.
func decodeVirtualMachineXML(data []byte) (*VirtualMachine, error) {
	return xmlOne(data, "virtual_machine", virtualMachineXML)
}

// decodeDisksJSON reads a list of disks: [{"disk":{…}}], bare [{…}], or
// either inside {"disks":[…]}. An empty body, null or [] give an empty
// list.
func decodeDisksJSON(data []byte) ([]Disk, error) {
	return jsonItems(data, "disks", diskItemSchema, same)
}

// decodeDisksXML reads <disks type="array"><disk>…</disk></disks>.
func decodeDisksXML(data []byte) ([]Disk, error) {
	return xmlItems(data, "disk", diskXML, same)
}

// railsItem is one JSON record as OnApp sends it, read in one pass: bare
// ({…}, its members read into bare) or under its root name ({"backup":{…}},
// into root). Which of the two it is, and whether the part that counts
// could be read, is known once the whole item is read (value), so the
// errors of the part that does not count are kept, not returned.
type railsItem[W any] struct {
	bare    W
	bareErr error // the first member of bare that did not fit
	root    W
	rooted  bool  // the root name was sent, spelled exactly
	rootErr error // why the last root object sent could not be read
	object  bool  // the item was an object (not null)
	// other holds the members no field took: a root name or an error
	// member spelled in another case is found there.
	other map[string]codec.RawJSON
}

// itemSchema is how the engine reads the JSON records of one type: bare,
// or under root.
type itemSchema[W any] struct {
	root   string
	record *codec.Schema[W]
	item   *codec.Schema[railsItem[W]]
}

// newItemSchema describes a railsItem of the records record reads: the
// record's members, and root (exactly; another case is looked for in the
// item's other members, as a map of members would find it).
func newItemSchema[W any](root string, record *codec.Schema[W]) *itemSchema[W] {
	members := codec.Lift(record, func(it *railsItem[W]) *W { return &it.bare }, func(it *railsItem[W], err error) {
		if it.bareErr == nil {
			it.bareErr = err
		}
	})
	members = append(members, codec.ReplaceObjectMember(root, record, func(it *railsItem[W]) *W { return &it.root },
		func(it *railsItem[W], err error) {
			it.rooted = true
			it.rootErr = err
		}).Strict())
	s := codec.NewSchema(members...).
		KeepUnknown(func(it *railsItem[W]) *map[string]codec.RawJSON { return &it.other }).
		After(func(it *railsItem[W]) { it.object = true })
	return &itemSchema[W]{root: root, record: record, item: s}
}

var (
	backupItemSchema         = newItemSchema("backup", backupSchema)
	templateItemSchema       = newItemSchema("image_template", templateSchema)
	virtualMachineItemSchema = newItemSchema("virtual_machine", virtualMachineSchema)
	diskItemSchema           = newItemSchema("disk", diskSchema)
)

// value returns the item's record: the one under the root name when that
// was sent (in any case, as long as only one spelling was), else the bare
// one; an item holding an error member and no root is errErrorDocument.
// The record is the item's own (valid until the item is reused): the
// caller converts it where it stands, without a copy on the heap.
func (it *railsItem[W]) value(is *itemSchema[W]) (*W, error) {
	switch {
	case !it.object:
		return nil, fmt.Errorf("want a JSON object (%s), got null", is.root)
	case it.rooted && it.rootErr != nil:
		return nil, fmt.Errorf("%s: %w", is.root, it.rootErr)
	case it.rooted:
		return &it.root, nil
	}
	var raw codec.RawJSON
	roots, errDoc := 0, false
	for name, v := range it.other {
		switch {
		case strings.EqualFold(name, is.root):
			roots++
			raw = v
		case strings.EqualFold(name, "errors"), strings.EqualFold(name, "error"):
			errDoc = true
		}
	}
	switch {
	case roots > 1:
		return nil, fmt.Errorf("%d members named %s in different cases", roots, is.root)
	case roots == 1:
		if raw = bytes.TrimSpace(raw); len(raw) == 0 || raw[0] != '{' {
			return nil, fmt.Errorf("%s: want a JSON object, got %s", is.root, kindOf(raw))
		}
		w, err := codec.DecodeObject(raw, is.record, codec.Limits{})
		if err != nil {
			return nil, err
		}
		return &w, nil
	case errDoc:
		return nil, errErrorDocument
	}
	if it.bareErr != nil {
		return nil, it.bareErr
	}
	return &it.bare, nil
}

// same is the conversion of a record that is its own wire form.
func same[T any](v *T) T { return *v }

// jsonItems reads a JSON list of records: a top-level array, null, or an
// object holding the array under plural (found as member finds it); an
// empty body is an empty list. Each item is read where it stands and
// turned into a T by conv; a failing item is named by its position.
func jsonItems[W, T any](data []byte, plural string, is *itemSchema[W], conv func(*W) T) ([]T, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return []T{}, nil
	}
	switch data[0] {
	case '[', 'n':
		return eachItem(data, is, conv)
	case '{':
		v, found, errDoc, err := envelopeMember(data, plural)
		switch {
		case err != nil:
			return nil, err
		case found:
			list, err := eachItem(v, is, conv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", plural, err)
			}
			return list, nil
		case errDoc:
			return nil, errErrorDocument
		}
		return nil, fmt.Errorf("want a JSON array of %s, got an object", plural)
	}
	return nil, fmt.Errorf("want a JSON array of %s, got %s", plural, kindOf(data))
}

// envelopeMember reads data, a JSON object, in one pass, and returns its
// member name as member finds it in a map of the members (the last one
// spelled exactly, else the one spelled in another case; two other
// spellings are an error), and whether the object is an error document
// (it has an "errors" or "error" member, in any case).
func envelopeMember(data []byte, name string) (v []byte, found, errDoc bool, err error) {
	var other map[string][]byte // the other spellings of name: the last value of each
	err = codec.DecodeMembers(data, codec.Limits{}, func(d *codec.Decoder, n []byte) error {
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

// eachItem reads data, a JSON array of records or null, in one pass.
func eachItem[W, T any](data []byte, is *itemSchema[W], conv func(*W) T) ([]T, error) {
	var out []T
	err := codec.DecodeEach(data, is.item, codec.Limits{}, func(it *railsItem[W], hint int) error {
		if hint > 0 {
			out = make([]T, 0, hint)
		}
		w, err := it.value(is)
		if err != nil {
			return fmt.Errorf("%s %d: %w", is.root, len(out), err)
		}
		out = append(out, conv(w))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nonNil(out), nil
}

// jsonOne reads one record, root-wrapped or bare.
func jsonOne[W, T any](data []byte, is *itemSchema[W], conv func(*W) T) (*T, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errEmptyBody
	}
	if data[0] != '{' {
		return nil, fmt.Errorf("want a JSON object (%s), got %s", is.root, kindOf(data))
	}
	it, err := codec.DecodeObject(data, is.item, codec.Limits{})
	if err != nil {
		return nil, err
	}
	w, err := it.value(is)
	if err != nil {
		return nil, err
	}
	v := conv(w)
	return &v, nil
}

// xmlItems reads a Rails XML list: the root's children named item (any
// root: Rails names an empty list <nil-classes type="array"/>), each
// turned into a T by conv. An empty body or a document without a root
// element is an empty list; an <errors> document is errErrorDocument.
func xmlItems[W, T any](data []byte, item string, s *codec.XMLSchema[W], conv func(*W) T) ([]T, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return []T{}, nil
	}
	doc, err := xmlDoc(data)
	if err != nil {
		return nil, err
	}
	var out []T
	err = codec.DecodeXMLEach(doc, item, s, func(w *W, hint int) error {
		if hint > 0 {
			out = make([]T, 0, hint)
		}
		out = append(out, conv(w))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nonNil(out), nil
}

// xmlDoc reads data up to its root element; an <errors> root is
// errErrorDocument.
func xmlDoc(data []byte) (*codec.XMLDocument, error) {
	doc, err := codec.ReadXML(data, codec.Limits{})
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(doc.Root(), "errors") {
		return nil, errErrorDocument
	}
	return doc, nil
}

// xmlObject reads a document whose root element must be root.
func xmlObject[T any](data []byte, root string, s *codec.XMLSchema[T]) (T, error) {
	var zero T
	if len(bytes.TrimSpace(data)) == 0 {
		return zero, errEmptyBody
	}
	doc, err := xmlDoc(data)
	switch {
	case err != nil:
		return zero, err
	case doc.Root() == "":
		return zero, errors.New("no XML root element")
	case doc.Root() != root:
		return zero, fmt.Errorf("want an XML <%s> document, got <%s>", root, doc.Root())
	}
	return codec.DecodeXMLRoot(doc, s)
}

// xmlOne is xmlObject returning a pointer.
func xmlOne[T any](data []byte, root string, s *codec.XMLSchema[T]) (*T, error) {
	v, err := xmlObject(data, root, s)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// nonNil returns s, or an empty slice for nil: an empty list is never nil.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// jsonObject returns the object under root when data is root-wrapped, or
// data itself when it is a bare object.
func jsonObject(data []byte, root string) ([]byte, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errEmptyBody
	}
	if data[0] != '{' {
		return nil, fmt.Errorf("want a JSON object (%s), got %s", root, kindOf(data))
	}
	v, found, errDoc, err := envelopeMember(data, root)
	switch {
	case err != nil:
		return nil, err
	case found:
		if v = bytes.TrimSpace(v); len(v) > 0 && v[0] == '{' {
			return v, nil
		}
		return nil, fmt.Errorf("%s: want a JSON object, got %s", root, kindOf(v))
	case errDoc:
		return nil, errErrorDocument
	}
	return data, nil
}

func kindOf(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '[':
		return "an array"
	case '{':
		return "an object"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}
