package codec

import (
	"fmt"
	"testing"
)

// benchPage is a realistic list answer of n items: the members a backup
// record has (ids, a name, a state word, a time, flags, a nested object),
// distinct values per item.
func benchPage(n int) []byte {
	b := []byte{'['}
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `{"id":%d,"ratio":%d.5,"enabled":%t,"name":"backup-%d of the nightly set","plain_name":"vm-%d",`+
			`"created_at":"2024-03-%02dT10:%02d:%02dZ","kind":"Incremental","exact_flag":false,"user_id":%d,`+
			`"child":{"n":%d,"label":"disk"},"items":[{"n":1,"label":"a"}],"note":null}`,
			1000+i, i, i%2 == 0, i, i%50, 1+i%28, i%60, i%60, 7, i%4)
	}
	return append(b, ']')
}

// BenchmarkEngine compares the engine with json/v2 (the codec's options)
// decoding a 1000-item page into the same struct: the decoding alone, no
// HTTP. The providers' benchmarks measure whole calls.
func BenchmarkEngine(b *testing.B) {
	page := benchPage(1000)
	b.Run("engine", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeList(page, probeSchema, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json_v2_same_struct", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var list []probe
			if err := UnmarshalJSON(page, &list); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("syntax_only", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var s scanner
			s.reset(page)
			if err := s.SkipValue(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
