package codec

import (
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// decodeOptions keep real servers working: duplicate member names and invalid
// UTF-8 are tolerated (seen in the wild on appliance firmware), unknown members
// are ignored, and names match exactly first but fall back to case-insensitive
// matching, as encoding/json v1 did.
var decodeOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.RejectUnknownMembers(false),
	json.MatchCaseInsensitiveNames(true),
)

// encodeOptions give deterministic member order for maps and, like the
// decoder, accept invalid UTF-8 (written as U+FFFD) and duplicate member
// names (in kept raw values), so that whatever was decoded can be encoded
// again.
var encodeOptions = json.JoinOptions(
	json.Deterministic(true),
	jsontext.AllowInvalidUTF8(true),
	jsontext.AllowDuplicateNames(true),
)

var indentOptions = json.JoinOptions(
	encodeOptions,
	jsontext.WithIndent("  "),
)

// UnmarshalJSON decodes data into v with the SDK's tolerant options,
// after checking its shape against the default Limits (a *LimitError).
func UnmarshalJSON(data []byte, v any) error {
	return UnmarshalJSONWithin(data, v, Limits{})
}

// UnmarshalJSONWithin is UnmarshalJSON with the list bound of l.
func UnmarshalJSONWithin(data []byte, v any, l Limits) error {
	if err := CheckJSON(data, l); err != nil {
		return err
	}
	return json.Unmarshal(data, v, decodeOptions)
}

// DecodeJSON decodes one JSON value read from r into v.
func DecodeJSON(r io.Reader, v any) error {
	return json.UnmarshalRead(r, v, decodeOptions)
}

// MarshalJSON encodes v compactly.
func MarshalJSON(v any) ([]byte, error) {
	return json.Marshal(v, encodeOptions)
}

// MarshalJSONIndent encodes v with two-space indentation and sorted map keys,
// the rendering used by golden files and by human-facing output.
func MarshalJSONIndent(v any) ([]byte, error) {
	return json.Marshal(v, indentOptions)
}

// EncodeJSON writes v to w with two-space indentation and a final newline.
func EncodeJSON(w io.Writer, v any) error {
	b, err := MarshalJSONIndent(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
