package codec

import "github.com/go-json-experiment/json/jsontext"

// What the engine needs to read answers whose list sits in an object of
// objects (Unitrends' status view, keyed by system name, each system's
// rows in {"backups": […]}), in the same pass as the answer: the kind of
// the next value, and the members of an object inside the document.

// PeekKind returns the kind of the next value without reading it: 'n',
// 't', 'f', '"', '0' (a number), '{' or '['; 0 at the end of the input or
// after an error.
func (d *Decoder) PeekKind() jsontext.Kind { return d.dec.PeekKind() }

// DecodeMembersFrom reads the next value of d, an object or null (an
// object without members), as DecodeMembers reads a document: member gets
// each member's name (unquoted, valid only during the call) and must read
// its value. An error member returns ends the read. Another kind of value
// is a *SemanticError, read past so that the caller may go on.
func DecodeMembersFrom(d *Decoder, member func(d *Decoder, name []byte) error) error {
	switch k := d.dec.PeekKind(); k {
	case 'n':
		return d.dec.SkipValue()
	case '{':
	default:
		if err := d.dec.SkipValue(); err != nil {
			return err
		}
		return kindError[map[string]RawJSON](d, k)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	for d.dec.PeekKind() != '}' {
		raw, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		name, plain := d.literal(raw)
		if !plain {
			name = unquoteBytes(raw)
		}
		if err := member(d, name); err != nil {
			return err
		}
	}
	_, err := d.dec.ReadToken()
	return err
}
