package codec

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holder is an envelope whose "one" member is read by DecodeObjectFrom
// into a probe it carries, and whose "raw" member is kept as sent.
type holder struct {
	one  *probe
	err  error // of the last "one" that did not fit
	raw  RawJSON
	Tail String
}

var holderSchema = NewSchema(
	StreamMember("one", func(d *Decoder, h *holder) error {
		h.err = DecodeObjectFrom(d, probeSchema, h.one)
		if Fatal(h.err) {
			return h.err
		}
		return nil
	}),
	StreamMember("raw", func(d *Decoder, h *holder) error {
		raw, err := d.ReadValue()
		h.raw = append(RawJSON(nil), raw...)
		return err
	}),
	StringMember("tail", func(h *holder) *String { return &h.Tail }),
)

// TestDecodeIntoAgreesWithDecodeObject: onto a zero value, DecodeInto reads
// what DecodeObject (held to json/v2 by FuzzEngineAgainstOracle) reads.
func TestDecodeIntoAgreesWithDecodeObject(t *testing.T) {
	t.Parallel()
	for _, s := range engineSeeds {
		want, wantErr := DecodeObject([]byte(s), probeSchema, Limits{})
		var got probe
		gotErr := DecodeInto([]byte(s), probeSchema, &got, Limits{})
		require.Equal(t, wantErr == nil, gotErr == nil, "%s: %v / %v", s, wantErr, gotErr)
		if wantErr == nil {
			require.True(t, reflect.DeepEqual(want, got), "%s", s)
		}
	}
}

// TestDecodeIntoKeepsWhatVHolds: the members decode into what *v points to.
func TestDecodeIntoKeepsWhatVHolds(t *testing.T) {
	t.Parallel()
	h := holder{one: &probe{}}
	require.NoError(t, DecodeInto([]byte(`{"one":{"id":7,"name":"x"},"raw":[1, 2],"tail":"t"}`), holderSchema, &h, Limits{}))
	assert.Equal(t, NewInt(7), h.one.ID)
	assert.Equal(t, NewString("x"), h.one.Name)
	assert.Equal(t, RawJSON("[1, 2]"), h.raw)
	assert.Equal(t, NewString("t"), h.Tail)
	require.NoError(t, h.err)
}

// TestDecodeObjectFromGoesOnAfterAValueThatDoesNotFit: a value of the
// wrong kind, or a bad member deep inside, is reported and skipped, and
// the members after it are read; a syntax error ends the document.
func TestDecodeObjectFromGoesOnAfterAValueThatDoesNotFit(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{"one":[1,[2],{"a":3}],"tail":"t"}`,
		`{"one":{"id":1,"child":{"n":{}},"items":[{"n":1}]},"tail":"t"}`,
		`{"one":"x","tail":"t"}`,
	} {
		h := holder{one: &probe{}}
		require.NoError(t, DecodeInto([]byte(in), holderSchema, &h, Limits{}), in)
		assert.Error(t, h.err, in)
		assert.False(t, Fatal(h.err), in)
		assert.Equal(t, NewString("t"), h.Tail, in)
	}
	h := holder{one: &probe{}}
	err := DecodeInto([]byte(`{"one":{"id":1,},"tail":"t"}`), holderSchema, &h, Limits{})
	require.Error(t, err)
	assert.True(t, Fatal(err))

	h = holder{one: &probe{ID: NewInt(3)}}
	require.NoError(t, DecodeInto([]byte(`{"one":null}`), holderSchema, &h, Limits{}))
	assert.Equal(t, probe{}, *h.one, "null zeroes the object, as json/v2 does")
}

// TestDecodeIntoBounds: the document is held to the Limits.
func TestDecodeIntoBounds(t *testing.T) {
	t.Parallel()
	deep := []byte(`{"one":{"items":[{"x":`)
	for range MaxDepth {
		deep = append(deep, '[')
	}
	var le *LimitError
	require.ErrorAs(t, DecodeInto(deep, holderSchema, &holder{one: &probe{}}, Limits{}), &le)
}
