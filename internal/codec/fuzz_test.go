package codec_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
)

// FuzzScalarsJSON feeds arbitrary JSON values to every tolerant type. They
// must never panic, and whatever they accept must marshal and read back the
// same through both JSON engines.
func FuzzScalarsJSON(f *testing.F) {
	for _, s := range []string{
		`1121652`, `"1121652"`, `null`, `""`, `"n/a"`, `"N/A"`, `12.0`, `"1e3"`, `true`, `"yes"`, `1`, `0`,
		`"2013-12-18T11:00:47+00:00"`, `"2020-02-05T10:38:34.209782"`, `"10/14/2014 09:32 am"`, `1415971200.5`,
		`"00:00:28"`, `{}`, `[]`, `"\u0000"`, `-0`, `1e400`, `"9999-12-31T23:59:59Z"`, `99999999999999999999`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(v interface {
			UnmarshalJSON([]byte) error
			MarshalJSON() ([]byte, error)
		}, fresh func() interface{ UnmarshalJSON([]byte) error }) {
			if v.UnmarshalJSON(data) != nil {
				return
			}
			out, err := v.MarshalJSON()
			if err != nil {
				return // e.g. a year beyond RFC 3339; an error, not a panic
			}
			if !json.Valid(out) {
				t.Fatalf("%T marshalled invalid JSON %q from %q", v, out, data)
			}
			if err := fresh().UnmarshalJSON(out); err != nil {
				t.Fatalf("%T cannot read back its own output %q (from %q): %v", v, out, data, err)
			}
		}
		check(&codec.Int{}, func() interface{ UnmarshalJSON([]byte) error } { return &codec.Int{} })
		check(&codec.Float{}, func() interface{ UnmarshalJSON([]byte) error } { return &codec.Float{} })
		check(&codec.Bool{}, func() interface{ UnmarshalJSON([]byte) error } { return &codec.Bool{} })
		check(&codec.Time{}, func() interface{ UnmarshalJSON([]byte) error } { return &codec.Time{} })
		check(&codec.String{}, func() interface{ UnmarshalJSON([]byte) error } { return &codec.String{} })

		// The streaming (v2) path must agree with the byte path.
		var a, b struct {
			V codec.Int `json:"v"`
		}
		doc := append(append([]byte(`{"v":`), data...), '}')
		errA := codec.UnmarshalJSON(doc, &a)
		errB := json.Unmarshal(doc, &b)
		if errA == nil && errB == nil && a != b {
			t.Fatalf("v1 and v2 disagree on %q: %+v vs %+v", data, b, a)
		}
	})
}

// FuzzScalarsXML feeds arbitrary element content and attributes to the XML
// readers of the tolerant types.
func FuzzScalarsXML(f *testing.F) {
	f.Add(`type="integer"`, `1121652`)
	f.Add(`nil="true"`, ``)
	f.Add(`type="datetime"`, `2013-12-18T11:00:47+00:00`)
	f.Add(`type="boolean"`, `false`)
	f.Add(``, `<x>nested</x>`)
	f.Fuzz(func(t *testing.T, attr, text string) {
		doc := []byte("<r><n " + attr + ">" + text + "</n><b " + attr + ">" + text + "</b><t " + attr + ">" + text +
			"</t><s " + attr + ">" + text + "</s><f " + attr + ">" + text + "</f></r>")
		var r record
		_ = codec.UnmarshalXML(doc, &r)
	})
}

// FuzzParseTimeISO checks the fast ISO reader against time.Parse: whatever
// both accept must be the same instant, and what time.Parse reads in RFC 3339
// the fast reader must read too.
func FuzzParseTimeISO(f *testing.F) {
	for _, s := range []string{
		"2013-12-18T11:00:47+00:00", "2020-02-05T10:38:34.209782", "2014-01-13T14:41:31.000+02:00", "2020-02-29T00:00:00Z",
		"2019-02-29T00:00:00Z", "2020-02-21 07:00:54", "2020-02-21T07:00:54+0530", "2020-02-21T07:00:54-08", "2020-13-01T00:00:00Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := codec.ParseTime(s, time.UTC)
		want, werr := time.Parse(time.RFC3339Nano, s)
		if werr == nil && err != nil {
			t.Fatalf("time.Parse reads %q as %s but ParseTime fails: %v", s, want, err)
		}
		if werr == nil && !got.Equal(want) {
			t.Fatalf("%q: ParseTime %s, time.Parse %s", s, got, want)
		}
	})
}
