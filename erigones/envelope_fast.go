package erigones

import (
	"reflect"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// decodeSuccess reads a SUCCESS envelope and its result into out in one
// pass, instead of copying the result out of the envelope and decoding it
// again. It reports false, and leaves out as it found it (zero), for
// anything else — another status, a body that is not an envelope, a
// result that does not fit out — and sync then takes the general path,
// which words the error. Whatever it decodes, the general path decodes the
// same (FuzzDecodeSuccess checks it). out must point to a zero value.
func decodeSuccess(body []byte, out any) bool {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() || !v.Elem().IsZero() {
		return false
	}
	env := successEnvelope{Result: resultInto{out: out, size: len(body)}}
	if err := codec.UnmarshalJSON(body, &env); err == nil && env.Status.Valid {
		if status, ok := taskStatusOf(env.Status.Value); ok && status == TaskSuccess {
			return true
		}
	}
	v.Elem().SetZero()
	return false
}

// successEnvelope is the envelope with its result decoded where it stands.
// Its members are matched as decodeEnvelope matches them.
type successEnvelope struct {
	Status codec.String `json:"status"`
	Result resultInto   `json:"result"`
	TaskID codec.String `json:"task_id"`
}

// resultInto decodes the result into out; when the result is sent more
// than once the last one wins, as in decodeEnvelope.
type resultInto struct {
	out  any
	size int // of the body, to size lists
}

// UnmarshalJSONFrom decodes the result.
func (r resultInto) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch p := r.out.(type) {
	case *[]Backup:
		return decodeList(dec, p, r.size)
	case *[]BackupDefinition:
		return decodeList(dec, p, r.size)
	}
	reflect.ValueOf(r.out).Elem().SetZero()
	return json.UnmarshalDecode(dec, r.out)
}

// decodeList decodes a JSON array into *p as the codec does, but sizes
// the slice from the first item (lists are uniform, see presize) instead
// of growing it item by item.
func decodeList[T any](dec *jsontext.Decoder, p *[]T, size int) error {
	*p = nil
	if dec.PeekKind() != '[' {
		return json.UnmarshalDecode(dec, p)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	start := dec.InputOffset()
	list := []T{}
	for dec.PeekKind() != ']' {
		var zero T
		list = append(list, zero)
		if err := json.UnmarshalDecode(dec, &list[len(list)-1]); err != nil {
			return err
		}
		if len(list) == 1 {
			list = append(make([]T, 0, presize(size, dec.InputOffset()-start)), list[0])
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	*p = list
	return nil
}

// maxPresize bounds the items a list is sized for from its first item: a
// small first item and a large body (of white space, or of big later items)
// must not make a sender able to ask for gigabytes; beyond it the list
// grows as it is read.
const maxPresize = 1024

// presize guesses the items of a list of size bytes whose first item took
// first bytes.
func presize(size int, first int64) int {
	if first <= 0 {
		return 1
	}
	return int(min(int64(size)/first+1, maxPresize))
}
