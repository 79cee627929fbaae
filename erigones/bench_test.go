package erigones_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/erigones"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// benchItems is the size of the page the list benchmark decodes.
const benchItems = 1000

// benchVM is the VM of the documented sample.
const benchVM = "example.cust.erigones.com"

// benchPage builds the envelope of a 1000-backup full=true list from the
// documented sample (the "text" of its es output): its one backup repeated
// with a distinct name, creation time, size and duration.
func benchPage(tb testing.TB) []byte {
	tb.Helper()
	var sample struct {
		Text struct {
			Status string           `json:"status"`
			Result []map[string]any `json:"result"`
			TaskID string           `json:"task_id"`
		} `json:"text"`
	}
	require.NoError(tb, json.Unmarshal(golden.Read(tb, "sample-vm-backup-list.json"), &sample))
	require.Len(tb, sample.Text.Result, 1)
	created := time.Date(2013, 10, 14, 13, 37, 1, 123e6, time.UTC)
	items := make([]map[string]any, benchItems)
	for i := range items {
		m := map[string]any{}
		for k, v := range sample.Text.Result[0] {
			m[k] = v
		}
		at := created.Add(-time.Duration(i) * 24 * time.Hour)
		m["name"] = "daily-" + at.Format("20060102_150405")
		m["created"] = at.Format("2006-01-02T15:04:05.000Z")
		m["size"] = 41843149 + 977*i
		m["time"] = 1337 + i%300
		items[i] = m
	}
	out, err := json.Marshal(map[string]any{"status": sample.Text.Status, "result": items, "task_id": sample.Text.TaskID})
	require.NoError(tb, err)
	return out
}

// envelope is the answer, decoding into the SDK's own Backup type.
type envelope struct {
	Status string            `json:"status"`
	Result []erigones.Backup `json:"result"`
	TaskID string            `json:"task_id"`
}

// plainBackup is what a hand-written client would declare for the sample:
// plain Go types only. It reads the sample, though not the nulls and
// numeric strings servers also send.
type plainBackup struct {
	Status   int       `json:"status"`
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	Hostname string    `json:"hostname"`
	DiskID   int       `json:"disk_id"`
	Note     string    `json:"note"`
	Node     string    `json:"node"`
	Size     int64     `json:"size"`
	Time     int64     `json:"time"`
	Define   string    `json:"define"`
}

type plainEnvelope struct {
	Status string        `json:"status"`
	Result []plainBackup `json:"result"`
	TaskID string        `json:"task_id"`
}

// benchServer answers every GET with page.
func benchServer(tb testing.TB, page []byte) *httptest.Server {
	tb.Helper()
	length := strconv.Itoa(len(page))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(page)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func rawGet(tb testing.TB, hc *http.Client, url string) *http.Response {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("ES-API-KEY", "bench-key")
	resp, err := hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status %d", resp.StatusCode)
	}
	return resp
}

// BenchmarkList compares Backups.List (GET /api/vm/<vm>/backup/?full=true)
// on a 1000-backup envelope over loopback with hand-written net/http +
// encoding/json decoding the envelope into the SDK's own Backup type, into
// a plain-typed struct, json/v2 into the plain struct (the engine's own
// cost), and with fetching the bytes alone (the floor). Targets: sdk ≤
// 0.5× raw_encoding_json, ≤ 3× raw_fetch_floor, fewer allocations than raw.
func BenchmarkList(b *testing.B) {
	page := benchPage(b)
	srv := benchServer(b, page)
	url := srv.URL + "/api/vm/" + benchVM + "/backup/?full=true"
	decodeRaw := func(b *testing.B, decode func(io.Reader) (int, error)) {
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			resp := rawGet(b, hc, url)
			n, err := decode(resp.Body)
			_ = resp.Body.Close()
			if err != nil || n != benchItems {
				b.Fatalf("%d backups: %v", n, err)
			}
		}
	}

	b.Run("sdk", func(b *testing.B) {
		c, err := erigones.NewClient(srv.URL, erigones.WithAPIKey("bench-key"))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			list, err := c.Backups.List(ctx, benchVM, nil)
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("sdk_decode_only", func(b *testing.B) {
		// The SDK's decoding of the answer alone, without the HTTP call:
		// steadier, for work on the engine.
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			list, err := erigones.DecodeBackupListForTest(page)
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("raw_encoding_json", func(b *testing.B) {
		decodeRaw(b, func(r io.Reader) (int, error) {
			var e envelope
			err := json.NewDecoder(r).Decode(&e)
			return len(e.Result), err
		})
	})
	b.Run("raw_encoding_json_plain", func(b *testing.B) {
		decodeRaw(b, func(r io.Reader) (int, error) {
			var e plainEnvelope
			err := json.NewDecoder(r).Decode(&e)
			return len(e.Result), err
		})
	})
	b.Run("raw_json_v2_plain", func(b *testing.B) {
		decodeRaw(b, func(r io.Reader) (int, error) {
			var e plainEnvelope
			err := jsonv2.UnmarshalRead(r, &e)
			return len(e.Result), err
		})
	})
	b.Run("raw_fetch_floor", func(b *testing.B) {
		decodeRaw(b, func(r io.Reader) (int, error) {
			data, err := io.ReadAll(r)
			if len(data) != len(page) {
				return 0, fmt.Errorf("read %d of %d bytes", len(data), len(page))
			}
			return benchItems, err
		})
	})
}

// TestBenchPageDecodesAlike keeps the benchmark honest: the SDK and the raw
// baselines read the same 1000 backups from the page.
func TestBenchPageDecodesAlike(t *testing.T) {
	t.Parallel()
	page := benchPage(t)
	srv := benchServer(t, page)
	c, err := erigones.NewClient(srv.URL, erigones.WithAPIKey("bench-key"))
	require.NoError(t, err)
	got, err := c.Backups.List(context.Background(), benchVM, nil)
	require.NoError(t, err)
	require.Len(t, got, benchItems)

	var same envelope
	require.NoError(t, json.Unmarshal(page, &same))
	var plain plainEnvelope
	require.NoError(t, json.Unmarshal(page, &plain))
	require.Len(t, same.Result, benchItems)
	require.Len(t, plain.Result, benchItems)
	for i := range got {
		g, p := got[i], plain.Result[i]
		require.Equal(t, same.Result[i], g, "backup %d", i)
		require.Equal(t, p.Name, g.Name)
		require.True(t, p.Created.Equal(g.Created.Time), "backup %d created", i)
		require.Equal(t, p.Size, g.Size.Int64)
		require.Equal(t, p.Time, g.Time.Int64)
		require.Equal(t, erigones.BackupStatusOK, g.Status)
		require.Equal(t, "daily", g.Define.Value)
		require.Equal(t, benchVM, g.Hostname)
	}
	require.Equal(t, "daily-20131014_133701", got[0].Name)
	require.True(t, bytes.Contains(page, []byte(`"created":"2013-10-14T13:37:01.123Z"`)))
}
