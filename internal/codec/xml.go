package codec

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// UnmarshalXML decodes an XML document into v. It accepts the Rails to_xml
// dialect: scalar elements carrying type="integer|boolean|datetime" and
// nil="true" for nulls (the tolerant scalar types honor nil="true"). Its
// shape is checked against the default Limits first (a *LimitError).
func UnmarshalXML(data []byte, v any) error {
	return UnmarshalXMLWithin(data, v, Limits{})
}

// UnmarshalXMLWithin is UnmarshalXML with the list bound of l.
func UnmarshalXMLWithin(data []byte, v any, l Limits) error {
	if err := CheckXML(data, l); err != nil {
		return err
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	// Rails declares UTF-8; some proxies re-label it. Accept any declared
	// charset as UTF-8 rather than failing on the declaration alone.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return d.Decode(v)
}

// MarshalXML encodes v as an XML document with the standard declaration.
func MarshalXML(v any) ([]byte, error) {
	b, err := xml.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}

// isXMLNil reports whether a start element carries Rails' nil="true".
func isXMLNil(start xml.StartElement) bool {
	for _, a := range start.Attr {
		if a.Name.Local == "nil" && strings.EqualFold(strings.TrimSpace(a.Value), "true") {
			return true
		}
	}
	return false
}

// xmlText reads the character data of the element that start opened and
// reports whether the element was a Rails null.
func xmlText(d *xml.Decoder, start xml.StartElement) (text string, null bool, err error) {
	var s string
	if err := d.DecodeElement(&s, &start); err != nil {
		return "", false, err
	}
	if isXMLNil(start) {
		return "", true, nil
	}
	return s, false, nil
}
