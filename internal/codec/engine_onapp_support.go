package codec

// What the engine needs for OnApp's Rails JSON, where an item of a list is
// either a record or the record under a root name ({"backup":{…}}), and
// which of the two it is is known only once the whole item is read: the
// item's members are read as the record's (Lift) and the root's object
// apart (ReplaceObjectMember), and a value that does not fit is kept as the
// reason the record cannot be read rather than ending the list, for the
// part that turns out not to count must not fail the item. DecodeEach hands
// the items to the caller one at a time, so that such an item type never
// needs a list of its own.

// NotObjectError reports a value of another kind where an object was
// wanted (ReplaceObjectMember).
type NotObjectError struct {
	Kind string // "an array", "a string", "a number", "a boolean", "null"
}

func (e *NotObjectError) Error() string { return "want a JSON object, got " + e.Kind }

// kindWords names a value's kind as an error message does.
func kindWords(k byte) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "a value"
}

// deferred runs decode on the next value; an error after which the
// document can still be read (a value of the wrong kind, not broken JSON)
// is handed to fail once the rest of the value is skipped, and decoding
// goes on; the others end it.
func deferred(d *Decoder, decode func() error, fail func(error)) error {
	depth := d.dec.StackDepth()
	err := decode()
	if err == nil || fatal(err) {
		return err
	}
	for d.dec.StackDepth() > depth {
		if _, err := d.dec.ReadToken(); err != nil {
			return err
		}
	}
	fail(err)
	return nil
}

// Lift returns the members of s as members of T, read into the U that f
// returns: a record's members read where they stand in an object that may
// turn out to hold the record under a root name instead. A value that s
// cannot read is skipped and handed to fail (the first one is the record's
// error, as json/v2 would have stopped there); broken JSON ends the object.
// s's After is not run: run it on the U once the object is read.
func Lift[T, U any](s *Schema[U], f func(*T) *U, fail func(v *T, err error)) []Member[T] {
	out := make([]Member[T], len(s.members))
	for i, m := range s.members {
		out[i] = Member[T]{name: m.name, strict: m.strict, decode: func(d *Decoder, v *T) error {
			return deferred(d, func() error { return m.read(d, f(v)) }, func(err error) { fail(v, err) })
		}}
	}
	return out
}

// ReplaceObjectMember reads member name, an object, into the U that f
// returns with schema s, as a map of members would keep it: each time the
// member is sent the U is zeroed and read again, so the last one counts.
// got is called before each one, with nil, and again with the reason when
// the value is not an object (a *NotObjectError, the value skipped) or s
// cannot read it (the rest of it skipped); broken JSON ends the object.
func ReplaceObjectMember[T, U any](name string, s *Schema[U], f func(*T) *U, got func(v *T, err error)) Member[T] {
	return Member[T]{name: name, decode: func(d *Decoder, v *T) error {
		got(v, nil)
		u := f(v)
		var zero U
		*u = zero
		if k := d.dec.PeekKind(); k != '{' {
			if err := d.dec.SkipValue(); err != nil {
				return err
			}
			got(v, &NotObjectError{Kind: kindWords(byte(k))})
			return nil
		}
		return deferred(d, func() error { return s.decode(d, u) }, func(err error) { got(v, err) })
	}}
}

// DecodeEach decodes data, a JSON array of objects or null (no items), with
// s, in one pass, after checking its shape against l, handing each item to
// item as soon as it is read: v is reused for the next item (copy what is
// kept), and hint, on the first item only, is the number of items the list
// likely holds (from the first item's size, bounded), to size what the
// caller builds. At most l.ListMax items are read when that is set.
func DecodeEach[T any](data []byte, s *Schema[T], l Limits, item func(v *T, hint int) error) error {
	d, err := newDecoder(data, l)
	if err != nil {
		return err
	}
	tok, err := d.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		return d.finish()
	case '[':
	default:
		return kindError[[]T](d, tok.Kind())
	}
	var v T
	start := d.dec.InputOffset()
	for n := 0; d.dec.PeekKind() != ']'; n++ {
		if d.listMax > 0 && n >= d.listMax {
			return &LimitError{Bound: "list", Max: d.listMax}
		}
		var zero T
		v = zero
		if err := s.decode(d, &v); err != nil {
			return err
		}
		hint := 0
		if n == 0 {
			hint = 1
			if first := d.dec.InputOffset() - start; first > 0 {
				hint = int(min(int64(len(data))/first+1, maxPresize))
			}
			if d.listMax > 0 {
				hint = min(hint, d.listMax)
			}
		}
		if err := item(&v, hint); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	return d.finish()
}
