package codec

// What the engine needs to read an envelope whose result's type the caller
// picks per call (Erigones' {"status","result","task_id"}): the result is
// decoded where it stands, in the same pass as the envelope, instead of
// being copied out and decoded again.

// StreamMember reads member name with read, which gets the decoder at the
// member's value and must read exactly that value (DecodeListFrom,
// DecodeObjectFrom, ReadValue or SkipValue). An error read returns ends the
// object; to go on after a value that did not fit, read keeps the error
// and returns nil (see Fatal).
func StreamMember[T any](name string, read func(d *Decoder, v *T) error) Member[T] {
	return Member[T]{name: name, decode: read}
}

// DecodeObjectFrom decodes the next value of d, an object or null (which
// zeroes *v), into *v with s. As with DecodeListFrom, when the value cannot
// be read into a T, d is left after the value so that the caller may go on
// with the document; after a syntax error (Fatal) it may not.
func DecodeObjectFrom[T any](d *Decoder, s *Schema[T], v *T) error {
	depth := d.dec.StackDepth()
	err := s.decode(d, v)
	if err == nil || fatal(err) {
		return err
	}
	for d.dec.StackDepth() > depth {
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
	}
	return err
}

// DecodeInto decodes data, one JSON object (or null, which zeroes *v), onto
// *v with s, after checking its shape against l: what *v holds before is
// what its members decode into (an envelope carrying where its result
// goes). Unlike DecodeObject it interns repeated strings and sizes the
// lists of its members from the document's size, as DecodeMembers does:
// the object is a page, not one item.
func DecodeInto[T any](data []byte, s *Schema[T], v *T, l Limits) error {
	d, err := newDecoder(data, l)
	if err != nil {
		return err
	}
	d.size = len(data)
	if err := s.decode(d, v); err != nil {
		return err
	}
	return d.finish()
}
