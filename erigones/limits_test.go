package erigones_test

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

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/memtest"
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

// TestHugeArrayEnvelopeStaysWithinBudget: an envelope whose result is a
// huge array — of empty backups, of names, of numbers inside a backup, or
// nested deep — is a *DecodeError naming the bound, and the call
// allocates little more than the body (before: a 280-byte Backup for
// every "{}").
func TestHugeArrayEnvelopeStaysWithinBudget(t *testing.T) {
	shapes := []struct {
		name, bound string
		names       bool
		body        []byte
	}{
		{"backups", "items", false, repeated(`{"status":"SUCCESS","result":[`, `{}`, `,`, `]}`, 1_000_000)},
		{"names", "items", true, repeated(`{"status":"SUCCESS","result":[`, `"b"`, `,`, `]}`, 1_000_000)},
		{"numbers in a backup", "items", false, repeated(`{"status":"SUCCESS","result":[{"name":"b","x":[`, `1`, `,`, `]}]}`, 2_000_000)},
		{"a failed envelope", "items", false, repeated(`{"status":"FAILURE","result":[`, `{}`, `,`, `]}`, 1_000_000)},
		{"deep", "depth", false, []byte(`{"status":"SUCCESS","result":[` + strings.Repeat(`[`, 10_001) + strings.Repeat(`]`, 10_001) + `]}`)},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
				_, _ = w.Write(s.body)
			}))
			defer srv.Close()
			c, err := erigones.NewClient(srv.URL, erigones.WithAPIKey("key"))
			require.NoError(t, err)
			var n int
			u := memtest.Measure(func() {
				if s.names {
					var names []string
					names, err = c.Backups.ListNames(context.Background(), "vm1", nil)
					n = len(names)
				} else {
					var list []erigones.Backup
					list, err = c.Backups.List(context.Background(), "vm1", nil)
					n = len(list)
				}
			})
			var de *erigones.DecodeError
			require.ErrorAs(t, err, &de)
			var le *erigones.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, s.bound, le.Bound)
			assert.Zero(t, n)
			assert.Less(t, u.Total, uint64(len(s.body)+4<<20), "allocated %d bytes for a %d-byte answer", u.Total, len(s.body))
		})
	}
}

// BenchmarkHostile reports the peak heap of Backups.List on a 3 MB
// envelope whose result is a million {}.
func BenchmarkHostile(b *testing.B) {
	body := repeated(`{"status":"SUCCESS","result":[`, `{}`, `,`, `]}`, 1_000_000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := erigones.NewClient(srv.URL, erigones.WithAPIKey("key"))
	require.NoError(b, err)
	b.SetBytes(int64(len(body)))
	var p memtest.Peaks
	for b.Loop() {
		p.Add(memtest.Measure(func() { _, err = c.Backups.List(context.Background(), "vm1", nil) }))
		var le *erigones.LimitError
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
