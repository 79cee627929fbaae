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

// uniqueProbe is read by the members that differ from the engine's own
// only in how they get there; the oracle is json/v2 into the same struct.
type uniqueProbe struct {
	Name  String `json:"name"`
	Plain string `json:"plain_name"`
	When  Time   `json:"created_at"`
}

var uniqueProbeSchema = NewSchema(
	UniqueStringMember("name", func(p *uniqueProbe) *String { return &p.Name }),
	UniqueGoStringMember("plain_name", func(p *uniqueProbe) *string { return &p.Plain }),
	TimeMember("created_at", func(p *uniqueProbe) *Time { return &p.When }),
)

// repeatedProbeSchema reads uniqueProbe's Go string interned.
var repeatedProbeSchema = NewSchema(
	GoStringMember("plain_name", func(p *uniqueProbe) *string { return &p.Plain }),
	TimeMember("created_at", func(p *uniqueProbe) *Time { return &p.When }),
	StringMember("name", func(p *uniqueProbe) *String { return &p.Name }),
)

var uniqueSeeds = []string{
	`{"created_at":"2013-10-14T13:37:01.123Z"}`, `{"created_at":"2013-10-14T13:37:01+02:00"}`, `{"created_at":"2013-10-14 13:37"}`,
	`{"created_at":"2013-10-14T13:37:01.123Z "}`, `{"created_at":" 2013-10-14T13:37:01Z"}`, "{\"created_at\":\"2013-10-14T13:37:01Z\u00a0\"}",
	`{"created_at":"2013-02-30T13:37:01Z"}`, `{"created_at":"2013-10-14T25:37:01Z"}`, `{"created_at":"2013-10-14"}`, `{"created_at":"201310141337"}`,
	`{"created_at":"2013-10-14T13:37:01\u005a"}`, `{"created_at":"2013-10-14T13:37:01.1234567891Z"}`, `{"created_at":"2013-10-14T13:37:01-0700"}`,
	`{"created_at":"9999-12-31T23:59:59Z"}`, `{"created_at":"0000-01-01T00:00:00Z"}`, `{"created_at":"2013-10-14T13:37:01+24:00"}`,
	`{"name":"a","plain_name":"b"}`, `{"name":null,"plain_name":null}`, `{"name":"n/a","plain_name":"n/a"}`, `{"name":"\u00e9\"","plain_name":"\ud800"}`, `{"plain_name":"a\ud800\udc00\ud800b\udfff\u0000"}`,
	`{"name":1,"plain_name":1}`, `{"name":{},"plain_name":[]}`, "{\"name\":\"\xff\",\"plain_name\":\"\xfe\"}", `{"name":"  x  ","NAME":"y"}`,
}

func checkUniqueAgainstOracle(t *testing.T, data []byte) {
	t.Helper()
	for _, schema := range []*Schema[uniqueProbe]{uniqueProbeSchema, repeatedProbeSchema} {
		var want []uniqueProbe
		wantErr := UnmarshalJSON(data, &want)
		got, gotErr := DecodeList(data, schema, Limits{})
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("list %q: oracle error %v, engine error %v", data, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("list %q:\noracle %#v\nengine %#v", data, want, got)
		}
		var one uniqueProbe
		wantErr = UnmarshalJSON(data, &one)
		gotOne, gotErr := DecodeObject(data, schema, Limits{})
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("object %q: oracle error %v, engine error %v", data, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(one, gotOne) {
			t.Fatalf("object %q:\noracle %#v\nengine %#v", data, one, gotOne)
		}
	}
}

// TestUniqueAndISOMembersAgreeWithOracle: UniqueStringMember,
// UniqueGoStringMember and TimeMember (its ISO fast path) read what json/v2 reads.
func TestUniqueAndISOMembersAgreeWithOracle(t *testing.T) {
	t.Parallel()
	for _, s := range append(append([]string(nil), uniqueSeeds...), engineSeeds...) {
		checkUniqueAgainstOracle(t, []byte(s))
		checkUniqueAgainstOracle(t, []byte("["+s+"]"))
	}
}

// TestUniqueMembersAreNotInterned: each item's text has its own bytes
// (nothing is kept in the intern table for it).
func TestUniqueMembersAreNotInterned(t *testing.T) {
	t.Parallel()
	list, err := DecodeList([]byte(`[{"name":"same","plain_name":"plain"},{"name":"same","plain_name":"plain"}]`), uniqueProbeSchema, Limits{})
	require.NoError(t, err)
	assert.True(t, unsafeData(list[0].Name.Value) != unsafeData(list[1].Name.Value))
	assert.True(t, unsafeData(list[0].Plain) != unsafeData(list[1].Plain))
	rep, err := DecodeList([]byte(`[{"plain_name":"plain"},{"plain_name":"plain"}]`), repeatedProbeSchema, Limits{})
	require.NoError(t, err)
	assert.True(t, unsafeData(rep[0].Plain) == unsafeData(rep[1].Plain), "GoStringMember interns")
}

// FuzzUniqueAndISOMembersAgainstOracle: as FuzzEngineAgainstOracle, for
// the members of engine_erigones_support.go.
func FuzzUniqueAndISOMembersAgainstOracle(f *testing.F) {
	for _, s := range uniqueSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkUniqueAgainstOracle(t, data)
	})
}

// An escaped lone surrogate reads as U+FFFD, as json/v2 with the codec's
// options reads it (GoStringMember used to fail on it).
func TestGoStringMemberLoneSurrogate(t *testing.T) {
	t.Parallel()
	type probe struct {
		Name string `json:"name"`
	}
	schema := NewSchema[probe](GoStringMember("name", func(p *probe) *string { return &p.Name }))
	body := []byte(`{"name":"a\ud800b"}`)
	got, err := DecodeObject(body, schema, Limits{})
	require.NoError(t, err)
	var want probe
	require.NoError(t, UnmarshalJSON(body, &want))
	assert.Equal(t, want, got)
	assert.Equal(t, "a\uFFFDb", got.Name)
}
