package onapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp"
)

// benchItems is the size of the page the list benchmarks decode.
const benchItems = 1000

// benchPageJSON builds a root-wrapped 1000-backup list from the documented
// incremental-backups sample: the sample's one backup repeated with a
// distinct id, identifier, size, target and times, members in the
// sample's order.
func benchPageJSON(tb testing.TB) []byte {
	tb.Helper()
	var sample []map[string]map[string]any
	require.NoError(tb, json.Unmarshal(golden.Read(tb, "incremental-backups.wrapped.json"), &sample))
	require.Len(tb, sample, 1)
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range benchItems {
		if i > 0 {
			b.WriteByte(',')
		}
		m := map[string]any{}
		for k, v := range sample[0]["backup"] {
			m[k] = v
		}
		built := time.Date(2013, 12, 18, 11, 0, 47, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		m["id"] = 698 + i
		m["identifier"] = fmt.Sprintf("y5cc%010d", i)
		m["backup_size"] = 1121652 + i*17
		m["target_id"] = 74 + i%50
		m["built_at"] = built.Format(time.RFC3339)
		m["updated_at"] = built.Format(time.RFC3339)
		m["created_at"] = built.Add(-66 * time.Second).Format(time.RFC3339)
		item, err := json.Marshal(map[string]any{"backup": m})
		require.NoError(tb, err)
		b.Write(item)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// benchPageXML builds a Rails <backups type="array"> document of 1000
// backups from the documented XML sample: its <backup> element, verbatim
// but for the id, identifier, size, target and times.
func benchPageXML(tb testing.TB) []byte {
	tb.Helper()
	sample := golden.Read(tb, "incremental-backups.xml")
	start := bytes.Index(sample, []byte("<backup>"))
	end := bytes.LastIndex(sample, []byte("</backup>"))
	require.True(tb, start > 0 && end > start, "the XML sample has no <backup> element")
	item := string(sample[start : end+len("</backup>")])
	replace := func(s, old, repl string) string {
		i := bytes.Index([]byte(s), []byte(old))
		require.GreaterOrEqual(tb, i, 0, "the XML sample has no %q", old)
		return s[:i] + repl + s[i+len(old):]
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<backups type="array">` + "\n ")
	for i := range benchItems {
		built := time.Date(2013, 12, 18, 11, 0, 47, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		s := item
		s = replace(s, `<id type="integer">698</id>`, `<id type="integer">`+strconv.Itoa(698+i)+`</id>`)
		s = replace(s, `<identifier>y5cc19dv7bsdrk</identifier>`, fmt.Sprintf(`<identifier>y5cc%010d</identifier>`, i))
		s = replace(s, `<backup_size type="integer">1121652</backup_size>`, `<backup_size type="integer">`+strconv.Itoa(1121652+i*17)+`</backup_size>`)
		s = replace(s, `<target_id type="integer">74</target_id>`, `<target_id type="integer">`+strconv.Itoa(74+i%50)+`</target_id>`)
		s = replace(s, `<built_at type="datetime">2013-12-18T11:00:47+00:00</built_at>`, `<built_at type="datetime">`+built.Format("2006-01-02T15:04:05-07:00")+`</built_at>`)
		s = replace(s, `<updated_at type="datetime">2013-12-18T11:00:47+00:00</updated_at>`, `<updated_at type="datetime">`+built.Format("2006-01-02T15:04:05-07:00")+`</updated_at>`)
		s = replace(s, `<created_at type="datetime">2013-12-18T10:59:41+00:00</created_at>`, `<created_at type="datetime">`+built.Add(-66*time.Second).Format("2006-01-02T15:04:05-07:00")+`</created_at>`)
		b.WriteString(s)
		b.WriteString("\n ")
	}
	b.WriteString("</backups>\n")
	return b.Bytes()
}

// wrappedBackup is one item of a root-wrapped JSON list, decoding into the
// SDK's own Backup type.
type wrappedBackup struct {
	Backup onapp.Backup `json:"backup"`
}

// backupsDoc is the XML list, decoding into the SDK's own Backup type.
type backupsDoc struct {
	Items []onapp.Backup `xml:"backup"`
}

// plainBackup is what a hand-written client would declare: plain Go types
// only, no tolerant scalars. It decodes the documented sample (nulls become
// zero values), though not the odd shapes real servers send.
type plainBackup struct {
	ID                       int64     `json:"id" xml:"id"`
	BackupType               string    `json:"backup_type" xml:"backup_type"`
	TargetType               string    `json:"target_type" xml:"target_type"`
	TargetID                 int64     `json:"target_id" xml:"target_id"`
	DiskID                   int64     `json:"disk_id" xml:"disk_id"`
	Identifier               string    `json:"identifier" xml:"identifier"`
	Built                    bool      `json:"built" xml:"built"`
	BuiltAt                  time.Time `json:"built_at" xml:"built_at"`
	CreatedAt                time.Time `json:"created_at" xml:"created_at"`
	UpdatedAt                time.Time `json:"updated_at" xml:"updated_at"`
	BackupSize               int64     `json:"backup_size" xml:"backup_size"`
	BackupServerID           int64     `json:"backup_server_id" xml:"backup_server_id"`
	Initiated                string    `json:"initiated" xml:"initiated"`
	Note                     string    `json:"note" xml:"note"`
	ImageType                string    `json:"image_type" xml:"image_type"`
	DataStoreType            string    `json:"data_store_type" xml:"data_store_type"`
	VolumeID                 int64     `json:"volume_id" xml:"volume_id"`
	VolumeGroup              string    `json:"volume_group" xml:"volume_group"`
	IQN                      string    `json:"iqn" xml:"iqn"`
	Locked                   bool      `json:"locked" xml:"locked"`
	MarkedForDelete          bool      `json:"marked_for_delete" xml:"marked_for_delete"`
	MinDiskSize              int64     `json:"min_disk_size" xml:"min_disk_size"`
	MinMemorySize            int64     `json:"min_memory_size" xml:"min_memory_size"`
	OperatingSystem          string    `json:"operating_system" xml:"operating_system"`
	OperatingSystemDistro    string    `json:"operating_system_distro" xml:"operating_system_distro"`
	TemplateID               int64     `json:"template_id" xml:"template_id"`
	UserID                   int64     `json:"user_id" xml:"user_id"`
	AllowResizeWithoutReboot bool      `json:"allow_resize_without_reboot" xml:"allow_resize_without_reboot"`
	AllowedHotMigrate        bool      `json:"allowed_hot_migrate" xml:"allowed_hot_migrate"`
	AllowedSwap              bool      `json:"allowed_swap" xml:"allowed_swap"`
}

type wrappedPlainBackup struct {
	Backup plainBackup `json:"backup"`
}

type plainBackupsDoc struct {
	Items []plainBackup `xml:"backup"`
}

// benchServer serves page at every path, as a control panel serves a
// virtual server's incremental backups.
func benchServer(tb testing.TB, page []byte, contentType string) *httptest.Server {
	tb.Helper()
	length := strconv.Itoa(len(page))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(page)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// rawGet is the hand-written call: the same URL and credentials as the
// SDK's, on a client with its own transport.
func rawGet(tb testing.TB, hc *http.Client, url string) *http.Response {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.SetBasicAuth("admin", "changeme")
	resp, err := hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status %d", resp.StatusCode)
	}
	return resp
}

func newRawClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// rawFetchFloor is the floor every variant pays: the request and the
// whole body in memory.
func rawFetchFloor(b *testing.B, url string, size int) {
	hc := newRawClient()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		resp := rawGet(b, hc, url)
		data, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil || len(data) != size {
			b.Fatalf("read %d of %d bytes: %v", len(data), size, err)
		}
	}
}

// BenchmarkListJSON compares Backups.List (incremental) on a 1000-backup
// root-wrapped JSON page over loopback with hand-written net/http +
// encoding/json decoding into the SDK's own Backup type, into a plain-typed
// struct, and with fetching the bytes alone (the floor). Targets: sdk ≤
// 0.5× raw_encoding_json, ≤ 3× raw_fetch_floor, fewer allocations than raw.
func BenchmarkListJSON(b *testing.B) {
	page := benchPageJSON(b)
	srv := benchServer(b, page, "application/json; charset=utf-8")
	url := srv.URL + "/virtual_machines/74/backups/files.json"

	b.Run("sdk", func(b *testing.B) {
		c, err := onapp.NewClient(srv.URL, onapp.WithPassword("admin", "changeme"))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			list, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeIncremental})
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("sdk_decode_only", func(b *testing.B) {
		// The SDK's decoding of the page alone, without the HTTP call:
		// steadier than sdk on a noisy machine, for work on the engine.
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			list, err := onapp.DecodeBackupsJSONForTest(page)
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("raw_encoding_json", func(b *testing.B) {
		hc := newRawClient()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			resp := rawGet(b, hc, url)
			var list []wrappedBackup
			err := json.NewDecoder(resp.Body).Decode(&list)
			_ = resp.Body.Close()
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("raw_encoding_json_plain", func(b *testing.B) {
		hc := newRawClient()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			resp := rawGet(b, hc, url)
			var list []wrappedPlainBackup
			err := json.NewDecoder(resp.Body).Decode(&list)
			_ = resp.Body.Close()
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("raw_json_v2_plain", func(b *testing.B) {
		// The JSON engine's own cost: json/v2 (the SDK's engine, default
		// options) into the plain struct.
		hc := newRawClient()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			resp := rawGet(b, hc, url)
			var list []wrappedPlainBackup
			err := jsonv2.UnmarshalRead(resp.Body, &list)
			_ = resp.Body.Close()
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("raw_fetch_floor", func(b *testing.B) { rawFetchFloor(b, url, len(page)) })
}

// BenchmarkListXML is BenchmarkListJSON for a client speaking Rails XML,
// against encoding/xml. Target: sdk ≤ 0.5× raw_encoding_xml.
func BenchmarkListXML(b *testing.B) {
	page := benchPageXML(b)
	srv := benchServer(b, page, "application/xml; charset=utf-8")
	url := srv.URL + "/virtual_machines/74/backups/files.xml"

	b.Run("sdk", func(b *testing.B) {
		c, err := onapp.NewClient(srv.URL, onapp.WithPassword("admin", "changeme"), onapp.WithFormat(onapp.XML))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			list, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeIncremental})
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("raw_encoding_xml", func(b *testing.B) {
		hc := newRawClient()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			resp := rawGet(b, hc, url)
			var doc backupsDoc
			err := xml.NewDecoder(resp.Body).Decode(&doc)
			_ = resp.Body.Close()
			if err != nil || len(doc.Items) != benchItems {
				b.Fatalf("%d backups: %v", len(doc.Items), err)
			}
		}
	})
	b.Run("raw_encoding_xml_plain", func(b *testing.B) {
		hc := newRawClient()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			resp := rawGet(b, hc, url)
			var doc plainBackupsDoc
			err := xml.NewDecoder(resp.Body).Decode(&doc)
			_ = resp.Body.Close()
			if err != nil || len(doc.Items) != benchItems {
				b.Fatalf("%d backups: %v", len(doc.Items), err)
			}
		}
	})
	b.Run("raw_fetch_floor", func(b *testing.B) { rawFetchFloor(b, url, len(page)) })
}

// TestBenchPagesDecodeAlike keeps the benchmarks honest: on both pages the
// SDK and the raw baselines (same struct and plain-typed) read the same
// 1000 backups, equal to the documented sample but for what the page
// varies.
func TestBenchPagesDecodeAlike(t *testing.T) {
	t.Parallel()
	for _, format := range []onapp.Format{onapp.JSON, onapp.XML} {
		t.Run(format.String(), func(t *testing.T) {
			t.Parallel()
			page, ct := benchPageJSON(t), "application/json"
			if format == onapp.XML {
				page, ct = benchPageXML(t), "application/xml"
			}
			srv := benchServer(t, page, ct)
			c, err := onapp.NewClient(srv.URL, onapp.WithPassword("admin", "changeme"), onapp.WithFormat(format))
			require.NoError(t, err)
			got, err := c.Backups.List(context.Background(), &onapp.ListBackupsOptions{VMID: 74, Type: onapp.BackupTypeIncremental})
			require.NoError(t, err)
			require.Len(t, got, benchItems)

			var same []onapp.Backup
			var plain []plainBackup
			if format == onapp.XML {
				var doc backupsDoc
				require.NoError(t, xml.Unmarshal(page, &doc))
				same = doc.Items
				var pdoc plainBackupsDoc
				require.NoError(t, xml.Unmarshal(page, &pdoc))
				plain = pdoc.Items
			} else {
				var list []wrappedBackup
				require.NoError(t, json.Unmarshal(page, &list))
				for _, w := range list {
					same = append(same, w.Backup)
				}
				var plist []wrappedPlainBackup
				require.NoError(t, json.Unmarshal(page, &plist))
				for _, w := range plist {
					plain = append(plain, w.Backup)
				}
			}
			require.Len(t, same, benchItems)
			require.Len(t, plain, benchItems)
			for i := range got {
				require.Equal(t, got[i], same[i], "backup %d", i)
				g, p := got[i], plain[i]
				require.Equal(t, int64(698+i), g.ID.Int64)
				require.Equal(t, p.ID, g.ID.Int64)
				require.Equal(t, p.BackupSize, g.BackupSize.Int64)
				require.Equal(t, p.Identifier, g.Identifier.Value)
				require.True(t, p.BuiltAt.Equal(g.BuiltAt.Time), "backup %d built_at", i)
				require.False(t, g.BackupServerID.Valid, "backup_server_id is null in the sample")
				require.False(t, g.IQN.Valid, "iqn is null in the sample")
			}
			// Apart from what the page varies, every backup is the
			// documented sample.
			want := sampleBackup(t, format)
			want.ID, want.Identifier, want.BackupSize, want.TargetID = got[5].ID, got[5].Identifier, got[5].BackupSize, got[5].TargetID
			want.BuiltAt, want.CreatedAt, want.UpdatedAt = got[5].BuiltAt, got[5].CreatedAt, got[5].UpdatedAt
			require.Equal(t, want, got[5])
			require.Equal(t, time.Date(2013, 12, 18, 16, 0, 47, 0, time.UTC), got[5].BuiltAt.Time.UTC())
		})
	}
}

// sampleBackup is the documented sample's one backup, read by the
// standard library into the SDK's type.
func sampleBackup(t *testing.T, format onapp.Format) onapp.Backup {
	t.Helper()
	if format == onapp.XML {
		var doc backupsDoc
		require.NoError(t, xml.Unmarshal(golden.Read(t, "incremental-backups.xml"), &doc))
		require.Len(t, doc.Items, 1)
		return doc.Items[0]
	}
	var list []wrappedBackup
	require.NoError(t, json.Unmarshal(golden.Read(t, "incremental-backups.wrapped.json"), &list))
	require.Len(t, list, 1)
	return list[0].Backup
}
