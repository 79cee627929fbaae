package core_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/memtest"
)

// countingReader yields n bytes of 'x' and counts what was read.
type countingReader struct {
	left, read int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), r.left))
	for i := range n {
		p[i] = 'x'
	}
	r.left -= int64(n)
	r.read += int64(n)
	return n, nil
}

// TestReadBodyGrowsToTheCapOnly checks the buffer a body is read into:
// exact with a Content-Length, never beyond the cap without one (a
// bytes.Buffer grew to twice the cap and allocated four times it for a
// body over the cap), and not read at all when the Content-Length is
// already over the cap.
func TestReadBodyGrowsToTheCapOnly(t *testing.T) {
	const limit = 1 << 20
	resp := func(size, contentLength int64) (*http.Response, *countingReader) {
		r := &countingReader{left: size}
		return &http.Response{ContentLength: contentLength, Body: io.NopCloser(r)}, r
	}

	r, _ := resp(300_000, 300_000)
	data, err := core.ReadBody(r, limit)
	require.NoError(t, err)
	assert.Len(t, data, 300_000)
	assert.Equal(t, 300_001, cap(data), "one exact allocation for a known length")

	for _, size := range []int64{limit, limit - 1, 40_000, 0} {
		r, _ = resp(size, -1)
		data, err = core.ReadBody(r, limit)
		require.NoError(t, err)
		assert.Len(t, data, int(size))
		assert.LessOrEqual(t, cap(data), limit, "size %d", size)
	}

	for _, cl := range []int64{-1, 1000, limit} { // unknown, and shorter than sent
		r, _ = resp(limit+1, cl)
		var u memtest.Usage
		u = memtest.Measure(func() { data, err = core.ReadBody(r, limit) })
		require.ErrorContains(t, err, "exceeds 1048576 bytes")
		assert.Len(t, data, limit)
		assert.LessOrEqual(t, cap(data), limit)
		assert.LessOrEqual(t, u.Total, uint64(3*limit+64<<10), "allocated %d for a body over a cap of %d", u.Total, limit)
	}

	// A Content-Length is a claim: 60 MB announced over ten bytes costs no
	// 60 MB buffer (it cost the whole announced size, up to the cap).
	const bigLimit = 64 << 20
	r, _ = resp(10, 60<<20)
	u := memtest.Measure(func() { data, err = core.ReadBody(r, bigLimit) })
	require.NoError(t, err)
	assert.Len(t, data, 10)
	assert.LessOrEqual(t, u.Total, uint64(9<<20), "allocated %d for ten bytes announced as 60 MB", u.Total)
	// A true large length still reads with few regrowths, to its size.
	r, _ = resp(12<<20, 12<<20)
	data, err = core.ReadBody(r, bigLimit)
	require.NoError(t, err)
	assert.Len(t, data, 12<<20)
	assert.Equal(t, 12<<20+1, cap(data), "grown to the announced size, not past it")

	r, src := resp(limit+1, limit+1)
	_, err = core.ReadBody(r, limit)
	require.ErrorContains(t, err, "of 1048577 bytes exceeds 1048576 bytes")
	assert.Zero(t, src.read, "a Content-Length over the cap is refused unread")
}

// numbers is an array of n one-digit numbers, optionally inside an error
// object that has a message first.
func numbers(prefix string, n int, suffix string) []byte {
	b := make([]byte, 0, len(prefix)+2*n+len(suffix))
	b = append(b, prefix...)
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '7')
	}
	b = append(b, ']')
	return append(b, suffix...)
}

// TestHugeErrorBodyIsParsedFromAPrefix: a 40 MB error body of numbers
// took 1 GiB as ParseErrorBody decoded it whole into []any. Now it is an
// *APIError whose messages come from the body's first 64 KiB, and the
// call allocates little beyond the body's own buffer.
func TestHugeErrorBodyIsParsedFromAPrefix(t *testing.T) {
	const n = 20_000_000 // 40 MB
	for _, c := range []struct {
		name, message string
		body          []byte
	}{
		{"bare array", "", numbers("", n, "")},
		{"message first", "quota exceeded", numbers(`{"error":{"code":"Q.1","message":"quota exceeded","details":`, n, `}}`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write(c.body)
			}))
			defer srv.Close()
			cl := newClient(t, srv.URL)
			var err error
			u := memtest.Measure(func() {
				_, err = cl.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, &struct{}{})
			})
			ae, ok := core.AsAPIError(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
			assert.Equal(t, c.message, ae.Message)
			assert.LessOrEqual(t, len(ae.Body), 4<<10+len("…"))
			// The body's own buffer (and the 8 MiB it starts from before
			// the announced length is believed), the prefix parse, the
			// server: not 1 GiB.
			assert.Less(t, u.Total, uint64(len(c.body)+12<<20), "allocated %d bytes for a %d-byte error body", u.Total, len(c.body))
		})
	}
}

// TestErrorPrefixKeepsMessages checks that an error body over 64 KiB still
// yields its messages, code and fields from the start of the body.
func TestErrorPrefixKeepsMessages(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("y", 100<<10)
	e := core.NewAPIError("p", "GET", "http://h/x", 422, http.Header{}, []byte(
		`{"error_code":"X.1","error_msg":"first","errors":{"name":["too long"]},"blob":"`+long+`"}`))
	assert.Equal(t, "X.1", e.Code)
	assert.Equal(t, []string{"first", "name: too long"}, e.Messages)
	assert.Equal(t, map[string][]string{"name": {"too long"}}, e.Fields)

	e = core.NewAPIError("p", "GET", "http://h/x", 500, http.Header{}, []byte(
		`<html><head><title>502 Bad Gateway</title></head><body>`+long+`</body></html>`))
	assert.Equal(t, "502 Bad Gateway", e.Message)

	e = core.NewAPIError("p", "GET", "http://h/x", 500, http.Header{}, bytes.Repeat([]byte(`<errors><error>same</error></errors>`), 100_000))
	assert.Equal(t, "same", e.Message)

	many := numbers(`{"errors":`, 100_000, `}`)
	many = bytes.ReplaceAll(many, []byte("7"), []byte(`"m"`))
	e = core.NewAPIError("p", "GET", "http://h/x", 400, http.Header{}, many)
	assert.Equal(t, "m", e.Message)
}

// TestDecodeBoundsAreDecodeErrors checks that a body beyond the codec's
// bounds, or a list longer than the request's List bound, is a
// *DecodeError wrapping a *LimitError that names the bound.
func TestDecodeBoundsAreDecodeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		list       core.ListBound
		bound      string
	}{
		{"deep", strings.Repeat("[", 10_001) + strings.Repeat("]", 10_001), core.ListBound{}, "depth"},
		{"list", `{"items":[{},{},{},{}],"count":4}`, core.ListBound{Member: "items", Max: 3}, "list"},
		{"top-level list", `[1,2,3,4]`, core.ListBound{Max: 3}, "list"},
		{"many {}", "[" + strings.Repeat("{},", 200_000) + "{}]", core.ListBound{}, "containers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, c.body)
			}))
			defer srv.Close()
			var out any
			_, err := newClient(t, srv.URL).Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x", List: c.list}, &out)
			var de *core.DecodeError
			require.ErrorAs(t, err, &de)
			var le *core.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, c.bound, le.Bound)
			assert.Nil(t, out, "nothing is decoded")
		})
	}
	// Within the bound, the same list decodes.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"items":[{},{},{}],"count":3}`)
	}))
	defer srv.Close()
	var out struct{ Items []struct{} }
	_, err := newClient(t, srv.URL).Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x", List: core.ListBound{Member: "items", Max: 3}}, &out)
	require.NoError(t, err)
	assert.Len(t, out.Items, 3)
}

// benchHostile serves body to a core client and reports the peak heap of
// decoding it into out, which must fail with an error of type E.
func benchHostile[E error](b *testing.B, status int, body []byte, out func() any) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	cfg := core.Config{Provider: "bench", BaseURL: srv.URL, Retry: &fastRetry}
	cl, err := core.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	var p memtest.Peaks
	for b.Loop() {
		p.Add(memtest.Measure(func() {
			_, err = cl.Do(context.Background(), &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/x"}, out())
		}))
		var e E
		if !errors.As(err, &e) {
			b.Fatalf("got %v", err)
		}
	}
	p.Report(b)
}

// BenchmarkHostile reports the peak heap of the core's hostile shapes at
// full size: a 40 MB error body of numbers (1 GiB before), a 3 MB list of
// a million {} decoded into a struct slice, and nesting beyond the bound.
func BenchmarkHostile(b *testing.B) {
	b.Run("error_body_40MB_numbers", func(b *testing.B) {
		benchHostile[*core.APIError](b, http.StatusBadRequest, numbers("", 20_000_000, ""), func() any { return &struct{}{} })
	})
	b.Run("list_3MB_million_empty", func(b *testing.B) {
		body := []byte("[" + strings.Repeat("{},", 999_999) + "{}]")
		benchHostile[*core.DecodeError](b, http.StatusOK, body, func() any { return &[]benchBackup{} })
	})
	b.Run("nesting_20k", func(b *testing.B) {
		body := []byte(strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000))
		benchHostile[*core.DecodeError](b, http.StatusOK, body, func() any { var v any; return &v })
	})
}
