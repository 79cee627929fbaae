package codec

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// FieldError is a member of an answer that could not be read into its
// field: the field is left absent (its zero value, Valid false for the
// tolerant types) and the rest of the answer is kept.
type FieldError struct {
	// Pointer is the member's place in the answer, as a JSON Pointer
	// (RFC 6901), such as "/backup/size".
	Pointer string
	// Err is why the value did not fit the field.
	Err error
}

func (e *FieldError) Error() string { return fmt.Sprintf("member %s: %v", e.Pointer, e.Err) }

// Unwrap returns the decoding error of the value.
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrors lists the members of an answer that were left absent
// because their values did not fit; see UnmarshalJSONLenient.
type FieldErrors []*FieldError

func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Error()
	}
	return "unreadable members left absent: " + strings.Join(parts, "; ")
}

// Unwrap returns the errors of the members, for errors.As and errors.Is.
func (fe FieldErrors) Unwrap() []error {
	errs := make([]error, len(fe))
	for i, e := range fe {
		errs[i] = e
	}
	return errs
}

// maxFieldErrors bounds what a hostile answer can make the lenient
// decoder keep; past it the answer is refused as a whole.
const maxFieldErrors = 64

// UnmarshalJSONLenient decodes the answer to a call that changed state.
// Such an answer must not turn the server's success into an error: a
// member whose value does not fit its field (a size that is not a number,
// a time in an unknown layout) is left absent and reported in the
// returned FieldErrors, and the other members are decoded as usual. err is
// non-nil only when data is not JSON, breaks the Limits, does not have the
// shape of v at the top (an array for a struct), or has more than 64
// unreadable members.
func UnmarshalJSONLenient(data []byte, v any) (FieldErrors, error) {
	if err := CheckJSON(data, Limits{}); err != nil {
		return nil, err
	}
	var problems FieldErrors
	var leaf *json.Unmarshalers
	leaf = json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v any) error {
		if dec.StackDepth() == 0 {
			return errors.ErrUnsupported
		}
		if k := dec.PeekKind(); (k == '{' || k == '[') && !decodesItself(v) {
			// Plain structs, slices and maps are walked by the default
			// decoder, which comes back here for each member: a bad
			// member costs that member only. A type with its own decoder
			// (a tolerant scalar sent an object) is one value.
			return errors.ErrUnsupported
		}
		ptr := string(dec.StackPointer())
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, v, decodeOptions); err != nil {
			if len(problems) == maxFieldErrors {
				return fmt.Errorf("more than %d unreadable members", maxFieldErrors)
			}
			problems = append(problems, &FieldError{Pointer: ptr, Err: err})
		}
		return nil
	})
	if err := json.Unmarshal(data, v, decodeOptions, json.WithUnmarshalers(leaf)); err != nil {
		return nil, err
	}
	return problems, nil
}

// decodesItself reports whether v has its own JSON decoding method.
func decodesItself(v any) bool {
	switch v.(type) {
	case json.UnmarshalerFrom, json.Unmarshaler:
		return true
	}
	return false
}
