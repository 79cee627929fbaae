package codec_test

import (
	"encoding/json"
	"testing"

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
