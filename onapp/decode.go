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
var errErrorDocument = codec.ErrErrorDocument

// errEmptyBody marks a success answer without the body the call needs.
var errEmptyBody = codec.ErrEmptyBody

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

// records reads the records of one type, in either format: a list (a
// JSON array of root-wrapped objects ([{"backup":{…}}]) or bare ones
// ([{…}]), either inside {"backups":[…]}; or
// <backups type="array"><backup>…</backup></backups>), or one record
// (root-wrapped or bare; one <backup> document). An empty body, JSON null
// or an empty array is an empty list; nil="true" elements and JSON nulls
// come out absent. Each record is read where it stands and turned into a T
// by conv.
type records[W, T any] struct {
	plural string
	json   *codec.Rooted[W]
	xml    *codec.XMLSchema[W]
	conv   func(*W) T
}

var (
	backupRecords         = &records[backupWire, Backup]{"backups", codec.NewRooted("backup", backupSchema), backupXML, (*backupWire).value}
	templateRecords       = &records[ImageTemplate, ImageTemplate]{"image_templates", codec.NewRooted("image_template", templateSchema), templateXML, same[ImageTemplate]}
	virtualMachineRecords = &records[VirtualMachine, VirtualMachine]{"virtual_machines", codec.NewRooted("virtual_machine", virtualMachineSchema), virtualMachineXML, same[VirtualMachine]}
	diskRecords           = &records[Disk, Disk]{"disks", codec.NewRooted("disk", diskSchema), diskXML, same[Disk]}
)

// list reads a list of records.
func (r *records[W, T]) list(f Format, data []byte) ([]T, error) {
	out := []T{}
	add := func(w *W, hint int) error {
		if hint > 0 {
			out = make([]T, 0, hint)
		}
		out = append(out, r.conv(w))
		return nil
	}
	var err error
	if f == XML {
		err = xmlEach(data, r.json.Root(), r.xml, add)
	} else {
		err = r.json.Each(data, r.plural, add)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// one reads one record.
func (r *records[W, T]) one(f Format, data []byte) (*T, error) {
	var w *W
	var err error
	if f == XML {
		var v W
		v, err = xmlObject(data, r.json.Root(), r.xml)
		w = &v
	} else {
		w, err = r.json.One(data)
	}
	if err != nil {
		return nil, err
	}
	v := r.conv(w)
	return &v, nil
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
	raw, err := codec.RootedObject(resp.Body, root)
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

// same is the conversion of a record that is its own wire form.
func same[T any](v *T) T { return *v }

// xmlEach reads a Rails XML list: the root's children named item (any
// root: Rails names an empty list <nil-classes type="array"/>), each
// handed to fn where it stands. An empty body or a document without a
// root element is an empty list; an <errors> document is errErrorDocument.
func xmlEach[W any](data []byte, item string, s *codec.XMLSchema[W], fn func(w *W, hint int) error) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	doc, err := xmlDoc(data)
	if err != nil {
		return err
	}
	return codec.DecodeXMLEach(doc, item, s, fn)
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
