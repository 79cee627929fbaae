package codec

import (
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loose is a record of every kind of member the CBR support adds.
type loose struct {
	Text   string
	Enum   string
	Str    String
	When   Time
	Inner  struct{ A Int }
	Items  []int // the kinds of a list's items, as EachItem saw them
	IsList bool
}

var looseInner = NewSchema(IntMember("a", func(v *struct{ A Int }) *Int { return &v.A }))

var looseSchema = NewSchema(
	LooseGoStringMember("text", func(v *loose) *string { return &v.Text }),
	LooseEnumMember("enum", func(v *loose) *string { return &v.Enum }, []string{"available", "error"}),
	LooseStringMember("str", func(v *loose) *String { return &v.Str }),
	CBRTimeMember("when", func(v *loose) *Time { return &v.When }),
	LenientObjectMember("inner", looseInner, func(v *loose) *struct{ A Int } { return &v.Inner }),
	StreamMember("items", func(d *Decoder, v *loose) error {
		var err error
		v.IsList, err = EachItem(d, func(_ int, kind byte) error {
			v.Items = append(v.Items, int(kind))
			return d.SkipValue()
		})
		return err
	}),
).WrapErrors(func(member string, err error) error { return &memberError{member, err} })

type memberError struct {
	member string
	err    error
}

func (e *memberError) Error() string { return e.member + ": " + e.err.Error() }
func (e *memberError) Unwrap() error { return e.err }

func decodeLoose(t *testing.T, doc string) loose {
	t.Helper()
	v, err := DecodeObject([]byte(doc), looseSchema, Limits{})
	require.NoError(t, err, doc)
	return v
}

// TestLooseTextAgreesWithJSONv2: a string reads as json/v2 reads it into
// a Go string (escapes, surrogates), null as "", any other value as its
// JSON text; invalid UTF-8 becomes U+FFFD.
func TestLooseTextAgreesWithJSONv2(t *testing.T) {
	t.Parallel()
	for _, s := range []string{`"plain"`, `"esc\u00e9\n\"q\""`, `"\ud83d\ude00"`, `"\ud800"`, `""`, `"  spaced "`} {
		var want string
		require.NoError(t, UnmarshalJSON([]byte(s), &want))
		assert.Equal(t, want, TextOf([]byte(s)), s)
		assert.Equal(t, want, decodeLoose(t, `{"text":`+s+`}`).Text, s)
	}
	for _, s := range []string{`12`, `-1.5e3`, `true`, `false`, `{"a": [1, 2]}`, `[ ]`} {
		assert.Equal(t, s, decodeLoose(t, `{"text":`+s+`}`).Text, s)
	}
	assert.Equal(t, "", decodeLoose(t, `{"text":null}`).Text)
	assert.Equal(t, "a\uFFFDb", decodeLoose(t, "{\"text\":\"a\xff\xfeb\"}").Text, "a run of invalid bytes is one U+FFFD")
	assert.Equal(t, "\u00e9\uFFFD\uFFFD", decodeLoose(t, "{\"text\":\"\\u00e9\xff\xfe\"}").Text, "unquoted, each invalid byte is one")
	assert.Equal(t, "[\"\uFFFD\"]", decodeLoose(t, "{\"text\":[\"\xff\"]}").Text)
}

// TestLooseEnumSharesTheWord: a word of the table is the table's string
// (no allocation); any other value reads as LooseText.
func TestLooseEnumSharesTheWord(t *testing.T) {
	words := []string{"available", "error"}
	v := decodeLoose(t, `{"enum":"error"}`)
	assert.Equal(t, unsafe.StringData(words[1]), unsafe.StringData(v.Enum))
	assert.Equal(t, "new_state", decodeLoose(t, `{"enum":"new_state"}`).Enum)
	assert.Equal(t, "error", decodeLoose(t, `{"enum":"\u0065rror"}`).Enum)
	assert.Equal(t, "7", decodeLoose(t, `{"enum":7}`).Enum)
	allocs := testing.AllocsPerRun(50, func() {
		_, _ = DecodeObject([]byte(`{"enum":"available"}`), looseSchema, Limits{})
	})
	plain := testing.AllocsPerRun(50, func() { _, _ = DecodeObject([]byte(`{}`), looseSchema, Limits{}) })
	assert.Equal(t, plain, allocs, "matching a word allocates nothing")
}

// TestLooseStringAgreesWithString: a string is its text, null absent,
// anything else as String's UnmarshalJSON reads it.
func TestLooseStringAgreesWithString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{`"x"`, `""`, `null`, `0`, `12.5`, `true`, `{"a":1}`, `[1]`, `"\u00e9"`} {
		var want String
		wantErr := want.UnmarshalJSON([]byte(s))
		got, err := DecodeObject([]byte(`{"str":`+s+`}`), looseSchema, Limits{})
		if wantErr != nil {
			assert.Error(t, err, s)
			continue
		}
		require.NoError(t, err, s)
		assert.Equal(t, want, got.Str, s)
	}
}

// TestCBRTimeAgreesWithTime: CBRTimeMember reads what Time's
// UnmarshalJSON reads, CBR's layout among the rest.
func TestCBRTimeAgreesWithTime(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		`"2020-02-21T07:00:54.065135"`, `"2020-02-21 07:00:54"`, `"2020-02-21T07:00:54Z"`, `"2020-02-21T07:00:54+08:00"`,
		`"2020-02-21T07:00:54\u005a"`, `1582268454`, `"1582268454"`, `""`, `null`, `"2023-02-29T00:00:00"`, `"yesterday"`, `true`,
	} {
		var want Time
		wantErr := want.UnmarshalJSON([]byte(s))
		got, err := DecodeObject([]byte(`{"when":`+s+`}`), looseSchema, Limits{})
		if wantErr != nil {
			assert.Error(t, err, s)
			continue
		}
		require.NoError(t, err, s)
		assert.True(t, want.Valid == got.When.Valid && want.Time.Equal(got.When.Time), "%s: %v, want %v", s, got.When, want)
	}
}

func TestParseCBRTime(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2020-02-05T10:38:34.209782", "2020-02-05 10:38:34", "2020-02-05T10:38:34.123456789Z", "2024-02-29T23:59:59"} {
		got, ok := ParseCBRTime([]byte(s))
		require.True(t, ok, s)
		want, err := ParseTime(s, time.UTC)
		require.NoError(t, err)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"2023-02-29T00:00:00", "2020-02-05T10:38:34.", "2020-02-05T10:38:34+08:00", "2020-02-05", ""} {
		_, ok := ParseCBRTime([]byte(s))
		assert.False(t, ok, s)
	}
}

// TestLenientObjectAndEachItem: an object member of another kind is
// skipped (zero), sent twice the last counts; a list of another kind is
// skipped and reported.
func TestLenientObjectAndEachItem(t *testing.T) {
	t.Parallel()
	assert.Equal(t, int64(2), decodeLoose(t, `{"inner":{"a":1},"inner":{"a":2}}`).Inner.A.Int64)
	for _, s := range []string{`null`, `"x"`, `[{"a":1}]`, `3`} {
		assert.False(t, decodeLoose(t, `{"inner":{"a":1},"inner":`+s+`}`).Inner.A.Valid, s)
	}
	v := decodeLoose(t, `{"items":[1,"a",{},[],null,true,false]}`)
	assert.True(t, v.IsList)
	assert.Equal(t, []int{'0', '"', '{', '[', 'n', 't', 'f'}, v.Items)
	v = decodeLoose(t, `{"items":{"a":[1]}}`)
	assert.False(t, v.IsList)
	assert.Empty(t, v.Items)
	_, err := DecodeObject([]byte(`{"items":[1,`), looseSchema, Limits{})
	assert.Error(t, err)
}

// TestWrapErrors: a member's error is handed to the wrapper with the
// member's name and stays inspectable.
func TestWrapErrors(t *testing.T) {
	t.Parallel()
	_, err := DecodeObject([]byte(`{"inner":{"a":"x"}}`), looseSchema, Limits{})
	var l *memberError
	require.ErrorAs(t, err, &l)
	assert.Equal(t, "inner", l.member)
	var se *ScalarError
	assert.ErrorAs(t, err, &se)
	_, err = DecodeObject([]byte(`{"when":"yesterday"}`), looseSchema, Limits{})
	require.ErrorAs(t, err, &l)
	assert.Equal(t, "when", l.member)
}
