package codec_test

import (
	"encoding/json"
	"encoding/xml"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// record holds one of each tolerant type, as a provider struct would.
type record struct {
	N  codec.Int    `json:"n" xml:"n"`
	F  codec.Float  `json:"f" xml:"f"`
	B  codec.Bool   `json:"b" xml:"b"`
	T  codec.Time   `json:"t" xml:"t"`
	S  codec.String `json:"s" xml:"s"`
	ID int          `json:"id" xml:"id"`
}

func TestIntShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in    string
		want  int64
		valid bool
	}{
		{`1121652`, 1121652, true},
		{`"1121652"`, 1121652, true},
		{`" 42 "`, 42, true},
		{`-7`, -7, true},
		{`12.0`, 12, true},
		{`"1e3"`, 1000, true},
		{`null`, 0, false},
		{`""`, 0, false},
		{`"n/a"`, 0, false},
		{`"N/A"`, 0, false},
		{`"null"`, 0, false},
		{`0`, 0, true},
	}
	for _, c := range cases {
		var v struct {
			N codec.Int `json:"n"`
		}
		require.NoError(t, codec.UnmarshalJSON([]byte(`{"n":`+c.in+`}`), &v), c.in)
		assert.Equal(t, c.valid, v.N.Valid, c.in)
		assert.Equal(t, c.want, v.N.Int64, c.in)

		// encoding/json v1 reads the same shapes the same way.
		var v1 struct {
			N codec.Int `json:"n"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{"n":`+c.in+`}`), &v1), c.in)
		assert.Equal(t, v.N, v1.N, c.in)
	}
}

func TestIntRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"abc"`, `12.5`, `true`, `{}`, `[1]`, `"9223372036854775808"`, `1e300`} {
		var v struct {
			N codec.Int `json:"n"`
		}
		err := codec.UnmarshalJSON([]byte(`{"n":`+in+`}`), &v)
		require.Error(t, err, in)
		var se *codec.ScalarError
		require.ErrorAs(t, err, &se, in)
		assert.Equal(t, "integer", se.Want)
		assert.Contains(t, err.Error(), "n", "the error names the member")
	}
}

func TestAbsentIsNotZero(t *testing.T) {
	t.Parallel()
	var absent, zero record
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"n":null,"f":"","b":"n/a","t":null,"s":null}`), &absent))
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"n":0,"f":0,"b":false,"t":"1970-01-01T00:00:00Z","s":""}`), &zero))
	assert.False(t, absent.N.Valid)
	assert.False(t, absent.F.Valid)
	assert.False(t, absent.B.Valid)
	assert.False(t, absent.T.Valid)
	assert.False(t, absent.S.Valid)
	assert.True(t, zero.N.Valid)
	assert.True(t, zero.F.Valid)
	assert.True(t, zero.B.Valid)
	assert.True(t, zero.T.Valid)
	assert.True(t, zero.S.Valid)
	assert.NotEqual(t, absent, zero)
	assert.Equal(t, int64(-1), absent.N.Or(-1))
	assert.Nil(t, absent.N.Ptr())
	require.NotNil(t, zero.N.Ptr())
	assert.Equal(t, int64(0), *zero.N.Ptr())
}

func TestBoolShapes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		`true`: true, `"true"`: true, `1`: true, `"1"`: true, `"YES"`: true, `"t"`: true,
		`false`: false, `"false"`: false, `0`: false, `"0"`: false, `"no"`: false, `"F"`: false,
	} {
		var v struct {
			B codec.Bool `json:"b"`
		}
		require.NoError(t, codec.UnmarshalJSON([]byte(`{"b":`+in+`}`), &v), in)
		assert.True(t, v.B.Valid, in)
		assert.Equal(t, want, v.B.Bool, in)
	}
	for _, in := range []string{`2`, `"maybe"`, `[]`} {
		var v struct {
			B codec.Bool `json:"b"`
		}
		assert.Error(t, codec.UnmarshalJSON([]byte(`{"b":`+in+`}`), &v), in)
	}
}

func TestTimeLayouts(t *testing.T) {
	t.Parallel()
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	cases := map[string]time.Time{
		`"2013-12-18T11:00:47+00:00"`:     utc(2013, 12, 18, 11, 0, 47, 0),
		`"2013-12-18T11:00:47Z"`:          utc(2013, 12, 18, 11, 0, 47, 0),
		`"2014-01-13T14:41:31.000+02:00"`: utc(2014, 1, 13, 12, 41, 31, 0),
		`"2020-02-05T10:38:34.209782"`:    utc(2020, 2, 5, 10, 38, 34, 209782000),
		`"2020-02-21T07:00:54"`:           utc(2020, 2, 21, 7, 0, 54, 0),
		`"2020-02-21 07:00:54"`:           utc(2020, 2, 21, 7, 0, 54, 0),
		`"2020-02-21T07:00:54+0000"`:      utc(2020, 2, 21, 7, 0, 54, 0),
		`"10/14/2014 09:32 am"`:           utc(2014, 10, 14, 9, 32, 0, 0),
		`"10/14/2014 09:32 PM"`:           utc(2014, 10, 14, 21, 32, 0, 0),
		`"1/2/2015 1:02:03 pm"`:           utc(2015, 1, 2, 13, 2, 3, 0),
		`"Tue, 10 Nov 2009 23:00:00 GMT"`: utc(2009, 11, 10, 23, 0, 0, 0),
		`1415971200`:                      utc(2014, 11, 14, 13, 20, 0, 0),
		`"1415971200"`:                    utc(2014, 11, 14, 13, 20, 0, 0),
		`1415971200.5`:                    utc(2014, 11, 14, 13, 20, 0, 500000000),
		`"2018-02-01"`:                    utc(2018, 2, 1, 0, 0, 0, 0),
		`"2013-12-18 11:00:47.123 +0100"`: utc(2013, 12, 18, 10, 0, 47, 123000000),
	}
	for in, want := range cases {
		var v struct {
			T codec.Time `json:"t"`
		}
		require.NoError(t, codec.UnmarshalJSON([]byte(`{"t":`+in+`}`), &v), in)
		require.True(t, v.T.Valid, in)
		assert.True(t, want.Equal(v.T.Time), "%s: got %s want %s", in, v.T.Time, want)
	}
	var v struct {
		T codec.Time `json:"t"`
	}
	err := codec.UnmarshalJSON([]byte(`{"t":"yesterday"}`), &v)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"yesterday"`)
}

func TestParseTimeLocation(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata on this machine")
	}
	got, err := codec.ParseTime("10/14/2014 09:32 am", ny)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2014, 10, 14, 13, 32, 0, 0, time.UTC), got.UTC())
	// A zone in the text wins over the location.
	got, err = codec.ParseTime("2014-10-14T09:32:00Z", ny)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2014, 10, 14, 9, 32, 0, 0, time.UTC), got.UTC())
}

func TestStringKeepsText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]codec.String{
		`"abc"`:        codec.NewString("abc"),
		`""`:           codec.NewString(""),
		`"n/a"`:        codec.NewString("n/a"),
		`0`:            codec.NewString("0"),
		`12.5`:         codec.NewString("12.5"),
		`true`:         codec.NewString("true"),
		`null`:         {},
		`"caf\u00e9"`:  codec.NewString("café"),
		`"a\"b\\c\nd"`: codec.NewString("a\"b\\c\nd"),
	} {
		var v struct {
			S codec.String `json:"s"`
		}
		require.NoError(t, codec.UnmarshalJSON([]byte(`{"s":`+in+`}`), &v), in)
		assert.Equal(t, want, v.S, in)
	}
}

// TestMarshalV1V2Agree checks that encoding/json and the codec (v2) write
// the same JSON for the tolerant types, present and absent.
func TestMarshalV1V2Agree(t *testing.T) {
	t.Parallel()
	present := record{
		N: codec.NewInt(42), F: codec.NewFloat(1.5), B: codec.NewBool(true),
		T: codec.NewTime(time.Date(2020, 2, 5, 10, 38, 34, 209782000, time.UTC)),
		S: codec.NewString("x\"y"), ID: 7,
	}
	for _, r := range []record{present, {}} {
		v1, err := json.Marshal(r)
		require.NoError(t, err)
		v2, err := codec.MarshalJSON(r)
		require.NoError(t, err)
		assert.JSONEq(t, string(v1), string(v2))

		var back record
		require.NoError(t, codec.UnmarshalJSON(v2, &back))
		assert.Equal(t, r, back, "round trip")
	}
	golden.AssertJSON(t, "record_present", present)
	golden.AssertJSON(t, "record_absent", record{})
}

func TestOmitZeroOmitsAbsent(t *testing.T) {
	t.Parallel()
	type opts struct {
		N codec.Int  `json:"n,omitzero"`
		B codec.Bool `json:"b,omitzero"`
	}
	b, err := codec.MarshalJSON(opts{B: codec.NewBool(false)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"b":false}`, string(b))
	b, err = json.Marshal(opts{N: codec.NewInt(0)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":0}`, string(b))
}

// railsXML is the shape of OnApp's to_xml output.
const railsXML = `<?xml version="1.0" encoding="UTF-8"?>
<record>
  <n type="integer">1121652</n>
  <f nil="true"/>
  <b type="boolean">false</b>
  <t type="datetime">2013-12-18T11:00:47+00:00</t>
  <s nil="true"/>
  <id type="integer">698</id>
</record>`

func TestRailsXML(t *testing.T) {
	t.Parallel()
	var r record
	require.NoError(t, codec.UnmarshalXML([]byte(railsXML), &r))
	assert.Equal(t, codec.NewInt(1121652), r.N)
	assert.False(t, r.F.Valid, `nil="true" is absent, not zero`)
	assert.Equal(t, codec.NewBool(false), r.B)
	assert.True(t, r.T.Time.Equal(time.Date(2013, 12, 18, 11, 0, 47, 0, time.UTC)))
	assert.False(t, r.S.Valid)
	assert.Equal(t, 698, r.ID)

	// Marshalled back, nulls stay nil="true" and types are declared.
	out, err := xml.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(out), `<f nil="true"></f>`)
	assert.Contains(t, string(out), `<n type="integer">1121652</n>`)
	var again record
	require.NoError(t, codec.UnmarshalXML(out, &again))
	assert.Equal(t, r.N, again.N)
	assert.Equal(t, r.F, again.F)
	assert.Equal(t, r.S, again.S)
	assert.True(t, r.T.Time.Equal(again.T.Time))

	err = codec.UnmarshalXML([]byte(`<record><n type="integer">lots</n></record>`), &r)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"lots"`)
}

func TestDuplicateNamesAndInvalidUTF8Tolerated(t *testing.T) {
	t.Parallel()
	var r record
	require.NoError(t, codec.UnmarshalJSON([]byte("{\"id\":1,\"id\":2,\"s\":\"a\xffb\",\"unknown\":{\"x\":[1]}}"), &r))
	assert.Equal(t, 2, r.ID, "the last duplicate wins")
	assert.True(t, r.S.Valid)
}

func TestEncodeJSONIndents(t *testing.T) {
	t.Parallel()
	var sb stringsBuilder
	require.NoError(t, codec.EncodeJSON(&sb, map[string]int{"b": 2, "a": 1}))
	assert.Equal(t, "{\n  \"a\": 1,\n  \"b\": 2\n}\n", sb.String(), "indented, sorted, newline-terminated")
}

type stringsBuilder struct{ b []byte }

func (s *stringsBuilder) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }
func (s *stringsBuilder) String() string              { return string(s.b) }

func TestInvalidUTF8RoundTrips(t *testing.T) {
	t.Parallel()
	var v struct {
		Name string `json:"name"`
	}
	require.NoError(t, codec.UnmarshalJSON([]byte("{\"name\":\"caf\xe9\"}"), &v))
	out, err := codec.MarshalJSON(v)
	require.NoError(t, err, "what was decoded can be encoded again")
	assert.JSONEq(t, `{"name":"caf\ufffd"}`, string(out))
}

func TestKeptRawValueWithDuplicateNamesRoundTrips(t *testing.T) {
	t.Parallel()
	var v struct {
		Extra map[string]jsontext.Value `json:",embed"`
	}
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"odd":{"a":1,"a":2}}`), &v))
	out, err := codec.MarshalJSON(v)
	require.NoError(t, err, "a kept value with duplicate names can be written again")
	assert.Equal(t, `{"odd":{"a":1,"a":2}}`, string(out))
}
