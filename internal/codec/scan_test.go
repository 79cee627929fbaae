package codec

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scanner is held to jsontext.Decoder with the codec's options (the
// reader it replaced): driven by the same sequence of calls over the same
// document, the two must return the same tokens, values, depths and
// offsets, and fail at the same call.

// scanWalk drives both readers over data with the calls ops chooses and
// reports the first difference.
func scanWalk(t *testing.T, data, ops []byte) {
	t.Helper()
	var s scanner
	s.reset(data)
	j := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if len(ops) == 0 {
		ops = []byte{0}
	}
	for step := 0; step < 4*len(data)+8; step++ {
		op := ops[step%len(ops)] % 7
		if step > 0 && s.StackDepth() == 0 && j.StackDepth() == 0 {
			// The top-level value is read. jsontext reads a stream of
			// values; the engine wants one, so anything but the end of
			// the input after it is an error.
			_, serr := s.ReadToken()
			_, jerr := j.ReadToken()
			if jerr == io.EOF {
				require.Equal(t, io.EOF, serr, "step %d: after the value", step)
			} else {
				require.Error(t, serr, "step %d: jsontext read on (%v)", step, jerr)
				require.NotEqual(t, io.EOF, serr, "step %d", step)
			}
			return
		}
		var sraw, jraw []byte
		var serr, jerr error
		var sk, jk jsontext.Kind
		switch op {
		case 0:
			var st token
			var jt jsontext.Token
			st, serr = s.ReadToken()
			jt, jerr = j.ReadToken()
			sk, jk = st.Kind(), jt.Kind()
		case 1:
			sraw, serr = s.ReadValue()
			jraw, jerr = j.ReadValue()
		case 2:
			serr = s.SkipValue()
			jerr = j.SkipValue()
		case 4: // the member value fast path
			sraw, serr = s.scalarValue()
			jraw, jerr = j.ReadValue()
		case 5, 6: // the member name fast paths: read all, or nothing
			before := [4]int{s.pos, s.last, int(s.state), len(s.stack)}
			var ok bool
			if op == 5 {
				sraw, ok = s.plainName()
			} else {
				q := scanNames[int(ops[(step+1)%len(ops)])%len(scanNames)]
				if ok = s.nameIs([]byte(q)); ok {
					sraw = []byte(q[:len(q)-1])
				}
			}
			if !ok {
				require.Equal(t, before, [4]int{s.pos, s.last, int(s.state), len(s.stack)}, "step %d: a fast path that fails reads nothing", step)
				sraw, serr = s.ReadValue()
			} else {
				require.False(t, s.escaped, "step %d", step)
			}
			jraw, jerr = j.ReadValue()
			if ok {
				require.NoError(t, jerr, "step %d: the fast path read a name jsontext refuses", step)
				require.Equal(t, byte(jsontext.KindString), jraw[0], "step %d", step)
				require.Equal(t, jsontext.Kind(':'), jsontext.Kind(s.data[s.last]), "step %d: a ':' follows the name", step)
			}
		case 3:
			pk, pj := s.PeekKind(), j.PeekKind()
			st, serr1 := s.ReadToken()
			jt, jerr1 := j.ReadToken()
			serr, jerr = serr1, jerr1
			if serr == nil && jerr == nil {
				require.Equal(t, pj, pk, "step %d: peeked kind", step)
			}
			sk, jk = st.Kind(), jt.Kind()
		}
		if (serr == nil) != (jerr == nil) || (serr == io.EOF) != (jerr == io.EOF) {
			t.Fatalf("step %d op %d: scanner error %v, jsontext error %v (input %q)", step, op, serr, jerr, data)
		}
		if serr != nil {
			var se *jsontext.SyntacticError
			if jerr != io.EOF {
				require.True(t, errors.As(serr, &se), "step %d: %T %v", step, serr, serr)
			}
			return
		}
		require.Equal(t, jk, sk, "step %d: kind", step)
		require.Equal(t, string(jraw), string(sraw), "step %d: value", step)
		require.Equal(t, j.StackDepth(), s.StackDepth(), "step %d: depth", step)
		require.Equal(t, j.InputOffset(), s.InputOffset(), "step %d: offset", step)
	}
}

// scanNames are the names nameIs is asked for.
var scanNames = []string{`"a":`, `"id":`, `"backups":`, `"b":`, `"":`}

var scanSeeds = []string{
	``, ` `, `null`, ` true `, `false`, `0`, `-0`, `-`, `01`, `1.`, `1.5e`, `1e+9`, `-12.5E-3`, `123abc`,
	`"a"`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, `"\x"`, "\"a\x01\"", "\"\xff\xfe\"", `"abc`, `"\u12"`,
	`[]`, `[ ]`, `[1,2,3]`, `[1,]`, `[,1]`, `[1 2]`, `[1}`, `{}`, `{ }`, `{"a":1}`, `{"a" 1}`, `{"a":}`,
	`{"a":1,}`, `{,}`, `{1:2}`, `{"a":1 "b":2}`, `{"a":1]`, `{"a":{"b":[1,{"c":null}]}}`, `[[[[]]]]`,
	`{"a":1}{"b":2}`, `{"a":1} x`, `nul`, `nulx`, `truex`, `[true,false,null]`, `"long string with no escapes at all, longer than eight"`,
	`{"backups":[{"id":1,"name":"x\"y","size":1.5e3,"tags":["a","b"],"extra":{"k":[]}}],"count":1}`,
	"[\n\t1 ,\r\n 2\n]", `{"a":1}  `, `]`, `}`, `:`, `,`, `{"a":1}}`,
}

func TestScannerAgainstJSONText(t *testing.T) {
	for _, seed := range scanSeeds {
		for _, ops := range [][]byte{{0}, {1}, {2}, {3}, {0, 1}, {0, 0, 1, 2}, {3, 1}, {0, 5, 4}, {0, 6, 0, 4}, {0, 6, 1, 4}, {0, 6, 2, 5}, {3, 5, 4, 5, 4}} {
			scanWalk(t, []byte(seed), ops)
		}
	}
}

func FuzzScannerAgainstJSONText(f *testing.F) {
	for _, seed := range scanSeeds {
		f.Add([]byte(seed), []byte{0, 1})
		f.Add([]byte(seed), []byte{3, 2, 0})
		f.Add([]byte(seed), []byte{0, 6, 1, 4, 5})
	}
	f.Fuzz(func(t *testing.T, data, ops []byte) {
		scanWalk(t, data, ops)
	})
}

// A syntax error is jsontext's, path and all, so that it names where the
// document broke.
func TestScannerSyntaxErrorNamesThePath(t *testing.T) {
	var s scanner
	s.reset([]byte(`{"backups":[{"id":1 "name":2}]}`))
	var err error
	for err == nil {
		_, err = s.ReadValue()
	}
	var se *jsontext.SyntacticError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, jsontext.Pointer("/backups/0"), se.JSONPointer)
	assert.Contains(t, err.Error(), "invalid character")
}

// hasAt is bytes.HasPrefix(data[i:], q) for every length of q it is asked
// about, a difference at any byte, and a document too short.
func TestHasAt(t *testing.T) {
	data := []byte(`{"a":1,"abcdefghijklmnopqrstuvwxyz":2}`)
	for i := -1; i <= len(data); i++ {
		for n := 3; n <= 30; n++ {
			for k := -1; k < n; k++ { // k: the byte of q changed (-1: none)
				var q []byte
				if i >= 0 && i+n <= len(data) {
					q = append(q, data[i:i+n]...)
				} else {
					q = bytes.Repeat([]byte{'a'}, n)
				}
				if k >= 0 {
					q[k] ^= 0x20
				}
				want := i >= 0 && i <= len(data) && bytes.HasPrefix(data[i:], q)
				require.Equal(t, want, hasAt(data, i, q), "i %d, q %q", i, q)
			}
		}
	}
}
