package codec_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/memtest"
)

// repeatList is open + n copies of item joined by sep + close.
func repeatList(open, item, sep, close string, n int) []byte {
	var b bytes.Buffer
	b.Grow(len(open) + n*(len(item)+len(sep)) + len(close))
	b.WriteString(open)
	for i := range n {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(item)
	}
	b.WriteString(close)
	return b.Bytes()
}

func deepJSON(n int) []byte {
	return []byte(strings.Repeat(`{"a":[`, n) + strings.Repeat(`]}`, n))
}

func TestCheckJSONBounds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		data  []byte
		l     codec.Limits
		bound string
		max   int
		path  string
	}{
		{"depth", deepJSON(codec.MaxDepth/2 + 1), codec.Limits{}, "depth", codec.MaxDepth, "/a/0/a/0/a/0/a/0/…"},
		{"array items", repeatList(`{"list":[`, `1`, `,`, `]}`, codec.MaxItems+1), codec.Limits{}, "items", codec.MaxItems, "/list"},
		{"object members", repeatList(`[{`, `"k":1`, `,`, `}]`, codec.MaxItems+1), codec.Limits{}, "items", codec.MaxItems, "/0"},
		{"containers for the size", repeatList(`[`, `{}`, `,`, `]`, 40_000), codec.Limits{}, "containers", 32768 + 120_001/32, ""},
		{"top-level list", repeatList(`[`, `{"id":1}`, `,`, `]`, 11), codec.Limits{ListMax: 10}, "list", 10, ""},
		{"member list", repeatList(`{"count":11,"backups":[`, `{"id":1}`, `,`, `]}`, 11), codec.Limits{ListMember: "backups", ListMax: 10}, "list", 10, "/backups"},
		{"member list, other case", repeatList(`{"Backups":[`, `{}`, `,`, `]}`, 3), codec.Limits{ListMember: "backups", ListMax: 2}, "list", 2, "/Backups"},
		{"member list, escaped name", repeatList(`{"back\u0075ps":[`, `0`, `,`, `]}`, 3), codec.Limits{ListMember: "backups", ListMax: 2}, "list", 2, "/backups"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := codec.CheckJSON(c.data, c.l)
			var le *codec.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, c.bound, le.Bound)
			assert.Equal(t, c.max, le.Max)
			assert.Equal(t, c.path, le.Path)
			assert.Contains(t, err.Error(), fmt.Sprint(c.max))
			// UnmarshalJSON refuses it before decoding anything.
			var v any
			require.ErrorAs(t, codec.UnmarshalJSONWithin(c.data, &v, c.l), &le)
			assert.Nil(t, v)
		})
	}
}

func TestCheckJSONPasses(t *testing.T) {
	t.Parallel()
	ok := []struct {
		data string
		l    codec.Limits
	}{
		{`[]`, codec.Limits{ListMax: 1}},
		{`[{"id":1}]`, codec.Limits{ListMax: 1}},
		{`{"backups":[1,2],"other":[1,2,3]}`, codec.Limits{ListMember: "backups", ListMax: 2}},
		{`{"x":{"backups":[1,2,3]}}`, codec.Limits{ListMember: "backups", ListMax: 2}}, // not the top-level member
		{`{"backups":[[1,2,3],[4,5,6]]}`, codec.Limits{ListMember: "backups", ListMax: 2}},
		{`["[[[[", "{{{{,,,,", "\"[,", "\\"]`, codec.Limits{ListMax: 4}}, // brackets in strings do not count
		{string(deepJSON(codec.MaxDepth / 2)), codec.Limits{}},
		{string(repeatList(`[`, `1`, `,`, `]`, codec.MaxItems)), codec.Limits{}},
		{`{"unterminated": [1, 2, "`, codec.Limits{ListMax: 1}}, // not JSON: the decoder words it
		// Too many '{' for the byte-count shortcut, all in a string.
		{`["` + strings.Repeat("{", 3*codec.MaxDepth) + `"]`, codec.Limits{}},
	}
	for _, c := range ok {
		assert.NoError(t, codec.CheckJSON([]byte(c.data), c.l), "%.80s", c.data)
	}
}

func TestCheckXMLBounds(t *testing.T) {
	t.Parallel()
	deep := []byte(strings.Repeat(`<a x=">">`, codec.MaxDepth+1) + strings.Repeat(`</a>`, codec.MaxDepth+1))
	cases := []struct {
		name  string
		data  []byte
		l     codec.Limits
		bound string
		max   int
		path  string
	}{
		{"depth", deep, codec.Limits{}, "depth", codec.MaxDepth, "/a/a/a/a/a/a/a/a/…"},
		{"depth, single quotes", []byte(strings.Repeat(`<b x='">' y="'">`, codec.MaxDepth+1)), codec.Limits{}, "depth", codec.MaxDepth, "/b/b/b/b/b/b/b/b/…"},
		{"children", repeatList(`<backups type="array">`, `<backup/>`, ``, `</backups>`, codec.MaxItems+1), codec.Limits{}, "items", codec.MaxItems, "/backups"},
		{"nested children", repeatList(`<r><backups>`, `<backup></backup>`, "\n", `</backups></r>`, codec.MaxItems+1), codec.Limits{}, "items", codec.MaxItems, "/r/backups"},
		{"elements for the size", repeatList(`<r>`, `<a><b/></a>`, ``, `</r>`, 100_000), codec.Limits{}, "containers", 32768 + 1_100_007/8, ""},
		{"list", repeatList(`<?xml version="1.0"?><!-- <x> --><backups>`, `<backup><id>1</id></backup>`, ``, `</backups>`, 11), codec.Limits{ListMax: 10}, "list", 10, "/backups"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := codec.CheckXML(c.data, c.l)
			var le *codec.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, c.bound, le.Bound)
			assert.Equal(t, c.max, le.Max)
			assert.Equal(t, c.path, le.Path)
			var v struct {
				Items []struct{} `xml:"backup"`
			}
			require.ErrorAs(t, codec.UnmarshalXMLWithin(c.data, &v, c.l), &le)
			assert.Empty(t, v.Items)
		})
	}
	ok := []string{
		`<backups><backup/><backup/></backups>`,
		`<!DOCTYPE r [<!ENTITY e "<a><a><a>">]><r><![CDATA[<a><a><a>]]><!-- <a><a> --><?pi <a> ?></r>`,
	}
	for _, s := range ok {
		assert.NoError(t, codec.CheckXML([]byte(s), codec.Limits{ListMax: 2}), s)
	}
}

// wide is a struct the size of a provider's backup type: what a "{}" of
// two bytes turns into.
type wide struct {
	A, B, C, D, E, F, G, H         string
	I, J, K, L, M, N, O, P         codec.String
	Q, R, S, T                     codec.Time
	Extra                          map[string]any `json:",embed"`
	Children                       []wide
	U1, U2, U3, U4, U5, U6, U7, U8 codec.Int
}

// TestHostileShapesStayWithinBudget decodes the shapes that used to take
// gigabytes, scaled down (the growth is linear, the ratio the same): each
// is a *LimitError, and decoding it allocates at most half the body plus
// 4 MiB (the scan's stack of open containers).
// Before the bounds, each decoded in full: hundreds of times its size.
func TestHostileShapesStayWithinBudget(t *testing.T) {
	shapes := []struct {
		name  string
		data  []byte
		xml   bool
		bound string
	}{
		{"page of {}", repeatList(`{"count":1,"backups":[`, `{}`, `,`, `]}`, 300_000), false, "containers"},
		{"list of {\"backup\":{}}", repeatList(`[`, `{"backup":{}}`, `,`, `]`, 300_000), false, "containers"},
		{"array of numbers", repeatList(`{"backups":[{"nums":[`, `1`, `,`, `]}]}`, 1_000_000), false, "items"},
		{"deep nesting", deepJSON(codec.MaxDepth), false, "depth"},
		{"XML list of <backup/>", repeatList(`<backups type="array">`, `<backup/>`, ``, `</backups>`, 300_000), true, "items"},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			var err error
			u := memtest.Measure(func() {
				if s.xml {
					var v struct {
						Items []wide `xml:"backup"`
					}
					err = codec.UnmarshalXML(s.data, &v)
				} else {
					var v struct {
						Backups []wide `json:"backups"`
					}
					var list []struct {
						Backup wide `json:"backup"`
					}
					if s.data[0] == '[' {
						err = codec.UnmarshalJSON(s.data, &list)
					} else {
						err = codec.UnmarshalJSON(s.data, &v)
					}
				}
			})
			var le *codec.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, s.bound, le.Bound)
			assert.Less(t, u.Total, uint64(len(s.data))/2+4<<20, "allocated %d bytes for a body of %d", u.Total, len(s.data))
		})
	}
}

func TestLimitErrorIsInspectable(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("wrapped: %w", codec.CheckJSON(repeatList(`[`, `0`, `,`, `]`, 3), codec.Limits{ListMax: 2}))
	var le *codec.LimitError
	require.True(t, errors.As(err, &le))
	assert.Equal(t, `wrapped: more than 2 items in the list, the most the call asked for`, err.Error())
}
