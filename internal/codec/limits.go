package codec

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// The decoders allocate per value: a "{}" of two bytes becomes a struct of
// hundreds of bytes in a slice, a number of one byte a 16-byte interface.
// A body under the size cap could therefore still ask for gigabytes. Limits
// bound the shape of a document before any of it is decoded, so that what a
// body of N bytes decodes into stays within a small multiple of N plus a
// constant, whatever the body holds.

const (
	// MaxDepth is the deepest nesting of arrays and objects (JSON) or of
	// elements (XML) a document may have. It is the bound json/v2 and
	// encoding/xml keep themselves; here it is checked first, so that the
	// error names it.
	MaxDepth = 10000
	// MaxItems is the most items one array, members one object, or child
	// elements one XML element may have.
	MaxItems = 100_000
	// containerBase and containerBytes set how many arrays and objects a
	// JSON body may hold: containerBase, plus one for every containerBytes
	// bytes of the body. Each may become a struct of a few hundred bytes;
	// real answers have one every 100 to 400 bytes.
	containerBase  = 1 << 15
	containerBytes = 32
	// elementBase and elementBytes do the same for the elements of an XML
	// body (real Rails XML has one every 30 bytes or so).
	elementBase  = 1 << 15
	elementBytes = 8
)

// Limits bound the shape of a document. The zero value has no list bound
// and the default depth and item bounds.
type Limits struct {
	// ListMember names the list of a list answer: the member of the
	// top-level object that holds it ("" for a top-level array). For XML
	// the list is always the children of the root element.
	ListMember string
	// ListMax is the most items the list may hold (the page size the call
	// asked for); 0 means no bound beyond MaxItems.
	ListMax int
}

// LimitError reports a document beyond one of the bounds: it names the
// bound, its value and where in the document it was passed.
type LimitError struct {
	// Bound is "depth", "items", "list" or "containers".
	Bound string
	// Max is the bound's value.
	Max int
	// Path is the JSON pointer (or the XML element path) of the array,
	// object or element that passed it; "" for the document as a whole.
	Path string
	// Size is the body's length in bytes, for the "containers" bound.
	Size int
}

func (e *LimitError) Error() string {
	at := ""
	if e.Path != "" {
		at = " at " + strconv.Quote(e.Path)
	}
	switch e.Bound {
	case "depth":
		return fmt.Sprintf("nesting deeper than %d levels%s (bound MaxDepth)", e.Max, at)
	case "items":
		return fmt.Sprintf("more than %d items in one array, object or element%s (bound MaxItems)", e.Max, at)
	case "list":
		return fmt.Sprintf("more than %d items in the list%s, the most the call asked for", e.Max, at)
	}
	return fmt.Sprintf("more than %d arrays, objects or elements in a body of %d bytes (bound: %d, and one more per %d bytes)",
		e.Max, e.Size, containerBase, containerBytes)
}

func jsonContainerBudget(n int) int { return containerBase + n/containerBytes }

func xmlElementBudget(n int) int { return elementBase + n/elementBytes }

// CheckJSON reports, as a *LimitError, a JSON document deeper than
// MaxDepth, with an array or object of more than MaxItems, with more arrays
// and objects than its size allows, or whose list (see Limits) holds more
// than ListMax items. It decodes nothing and allocates almost nothing; a
// document that is not valid JSON passes (the decoder then words the
// error). An upper bound from counting bytes (a fast vector scan) spares
// most answers the full scan.
func CheckJSON(data []byte, l Limits) error {
	budget := jsonContainerBudget(len(data))
	if l.ListMax <= 0 || l.ListMax >= MaxItems {
		// Every '{' or '[' (some may be in strings) may open a container;
		// each container's items are separated by commas.
		c := bytes.Count(data, []byte{'{'}) + bytes.Count(data, []byte{'['})
		if c <= min(budget, MaxDepth) && bytes.Count(data, []byte{','}) < MaxItems {
			return nil
		}
	}
	return scanJSON(data, l, budget)
}

// jsonLevel is one open array or object of scanJSON; small, as a deep
// document has thousands.
type jsonLevel struct {
	commas  int32
	object  bool
	wantKey bool // the next string of the object is a member name
	list    bool // this is the list that Limits.ListMax bounds
}

// pathLevels is how many levels of a path an error names.
const pathLevels = 8

// jsonScan is the state of scanJSON: the open levels, and the current
// member name of the first pathLevels of them (start and end offsets of
// its literal; end 0 when none yet).
type jsonScan struct {
	data  []byte
	stack []jsonLevel
	keys  [pathLevels][2]int
}

// scanJSON walks the structure of data: strings are skipped with a vector
// search for their closing quote, everything else is one switch per byte.
func scanJSON(data []byte, l Limits, budget int) error {
	sc := jsonScan{data: data, stack: make([]jsonLevel, 0, 16)}
	containers := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			end := endOfJSONString(data, i)
			if n := len(sc.stack); n > 0 && sc.stack[n-1].wantKey {
				sc.stack[n-1].wantKey = false
				if n <= pathLevels {
					sc.keys[n-1] = [2]int{i, end}
				}
			}
			i = end - 1
		case '{', '[':
			containers++
			if containers > budget {
				return &LimitError{Bound: "containers", Max: budget, Size: len(data)}
			}
			n := len(sc.stack)
			if n >= MaxDepth {
				return &LimitError{Bound: "depth", Max: MaxDepth, Path: sc.path(n)}
			}
			lv := jsonLevel{object: data[i] == '{'}
			lv.wantKey = lv.object
			if !lv.object && l.ListMax > 0 {
				switch {
				case n == 0 && l.ListMember == "":
					lv.list = true
				case n == 1 && l.ListMember != "" && sc.stack[0].object && sc.keys[0][1] > 0:
					lv.list = strings.EqualFold(unquoteKey(data[sc.keys[0][0]:sc.keys[0][1]]), l.ListMember)
				}
			}
			if n < pathLevels {
				sc.keys[n] = [2]int{}
			}
			sc.stack = append(sc.stack, lv)
		case '}', ']':
			if n := len(sc.stack); n > 0 {
				sc.stack = sc.stack[:n-1]
			}
		case ',':
			n := len(sc.stack)
			if n == 0 {
				continue
			}
			top := &sc.stack[n-1]
			top.commas++
			top.wantKey = top.object
			if top.list && int(top.commas) >= l.ListMax {
				return &LimitError{Bound: "list", Max: l.ListMax, Path: sc.path(n - 1)}
			}
			if top.commas >= MaxItems {
				return &LimitError{Bound: "items", Max: MaxItems, Path: sc.path(n - 1)}
			}
		}
	}
	return nil
}

// path renders the JSON pointer of the value that level n-1 of the stack
// is reading (each level contributes the member name or index it is at),
// cut to its first pathLevels segments.
func (sc *jsonScan) path(n int) string {
	var b strings.Builder
	for i := range n {
		if i == pathLevels {
			b.WriteString("/…")
			break
		}
		b.WriteByte('/')
		lv := sc.stack[i]
		switch {
		case !lv.object:
			b.WriteString(strconv.Itoa(int(lv.commas)))
		case sc.keys[i][1] > 0:
			k := unquoteKey(sc.data[sc.keys[i][0]:sc.keys[i][1]])
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
		}
	}
	return b.String()
}

// unquoteKey returns the text of a member name's literal.
func unquoteKey(lit []byte) string {
	if len(lit) >= 2 {
		inner := lit[1 : len(lit)-1]
		if bytes.IndexByte(inner, '\\') < 0 {
			return strings.ToValidUTF8(string(inner), "\uFFFD")
		}
	}
	s, err := jsontext.AppendUnquote(nil, lit)
	if err != nil {
		return strings.ToValidUTF8(string(lit), "\uFFFD")
	}
	return strings.ToValidUTF8(string(s), "\uFFFD")
}

// endOfJSONString returns the index after the string starting at b[i] ==
// '"' (len(b) when it is not closed).
func endOfJSONString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		i += j
		n := 0
		for k := i - 1; b[k] == '\\'; k-- {
			n++
		}
		i++
		if n%2 == 0 {
			return i
		}
	}
}

// CheckXML reports, as a *LimitError, an XML document nested deeper than
// MaxDepth, with an element of more than MaxItems children, with more
// elements than its size allows, or whose root holds more than
// Limits.ListMax children. Comments, CDATA sections, processing
// instructions and directives are skipped; a document that is not
// well-formed passes (encoding/xml then words the error).
func CheckXML(data []byte, l Limits) error {
	budget := xmlElementBudget(len(data))
	type level struct {
		start    int // of the element's name
		children int
	}
	stack := make([]level, 0, 16)
	elements := 0
	path := func(n int) string {
		var b strings.Builder
		for i := 0; i < n && i < len(stack); i++ {
			if i == pathLevels {
				b.WriteString("/…")
				break
			}
			b.WriteByte('/')
			b.WriteString(strings.ToValidUTF8(string(xmlName(data[stack[i].start:])), "\uFFFD"))
		}
		return b.String()
	}
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 || i+j+1 >= len(data) {
			break
		}
		i += j
		switch data[i+1] {
		case '/':
			if n := len(stack); n > 0 {
				stack = stack[:n-1]
			}
			i = skipPast(data, i+2, ">")
		case '?':
			i = skipPast(data, i+2, "?>")
		case '!':
			rest := data[i:]
			switch {
			case bytes.HasPrefix(rest, []byte("<!--")):
				i = skipPast(data, i+4, "-->")
			case bytes.HasPrefix(rest, []byte("<![CDATA[")):
				i = skipPast(data, i+9, "]]>")
			default:
				i = endOfDirective(data, i+2)
			}
		default:
			end, selfClosing := endOfTag(data, i+1)
			elements++
			if elements > budget {
				return &LimitError{Bound: "containers", Max: budget, Size: len(data)}
			}
			if n := len(stack); n > 0 {
				stack[n-1].children++
				switch {
				case n == 1 && l.ListMax > 0 && stack[0].children > l.ListMax:
					return &LimitError{Bound: "list", Max: l.ListMax, Path: path(1)}
				case stack[n-1].children > MaxItems:
					return &LimitError{Bound: "items", Max: MaxItems, Path: path(n)}
				}
			}
			if !selfClosing {
				if len(stack) >= MaxDepth {
					return &LimitError{Bound: "depth", Max: MaxDepth, Path: path(len(stack))}
				}
				stack = append(stack, level{start: i + 1})
			}
			i = end
		}
	}
	return nil
}

// skipPast returns the index after the first sep at or after i (len(b)
// when there is none).
func skipPast(b []byte, i int, sep string) int {
	j := bytes.Index(b[i:], []byte(sep))
	if j < 0 {
		return len(b)
	}
	return i + j + len(sep)
}

// endOfDirective returns the index after a <!…> directive whose body
// starts at i; a DOCTYPE's internal subset may hold '<' and '>' in brackets.
func endOfDirective(b []byte, i int) int {
	depth := 0
	var quote byte
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<' || c == '[':
			depth++
		case c == ']' || (c == '>' && depth > 0):
			depth--
		case c == '>':
			return i + 1
		}
	}
	return len(b)
}

// endOfTag returns the index after the '>' of a start tag whose name starts
// at i (attribute values may hold '>'), and whether it ends in "/>".
func endOfTag(b []byte, i int) (int, bool) {
	// The usual tag: the first '>' follows pairs of double quotes only.
	if j := bytes.IndexByte(b[i:], '>'); j >= 0 {
		seg := b[i : i+j]
		if bytes.IndexByte(seg, '\'') < 0 && bytes.Count(seg, []byte{'"'})%2 == 0 {
			end := i + j
			return end + 1, b[end-1] == '/'
		}
	}
	var quote byte
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1, b[i-1] == '/'
		}
	}
	return len(b), false
}

// xmlName returns the name at the start of a tag's body (at most 64 bytes).
func xmlName(tag []byte) []byte {
	tag = tag[:min(len(tag), 64)]
	for i, c := range tag {
		if c <= ' ' || c == '/' || c == '>' {
			return tag[:i]
		}
	}
	return tag
}
