package onapp_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/memtest"
	"github.com/backupsdk/backupsdk/onapp"
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

// TestHostileBackupListsStayWithinBudget: a 56 MB list of {"backup":{}}
// took 6 GiB. The same shape, in JSON and in Rails XML, at 6 MB (the
// growth is linear: the ratio is the same), is a *DecodeError naming the
// bound, and the call allocates little more than the body; before, it
// decoded hundreds of thousands of backups.
func TestHostileBackupListsStayWithinBudget(t *testing.T) {
	shapes := []struct {
		name   string
		format onapp.Format
		body   []byte
		bound  string
	}{
		{"JSON", onapp.JSON, repeated(`[`, `{"backup":{}}`, `,`, `]`, 430_000), "items"},
		{"JSON bare", onapp.JSON, repeated(`[`, `{}`, `,`, `]`, 2_000_000), "items"},
		{"XML", onapp.XML, repeated(`<?xml version="1.0" encoding="UTF-8"?><backups type="array">`, `<backup></backup>`, "\n", `</backups>`, 350_000), "items"},
		{"XML nested", onapp.XML, repeated(`<backups type="array">`, `<backup><id type="integer">1</id></backup>`, "", `</backups>`, 150_000), "items"},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
				_, _ = w.Write(s.body)
			}))
			defer srv.Close()
			c, err := onapp.NewClient(srv.URL, onapp.WithPassword("u", "p"), onapp.WithFormat(s.format))
			require.NoError(t, err)
			var list []onapp.Backup
			u := memtest.Measure(func() {
				list, err = c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: 7})
			})
			var de *onapp.DecodeError
			require.ErrorAs(t, err, &de)
			var le *onapp.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, s.bound, le.Bound)
			assert.Equal(t, 100_000, le.Max)
			assert.Nil(t, list)
			assert.Less(t, u.Total, uint64(len(s.body)+4<<20), "allocated %d bytes for a %d-byte list", u.Total, len(s.body))
		})
	}
}

// BenchmarkHostile reports the peak heap of Backups.List (VMID) on a 56 MB list of
// {"backup":{}} (6 GiB before) and on its Rails XML equivalent.
func BenchmarkHostile(b *testing.B) {
	for _, s := range []struct {
		name   string
		format onapp.Format
		body   []byte
	}{
		{"json_56MB_backup_empty", onapp.JSON, repeated(`[`, `{"backup":{}}`, `,`, `]`, 4_000_000)},
		{"xml_56MB_backup_empty", onapp.XML, repeated(`<backups type="array">`, `<backup></backup>`, "\n", `</backups>`, 3_100_000)},
	} {
		b.Run(s.name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
				_, _ = w.Write(s.body)
			}))
			defer srv.Close()
			c, err := onapp.NewClient(srv.URL, onapp.WithPassword("u", "p"), onapp.WithFormat(s.format))
			require.NoError(b, err)
			b.SetBytes(int64(len(s.body)))
			var p memtest.Peaks
			for b.Loop() {
				p.Add(memtest.Measure(func() { _, err = c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: 7}) }))
				var le *onapp.LimitError
				require.ErrorAs(b, err, &le)
			}
			p.Report(b)
		})
	}
}

// BenchmarkShapeCheck measures what the codec's shape check costs on the
// list benchmarks' pages, next to decoding them (see BenchmarkListJSON and
// BenchmarkListXML for the whole call).
func BenchmarkShapeCheck(b *testing.B) {
	for _, s := range []struct {
		name  string
		page  []byte
		check func([]byte, codec.Limits) error
	}{
		{"json", benchPageJSON(b), codec.CheckJSON},
		{"xml", benchPageXML(b), codec.CheckXML},
	} {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(s.page)))
			for b.Loop() {
				if err := s.check(s.page, codec.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
