package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"

	"github.com/go-json-experiment/json/jsontext"
)

// scanner reads the tokens of one JSON document held in memory, checking
// its syntax as it goes (RFC 8259, with what the codec's json/v2 options
// let through: invalid UTF-8 inside strings, names sent twice). It is the
// engine's reader: it has the methods of jsontext.Decoder the engine uses,
// with the same meaning, but it reads a []byte in place, so that a value's
// text is a subslice of the document and nothing is buffered or copied.
//
// Separators are consumed as soon as the token before them is read: pos is
// always at the start of the next token (or at what is wrong there), so
// PeekKind is one load.
type scanner struct {
	data  []byte
	pos   int  // the next token's first byte
	last  int  // just after the last token or value returned
	state byte // what may come next at the innermost level
	// escaped says the string read last has an escape.
	escaped bool
	// stack holds '{' or '[' per open container, in levels (backed by
	// first for the usual shallow document).
	stack []byte
	first [32]byte
}

// The scanner's states: what the grammar allows at pos.
const (
	stValue      byte = iota // a value (the top level's start, after ':' or an array's ',')
	stValueOrEnd             // a value or ']' (after '[')
	stName                   // a member name (after an object's ',')
	stNameOrEnd              // a member name or '}' (after '{')
	stColon                  // a name was read and no ':' follows: nothing may
	stEnd                    // a value was read and no ',' follows: only the closer
	stDone                   // the top-level value was read: only white space
)

// token is what ReadToken returns: the token's kind, as jsontext.Token.Kind
// gives it.
type token struct{ kind jsontext.Kind }

// Kind returns the token's kind: 'n', 't', 'f', '"', '0', '{', '}', '[', ']'.
func (t token) Kind() jsontext.Kind { return t.kind }

func (s *scanner) reset(data []byte) {
	*s = scanner{data: data}
	s.stack = s.first[:0]
	s.skipSpace()
}

// white is the JSON white space.
var white = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

func (s *scanner) skipSpace() { s.pos = skipWhite(s.data, s.pos) }

// skipWhite returns the offset of the first byte from i on that is not
// white space. Compact JSON has none, indented JSON runs of spaces.
func skipWhite(data []byte, i int) int {
	for i < len(data) && data[i] <= ' ' && white[data[i]] {
		i++
		if i < len(data) && data[i] > ' ' {
			return i // one byte: the space after a ':' of indented JSON
		}
		// A run of spaces (an indentation) eight bytes at a time, to the
		// first byte that is not one.
		for i+8 <= len(data) {
			if x := binary.LittleEndian.Uint64(data[i:]) ^ ' '*lows; x != 0 {
				i += bits.TrailingZeros64(x) / 8
				break
			}
			i += 8
		}
	}
	return i
}

// StackDepth returns the number of containers open: 0 at the top level.
func (s *scanner) StackDepth() int { return len(s.stack) }

// InputOffset returns the offset just after the last token or value read.
func (s *scanner) InputOffset() int64 { return int64(s.last) }

// PeekKind returns the kind of the next token, 0 when there is none (the
// end of the input or a byte no token starts with; the next read says
// which).
func (s *scanner) PeekKind() jsontext.Kind {
	if s.pos >= len(s.data) {
		return 0
	}
	return kindOf[s.data[s.pos]]
}

// kindOf maps a token's first byte to its kind.
var kindOf = func() (k [256]jsontext.Kind) {
	for _, c := range []byte(`{}[]"ntf`) {
		k[c] = jsontext.Kind(c)
	}
	for _, c := range []byte("-0123456789") {
		k[c] = '0'
	}
	return k
}()

// ReadToken reads the next token: a container's start or end, or a whole
// scalar value (a name included).
func (s *scanner) ReadToken() (token, error) {
	if s.pos >= len(s.data) {
		return token{}, s.eof()
	}
	switch c := s.data[s.pos]; c {
	case '{', '[':
		if s.state != stValue && s.state != stValueOrEnd {
			return token{}, s.unexpected()
		}
		s.stack = append(s.stack, c)
		s.pos++
		s.last = s.pos
		s.skipSpace()
		if c == '{' {
			s.state = stNameOrEnd
		} else {
			s.state = stValueOrEnd
		}
		return token{jsontext.Kind(c)}, nil
	case '}', ']':
		n := len(s.stack)
		open := byte('{')
		end := stNameOrEnd
		if c == ']' {
			open, end = '[', stValueOrEnd
		}
		if n == 0 || s.stack[n-1] != open || (s.state != stEnd && s.state != end) {
			return token{}, s.unexpected()
		}
		s.stack = s.stack[:n-1]
		s.pos++
		s.afterValue()
		return token{jsontext.Kind(c)}, nil
	}
	raw, err := s.ReadValue()
	if err != nil {
		return token{}, err
	}
	return token{kindOf[raw[0]]}, nil
}

// ReadValue reads the next value whole (or a member name) and returns its
// text, a subslice of the document.
func (s *scanner) ReadValue() ([]byte, error) {
	if s.pos >= len(s.data) {
		return nil, s.eof()
	}
	start := s.pos
	c := s.data[start]
	switch s.state {
	case stName, stNameOrEnd:
		if c != '"' {
			return nil, s.unexpected()
		}
		if err := s.skipString(); err != nil {
			return nil, err
		}
		data, end := s.data, s.pos
		s.last = end
		i := skipWhite(data, end)
		if i < len(data) && data[i] == ':' {
			i = skipWhite(data, i+1)
			s.state = stValue
		} else {
			s.state = stColon
		}
		s.pos = i
		return data[start:end], nil
	case stValue, stValueOrEnd:
	default:
		return nil, s.unexpected()
	}
	var err error
	switch c {
	case '"':
		err = s.skipString()
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		err = s.skipNumber()
	case 'n':
		err = s.skipLiteral("null")
	case 't':
		err = s.skipLiteral("true")
	case 'f':
		err = s.skipLiteral("false")
	case '{', '[':
		return s.readComposite()
	default:
		return nil, s.unexpected()
	}
	if err != nil {
		return nil, err
	}
	raw := s.data[start:s.pos]
	s.afterValue()
	return raw, nil
}

// readName reads the next member name of an object, quotes included, and
// reports whether it has an escape.
func (s *scanner) readName() (raw []byte, escaped bool, err error) {
	if s.state != stName && s.state != stNameOrEnd || s.pos >= len(s.data) || s.data[s.pos] != '"' {
		// Not a name where one must be: ReadValue says what is wrong.
		raw, err = s.ReadValue()
		if err == nil {
			err = s.syntax(s.pos, errors.New("want a member name"))
		}
		return nil, false, err
	}
	raw, err = s.ReadValue()
	return raw, s.escaped, err
}

// plainName reads the next member name and its ':' in one step, as
// readName does, when the name has no escape and the ':' follows it at
// once (as in nearly every document); ok is false, and nothing read, for
// anything else: readName then reads it.
func (s *scanner) plainName() (raw []byte, ok bool) {
	data, i := s.data, s.pos
	if s.state != stName && s.state != stNameOrEnd || i >= len(data) || data[i] != '"' {
		return nil, false
	}
	j := plainEnd(data, i+1)
	if j+1 >= len(data) || data[j] != '"' || data[j+1] != ':' {
		return nil, false
	}
	k := j + 2
	if k < len(data) && data[k] <= ' ' {
		k = skipWhite(data, k)
	}
	s.last, s.pos, s.state, s.escaped = j+1, k, stValue, false
	return data[i : j+1], true
}

// nameIs reads the next member name and its ':' when they are q (a name
// with its quotes and the ':', no byte of it special), exactly and with no
// space between: a name is then one comparison with the name expected.
// It reports false, and reads nothing, for anything else.
func (s *scanner) nameIs(q []byte) bool {
	data, i := s.data, s.pos
	if s.state != stName && s.state != stNameOrEnd || !hasAt(data, i, q) {
		return false
	}
	k := i + len(q)
	if k < len(data) && data[k] <= ' ' {
		k = skipWhite(data, k)
	}
	s.last, s.pos, s.state, s.escaped = i+len(q)-1, k, stValue, false
	return true
}

// hasAt reports whether data holds q (three bytes or more) at i, a word
// at a time: the comparison of a short name, inlined, not a call.
func hasAt(data []byte, i int, q []byte) bool {
	n := len(q)
	if i < 0 || len(data)-i < n || n < 3 {
		return false
	}
	d := data[i : i+n]
	switch {
	case n >= 8:
		for k := 0; k+8 < n; k += 8 {
			if binary.LittleEndian.Uint64(d[k:]) != binary.LittleEndian.Uint64(q[k:]) {
				return false
			}
		}
		// The last word, overlapping the one before it.
		return binary.LittleEndian.Uint64(d[n-8:]) == binary.LittleEndian.Uint64(q[n-8:])
	case n >= 4:
		return binary.LittleEndian.Uint32(d) == binary.LittleEndian.Uint32(q) &&
			binary.LittleEndian.Uint32(d[n-4:]) == binary.LittleEndian.Uint32(q[n-4:])
	}
	return d[0] == q[0] && d[1] == q[1] && d[2] == q[2]
}

// scalarValue is ReadValue for a member's value, reading the usual ones (a
// string without escapes, a literal, an integer) in fewer steps.
func (s *scanner) scalarValue() ([]byte, error) {
	data, i := s.data, s.pos
	if s.state != stValue || i >= len(data) {
		return s.ReadValue()
	}
	var j int
	switch c := data[i]; {
	case c == '"':
		j = plainEnd(data, i+1)
		if j >= len(data) || data[j] != '"' {
			return s.ReadValue()
		}
		j++
		s.escaped = false
	case '1' <= c && c <= '9':
		j = skipDigits(data, i+1)
		if j < len(data) && (data[j] == '.' || data[j] == 'e' || data[j] == 'E') {
			return s.ReadValue()
		}
	case c == 'n' && len(data)-i >= 4 && string(data[i:i+4]) == "null",
		c == 't' && len(data)-i >= 4 && string(data[i:i+4]) == "true":
		j = i + 4
	case c == 'f' && len(data)-i >= 5 && string(data[i:i+5]) == "false":
		j = i + 5
	default:
		return s.ReadValue()
	}
	// The usual separator, ',' then the next member's name, at once.
	if n := len(s.stack); j+1 < len(data) && data[j] == ',' && n > 0 && s.stack[n-1] == '{' {
		k := j + 1
		if data[k] <= ' ' {
			k = skipWhite(data, k)
		}
		s.last, s.pos, s.state = j, k, stName
		return data[i:j], nil
	}
	s.pos = j
	s.afterValue()
	return data[i:j], nil
}

// SkipValue reads past the next value.
func (s *scanner) SkipValue() error {
	_, err := s.ReadValue()
	return err
}

// readComposite reads the array or object at pos whole.
func (s *scanner) readComposite() ([]byte, error) {
	start, depth := s.pos, len(s.stack)
	for {
		var err error
		if c := s.PeekKind(); c == '{' || c == '[' || c == '}' || c == ']' {
			_, err = s.ReadToken()
		} else {
			_, err = s.ReadValue()
		}
		if err != nil {
			return nil, err
		}
		if len(s.stack) == depth {
			return s.data[start:s.last], nil
		}
	}
}

// afterValue notes the end of a value at pos and consumes the separator
// that may follow it.
func (s *scanner) afterValue() {
	data, i := s.data, s.pos
	s.last = i
	i = skipWhite(data, i)
	n := len(s.stack)
	switch {
	case n == 0:
		s.state = stDone
	case i < len(data) && data[i] == ',':
		i = skipWhite(data, i+1)
		if s.stack[n-1] == '{' {
			s.state = stName
		} else {
			s.state = stValue
		}
	default:
		s.state = stEnd
	}
	s.pos = i
}

// special marks the bytes that end the plain run of a string: the quote,
// the backslash and the control characters.
var special = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// SWAR constants: a byte's low bits, its high bit.
const (
	lows  = 0x0101010101010101
	highs = 0x8080808080808080
)

// specials flags (the high bit of each byte) the special bytes of x, the
// lowest one exactly.
func specials(x uint64) uint64 {
	q := x ^ ('"' * lows)
	b := x ^ ('\\' * lows)
	return (((x - 0x20*lows) &^ x) | ((q - lows) &^ q) | ((b - lows) &^ b)) & highs
}

// plainEnd returns the offset of the first special byte from i on (see
// special), or len(data).
func plainEnd(data []byte, i int) int {
	// Eight bytes at a time while none is special: (x - n·lows) &^ x
	// & highs flags the bytes below n, the lowest flag exactly.
	for i+16 <= len(data) {
		if m := specials(binary.LittleEndian.Uint64(data[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		if m := specials(binary.LittleEndian.Uint64(data[i+8:])); m != 0 {
			return i + 8 + bits.TrailingZeros64(m)/8
		}
		i += 16
	}
	if i+8 <= len(data) {
		if m := specials(binary.LittleEndian.Uint64(data[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(data) && !special[data[i]] {
		i++
	}
	return i
}

// skipString reads the string literal at pos, checking its escapes.
func (s *scanner) skipString() error {
	data := s.data
	i := s.pos + 1
	s.escaped = false
	for {
		i = plainEnd(data, i)
		if i >= len(data) {
			return s.syntax(len(data), io.ErrUnexpectedEOF)
		}
		switch c := data[i]; {
		case c == '"':
			s.pos = i + 1
			return nil
		case c < 0x20:
			return s.syntax(i, fmt.Errorf("invalid character %q in string (control characters must be escaped)", c))
		}
		// A backslash: one of the escapes JSON has.
		s.escaped = true
		if i+1 >= len(data) {
			return s.syntax(len(data), io.ErrUnexpectedEOF)
		}
		switch data[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			for k := i + 2; k < i+6; k++ {
				if k >= len(data) {
					return s.syntax(len(data), io.ErrUnexpectedEOF)
				}
				if !isHex(data[k]) {
					return s.syntax(i, fmt.Errorf("invalid escape sequence %q in string", data[i:k+1]))
				}
			}
			i += 6
		default:
			return s.syntax(i, fmt.Errorf("invalid escape sequence %q in string", data[i:i+2]))
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipNumber reads the number at pos: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) skipNumber() error {
	data := s.data
	i := s.pos
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return s.syntax(i, io.ErrUnexpectedEOF)
	case data[i] == '0':
		i++
	case '1' <= data[i] && data[i] <= '9':
		i = skipDigits(data, i+1)
	default:
		return s.syntax(i, fmt.Errorf("invalid character %q in number", data[i]))
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if err := s.needDigit(i+1, j); err != nil {
			return err
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if err := s.needDigit(i, j); err != nil {
			return err
		}
		i = j
	}
	s.pos = i
	return nil
}

// needDigit fails when the digits that begin at i (ending at j) are none.
func (s *scanner) needDigit(i, j int) error {
	switch {
	case j > i:
		return nil
	case i >= len(s.data):
		return s.syntax(i, io.ErrUnexpectedEOF)
	}
	return s.syntax(i, fmt.Errorf("invalid character %q in number", s.data[i]))
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// skipLiteral reads the literal word at pos.
func (s *scanner) skipLiteral(word string) error {
	rest := s.data[s.pos:]
	for k := range len(word) {
		if k >= len(rest) {
			return s.syntax(len(s.data), io.ErrUnexpectedEOF)
		}
		if rest[k] != word[k] {
			return s.syntax(s.pos+k, fmt.Errorf("invalid character %q in literal %s (expecting %q)", rest[k], word, word[k]))
		}
	}
	s.pos += len(word)
	return nil
}

// eof is the error of a read at the end of the input: io.EOF when the
// document is whole or empty, else an unexpected end.
func (s *scanner) eof() error {
	if len(s.stack) == 0 && (s.state == stDone || s.state == stValue) {
		return io.EOF
	}
	return s.syntax(len(s.data), io.ErrUnexpectedEOF)
}

// unexpected is the error of the byte at pos, which the grammar does not
// allow there.
func (s *scanner) unexpected() error {
	c := s.data[s.pos]
	var want string
	switch s.state {
	case stValue:
		want = "a value"
	case stValueOrEnd:
		want = "a value or ']'"
	case stName:
		want = "a member name"
	case stNameOrEnd:
		want = "a member name or '}'"
	case stColon:
		want = "':' after the member name"
	case stEnd:
		if s.stack[len(s.stack)-1] == '{' {
			want = "',' or '}' after the member value"
		} else {
			want = "',' or ']' after the array item"
		}
	default:
		want = "the end of the input after the top-level value"
	}
	return s.syntax(s.pos, fmt.Errorf("invalid character %q, expecting %s", c, want))
}

// syntax returns the syntax error err at offset at. The document is read
// once more by jsontext for its wording of the error, which names the path
// to where it is ("within '/backups/0'"): an error is rare and the price of
// keeping that path in the pass is not.
func (s *scanner) syntax(at int, err error) error {
	dec := jsontext.NewDecoder(bytes.NewReader(s.data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	for {
		_, jerr := dec.ReadToken()
		var se *jsontext.SyntacticError
		if errors.As(jerr, &se) {
			return se
		}
		if jerr != nil {
			break
		}
	}
	return &jsontext.SyntacticError{ByteOffset: int64(at), Err: err}
}

// errAfterTop is what finish reports of a second value.
var errAfterTop = errors.New("codec: data after the top-level value")
