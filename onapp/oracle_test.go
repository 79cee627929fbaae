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

// The oracle of the engine's decoding of OnApp's JSON records: json/v2
// with the codec's options into the same shapes, as the package decoded
// them before the engine (the list split into its items, each item into a
// map of members to find the root name or an error member, then the
// record into its struct through reflection). FuzzDecodeJSONAgainstOracle
// holds jsonItems and jsonOne to it.

// oracleItems is jsonItems as json/v2 reads it.
func oracleItems[W, T any](data []byte, plural, singular string, conv func(*W) T) ([]T, error) {
	items, err := oracleList(data, plural)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(items))
	for i, raw := range items {
		v, err := oracleOne(raw, singular, conv)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", singular, i, err)
		}
		out = append(out, *v)
	}
	return out, nil
}

// oracleOne is jsonOne as json/v2 reads it.
func oracleOne[W, T any](data []byte, root string, conv func(*W) T) (*T, error) {
	raw, err := oracleJSONObject(data, root)
	if err != nil {
		return nil, err
	}
	var w W
	if err := codec.UnmarshalJSON(raw, &w); err != nil {
		return nil, err
	}
	v := conv(&w)
	return &v, nil
}

// oracleList splits a JSON list into its items: a top-level array, null,
// or an object holding the array under plural.
func oracleList(data []byte, plural string) ([]jsontext.Value, error) {
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
		v, ok, err := member(members, plural)
		if err != nil {
			return nil, err
		}
		if ok {
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

// The oracle of the engine's decoding of OnApp's Rails XML: encoding/xml
// (through codec.UnmarshalXML, the tolerant types' UnmarshalXML) into the
// same shapes, as the package decoded them before the engine.
// FuzzDecodeXMLAgainstOracle holds xmlEach and xmlObject to it.

// oracleBackupsXML is Rails' <backups type="array"> (or, for an empty
// list, <nil-classes type="array"/>): any root element holding <backup>
// items.
type oracleBackupsXML struct {
	XMLName xml.Name
	Items   []backupWire `xml:"backup"`
}

// oracleVirtualMachinesXML is <virtual_machines type="array">.
type oracleVirtualMachinesXML struct {
	XMLName xml.Name
	Items   []VirtualMachine `xml:"virtual_machine"`
}

// oracleDisksXML is <disks type="array">.
type oracleDisksXML struct {
	XMLName xml.Name
	Items   []Disk `xml:"disk"`
}

// oracleXMLList decodes a Rails XML list into doc, a struct holding the
// items under any root element. An empty body, a document without a root
// element and Rails' empty <nil-classes type="array"/> leave doc empty; an
// <errors> document is errErrorDocument.
func oracleXMLList(data []byte, doc any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	name, found, err := oracleXMLRoot(data)
	switch {
	case err != nil:
		return err
	case !found:
		return nil
	case strings.EqualFold(name, "errors"):
		return errErrorDocument
	}
	return codec.UnmarshalXML(data, doc)
}

// oracleXMLObject decodes a document whose root element must be root.
func oracleXMLObject(data []byte, root string, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errEmptyBody
	}
	name, found, err := oracleXMLRoot(data)
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

// oracleXMLRoot returns the name of the document's root element; found is
// false for a document of only a declaration, comments and white space.
// Text before the root (such as a JSON body) is an error.
func oracleXMLRoot(data []byte) (name string, found bool, err error) {
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
				return "", false, fmt.Errorf("want an XML document, got text starting %q", t)
			}
		}
	}
}

// oracleXMLItems reads a list document into doc and returns its items,
// converted.
func oracleXMLItems[W, T any](data []byte, doc any, items func() []W, conv func(*W) T) ([]T, error) {
	if err := oracleXMLList(data, doc); err != nil {
		return nil, err
	}
	ws := items()
	out := make([]T, 0, len(ws))
	for i := range ws {
		out = append(out, conv(&ws[i]))
	}
	return out, nil
}

// oracleXMLOne reads a document of one record.
func oracleXMLOne[W, T any](data []byte, root string, conv func(*W) T) (*T, error) {
	var w W
	if err := oracleXMLObject(data, root, &w); err != nil {
		return nil, err
	}
	v := conv(&w)
	return &v, nil
}

// oracleJSONObject is jsonObject as json/v2 reads it: it returns the object under root when data is root-wrapped, or
// data itself when it is a bare object.
func oracleJSONObject(data []byte, root string) (jsontext.Value, error) {
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
	if v, ok, err := member(members, root); err != nil {
		return nil, err
	} else if ok {
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

// member finds name among the object's members, exactly or else ignoring
// case; the name sent in two other cases is an error (which one was meant
// cannot be told).
func member(m map[string]jsontext.Value, name string) (v jsontext.Value, found bool, err error) {
	if v, ok := m[name]; ok {
		return v, true, nil
	}
	n := 0
	for k, kv := range m {
		if strings.EqualFold(k, name) {
			n++
			v = kv
		}
	}
	if n > 1 {
		return nil, true, fmt.Errorf("%d members named %s in different cases", n, name)
	}
	return v, n == 1, nil
}

// isErrorObject reports whether a JSON object is an error body rather than
// a record: it has an "errors" or "error" member.
func isErrorObject(m map[string]jsontext.Value) bool {
	_, errs, _ := member(m, "errors")
	_, one, _ := member(m, "error")
	return errs || one
}
