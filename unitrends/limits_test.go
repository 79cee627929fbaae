package unitrends_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/memtest"
	"github.com/backupsdk/backupsdk/unitrends"
)

// repeated is open + item × n (joined by sep) + close.
func repeated(open, item, sep, close string, n int) []byte {
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

// TestHugeArrayAnswerStaysWithinBudget: a backups answer with a huge
// array — of empty backups, of numbers, or nested deep — is a *DecodeError
// naming the bound, through the fast path and the general one alike, and
// the call allocates little more than the body (before: every item was
// decoded, a 744-byte Backup for each "{}").
func TestHugeArrayAnswerStaysWithinBudget(t *testing.T) {
	shapes := []struct {
		name, bound string
		body        []byte
	}{
		{"documented shape", "items", repeated(`{"backups":[`, `{}`, `,`, `]}`, 1_000_000)},
		{"bare array", "items", repeated(`[`, `{}`, `,`, `]`, 1_000_000)},
		{"data list (general path)", "items", repeated(`{"data":[`, `{}`, `,`, `]}`, 1_000_000)},
		{"numbers in a backup", "items", repeated(`{"backups":[{"id":1,"files":[`, `7`, `,`, `]}]}`, 2_000_000)},
		{"few containers per byte", "containers", repeated(`{"backups":[`, `{"a":{},"b":[]}`, `,`, `]}`, 60_000)},
		{"deep", "depth", []byte(`{"backups":[` + strings.Repeat(`[`, 10_001) + strings.Repeat(`]`, 10_001) + `]}`)},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
				_, _ = w.Write(s.body)
			}))
			defer srv.Close()
			c, err := unitrends.NewClient(srv.URL, unitrends.WithToken("tok"))
			require.NoError(t, err)
			var list []unitrends.Backup
			u := memtest.Measure(func() {
				list, err = c.Backups.List(context.Background(), nil)
			})
			var de *unitrends.DecodeError
			require.ErrorAs(t, err, &de)
			var le *unitrends.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, s.bound, le.Bound)
			assert.Nil(t, list)
			assert.Less(t, u.Total, uint64(len(s.body)+4<<20), "allocated %d bytes for a %d-byte answer", u.Total, len(s.body))
		})
	}
}

// BenchmarkHostile reports the peak heap of Query on a 3 MB answer of a
// million {}.
func BenchmarkHostile(b *testing.B) {
	body := repeated(`{"backups":[`, `{}`, `,`, `]}`, 1_000_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := unitrends.NewClient(srv.URL, unitrends.WithToken("tok"))
	require.NoError(b, err)
	b.SetBytes(int64(len(body)))
	var p memtest.Peaks
	for b.Loop() {
		p.Add(memtest.Measure(func() { _, err = c.Backups.List(context.Background(), nil) }))
		var le *unitrends.LimitError
		require.ErrorAs(b, err, &le)
	}
	p.Report(b)
}

// BenchmarkShapeCheck measures what the codec's shape check costs on the
// page the list benchmark decodes.
func BenchmarkShapeCheck(b *testing.B) {
	page := benchPage(b)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if err := codec.CheckJSON(page, codec.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
