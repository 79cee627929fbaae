package codec

import (
	"reflect"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// membersFromSeeds are documents whose "in" member DecodeMembersFrom walks.
var membersFromSeeds = []string{
	`{"in":{}}`, `{"in":null}`, `{"in":{"a":1,"b":[1,{"c":2}],"a":"x"}}`, `{"in":[]}`, `{"in":5}`, `{"in":"s"}`,
	`{"in":{"na\u006de":true,"\u00e9":null,"\ud800":1}}`, "{\"in\":{\"\xff\":1}}", `{"in":{"a":1,}}`, `{"in":{"a"}}`,
	`{"in":{"a":1},"in":{"b":2}}`, `{"x":1,"in":{"a":{"in":{}}},"y":[2]}`, `{"in":{"a":1}`, `{"in":{"a":1}} x`,
}

// membersFrom reads the "in" member of data with DecodeMembersFrom into a
// map of raw values (the last of a name sent twice, an "in" sent twice
// merged), as json/v2 reads map[string]RawJSON; the others are skipped.
func membersFrom(data []byte) (map[string]RawJSON, error) {
	var out map[string]RawJSON
	err := DecodeMembers(data, Limits{}, func(d *Decoder, name []byte) error {
		if string(name) != "in" {
			return d.SkipValue()
		}
		kind := d.PeekKind()
		if kind == 'n' {
			out = nil
		}
		err := DecodeMembersFrom(d, func(d *Decoder, name []byte) error {
			raw, err := d.ReadValue()
			if err != nil {
				return err
			}
			if out == nil {
				out = map[string]RawJSON{}
			}
			out[string(name)] = append(RawJSON(nil), raw...)
			return nil
		})
		if err == nil && kind == '{' && out == nil {
			out = map[string]RawJSON{}
		}
		return err
	})
	return out, err
}

func checkMembersFrom(t *testing.T, data []byte) {
	t.Helper()
	got, err := membersFrom(data)
	var want struct {
		In map[string]RawJSON `json:"in,case:strict"`
	}
	wantErr := UnmarshalJSON(data, &want)
	require.Equal(t, wantErr == nil, err == nil, "%q: %v; json/v2: %v", data, err, wantErr)
	if err == nil {
		require.True(t, reflect.DeepEqual(want.In, got), "%q:\n%#v\n%#v", data, got, want.In)
	}
}

// TestDecodeMembersFromAgreesWithJSONv2: the members DecodeMembersFrom
// walks are those json/v2 reads into a map, and a value of another kind
// fails as json/v2 fails on it.
func TestDecodeMembersFromAgreesWithJSONv2(t *testing.T) {
	t.Parallel()
	for _, s := range membersFromSeeds {
		checkMembersFrom(t, []byte(s))
	}
}

// TestDecodeMembersFromGoesOnAfterAnotherKind: a value that is no object
// is a *SemanticError, and the document is read on past it.
func TestDecodeMembersFromGoesOnAfterAnotherKind(t *testing.T) {
	t.Parallel()
	var errs []error
	var last String
	err := DecodeMembers([]byte(`{"a":[1,{"b":2}],"b":"x","c":"last"}`), Limits{}, func(d *Decoder, name []byte) error {
		if string(name) == "c" {
			raw, err := d.ReadValue()
			if err == nil {
				err = readString(d, &last, raw)
			}
			return err
		}
		errs = append(errs, DecodeMembersFrom(d, func(d *Decoder, _ []byte) error { return d.SkipValue() }))
		return nil
	})
	require.NoError(t, err)
	require.Len(t, errs, 2)
	for _, e := range errs {
		var se *SemanticError
		require.ErrorAs(t, e, &se)
	}
	assert.Equal(t, NewString("last"), last)
}

// TestPeekKind: the kinds of the next value, numbers as '0', without
// reading it.
func TestPeekKind(t *testing.T) {
	t.Parallel()
	var kinds []jsontext.Kind
	err := DecodeMembers([]byte(`{"a":null,"b":true,"c":false,"d":"s","e":-1.5,"f":{},"g":[]}`), Limits{}, func(d *Decoder, _ []byte) error {
		kinds = append(kinds, d.PeekKind())
		return d.SkipValue()
	})
	require.NoError(t, err)
	assert.Equal(t, []jsontext.Kind{'n', 't', 'f', '"', '0', '{', '['}, kinds)
}

// FuzzDecodeMembersFromAgainstOracle: DecodeMembersFrom and json/v2 agree
// on every input.
func FuzzDecodeMembersFromAgainstOracle(f *testing.F) {
	for _, s := range membersFromSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkMembersFrom(t, data)
	})
}

// slotted is an envelope whose "r" member is a Slot.
type slotted struct {
	R    Slot
	Tail String
}

var slottedSchema = NewSchema(
	SlotMember("r", func(s *slotted) *Slot { return &s.R }),
	StringMember("tail", func(s *slotted) *String { return &s.Tail }),
)

// TestSlotMemberAgreesWithJSONv2: kept raw, the Slot holds what json/v2
// keeps in a RawJSON field; read into a probe, a list of probes or a Go
// value, it holds what json/v2 reads into them from the member's text, or
// fails where json/v2 fails.
func TestSlotMemberAgreesWithJSONv2(t *testing.T) {
	t.Parallel()
	seeds := append([]string{`{"r":[{"id":1}],"r":{"id":2},"tail":"t"}`, `{"r":[{"id":{}}],"tail":"t"}`, `{"r":[1}`}, membersFromSeeds...)
	for _, s := range engineSeeds {
		seeds = append(seeds, `{"r":`+s+`,"tail":"t"}`)
	}
	for _, s := range seeds {
		data := []byte(s)
		var want struct {
			R    RawJSON `json:"r,case:strict"`
			Tail String  `json:"tail,case:strict"`
		}
		wantErr := UnmarshalJSON(data, &want)
		var got slotted
		err := DecodeInto(data, slottedSchema, &got, Limits{})
		require.Equal(t, wantErr == nil, err == nil, "%s: %v; json/v2: %v", s, err, wantErr)
		if err != nil {
			continue
		}
		assert.Equal(t, string(want.R), string(got.R.Raw), s)
		assert.Equal(t, want.Tail, got.Tail, s)
		if want.R == nil {
			continue
		}
		var one, oneWant probe
		var list, listWant []probe
		var names, namesWant []string
		for _, c := range []struct {
			into      func(d *Decoder) error
			got, want any
		}{{ObjectInto(probeSchema, &one), &one, &oneWant}, {ListInto(probeSchema, &list), &list, &listWant}, {ValueInto(&names), &names, &namesWant}} {
			// A value that does not fit is the Slot's Err; one the
			// document cannot be read on after (an escape the codec
			// refuses) ends the object.
			got := slotted{R: Slot{Into: c.into}}
			err := DecodeInto(data, slottedSchema, &got, Limits{})
			if err == nil {
				err = got.R.Err
			}
			wantErr := UnmarshalJSON(want.R, c.want)
			require.Equal(t, wantErr == nil, err == nil, "%s into %T: %v; json/v2: %v", s, c.got, err, wantErr)
			if wantErr == nil {
				require.True(t, reflect.DeepEqual(c.want, c.got), "%s into %T", s, c.got)
			}
		}
	}
}
