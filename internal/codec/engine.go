package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
)

// The engine decodes a JSON object into a Go struct from a table of its
// members built once per type (a Schema), in one pass over the tokens of its
// scanner, which checks the syntax as it reads: no reflection
// per value, no second pass over a value, no copy of a member's text before
// it is decoded. It gives what json/v2 with the codec's options gives for
// the same struct (the differential fuzz tests hold it to that):
//
//   - member names match exactly first, else ignoring case, '_' and '-'
//     (a Strict member only exactly), without allocating; a folded name
//     that matches two members is an error, as json/v2 makes it;
//   - a member sent twice is decoded twice, the second onto the first;
//   - the tolerant scalars (Int, Float, Bool, String, Time, Text) read the
//     shapes their UnmarshalJSON reads, plain numbers, literals and
//     ISO times without allocating;
//   - repeated short strings of one document share one allocation;
//   - the document is held to the Limits (the list bound in the pass).

// Schema describes how the engine decodes a JSON object into a T: its
// members, what becomes of the others, and what is done once an object is
// read. Build it once per type (a package variable) with NewSchema; it is
// read-only after that and safe for concurrent use.
type Schema[T any] struct {
	members []Member[T]
	exact   map[string]int // name → index in members
	folded  map[string]int // folded name → index, or ambiguous
	unknown func(*T) *map[string]RawJSON
	after   func(*T)
	wrap    func(member string, err error) error // of a member's error; may be nil
	// follow[k] is the member that came after member k-1 (after the
	// object's start for k = 0) in the object read last: a hint, shared
	// by the documents read at once, so an atomic.
	follow []atomic.Int32
}

// ambiguous marks a folded name two members share.
const ambiguous = -1

// Member is one member of a Schema: its name and how its value is read.
// The constructors below (IntMember, ObjectMember, …) make them.
//
// The accessor f given to a scalar member's constructor (IntMember,
// StringMember, FieldMember, …) must give the same field of its argument
// for every value, as func(b *Backup) *Int { return &b.ID } does: the
// engine probes it once, with two zero values, and then reads the field at
// that offset without calling it. An accessor that returns anything else
// for a zero value (a pointer into another object, a panic) is called for
// each value instead; one that chooses a field by the value's contents is
// not supported.
type Member[T any] struct {
	name   string
	strict bool
	// A scalar member whose field lies within T is read in place: kind
	// says which reader (scalar for a provider's own), off where the
	// field is; one switch instead of three calls through func values
	// for each member of each item. Otherwise kind is viaDecode.
	kind memberKind
	off  uintptr
	// quoted is the name as a document sends it, `"name":`, or nil for a
	// name with a byte that must be escaped.
	quoted []byte
	scalar func(d *Decoder, p unsafe.Pointer, raw []byte) error
	decode func(d *Decoder, v *T) error
}

// memberKind is how a member's value is read: through its decode func, or
// by one of the scalar readers into the field at its offset.
type memberKind uint8

const (
	viaDecode memberKind = iota
	intKind
	floatKind
	boolKind
	stringKind
	timeKind
	goStringKind       // a Go string, interned; else m.scalar
	uniqueGoStringKind // a Go string, not interned; else m.scalar
	uniqueStringKind   // a String, not interned; else m.scalar
	cbrTimeKind        // a Time in CBR's layout; else m.scalar
	scalarKind         // m.scalar
)

// read decodes the member's value into v.
func (m *Member[T]) read(d *Decoder, v *T) error {
	if m.kind == viaDecode {
		return m.decode(d, v)
	}
	return d.scalarAt(m.kind, unsafe.Add(unsafe.Pointer(v), m.off), m.scalar)
}

// scalarAt reads the next value with the reader kind names into the field
// at p.
func (d *Decoder) scalarAt(kind memberKind, p unsafe.Pointer, scalar func(*Decoder, unsafe.Pointer, []byte) error) error {
	raw, err := d.dec.scalarValue()
	if err != nil {
		return err
	}
	// The scanner checked the value: one starting with 'n' is null, with
	// 't' or 'f' true or false. Null is absent for every tolerant scalar.
	if raw[0] == 'n' {
		switch kind {
		case intKind:
			*(*Int)(p) = Int{}
			return nil
		case floatKind:
			*(*Float)(p) = Float{}
			return nil
		case boolKind:
			*(*Bool)(p) = Bool{}
			return nil
		case stringKind, uniqueStringKind:
			*(*String)(p) = String{}
			return nil
		case timeKind, cbrTimeKind:
			*(*Time)(p) = Time{}
			return nil
		case goStringKind, uniqueGoStringKind:
			*(*string)(p) = ""
			return nil
		}
	}
	switch kind {
	case goStringKind, uniqueGoStringKind, uniqueStringKind:
		if t, ok := d.scannedText(raw); ok {
			switch kind {
			case goStringKind:
				*(*string)(p) = d.Intern(t)
			case uniqueGoStringKind:
				*(*string)(p) = d.String(t)
			default:
				*(*String)(p) = NewString(d.String(t))
			}
			return nil
		}
	case intKind:
		if n, ok := plainDigits(raw); ok {
			*(*Int)(p) = NewInt(n)
			return nil
		}
		return readInt(d, (*Int)(p), raw)
	case floatKind:
		return readFloat(d, (*Float)(p), raw)
	case boolKind:
		switch raw[0] {
		case 't':
			*(*Bool)(p) = NewBool(true)
			return nil
		case 'f':
			*(*Bool)(p) = NewBool(false)
			return nil
		}
		return readBool(d, (*Bool)(p), raw)
	case stringKind:
		if t, ok := d.scannedText(raw); ok {
			*(*String)(p) = NewString(d.Intern(t))
			return nil
		}
		return readString(d, (*String)(p), raw)
	case timeKind:
		if raw[0] == '"' && !d.dec.escaped {
			if t, ok := plainISOText(raw[1 : len(raw)-1]); ok {
				*(*Time)(p) = NewTime(t)
				return nil
			}
		}
		return readTime(d, (*Time)(p), raw)
	case cbrTimeKind:
		if raw[0] == '"' {
			if t, ok := ParseCBRTime(raw[1 : len(raw)-1]); ok {
				*(*Time)(p) = NewTime(t)
				return nil
			}
		}
	}
	return scalar(d, p, raw)
}

// scannedText returns the text of raw, the value the scanner just read,
// when it is a string the scanner saw without an escape and valid UTF-8:
// text a reader keeps as it stands (d.literal, without looking for a
// backslash again).
func (d *Decoder) scannedText(raw []byte) ([]byte, bool) {
	if raw[0] != '"' || d.dec.escaped {
		return nil, false
	}
	t := raw[1 : len(raw)-1]
	return t, d.validUTF8 || utf8.Valid(t)
}

// goStringKindOf is the kind of a Go string member, interned or not.
func goStringKindOf(intern bool) memberKind {
	if intern {
		return goStringKind
	}
	return uniqueGoStringKind
}

// fieldOffset returns the offset in T of the field f returns, when f
// returns a field of its argument (as `func(b *Backup) *Int { return
// &b.ID }` does) for two distinct values; ok is false for anything else
// (a pointer elsewhere, a panic on a zero T), which is then read through f.
func fieldOffset[T, S any](f func(*T) *S) (off uintptr, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	a, b := new(T), new(T)
	size, fsize := unsafe.Sizeof(*a), unsafe.Sizeof(*new(S))
	pa, pb := uintptr(unsafe.Pointer(f(a))), uintptr(unsafe.Pointer(f(b)))
	ua, ub := uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b))
	if ua == ub || pa < ua || pb < ub || pa-ua != pb-ub || pa-ua+fsize > size {
		return 0, false
	}
	return pa - ua, true
}

// Strict returns m matched by its exact name only (json/v2's case:strict).
func (m Member[T]) Strict() Member[T] { m.strict = true; return m }

// NewSchema builds the table of the members of T. Two members of one name
// are a programming error: it panics, at init, where the schema is built.
func NewSchema[T any](members ...Member[T]) *Schema[T] {
	s := &Schema[T]{
		members: members,
		exact:   make(map[string]int, len(members)),
		folded:  make(map[string]int, len(members)),
		follow:  make([]atomic.Int32, len(members)+1),
	}
	for k := range s.follow {
		s.follow[k].Store(int32(k))
	}
	for i, m := range members {
		if plainEnd([]byte(m.name), 0) == len(m.name) {
			members[i].quoted = []byte(`"` + m.name + `":`)
		}
		if _, dup := s.exact[m.name]; dup {
			panic("codec: schema: two members named " + m.name)
		}
		s.exact[m.name] = i
		if m.strict {
			continue
		}
		f := string(foldName(nil, []byte(m.name)))
		if _, seen := s.folded[f]; seen {
			s.folded[f] = ambiguous
		} else {
			s.folded[f] = i
		}
	}
	return s
}

// KeepUnknown keeps the members the schema does not name in the map f
// returns, as sent (json/v2's `json:",embed"` map); without it they are
// skipped. It returns s, for use where s is built.
func (s *Schema[T]) KeepUnknown(f func(*T) *map[string]RawJSON) *Schema[T] {
	s.unknown = f
	return s
}

// After sets what is done to each object once it is read (what a type's
// table cannot say: placeholders dropped, spellings merged). It returns s.
func (s *Schema[T]) After(f func(*T)) *Schema[T] {
	s.after = f
	return s
}

// Decoder is the engine's state while it reads one document: the token
// reader and the document's strings. Custom members (ValueMember) get it to
// intern their text.
type Decoder struct {
	dec     scanner
	listMax int // of the top-level list; 0 for none
	size    int // of the document, to size its list from the first item
	// validUTF8 says the whole document is valid UTF-8 (one vector scan
	// up front), so that its strings need no check one by one.
	validUTF8 bool
	single    bool // one object: nothing repeats enough to intern
	// strs remembers the document's last short strings by hash, so that a
	// name, type or state sent in every item is one string; chunk is where
	// the document's strings are copied to.
	strs  *[internSlots]string // made at the first string interned
	chunk []byte
}

// internLen bounds the strings the engine interns (names, types and states
// repeat, free text does not); internSlots is the size of its table.
const (
	internLen   = 64
	internSlots = 256
)

// The strings of a list are copied into chunks of chunkSize bytes rather
// than one allocation each: a string the caller keeps holds its chunk, at
// most chunkSize bytes, alive. Longer strings have their own allocation.
const (
	chunkSize = 4096
	chunkMax  = 512
)

// internSlot picks b's slot in the intern table from its length and its
// first and last eight bytes: cheap, and a collision (even one a document
// makes on purpose) only costs a copy.
func internSlot(b []byte) uint {
	n := len(b)
	var x uint64
	if n >= 8 {
		x = binary.LittleEndian.Uint64(b) ^ binary.LittleEndian.Uint64(b[n-8:])*0x9e3779b97f4a7c15
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	x = (x ^ uint64(n)) * 0x9e3779b97f4a7c15
	return uint(x >> 56) // of internSlots = 256
}

// Intern returns b as a string, shared with the earlier equal strings of
// the document.
func (d *Decoder) Intern(b []byte) string {
	if len(b) == 0 || len(b) > internLen || d.single {
		return d.String(b)
	}
	if d.strs == nil {
		d.strs = new([internSlots]string)
	}
	slot := &d.strs[internSlot(b)%internSlots]
	if *slot == string(b) {
		return *slot
	}
	s := d.String(b)
	*slot = s
	return s
}

// String returns a copy of b as a string, in the document's chunk when b is
// short.
func (d *Decoder) String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > chunkMax || d.single {
		return string(b)
	}
	if len(d.chunk)+len(b) > cap(d.chunk) {
		d.chunk = make([]byte, 0, chunkSize)
	}
	start := len(d.chunk)
	d.chunk = append(d.chunk, b...)
	// The chunk's bytes are never written again: the string may share them.
	return unsafe.String(&d.chunk[start], len(b))
}

// ReadValue returns the next value's raw text, valid until the next read.
func (d *Decoder) ReadValue() ([]byte, error) { return d.dec.ReadValue() }

// newDecoder reads data (which it must not outlive) with the codec's
// options, after checking its shape against l.
func newDecoder(data []byte, l Limits) (*Decoder, error) {
	// The list bound is kept in the pass (DecodeList); without it the
	// check is a byte count on most documents, not a second scan.
	if err := CheckJSON(data, Limits{}); err != nil {
		return nil, err
	}
	d := &Decoder{listMax: l.ListMax, validUTF8: utf8.Valid(data)}
	d.dec.reset(data)
	return d, nil
}

// finish checks that nothing but white space follows the value.
func (d *Decoder) finish() error {
	if _, err := d.dec.ReadToken(); err != io.EOF {
		if err == nil {
			err = errAfterTop
		}
		return err
	}
	return nil
}

// DecodeObject decodes data, one JSON object (or null), with s, after
// checking its shape against l.
func DecodeObject[T any](data []byte, s *Schema[T], l Limits) (T, error) {
	var v T
	d, err := newDecoder(data, l)
	if err != nil {
		return v, err
	}
	d.single = true
	if err := s.decode(d, &v); err != nil {
		return v, err
	}
	return v, d.finish()
}

// DecodeList decodes data, a JSON array of objects (null gives nil), with
// s, in one pass, after checking its shape against l; the list holds at
// most l.ListMax items (the page the call asked for) when that is set.
func DecodeList[T any](data []byte, s *Schema[T], l Limits) ([]T, error) {
	d, err := newDecoder(data, l)
	if err != nil {
		return nil, err
	}
	var list []T
	if err := decodeList(d, s, &list, d.listMax, len(data)); err != nil {
		return nil, err
	}
	return list, d.finish()
}

// DecodeListFrom decodes the next value of d, a JSON array of objects or
// null, into *list with s, as DecodeList does: for a list inside a
// provider's own envelope. When the value cannot be read into the list
// (not an array, a bad member), d is left after the value, so that the
// caller may go on with the document; a syntax error ends it.
func DecodeListFrom[T any](d *Decoder, s *Schema[T], list *[]T) error {
	depth := d.dec.StackDepth()
	return d.skipRest(depth, decodeList(d, s, list, d.listMax, d.size))
}

// skipRest returns err, having first read d on to the end of the value
// that began at depth when err leaves the document readable (not Fatal),
// so that the caller may go on with it.
func (d *Decoder) skipRest(depth int, err error) error {
	if err == nil || fatal(err) {
		return err
	}
	for d.dec.StackDepth() > depth {
		if _, rerr := d.dec.ReadToken(); rerr != nil {
			return rerr
		}
	}
	return err
}

// Fatal reports an error of DecodeListFrom after which the document
// cannot be read on (a syntax error, the end of the input, a bound passed),
// as opposed to a value that could not be read into its type.
func Fatal(err error) bool { return fatal(err) }

func fatal(err error) bool {
	var se *jsontext.SyntacticError
	var le *LimitError
	return errors.As(err, &se) || errors.As(err, &le) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// DecodeMembers reads data, one JSON object, in one pass, after checking
// its shape against l: member gets each member's name (unquoted, valid only
// during the call) and must read its value (DecodeListFrom, ReadValue or
// SkipValue). It is for the envelopes a provider picks its list from.
// null is an object without members.
func DecodeMembers(data []byte, l Limits, member func(d *Decoder, name []byte) error) error {
	d, err := newDecoder(data, l)
	if err != nil {
		return err
	}
	d.size = len(data)
	tok, err := d.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		return d.finish()
	case '{':
	default:
		return kindError[map[string]RawJSON](d, tok.Kind())
	}
	if err := d.eachMember(member); err != nil {
		return err
	}
	return d.finish()
}

// eachMember hands the members of the object just opened to member, up to
// and including its closing '}'.
func (d *Decoder) eachMember(member func(d *Decoder, name []byte) error) error {
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

// SkipValue skips the next value.
func (d *Decoder) SkipValue() error { return d.dec.SkipValue() }

// maxPresize bounds the items a list is sized for from its first item.
const maxPresize = 1024

func decodeList[T any](d *Decoder, s *Schema[T], list *[]T, max, size int) error {
	tok, err := d.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*list = nil
		return nil
	case '[':
	default:
		return kindError[[]T](d, tok.Kind())
	}
	l := (*list)[:0]
	start := d.dec.InputOffset()
	for d.dec.PeekKind() != ']' {
		if max > 0 && len(l) >= max {
			return &LimitError{Bound: "list", Max: max}
		}
		var zero T
		l = append(l, zero)
		if err := s.decode(d, &l[len(l)-1]); err != nil {
			return err
		}
		if len(l) == 1 && size > 0 {
			if first := d.dec.InputOffset() - start; first > 0 {
				n := min(int64(size)/first+1, maxPresize)
				if max > 0 {
					n = min(n, int64(max))
				}
				l = append(make([]T, 0, n), l[0])
			}
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	if l == nil {
		l = []T{}
	}
	*list = l
	return nil
}

// SemanticError reports a JSON value of a kind a Go type cannot hold, in
// json/v2's words.
type SemanticError struct {
	JSONKind string // "object", "array", "string", "number", "boolean"
	GoType   string // the type it was read into ("[]unitrends.Backup")
	Offset   int64  // after the value, in bytes from the start
	Detail   string // what else went wrong, if anything
}

func (e *SemanticError) Error() string {
	msg := fmt.Sprintf("json: cannot unmarshal JSON %s into Go %s (before offset %d)", e.JSONKind, e.GoType, e.Offset)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func kindError[G any](d *Decoder, k jsontext.Kind) error {
	return &SemanticError{JSONKind: kindName(k), GoType: reflect.TypeFor[G]().String(), Offset: d.dec.InputOffset()}
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// decode reads one object (or null, which zeroes v) into v.
func (s *Schema[T]) decode(d *Decoder, v *T) error {
	tok, err := d.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		var zero T
		*v = zero
		return nil
	case '{':
	default:
		return kindError[T](d, tok.Kind())
	}
	var fold [64]byte
	prev := 0 // follow's index of the member matched last, plus one
	for {
		// Items of a list send their members in one order: the member
		// that followed the last one matched before is tried first,
		// against the document's bytes.
		if h := int(s.follow[prev].Load()); h < len(s.members) && s.members[h].quoted != nil && d.dec.nameIs(s.members[h].quoted) {
			prev = h + 1
			if err := s.members[h].read(d, v); err != nil {
				return s.memberError(h, err)
			}
			continue
		}
		raw, plain := d.dec.plainName()
		escaped := false
		if !plain {
			if d.dec.PeekKind() == '}' {
				break
			}
			if raw, escaped, err = d.dec.readName(); err != nil {
				return err
			}
		}
		name := raw[1 : len(raw)-1]
		if escaped || !d.validUTF8 && !utf8.Valid(name) {
			name = unquoteBytes(raw)
		}
		i, ok := s.exact[string(name)]
		if ok {
			s.follow[prev].Store(int32(i))
		}
		if !ok {
			i, ok = s.folded[string(foldName(fold[:0], name))]
			if ok && i == ambiguous {
				e := kindError[T](d, '{').(*SemanticError)
				e.Detail = fmt.Sprintf("member name %q matches two fields", name)
				return e
			}
		}
		if ok {
			prev = i + 1
			if err := s.members[i].read(d, v); err != nil {
				return s.memberError(i, err)
			}
			continue
		}
		if s.unknown == nil {
			if err := d.dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		key := d.Intern(name) // the same unknown names come in every item
		val, err := d.dec.ReadValue()
		if err != nil {
			return err
		}
		m := s.unknown(v)
		if *m == nil {
			*m = make(map[string]RawJSON)
		}
		(*m)[key] = append(RawJSON(nil), val...)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	if s.after != nil {
		s.after(v)
	}
	return nil
}

// memberError is the error of member i's value, wrapped as WrapErrors
// asked.
func (s *Schema[T]) memberError(i int, err error) error {
	if s.wrap != nil {
		return s.wrap(s.members[i].name, err)
	}
	return err
}

// literal is literal(raw), sparing the UTF-8 check of a document known
// to be valid UTF-8 as a whole.
func (d *Decoder) literal(raw []byte) (text []byte, plain bool) {
	if !d.validUTF8 {
		return literal(raw)
	}
	if len(raw) < 2 {
		return nil, false
	}
	text = raw[1 : len(raw)-1]
	return text, bytes.IndexByte(text, '\\') < 0
}

// literal returns the text of a JSON string literal that needs no
// unquoting (no escape, valid UTF-8); plain is false otherwise.
func literal(raw []byte) (text []byte, plain bool) {
	if len(raw) < 2 {
		return nil, false
	}
	text = raw[1 : len(raw)-1]
	if bytes.IndexByte(text, '\\') >= 0 || !utf8.Valid(text) {
		return nil, false
	}
	return text, true
}

// unquoteBytes unquotes a literal the decoder checked; invalid UTF-8 becomes
// U+FFFD, as json/v2 reads it with AllowInvalidUTF8.
func unquoteBytes(raw []byte) []byte {
	u, _ := jsontext.AppendUnquote(nil, raw)
	return u
}

// foldName appends name without '_' and '-', each letter mapped to one
// representative of its case class, as json/v2 folds names.
func foldName(dst, name []byte) []byte {
	for i := 0; i < len(name); {
		c := name[i]
		if c < utf8.RuneSelf {
			if c != '_' && c != '-' {
				if 'a' <= c && c <= 'z' {
					c -= 'a' - 'A'
				}
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(name[i:])
		dst = utf8.AppendRune(dst, smallestFold(r))
		i += n
	}
	return dst
}

// smallestFold is the smallest rune of r's case-fold orbit.
func smallestFold(r rune) rune {
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return min
}

// scalarMember reads a tolerant scalar with its fast path, else as its
// UnmarshalJSON does.
func scalarMember[T, S any](name string, f func(*T) *S, read func(d *Decoder, dst *S, raw []byte) error) Member[T] {
	return scalarKindMember(name, scalarKind, f, read)
}

// scalarKindMember is a member read in place by the reader kind names when
// it can, else by read.
func scalarKindMember[T, S any](name string, kind memberKind, f func(*T) *S, read func(d *Decoder, dst *S, raw []byte) error) Member[T] {
	m := kindMember(name, kind, f, read)
	if m.kind != viaDecode {
		m.scalar = func(d *Decoder, p unsafe.Pointer, raw []byte) error { return read(d, (*S)(p), raw) }
	}
	return m
}

// kindMember is a scalar member read in place by the reader kind names
// (read is the same reader, for a field outside T).
func kindMember[T, S any](name string, kind memberKind, f func(*T) *S, read func(d *Decoder, dst *S, raw []byte) error) Member[T] {
	if off, ok := fieldOffset(f); ok {
		return Member[T]{name: name, kind: kind, off: off}
	}
	return Member[T]{name: name, decode: func(d *Decoder, v *T) error {
		raw, err := d.dec.scalarValue()
		if err != nil {
			return err
		}
		return read(d, f(v), raw)
	}}
}

// IntMember reads member name into the Int f returns.
func IntMember[T any](name string, f func(*T) *Int) Member[T] {
	return kindMember(name, intKind, f, readInt)
}

// FloatMember reads member name into the Float f returns.
func FloatMember[T any](name string, f func(*T) *Float) Member[T] {
	return kindMember(name, floatKind, f, readFloat)
}

// BoolMember reads member name into the Bool f returns.
func BoolMember[T any](name string, f func(*T) *Bool) Member[T] {
	return kindMember(name, boolKind, f, readBool)
}

// StringMember reads member name into the String f returns.
func StringMember[T any](name string, f func(*T) *String) Member[T] {
	return kindMember(name, stringKind, f, readString)
}

// TimeMember reads member name into the Time f returns.
func TimeMember[T any](name string, f func(*T) *Time) Member[T] {
	return kindMember(name, timeKind, f, readTime)
}

// TextMember reads member name into the Text (an enumeration's word as
// sent) f returns.
func TextMember[T any, E ~string](name string, f func(*T) *Text[E]) Member[T] {
	read := func(d *Decoder, dst *Text[E], raw []byte) error {
		var s String
		err := readString(d, &s, raw)
		dst.set(s)
		return err
	}
	if unsafe.Sizeof(Text[E]{}) != unsafe.Sizeof(String{}) || unsafe.Offsetof(Text[E]{}.Valid) != unsafe.Offsetof(String{}.Valid) {
		return scalarMember(name, f, read)
	}
	// A Text[E] is laid out as a String (E is a string), so its field is
	// read as one (Text's UnmarshalJSON is String's).
	return kindMember(name, stringKind, f, read)
}

// GoStringMember reads member name, a JSON string or null (""), into the
// Go string f returns, as json/v2 reads a string field.
func GoStringMember[T any](name string, f func(*T) *string) Member[T] {
	// Escaped text goes through unquoteBytes, as json/v2 with the codec's
	// options: invalid UTF-8 and lone surrogates become U+FFFD, not an
	// error.
	return goStringMember(name, f, true)
}

// ObjectMember reads member name, an object or null, into the U f returns
// with schema s.
func ObjectMember[T, U any](name string, s *Schema[U], f func(*T) *U) Member[T] {
	return Member[T]{name: name, decode: func(d *Decoder, v *T) error { return s.decode(d, f(v)) }}
}

// ListMember reads member name, an array of objects or null (nil), into
// the slice f returns with schema s.
func ListMember[T, U any](name string, s *Schema[U], f func(*T) *[]U) Member[T] {
	return Member[T]{name: name, decode: func(d *Decoder, v *T) error { return decodeList(d, s, f(v), 0, 0) }}
}

// ValueMember reads member name with read, which gets the value's raw text
// (valid only during the call: copy what is kept) — for a provider's own
// types, which read a raw value as their UnmarshalJSON does.
func ValueMember[T any](name string, read func(d *Decoder, v *T, raw []byte) error) Member[T] {
	return Member[T]{name: name, decode: func(d *Decoder, v *T) error {
		raw, err := d.dec.scalarValue()
		if err != nil {
			return err
		}
		return read(d, v, raw)
	}}
}

// FieldMember reads member name into the S f returns with read, which gets
// the value's raw text (valid only during the call: copy what is kept):
// for a provider's own scalar types.
func FieldMember[T, S any](name string, f func(*T) *S, read func(d *Decoder, dst *S, raw []byte) error) Member[T] {
	return scalarMember(name, f, read)
}

// UnmarshalerMember reads member name into the V f returns as its
// UnmarshalJSON reads the value's raw text: for a provider's own types.
func UnmarshalerMember[T, V any, P interface {
	*V
	UnmarshalJSON([]byte) error
}](name string, f func(*T) *V) Member[T] {
	return scalarMember(name, f, func(_ *Decoder, dst *V, raw []byte) error { return P(dst).UnmarshalJSON(raw) })
}

// text returns the text of a string literal the decoder checked, interned,
// as the tolerant types unquote it.
func (d *Decoder) text(raw []byte) (string, error) {
	if t, ok := d.literal(raw); ok {
		return d.Intern(t), nil
	}
	return unquote(raw)
}

// digits reads an unsigned decimal of 1 to 18 digits.
func plainDigits(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// plainInt reads what strconv.ParseInt reads for an optional '-' and up to
// 18 digits.
func plainInt(b []byte) (int64, bool) {
	if len(b) > 0 && b[0] == '-' {
		n, ok := plainDigits(b[1:])
		return -n, ok
	}
	return plainDigits(b)
}

// quoted returns the inside of a plain string literal, or raw itself.
func quoted(raw []byte) []byte {
	if len(raw) >= 2 && raw[0] == '"' {
		return raw[1 : len(raw)-1]
	}
	return raw
}

func readInt(_ *Decoder, dst *Int, raw []byte) error {
	if n, ok := plainInt(quoted(raw)); ok {
		*dst = NewInt(n)
		return nil
	}
	return unmarshalScalarJSON(dst, "integer", raw)
}

func readBool(_ *Decoder, dst *Bool, raw []byte) error {
	switch string(raw) {
	case "true":
		*dst = NewBool(true)
		return nil
	case "false":
		*dst = NewBool(false)
		return nil
	}
	return unmarshalScalarJSON(dst, "boolean", raw)
}

func readString(d *Decoder, dst *String, raw []byte) error {
	if raw[0] == '"' {
		t, err := d.text(raw)
		if err != nil {
			return err
		}
		*dst = NewString(t)
		return nil
	}
	return dst.unmarshal(raw)
}

// readFloat reads a number, or a string of one, in place: what
// strconv.ParseFloat reads whole is what setText reads from the trimmed
// text, and anything else (space, "n/a", an escape) takes the long way.
func readFloat(_ *Decoder, dst *Float, raw []byte) error {
	if q := quoted(raw); len(q) > 0 && (q[0] == '-' || '0' <= q[0] && q[0] <= '9') {
		if v, err := strconv.ParseFloat(unsafe.String(&q[0], len(q)), 64); err == nil && !math.IsInf(v, 0) {
			*dst = NewFloat(v)
			return nil
		}
	}
	return unmarshalScalarJSON(dst, "number", raw)
}

func readTime(d *Decoder, dst *Time, raw []byte) error {
	if t, ok := d.plainISO(raw); ok {
		*dst = NewTime(t)
		return nil
	}
	if raw[0] != '"' {
		if n, ok := plainInt(raw); ok && n >= -62167219200 && n <= maxEpoch {
			*dst = NewTime(time.Unix(n, 0).UTC())
			return nil
		}
	}
	return unmarshalScalarJSON(dst, "time", raw)
}
