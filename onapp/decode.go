package onapp

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
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

// backupsXML is Rails' <backups type="array"> (or, for an empty list,
// <nil-classes type="array"/>): any root element holding <backup> items.
type backupsXML struct {
	XMLName xml.Name
	Items   []backupWire `xml:"backup"`
}

// decodeBackupsJSON reads a list of backups: an array of root-wrapped
// objects ([{"backup":{…}}]), of bare objects ([{…}]), or either inside
// {"backups":[…]}. An empty body, null or [] give an empty list.
func decodeBackupsJSON(data []byte) ([]Backup, error) {
	items, err := jsonList(data, "backups")
	if err != nil {
		return nil, err
	}
	out := make([]Backup, 0, len(items))
	for i, raw := range items {
		b, err := decodeBackupJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("backup %d: %w", i, err)
		}
		out = append(out, *b)
	}
	return out, nil
}

// decodeBackupsXML reads <backups type="array"><backup>…</backup></backups>.
// nil="true" elements come out absent; an empty document or an empty array
// gives an empty list.
func decodeBackupsXML(data []byte) ([]Backup, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return []Backup{}, nil
	}
	name, found, err := xmlRoot(data)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return []Backup{}, nil
	case strings.EqualFold(name, "errors"):
		return nil, errErrorDocument
	}
	var doc backupsXML
	if err := codec.UnmarshalXML(data, &doc); err != nil {
		return nil, err
	}
	out := make([]Backup, 0, len(doc.Items))
	for i := range doc.Items {
		out = append(out, doc.Items[i].value())
	}
	return out, nil
}

// decodeBackupJSON reads one backup, root-wrapped ({"backup":{…}}) or bare.
func decodeBackupJSON(data []byte) (*Backup, error) {
	raw, err := jsonObject(data, "backup")
	if err != nil {
		return nil, err
	}
	var w backupWire
	if err := codec.UnmarshalJSON(raw, &w); err != nil {
		return nil, err
	}
	b := w.value()
	return &b, nil
}

// decodeBackupXML reads one <backup> document.
func decodeBackupXML(data []byte) (*Backup, error) {
	var w backupWire
	if err := xmlObject(data, "backup", &w); err != nil {
		return nil, err
	}
	b := w.value()
	return &b, nil
}

// decodeTemplateJSON reads {"image_template":{…}} or a bare template.
func decodeTemplateJSON(data []byte) (*ImageTemplate, error) {
	raw, err := jsonObject(data, "image_template")
	if err != nil {
		return nil, err
	}
	var t ImageTemplate
	if err := codec.UnmarshalJSON(raw, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// decodeTemplateXML reads one <image_template> document.
func decodeTemplateXML(data []byte) (*ImageTemplate, error) {
	var t ImageTemplate
	if err := xmlObject(data, "image_template", &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// jsonList splits a JSON list into its items: a top-level array, null, or
// an object holding the array under plural.
func jsonList(data []byte, plural string) ([]jsontext.Value, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, nil
	}
	switch data[0] {
	case '[', 'n':
		var items []jsontext.Value
		if err := codec.UnmarshalJSON(data, &items); err != nil {
			return nil, err
		}
		return items, nil
	case '{':
		members, err := jsonMembers(data)
		if err != nil {
			return nil, err
		}
		if v, ok := member(members, plural); ok {
			var items []jsontext.Value
			if err := codec.UnmarshalJSON(v, &items); err != nil {
				return nil, fmt.Errorf("%s: %w", plural, err)
			}
			return items, nil
		}
		if isErrorObject(members) {
			return nil, errErrorDocument
		}
		return nil, fmt.Errorf("want a JSON array of %s, got an object", plural)
	}
	return nil, fmt.Errorf("want a JSON array of %s, got %s", plural, kindOf(data))
}

// jsonObject returns the object under root when data is root-wrapped, or
// data itself when it is a bare object.
func jsonObject(data []byte, root string) (jsontext.Value, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errEmptyBody
	}
	if data[0] != '{' {
		return nil, fmt.Errorf("want a JSON object (%s), got %s", root, kindOf(data))
	}
	members, err := jsonMembers(data)
	if err != nil {
		return nil, err
	}
	if v, ok := member(members, root); ok {
		v = bytes.TrimSpace(v)
		if len(v) > 0 && v[0] == '{' {
			return v, nil
		}
		return nil, fmt.Errorf("%s: want a JSON object, got %s", root, kindOf(v))
	}
	if isErrorObject(members) {
		return nil, errErrorDocument
	}
	return data, nil
}

func jsonMembers(data []byte) (map[string]jsontext.Value, error) {
	var m map[string]jsontext.Value
	if err := codec.UnmarshalJSON(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// member finds name among the object's members, exactly or ignoring case.
func member(m map[string]jsontext.Value, name string) (jsontext.Value, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// isErrorObject reports whether a JSON object is an error body rather than
// a record: it has an "errors" or "error" member.
func isErrorObject(m map[string]jsontext.Value) bool {
	_, errs := member(m, "errors")
	_, one := member(m, "error")
	return errs || one
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

// xmlObject decodes a document whose root element must be root.
func xmlObject(data []byte, root string, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errEmptyBody
	}
	name, found, err := xmlRoot(data)
	switch {
	case err != nil:
		return err
	case !found:
		return errors.New("no XML root element")
	case strings.EqualFold(name, "errors"):
		return errErrorDocument
	case name != root:
		return fmt.Errorf("want an XML <%s> document, got <%s>", root, name)
	}
	return codec.UnmarshalXML(data, v)
}

// xmlRoot returns the name of the document's root element; found is false
// for a document of only a declaration, comments and white space. Text
// before the root (such as a JSON body) is an error.
func xmlRoot(data []byte) (name string, found bool, err error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", false, nil
			}
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t.Name.Local, true, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return "", false, fmt.Errorf("want an XML document, got text starting %q", snippet(t))
			}
		}
	}
}

func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 32 {
		return string(b[:32]) + "…"
	}
	return string(b)
}
