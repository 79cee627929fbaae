package codec

import (
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// FieldError is one member of a document that could not be read into its
// field: where it is (a JSON Pointer, such as
// "/checkpoint/vault/resources/0/resource_size") and why.
type FieldError struct {
	Path string
	Err  error
}

// Error reads like "at /checkpoint/vault/resources/0/resource_size: cannot
// read "1.5" as an integer".
func (e FieldError) Error() string { return "at " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e FieldError) Unwrap() error { return e.Err }

// FieldErrors lists the members UnmarshalJSONLenient left out. Get at it
// with errors.As.
type FieldErrors []FieldError

// Error joins the members' errors.
func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, fe := range e {
		parts[i] = fe.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the members' errors, for errors.Is and errors.As.
func (e FieldErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i := range e {
		out[i] = e[i]
	}
	return out
}

// Paths returns where the members that were left out are.
func (e FieldErrors) Paths() []string {
	out := make([]string, len(e))
	for i, fe := range e {
		out[i] = fe.Path
	}
	return out
}

// maxFieldErrors bounds how many members UnmarshalJSONLenient leaves out
// (each costs one more decoding of the document) before it gives up.
const maxFieldErrors = 32

// UnmarshalJSONLenient decodes data into v (a non-nil pointer) as
// UnmarshalJSONWithin does, except that a member whose value does not fit
// its field (a string for a number, an object for a string, a number out
// of range) is left out, as if it were null, instead of failing the whole
// document: the members left out come back as FieldErrors, the rest of v
// is filled in. It is meant for the answers to writes, where the fields
// that identify the result must not be lost to one odd field beside them.
//
// The error is for a document that cannot be read at all: not JSON, beyond
// the Limits, a top-level value of the wrong kind, or more than 32 members
// that do not fit. v is then left as far as decoding got.
func UnmarshalJSONLenient(data []byte, v any, l Limits) (FieldErrors, error) {
	if err := CheckJSON(data, l); err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, errors.New("codec: UnmarshalJSONLenient needs a non-nil pointer")
	}
	var fields FieldErrors
	for {
		rv.Elem().SetZero()
		err := json.Unmarshal(data, v, decodeOptions)
		if err == nil {
			return fields, nil
		}
		var se *json.SemanticError
		if !errors.As(err, &se) || se.JSONPointer == "" || len(fields) >= maxFieldErrors {
			return fields, err
		}
		ptr := string(se.JSONPointer)
		for _, fe := range fields {
			if fe.Path == ptr {
				return fields, err // nulling it did not help
			}
		}
		reason := se.Err
		if reason == nil {
			reason = err
		}
		next, ok := nullAt(data, se.JSONPointer)
		if !ok {
			return fields, err
		}
		fields = append(fields, FieldError{Path: ptr, Err: reason})
		data = next
	}
}

// nullAt returns data with the value at ptr replaced by null. Only the
// objects and arrays on the way to it are written anew.
func nullAt(data []byte, ptr jsontext.Pointer) ([]byte, bool) {
	var tokens []string
	for tok := range ptr.Tokens() {
		tokens = append(tokens, tok)
	}
	return replaceAt(data, tokens)
}

func replaceAt(data []byte, tokens []string) ([]byte, bool) {
	if len(tokens) == 0 {
		return []byte("null"), true
	}
	v := jsontext.Value(data)
	switch v.Kind() {
	case '{':
		var members map[string]jsontext.Value
		if json.Unmarshal(data, &members, decodeOptions) != nil {
			return nil, false
		}
		name, ok := memberNamed(members, tokens[0])
		if !ok {
			return nil, false
		}
		inner, ok := replaceAt(members[name], tokens[1:])
		if !ok {
			return nil, false
		}
		members[name] = inner
		out, err := json.Marshal(members, encodeOptions)
		return out, err == nil
	case '[':
		var items []jsontext.Value
		if json.Unmarshal(data, &items, decodeOptions) != nil {
			return nil, false
		}
		i, err := strconv.Atoi(tokens[0])
		if err != nil || i < 0 || i >= len(items) {
			return nil, false
		}
		inner, ok := replaceAt(items[i], tokens[1:])
		if !ok {
			return nil, false
		}
		items[i] = inner
		out, err := json.Marshal(items, encodeOptions)
		return out, err == nil
	}
	return nil, false
}

// memberNamed finds the member a pointer token names: its exact name, or
// (as the decoder matches names) the one that equals it ignoring case.
func memberNamed(members map[string]jsontext.Value, token string) (string, bool) {
	if _, ok := members[token]; ok {
		return token, true
	}
	for name := range members {
		if strings.EqualFold(name, token) {
			return name, true
		}
	}
	return "", false
}
