package codec

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The engine's XML side: one pass over the bytes of a Rails to_xml
// document into Go structs described by an XMLSchema, built once per type
// from the same Fields as the JSON Schema. It reads the subset Rails
// writes, and checks it as encoding/xml's strict mode does:
//
//   - elements (names matched by their local part, exactly, as
//     encoding/xml matches a field tag without a namespace), attributes
//     (only nil="true" means anything: a Rails null; type="…" is the
//     text's business), text with the five predefined entities and
//     numeric character references, CDATA sections, comments, processing
//     instructions (the <?xml …?> declaration: only version 1.0);
//   - end tags must match, there is one root element, and after it only
//     white space, comments and processing instructions;
//   - a DOCTYPE (or any other <!…> directive), an entity that is not
//     predefined and a name that is not ASCII are refused
//     (*XMLRefusedError): Rails sends none, and a DOCTYPE is where entity
//     expansion attacks live;
//   - nesting, children per element and elements per byte are held to the
//     Limits as CheckXML holds them, in the same pass.
//
// Scalars are read from the text in place when it needs no unescaping;
// plain integers, booleans and ISO times without allocating, repeated
// short strings interned once per document.

// XMLSyntaxError reports a document that is not well-formed XML.
type XMLSyntaxError struct {
	Offset int    // byte offset in the document where reading stopped
	Msg    string // what was wrong
}

func (e *XMLSyntaxError) Error() string {
	return fmt.Sprintf("XML syntax error at byte %d: %s", e.Offset, e.Msg)
}

// XMLRefusedError reports well-formed XML outside the Rails subset the
// reader accepts: a DOCTYPE or other directive, an entity that is not one
// of the five predefined ones, a non-ASCII name, or content after the root
// element.
type XMLRefusedError struct {
	Offset int    // byte offset of the construct
	What   string // "a DOCTYPE", "the entity &foo;", …
}

func (e *XMLRefusedError) Error() string {
	return fmt.Sprintf("XML at byte %d: %s is not accepted (only Rails' XML subset is read)", e.Offset, e.What)
}

// XMLFieldError reports an element whose text does not fit its field.
type XMLFieldError struct {
	Path string // the element's path, "/backups/backup/id"
	Err  error  // a *ScalarError
}

func (e *XMLFieldError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e *XMLFieldError) Unwrap() error { return e.Err }

// XMLSchema describes how the engine decodes an XML element into a T: the
// child elements that are fields, and what is done once an element is
// read. Build it once per type (NewXMLSchema, or NewSchemas with the JSON
// Schema); it is read-only after that and safe for concurrent use. Child
// elements without a field are skipped (checked, not kept).
type XMLSchema[T any] struct {
	fields []xmlField[T]
	index  map[string]int // local name → index in fields
	after  func(*T)
}

// xmlField is one child element of an XMLSchema.
type xmlField[T any] struct {
	name   string
	decode func(r *xmlReader, v *T, t xmlTag) error
}

// Field is one field of a type as both its JSON member and its XML child
// element of the same name read it: IntField and the others below make
// them; NewSchemas builds both schemas from one list.
type Field[T any] struct {
	json Member[T]
	xml  xmlField[T]
}

// NewXMLSchema builds the XML table of the fields of T. Two fields of one
// name are a programming error: it panics, at init.
func NewXMLSchema[T any](fields ...Field[T]) *XMLSchema[T] {
	s := &XMLSchema[T]{index: make(map[string]int, len(fields))}
	for _, f := range fields {
		if _, dup := s.index[f.xml.name]; dup {
			panic("codec: XML schema: two fields named " + f.xml.name)
		}
		s.index[f.xml.name] = len(s.fields)
		s.fields = append(s.fields, f.xml)
	}
	return s
}

// NewSchemas builds the JSON Schema and the XMLSchema of T from one list
// of fields.
func NewSchemas[T any](fields ...Field[T]) (*Schema[T], *XMLSchema[T]) {
	members := make([]Member[T], len(fields))
	for i, f := range fields {
		members[i] = f.json
	}
	return NewSchema(members...), NewXMLSchema(fields...)
}

// After sets a function run on each element once it is read.
func (s *XMLSchema[T]) After(f func(*T)) *XMLSchema[T] {
	s.after = f
	return s
}

// xmlScalar makes the XML side of a scalar field: the element's text (nil
// when it is a Rails null) handed to read.
func xmlScalar[T, S any](name string, f func(*T) *S, read func(r *xmlReader, dst *S, text []byte, null bool) error) xmlField[T] {
	return xmlField[T]{name: name, decode: func(r *xmlReader, v *T, t xmlTag) error {
		text, err := r.scalarText(&t)
		if err != nil {
			return within(err, &t)
		}
		if err := read(r, f(v), text, t.null); err != nil {
			return within(&XMLFieldError{Err: err}, &t)
		}
		return nil
	}}
}

// IntField is an Int read from a JSON member or an XML element name.
func IntField[T any](name string, f func(*T) *Int) Field[T] {
	return Field[T]{json: IntMember(name, f), xml: xmlScalar(name, f, readXMLInt)}
}

// BoolField is a Bool read from a JSON member or an XML element name.
func BoolField[T any](name string, f func(*T) *Bool) Field[T] {
	return Field[T]{json: BoolMember(name, f), xml: xmlScalar(name, f, readXMLBool)}
}

// StringField is a String read from a JSON member or an XML element name.
func StringField[T any](name string, f func(*T) *String) Field[T] {
	return Field[T]{json: StringMember(name, f), xml: xmlScalar(name, f, readXMLString)}
}

// TimeField is a Time read from a JSON member or an XML element name.
func TimeField[T any](name string, f func(*T) *Time) Field[T] {
	return Field[T]{json: TimeMember(name, f), xml: xmlScalar(name, f, readXMLTime)}
}

// TextField is a Text read from a JSON member or an XML element name.
func TextField[T any, E ~string](name string, f func(*T) *Text[E]) Field[T] {
	return Field[T]{json: TextMember(name, f), xml: xmlScalar(name, f, func(r *xmlReader, dst *Text[E], text []byte, null bool) error {
		var s String
		err := readXMLString(r, &s, text, null)
		dst.set(s)
		return err
	})}
}

// ObjectField is a nested record read with its own schemas: a JSON object
// member, or an XML element whose children are the record's fields.
func ObjectField[T, U any](name string, js *Schema[U], xs *XMLSchema[U], f func(*T) *U) Field[T] {
	return Field[T]{json: ObjectMember(name, js, f), xml: xmlField[T]{name: name, decode: func(r *xmlReader, v *T, t xmlTag) error {
		return xs.decode(r, f(v), &t)
	}}}
}

// ListField is a list of records: a JSON array member, or an XML element
// (Rails' type="array") whose children named item are the records; other
// children are skipped.
func ListField[T, U any](name, item string, js *Schema[U], xs *XMLSchema[U], f func(*T) *[]U) Field[T] {
	return Field[T]{json: ListMember(name, js, f), xml: xmlField[T]{name: name, decode: func(r *xmlReader, v *T, t xmlTag) error {
		list := f(v)
		return decodeXMLItems(r, &t, item, xs, 0, func(u *U, _ int) error {
			*list = append(*list, *u)
			return nil
		})
	}}}
}

func readXMLInt(_ *xmlReader, dst *Int, text []byte, null bool) error {
	text = bytes.TrimSpace(text)
	if n, ok := plainInt(text); ok && !null {
		*dst = NewInt(n)
		return nil
	}
	return setXMLScalar(dst, text, null)
}

func readXMLBool(_ *xmlReader, dst *Bool, text []byte, null bool) error {
	text = bytes.TrimSpace(text)
	switch {
	case null:
	case string(text) == "true":
		*dst = NewBool(true)
		return nil
	case string(text) == "false":
		*dst = NewBool(false)
		return nil
	}
	return setXMLScalar(dst, text, null)
}

func readXMLTime(_ *xmlReader, dst *Time, text []byte, null bool) error {
	text = bytes.TrimSpace(text)
	if !null && len(text) <= 40 {
		// string(text) stays on the stack: parseISO keeps none of it.
		if t, ok := parseISO(string(text), time.UTC); ok {
			*dst = NewTime(t)
			return nil
		}
	}
	return setXMLScalar(dst, text, null)
}

// setXMLScalar is what UnmarshalXML does with an element's trimmed text.
func setXMLScalar(dst scalar, text []byte, null bool) error {
	if null || isAbsent(string(text)) {
		dst.reset()
		return nil
	}
	return dst.setText(string(text))
}

func readXMLString(r *xmlReader, dst *String, text []byte, null bool) error {
	if null {
		*dst = String{}
		return nil
	}
	*dst = NewString(r.strs.Intern(text))
	return nil
}

// xmlTag is a start tag the reader has read.
type xmlTag struct {
	start int    // offset of the tag's name
	name  []byte // as written, prefix included
	local []byte // the name without its prefix
	null  bool   // nil="true"
	empty bool   // <name/>
}

// xmlReader is the state of one document being read.
type xmlReader struct {
	data     []byte
	pos      int
	depth    int // elements open
	elements int // elements read
	budget   int // of elements, from the document's size
	strs     Decoder
	buf      []byte // the text of a scalar that needs unescaping
	attrBuf  []byte // an attribute's value that needs unescaping
	scratch  []byte // text that is checked, then dropped
}

func (r *xmlReader) syntax(msg string) error { return &XMLSyntaxError{Offset: r.pos, Msg: msg} }

func (r *xmlReader) eof() error {
	return &XMLSyntaxError{Offset: len(r.data), Msg: "unexpected EOF"}
}

// located carries an error out of the elements it was found in (innermost
// first), to name their path once it is known from the root.
type located struct {
	err error
	in  [][]byte
}

func (l *located) Error() string { return l.err.Error() }

// within adds t to the path of a field or limit error coming out of it.
func within(err error, t *xmlTag) error {
	switch e := err.(type) {
	case *located:
		e.in = append(e.in, t.name)
		return e
	case *XMLFieldError, *LimitError:
		return &located{err: err, in: [][]byte{t.name}}
	}
	return err
}

// unlocated returns the error within made, its path filled in (the first
// pathLevels elements from the root).
func unlocated(err error) error {
	l, ok := err.(*located)
	if !ok {
		return err
	}
	var b strings.Builder
	for i := len(l.in) - 1; i >= 0; i-- {
		if len(l.in)-1-i == pathLevels {
			b.WriteString("/…")
			break
		}
		b.WriteByte('/')
		b.Write(l.in[i])
	}
	switch e := l.err.(type) {
	case *XMLFieldError:
		e.Path = b.String()
	case *LimitError:
		e.Path = b.String()
	}
	return l.err
}

// XMLDocument is an XML body whose root start tag has been read (or that
// has no root element); DecodeXMLRoot and DecodeXMLList read the rest.
type XMLDocument struct {
	r    xmlReader
	root xmlTag
	has  bool
}

// ReadXML reads data up to its root start tag, after checking nothing but
// white space (and comments, processing instructions) comes before it.
// Limits bound the document as CheckXML does; for a list, l.ListMax bounds
// the root's children.
func ReadXML(data []byte, l Limits) (*XMLDocument, error) {
	budget := xmlElementBudget(len(data))
	// Elements are checked in the pass, but a list of more than MaxItems
	// tiny items would be decoded before its bound is reached: a document
	// that may hold that many elements (one '<' each) is checked first.
	if bytes.Count(data, []byte{'<'}) > min(budget, MaxItems) {
		if err := CheckXML(data, l); err != nil {
			return nil, err
		}
	}
	doc := &XMLDocument{r: xmlReader{data: data, budget: budget}}
	doc.r.strs.listMax = l.ListMax
	has, err := doc.r.prolog(&doc.root)
	doc.has = has
	return doc, err
}

// Root returns the local name of the root element, "" when there is none.
func (doc *XMLDocument) Root() string {
	if !doc.has {
		return ""
	}
	return string(doc.root.local)
}

// DecodeXMLRoot decodes the root element with s, then checks the end of
// the document.
func DecodeXMLRoot[T any](doc *XMLDocument, s *XMLSchema[T]) (T, error) {
	var v T
	if !doc.has {
		return v, &XMLSyntaxError{Offset: len(doc.r.data), Msg: "no root element"}
	}
	doc.r.strs.single = true
	if err := s.decode(&doc.r, &v, &doc.root); err != nil {
		return v, unlocated(err)
	}
	return v, doc.r.epilog()
}

// DecodeXMLList decodes the root's children named item with s (others are
// skipped), at most Limits.ListMax of them, then checks the end of the
// document. A document without a root is an empty list (nil).
func DecodeXMLList[T any](doc *XMLDocument, item string, s *XMLSchema[T]) ([]T, error) {
	var out []T
	err := DecodeXMLEach(doc, item, s, func(v *T, hint int) error {
		if hint > 0 {
			out = make([]T, 0, hint)
		}
		out = append(out, *v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DecodeXMLEach is DecodeXMLList handing each item to item as soon as it
// is read, as DecodeEach does: v is reused for the next item, and hint, on
// the first item only, is the number of items the list likely holds.
func DecodeXMLEach[T any](doc *XMLDocument, item string, s *XMLSchema[T], each func(v *T, hint int) error) error {
	if !doc.has {
		return nil
	}
	if err := decodeXMLItems(&doc.r, &doc.root, item, s, doc.r.strs.listMax, each); err != nil {
		return unlocated(err)
	}
	return doc.r.epilog()
}

// decodeXMLItems hands the children of t named item to each, and checks
// the others; at most max children (0: no bound).
func decodeXMLItems[T any](r *xmlReader, t *xmlTag, item string, s *XMLSchema[T], max int, each func(v *T, hint int) error) error {
	children, n := 0, 0
	var v T
	for {
		var c xmlTag
		more, err := r.next(t, nil, &c, &children)
		if err != nil || !more {
			return within(err, t)
		}
		if max > 0 && children > max {
			return within(&LimitError{Bound: "list", Max: max}, t)
		}
		if string(c.local) != item {
			if err := r.skip(&c); err != nil {
				return within(err, t)
			}
			continue
		}
		var zero T
		v = zero
		if err := s.decode(r, &v, &c); err != nil {
			return within(err, t)
		}
		hint := 0
		if n == 0 {
			// Size the list from the first item, as DecodeEach does.
			size := int64(r.pos - c.start + 1)
			hint = int(min(int64(len(r.data)-r.pos)/size+2, maxPresize))
			if max > 0 {
				hint = min(hint, max)
			}
		}
		n++
		if err := each(&v, hint); err != nil {
			return err
		}
	}
}

// decode reads the content of the element t into v.
func (s *XMLSchema[T]) decode(r *xmlReader, v *T, t *xmlTag) error {
	next, children := 0, 0 // fields usually come in the schema's order
	for {
		var c xmlTag
		more, err := r.next(t, nil, &c, &children)
		if err != nil {
			return within(err, t)
		}
		if !more {
			break
		}
		i := -1
		if next < len(s.fields) && string(c.local) == s.fields[next].name {
			i = next
		} else if j, ok := s.index[string(c.local)]; ok {
			i = j
		}
		if i < 0 {
			err = r.skip(&c)
		} else {
			next = i + 1
			err = s.fields[i].decode(r, v, c)
		}
		if err != nil {
			return within(err, t)
		}
	}
	if s.after != nil {
		s.after(v)
	}
	return nil
}

// skip reads the element t and all it holds.
func (r *xmlReader) skip(t *xmlTag) error {
	return r.elementText(t, nil)
}

// elementText reads the element t through its end tag: its own character
// data and CDATA appended to text (checked and dropped when text is nil),
// its child elements skipped.
func (r *xmlReader) elementText(t *xmlTag, text *[]byte) error {
	children := 0
	for {
		var c xmlTag
		more, err := r.next(t, text, &c, &children)
		if err != nil || !more {
			return within(err, t)
		}
		if err := r.skip(&c); err != nil {
			return within(err, t)
		}
	}
}

// scalarText reads the element t and returns its text: its own character
// data and CDATA, its child elements skipped. The text is the document's
// own bytes where it needs no unescaping, else the reader's buffer;
// either is valid until the next read.
func (r *xmlReader) scalarText(t *xmlTag) ([]byte, error) {
	if t.empty {
		return nil, nil
	}
	// The usual element: plain text, then its end tag.
	if i := bytes.IndexByte(r.data[r.pos:], '<'); i >= 0 {
		seg := r.data[r.pos : r.pos+i]
		end := r.pos + i
		if plainText(seg) && endTagAt(r.data, end, t.name) {
			r.pos = end + len(t.name) + 3
			r.depth--
			return seg, nil
		}
	}
	r.buf = r.buf[:0]
	if err := r.elementText(t, &r.buf); err != nil {
		return nil, err
	}
	return r.buf, nil
}

// endTagAt reports whether data holds </name> at i.
func endTagAt(data []byte, i int, name []byte) bool {
	n := i + 2 + len(name)
	return n < len(data) && data[i+1] == '/' && data[n] == '>' && bytes.Equal(data[i+2:n], name)
}

// plainText reports whether text is its own character data: printable
// ASCII, tabs and newlines, no '&', no ']' (which might close "]]>").
func plainText(text []byte) bool {
	for _, c := range text {
		if c < ' ' && c != '\n' && c != '\t' || c >= utf8.RuneSelf || c == '&' || c == ']' {
			return false
		}
	}
	return true
}

// next reads the content of the element t up to its next child element,
// whose start tag it reads into c (true), or through t's end tag (false):
// character data is appended to text (checked and dropped when text is
// nil), comments and processing instructions skipped. children counts
// t's child elements.
func (r *xmlReader) next(t *xmlTag, text *[]byte, c *xmlTag, children *int) (bool, error) {
	if t.empty {
		return false, nil
	}
	for {
		i := bytes.IndexByte(r.data[r.pos:], '<')
		if i < 0 {
			return false, r.eof()
		}
		if i > 0 {
			if err := r.chars(r.data[r.pos:r.pos+i], text); err != nil {
				return false, err
			}
			r.pos += i
		}
		if r.pos+1 >= len(r.data) {
			return false, r.eof()
		}
		switch r.data[r.pos+1] {
		case '/':
			return false, r.endTag(t)
		case '!', '?':
			if err := r.markup(text); err != nil {
				return false, err
			}
		default:
			if err := r.startTag(c); err != nil {
				return false, err
			}
			if *children++; *children > MaxItems {
				return false, &LimitError{Bound: "items", Max: MaxItems}
			}
			return true, nil
		}
	}
}

// markup reads a comment, a CDATA section (its text appended to text), or
// a processing instruction at r.pos; a directive is refused.
func (r *xmlReader) markup(text *[]byte) error {
	rest := r.data[r.pos:]
	switch {
	case rest[1] == '?':
		return r.procInst()
	case bytes.HasPrefix(rest, []byte("<!--")):
		return r.comment()
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		j := bytes.Index(rest[9:], []byte("]]>"))
		if j < 0 {
			r.pos = len(r.data)
			return r.syntax("unexpected EOF in CDATA section")
		}
		start := r.pos
		r.pos += 9
		if err := r.text(rest[9:9+j], text, cdataText); err != nil {
			return err
		}
		r.pos = start + 9 + j + 3
		return nil
	case bytes.HasPrefix(rest, []byte("<![")):
		if len(rest) < 9 {
			return r.eof()
		}
		return r.syntax("invalid <![ sequence")
	case bytes.HasPrefix(rest, []byte("<!-")):
		if len(rest) < 4 {
			return r.eof()
		}
		return r.syntax("invalid sequence <!- not part of <!--")
	case bytes.HasPrefix(bytes.ToUpper(rest[:min(len(rest), 9)]), []byte("<!DOCTYPE")):
		return &XMLRefusedError{Offset: r.pos, What: "a DOCTYPE"}
	}
	return &XMLRefusedError{Offset: r.pos, What: "a <!…> directive"}
}

// comment skips the comment at r.pos; "--" may not appear in it.
func (r *xmlReader) comment() error {
	body := r.data[r.pos+4:]
	j := bytes.Index(body, []byte("--"))
	if j < 0 {
		r.pos = len(r.data)
		return r.eof()
	}
	if j+2 >= len(body) {
		r.pos = len(r.data)
		return r.eof()
	}
	if body[j+2] != '>' {
		r.pos += 4 + j + 2
		return r.syntax(`invalid sequence "--" not allowed in comments`)
	}
	r.pos += 4 + j + 3
	return nil
}

// procInst skips the processing instruction at r.pos; the XML declaration
// must be of version 1.0 (any encoding is read as UTF-8, as Rails sends).
func (r *xmlReader) procInst() error {
	r.pos += 2
	target, err := r.name("expected target name after <?")
	if err != nil {
		return err
	}
	r.space()
	j := bytes.Index(r.data[r.pos:], []byte("?>"))
	if j < 0 {
		r.pos = len(r.data)
		return r.eof()
	}
	body := r.data[r.pos : r.pos+j]
	r.pos += j + 2
	if string(target) == "xml" {
		if v := procInstParam("version", string(body)); v != "" && v != "1.0" {
			return r.syntax(fmt.Sprintf("unsupported version %q; only version 1.0 is supported", v))
		}
	}
	return nil
}

// procInstParam is encoding/xml's reading of param="value" in a
// processing instruction.
func procInstParam(param, s string) string {
	param += "="
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || len(param)+k >= len(sub) {
			return ""
		}
		i += len(param) + k + 1
		if c := sub[len(param)+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// chars reads character data between markup: appended to text, or, when
// text is nil, checked only.
func (r *xmlReader) chars(seg []byte, text *[]byte) error {
	if text == nil && onlySpace(seg) {
		return nil
	}
	return r.text(seg, text, charData)
}

func onlySpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// The kinds of text the reader decodes.
const (
	charData  = iota // between markup: entities, no "]]>"
	cdataText        // a CDATA section's: verbatim
	attrValue        // a quoted attribute value's: entities
)

// text decodes seg, text of a kind, as encoding/xml does: entities
// replaced, "\r\n" and "\r" made "\n", every character checked to be one
// XML allows. The result is appended to *dst, or dropped when dst is
// nil. r.pos is seg's offset.
func (r *xmlReader) text(seg []byte, dst *[]byte, kind int) error {
	out := dst
	if dst == nil {
		r.scratch = r.scratch[:0]
		out = &r.scratch
	}
	cdata := kind == cdataText
	start := len(*out)
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c == '&' && !cdata:
			n, err := r.entity(seg[i:], out)
			if err != nil {
				r.pos += i
				return err
			}
			i += n - 1
			continue
		case c == '\r':
			*out = append(*out, '\n')
			if i+1 < len(seg) && seg[i+1] == '\n' {
				i++
			}
			continue
		case c == ']' && kind == charData && bytes.HasPrefix(seg[i:], []byte("]]>")):
			r.pos += i + 2
			return r.syntax("unescaped ]]> not in CDATA section")
		}
		*out = append(*out, c)
	}
	if err := checkChars((*out)[start:]); err != nil {
		return r.syntax(err.Error())
	}
	return nil
}

// checkChars reports text holding invalid UTF-8 or a character XML does
// not allow.
func checkChars(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < ' ' && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Errorf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		ru, size := utf8.DecodeRune(b[i:])
		if ru == utf8.RuneError && size == 1 {
			return fmt.Errorf("invalid UTF-8")
		}
		if !(ru >= 0x20 && ru <= 0xD7FF || ru >= 0xE000 && ru <= 0xFFFD || ru >= 0x10000 && ru <= 0x10FFFF) {
			return fmt.Errorf("illegal character code %U", ru)
		}
		i += size
	}
	return nil
}

// predefined are XML's own entities, the only ones the reader knows.
var predefined = map[string]byte{"lt": '<', "gt": '>', "amp": '&', "apos": '\'', "quot": '"'}

// entity decodes the reference at the start of s (s[0] == '&') onto out
// and returns its length.
func (r *xmlReader) entity(s []byte, out *[]byte) (int, error) {
	end := bytes.IndexByte(s, ';')
	if end < 0 {
		return 0, r.badEntity(s)
	}
	ref := s[1:end]
	if len(ref) > 0 && ref[0] == '#' {
		digits, base := ref[1:], 10
		if len(digits) > 0 && digits[0] == 'x' {
			digits, base = digits[1:], 16
		}
		n, err := strconv.ParseUint(string(digits), base, 64)
		if err != nil || n > unicode.MaxRune || !hexOrDec(digits, base) {
			return 0, r.badEntity(s[:end+1])
		}
		*out = utf8.AppendRune(*out, rune(n)) // a surrogate becomes U+FFFD, as string(rune(n)) does
		return end + 1, nil
	}
	if c, ok := predefined[string(ref)]; ok {
		*out = append(*out, c)
		return end + 1, nil
	}
	if isASCIIName(ref) {
		return 0, &XMLRefusedError{Offset: r.pos, What: "the entity &" + string(ref) + ";"}
	}
	return 0, r.badEntity(s[:end+1])
}

func hexOrDec(digits []byte, base int) bool {
	for _, c := range digits {
		if !('0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F')) {
			return false
		}
	}
	return true
}

func (r *xmlReader) badEntity(s []byte) error {
	return r.syntax("invalid character entity " + strings.ToValidUTF8(string(s[:min(len(s), 32)]), "\uFFFD"))
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// isASCIIName reports whether b is an XML name of ASCII characters.
func isASCIIName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if c := b[0]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':') {
		return false
	}
	for _, c := range b {
		if !isNameByte(c) {
			return false
		}
	}
	return true
}

// space skips XML white space.
func (r *xmlReader) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// name reads an XML name at r.pos; a name of other than ASCII characters is
// refused.
func (r *xmlReader) name(what string) ([]byte, error) {
	start := r.pos
	for r.pos < len(r.data) && (isNameByte(r.data[r.pos]) || r.data[r.pos] >= utf8.RuneSelf) {
		r.pos++
	}
	b := r.data[start:r.pos]
	switch {
	case r.pos == len(r.data):
		return nil, r.eof()
	case len(b) == 0:
		return nil, r.syntax(what)
	case !isASCIIName(b):
		for _, c := range b {
			if c >= utf8.RuneSelf {
				return nil, &XMLRefusedError{Offset: start, What: "a non-ASCII name"}
			}
		}
		return nil, r.syntax("invalid XML name: " + string(b))
	}
	return b, nil
}

// localName splits a name as encoding/xml does: prefix:local when both
// parts are there; two colons are an error.
func (r *xmlReader) localName(b []byte, what string) ([]byte, error) {
	i := bytes.IndexByte(b, ':')
	switch {
	case i < 0:
		return b, nil
	case bytes.IndexByte(b[i+1:], ':') >= 0:
		return nil, r.syntax(what)
	case i == 0 || i == len(b)-1:
		return b, nil
	}
	return b[i+1:], nil
}

// startTag reads the start tag at r.pos into t and counts
// it against the limits.
func (r *xmlReader) startTag(t *xmlTag) error {
	r.pos++
	t.start = r.pos
	name, err := r.name("expected element name after <")
	if err != nil {
		return err
	}
	if t.local, err = r.localName(name, "expected element name after <"); err != nil {
		return err
	}
	t.name = name
	for {
		r.space()
		if r.pos >= len(r.data) {
			return r.eof()
		}
		c := r.data[r.pos]
		if c == '/' {
			if r.pos+1 >= len(r.data) {
				return r.eof()
			}
			if r.data[r.pos+1] != '>' {
				r.pos++
				return r.syntax("expected /> in element")
			}
			r.pos += 2
			t.empty = true
			break
		}
		if c == '>' {
			r.pos++
			break
		}
		if err := r.attr(t); err != nil {
			return err
		}
	}
	if r.elements++; r.elements > r.budget {
		return &LimitError{Bound: "containers", Max: r.budget, Size: len(r.data)}
	}
	if !t.empty {
		if r.depth >= MaxDepth {
			return &LimitError{Bound: "depth", Max: MaxDepth}
		}
		r.depth++
	}
	return nil
}

// attr reads one attribute of t: only nil="true" is kept.
func (r *xmlReader) attr(t *xmlTag) error {
	name, err := r.name("expected attribute name in element")
	if err != nil {
		return err
	}
	local, err := r.localName(name, "expected attribute name in element")
	if err != nil {
		return err
	}
	r.space()
	if r.pos >= len(r.data) {
		return r.eof()
	}
	if r.data[r.pos] != '=' {
		return r.syntax("attribute name without = in element")
	}
	r.pos++
	r.space()
	if r.pos >= len(r.data) {
		return r.eof()
	}
	q := r.data[r.pos]
	if q != '"' && q != '\'' {
		return r.syntax("unquoted or missing attribute value in element")
	}
	r.pos++
	j := bytes.IndexByte(r.data[r.pos:], q)
	if j < 0 {
		r.pos = len(r.data)
		return r.eof()
	}
	raw := r.data[r.pos : r.pos+j]
	if k := bytes.IndexByte(raw, '<'); k >= 0 {
		r.pos += k
		return r.syntax("unescaped < inside quoted string")
	}
	value := raw
	if !plainText(raw) {
		r.attrBuf = r.attrBuf[:0]
		if err := r.text(raw, &r.attrBuf, attrValue); err != nil {
			return err
		}
		value = r.attrBuf
	}
	r.pos += j + 1
	if string(local) == "nil" && strings.EqualFold(string(bytes.TrimSpace(value)), "true") {
		t.null = true
	}
	return nil
}

// endTag reads the end tag at r.pos, which must close t.
func (r *xmlReader) endTag(t *xmlTag) error {
	r.pos += 2
	name, err := r.name("expected element name after </")
	if err != nil {
		return err
	}
	if _, err := r.localName(name, "expected element name after </"); err != nil {
		return err
	}
	r.space()
	if r.pos >= len(r.data) {
		return r.eof()
	}
	if r.data[r.pos] != '>' {
		return r.syntax("invalid characters between </" + string(name) + " and >")
	}
	if !bytes.Equal(name, t.name) {
		return r.syntax("element <" + string(t.name) + "> closed by </" + string(name) + ">")
	}
	r.pos++
	r.depth--
	return nil
}

// prolog reads up to the root start tag, into root; false when the
// document has no root element. Text before the root must be white space.
func (r *xmlReader) prolog(root *xmlTag) (bool, error) {
	for {
		i := bytes.IndexByte(r.data[r.pos:], '<')
		if i < 0 {
			i = len(r.data) - r.pos
		}
		if i > 0 {
			seg := r.data[r.pos : r.pos+i]
			if !onlySpace(seg) {
				r.buf = r.buf[:0]
				if err := r.text(seg, &r.buf, charData); err != nil {
					return false, err
				}
				if len(bytes.TrimSpace(r.buf)) > 0 {
					return false, r.syntax(fmt.Sprintf("want an XML document, got text starting %q", snippet(r.buf)))
				}
			}
			r.pos += i
		}
		if r.pos >= len(r.data) {
			return false, nil
		}
		if r.pos+1 >= len(r.data) {
			return false, r.eof()
		}
		switch r.data[r.pos+1] {
		case '/':
			return false, r.syntax("unexpected end element")
		case '!', '?':
			r.buf = r.buf[:0]
			if err := r.markup(&r.buf); err != nil {
				return false, err
			}
			if len(bytes.TrimSpace(r.buf)) > 0 {
				return false, r.syntax(fmt.Sprintf("want an XML document, got text starting %q", snippet(r.buf)))
			}
		default:
			return true, r.startTag(root)
		}
	}
}

// epilog checks that only white space, comments and processing
// instructions follow the root element; anything else, a broken comment
// included, is refused as content after the root.
func (r *xmlReader) epilog() error {
	for {
		r.space()
		if r.pos >= len(r.data) {
			return nil
		}
		rest, at := r.data[r.pos:], r.pos
		if bytes.HasPrefix(rest, []byte("<?")) || bytes.HasPrefix(rest, []byte("<!--")) {
			if r.markup(nil) == nil {
				continue
			}
		}
		return &XMLRefusedError{Offset: at, What: "content after the root element"}
	}
}

func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 32 {
		return string(b[:32]) + "…"
	}
	return string(b)
}
