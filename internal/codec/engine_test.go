package codec

import (
	"errors"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The engine is checked against json/v2 with the codec's options (the
// oracle, UnmarshalJSON) decoding into the same struct: on every input they
// must agree on the value, or both fail.

type probeKind string

type probeChild struct {
	N     Int                `json:"n"`
	Label String             `json:"label"`
	Extra map[string]RawJSON `json:",embed"`
}

type probe struct {
	ID      Int             `json:"id"`
	Ratio   Float           `json:"ratio"`
	On      Bool            `json:"enabled"`
	Name    String          `json:"name"`
	Plain   string          `json:"plain_name"`
	When    Time            `json:"created_at"`
	Kind    Text[probeKind] `json:"kind"`
	Exact   Bool            `json:"exact_flag,case:strict"`
	UserA   Int             `json:"user_id"`
	UserB   Int             `json:"userId"`
	Child   probeChild      `json:"child"`
	Items   []probeChild    `json:"items"`
	Ignored map[string]RawJSON
	Extra   map[string]RawJSON `json:",embed"`
}

var probeChildSchema = NewSchema(
	IntMember("n", func(c *probeChild) *Int { return &c.N }),
	StringMember("label", func(c *probeChild) *String { return &c.Label }),
).KeepUnknown(func(c *probeChild) *map[string]RawJSON { return &c.Extra })

var probeSchema = NewSchema(
	IntMember("id", func(p *probe) *Int { return &p.ID }),
	FloatMember("ratio", func(p *probe) *Float { return &p.Ratio }),
	BoolMember("enabled", func(p *probe) *Bool { return &p.On }),
	StringMember("name", func(p *probe) *String { return &p.Name }),
	GoStringMember("plain_name", func(p *probe) *string { return &p.Plain }),
	TimeMember("created_at", func(p *probe) *Time { return &p.When }),
	TextMember("kind", func(p *probe) *Text[probeKind] { return &p.Kind }),
	BoolMember("exact_flag", func(p *probe) *Bool { return &p.Exact }).Strict(),
	IntMember("user_id", func(p *probe) *Int { return &p.UserA }),
	IntMember("userId", func(p *probe) *Int { return &p.UserB }),
	ObjectMember("child", probeChildSchema, func(p *probe) *probeChild { return &p.Child }),
	ListMember("items", probeChildSchema, func(p *probe) *[]probeChild { return &p.Items }),
	ValueMember("Ignored", func(_ *Decoder, p *probe, raw []byte) error {
		// as json/v2 reads a map of raw values: the oracle's field
		m := map[string]RawJSON{}
		if err := UnmarshalJSON(raw, &m); err != nil {
			return err
		}
		if string(raw) == "null" {
			m = nil
		}
		p.Ignored = m
		return nil
	}),
).KeepUnknown(func(p *probe) *map[string]RawJSON { return &p.Extra })

// checkAgainstOracle decodes data both ways and fails when they differ.
func checkAgainstOracle(t *testing.T, data []byte) {
	t.Helper()
	var want []probe
	wantErr := UnmarshalJSON(data, &want)
	got, gotErr := DecodeList(data, probeSchema, Limits{})
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("list %q: oracle error %v, engine error %v", data, wantErr, gotErr)
	}
	if wantErr == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("list %q:\noracle %#v\nengine %#v", data, want, got)
	}
	var one probe
	wantErr = UnmarshalJSON(data, &one)
	gotOne, gotErr := DecodeObject(data, probeSchema, Limits{})
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("object %q: oracle error %v, engine error %v", data, wantErr, gotErr)
	}
	if wantErr == nil && !reflect.DeepEqual(one, gotOne) {
		t.Fatalf("object %q:\noracle %#v\nengine %#v", data, one, gotOne)
	}
}

var engineSeeds = []string{
	`[]`, `null`, `[null]`, `{}`, `[{}]`, ``, ` `, `[{}] x`, `{} {}`,
	`[{"id":1,"ratio":"2.5","enabled":"yes","name":"a","plain_name":"p","created_at":"2013-12-18T11:00:47+00:00","kind":"Full"}]`,
	`{"id":"n/a","ratio":null,"enabled":1,"name":12,"plain_name":null,"created_at":1415971200,"kind":null}`,
	`{"ID":"7","Enabled":"false","NAME":"x","Created-At":"10/14/2014 09:32 am","KIND":3}`,
	`{"exact_flag":true,"ExactFlag":false,"exactflag":true}`,
	`{"user_id":1,"userId":2}`, `{"USERID":3}`, `{"user-id":4}`,
	`{"child":{"n":1,"label":"l","x":[1,{"y":2}]},"items":[{"n":"2"},null,{"label":null}]}`,
	`{"child":null,"items":null}`, `{"items":[]}`, `{"items":{}}`, `{"child":[]}`,
	`{"id":1,"id":"2"}`, `{"child":{"n":1},"child":{"label":"b"}}`, `{"items":[{"n":1}],"items":[{}]}`,
	`{"u":1,"u":[2],"\u0075":3}`, `{"na\u006de":"esc\"aped","\u00e9t\u00c9":1}`,
	`{"name":"\ud800"}`, "{\"name\":\"\xff\"}", "{\"\xff\":1}",
	`{"Ignored":{"a":1,"a":2}}`, `{"Ignored":null}`, `{"Ignored":[]}`,
	`{"id":1.0}`, `{"id":1e3}`, `{"id":-0}`, `{"id":123456789012345678901}`, `{"id":" 12 "}`, `{"id":"+5"}`,
	`{"enabled":true,"enabled":"true","enabled":"TRUE"}`, `{"created_at":-62167219201}`, `{"created_at":253402300800}`,
	`{"created_at":"2020-02-05T10:38:34.209782"}`, `{"created_at":"123456789"}`, `{"created_at":true}`,
	`{"id":{}}`, `{"id":[]}`, `{"plain_name":1}`, `{"plain_name":"\u00e9"}`, `[1]`, `["x"]`, `[[]]`, `{"a":}`, `[{"id":1},]`,
	`{"K":"x","k":"y","kInD":"z"}`, `{"ſ":1,"K":2}`, `{"\u212a":1}`,
}

func TestEngineAgreesWithOracle(t *testing.T) {
	t.Parallel()
	for _, s := range engineSeeds {
		checkAgainstOracle(t, []byte(s))
	}
}

func TestEngineReadsEveryKind(t *testing.T) {
	t.Parallel()
	got, err := DecodeObject([]byte(`{"id":"12","Ratio":2.5,"enabled":"yes","name":"a","created_at":1415971200,
		"kind":"Full","vm_ware":1,"child":{"n":3},"items":[{"label":"x"},{"label":"x"}]}`), probeSchema, Limits{})
	require.NoError(t, err)
	assert.Equal(t, NewInt(12), got.ID)
	assert.Equal(t, NewFloat(2.5), got.Ratio)
	assert.Equal(t, NewBool(true), got.On)
	assert.Equal(t, NewString("a"), got.Name)
	assert.Equal(t, NewTime(time.Unix(1415971200, 0).UTC()), got.When)
	assert.Equal(t, NewText[probeKind]("Full"), got.Kind)
	assert.Equal(t, map[string]RawJSON{"vm_ware": RawJSON("1")}, got.Extra)
	assert.Equal(t, NewInt(3), got.Child.N)
	require.Len(t, got.Items, 2)
	assert.Equal(t, "x", got.Items[0].Label.Value)
}

func TestEngineAmbiguousNameIsAnError(t *testing.T) {
	t.Parallel()
	_, err := DecodeObject([]byte(`{"USERID":1}`), probeSchema, Limits{})
	var se *SemanticError
	require.ErrorAs(t, err, &se)
	_, err = DecodeObject([]byte(`{"userId":1,"user_id":2}`), probeSchema, Limits{})
	require.NoError(t, err)
}

func TestEngineListBound(t *testing.T) {
	t.Parallel()
	_, err := DecodeList([]byte(`[{},{},{}]`), probeSchema, Limits{ListMax: 2})
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "list", le.Bound)
	list, err := DecodeList([]byte(`[{},{}]`), probeSchema, Limits{ListMax: 2})
	require.NoError(t, err)
	assert.Len(t, list, 2)
}

func TestEngineHostileShapes(t *testing.T) {
	t.Parallel()
	deep := make([]byte, 0, 2*MaxDepth+10)
	deep = append(deep, `[{"x":`...)
	for range MaxDepth {
		deep = append(deep, '[')
	}
	var le *LimitError
	_, err := DecodeList(deep, probeSchema, Limits{})
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "depth", le.Bound)

	many := []byte{'['}
	for range MaxItems + 1 {
		many = append(many, "{},"...)
	}
	many = append(many[:len(many)-1], ']')
	_, err = DecodeList(many, probeSchema, Limits{})
	require.ErrorAs(t, err, &le)
	assert.Contains(t, []string{"items", "containers"}, le.Bound)
}

func TestEngineInternsRepeatedStrings(t *testing.T) {
	t.Parallel()
	list, err := DecodeList([]byte(`[{"name":"same"},{"name":"same"}]`), probeSchema, Limits{})
	require.NoError(t, err)
	a, b := list[0].Name.Value, list[1].Name.Value
	assert.Equal(t, unsafeData(a), unsafeData(b), "one allocation for both")
}

func TestEngineSchemaRejectsTwoMembersOfOneName(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() {
		NewSchema(IntMember("a", func(p *probe) *Int { return &p.ID }), IntMember("a", func(p *probe) *Int { return &p.UserA }))
	})
}

func TestEngineErrorsAreTyped(t *testing.T) {
	t.Parallel()
	_, err := DecodeObject([]byte(`[]`), probeSchema, Limits{})
	var se *SemanticError
	assert.True(t, errors.As(err, &se))
}

// FuzzEngineAgainstOracle: the engine and json/v2 agree on every input.
func FuzzEngineAgainstOracle(f *testing.F) {
	for _, s := range engineSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstOracle(t, data)
	})
}

func unsafeData(s string) *byte { return unsafe.StringData(s) }

// A scalar member whose accessor returns a field of its argument is read in
// place (at the field's offset); any other accessor (a pointer through a
// pointer field, one that panics on a zero value) is called for each
// value, with the same result.
func TestEngineMembersInPlaceOrThroughTheirAccessor(t *testing.T) {
	type inner struct{ N Int }
	type rec struct {
		ID    Int
		Name  String
		Kind  Text[string]
		Inner *inner
	}
	s := NewSchema(
		IntMember("id", func(r *rec) *Int { return &r.ID }),
		StringMember("name", func(r *rec) *String { return &r.Name }),
		TextMember("kind", func(r *rec) *Text[string] { return &r.Kind }),
		IntMember("n", func(r *rec) *Int {
			if r.Inner == nil {
				r.Inner = new(inner)
			}
			return &r.Inner.N
		}),
		IntMember("deref", func(r *rec) *Int { return &r.Inner.N }), // panics on a zero rec
	)
	kinds := map[string]memberKind{}
	for _, m := range s.members {
		kinds[m.name] = m.kind
	}
	assert.Equal(t, map[string]memberKind{"id": intKind, "name": stringKind, "kind": stringKind, "n": viaDecode, "deref": viaDecode}, kinds)

	got, err := DecodeObject([]byte(`{"id":7,"name":"a\"b","kind":"full","n":"9","deref":10}`), s, Limits{})
	require.NoError(t, err)
	assert.Equal(t, NewInt(7), got.ID)
	assert.Equal(t, NewString(`a"b`), got.Name)
	assert.Equal(t, NewText("full"), got.Kind)
	require.NotNil(t, got.Inner)
	assert.Equal(t, NewInt(10), got.Inner.N, "deref read after n made Inner")

	got, err = DecodeObject([]byte(`{"id":null,"kind":null,"name":"x"}`), s, Limits{})
	require.NoError(t, err)
	assert.Equal(t, rec{Name: NewString("x")}, got)
}
