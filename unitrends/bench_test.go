package unitrends_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
)

// benchItems is the size of the page the list benchmark decodes.
const benchItems = 1000

// benchPage builds a 1000-backup answer to the backups query from the
// documented sample (the corrected copy: the original misses a comma): its
// one backup repeated with a distinct id, client, start, duration, size and
// file count, under "backups" as the documentation shows it.
func benchPage(tb testing.TB) []byte {
	tb.Helper()
	var sample struct {
		Backups []map[string]any `json:"backups"`
	}
	require.NoError(tb, json.Unmarshal(golden.Read(tb, "post-backups-sample-fixed.json"), &sample))
	require.Len(tb, sample.Backups, 1)
	items := make([]map[string]any, benchItems)
	start := time.Date(2014, 10, 14, 9, 32, 0, 0, time.UTC)
	for i := range items {
		m := map[string]any{}
		for k, v := range sample.Backups[0] {
			m[k] = v
		}
		m["id"] = 220 + i
		m["client_id"] = 2 + i%40
		m["client_name"] = fmt.Sprintf("win%02d", (32+i)%40)
		m["start_date_time"] = strings.ToLower(start.Add(time.Duration(i) * 17 * time.Minute).Format("01/02/2006 03:04 PM"))
		m["duration"] = fmt.Sprintf("00:%02d:%02d", i%60, (28+i)%60)
		m["size"] = 518 + i
		m["files"] = 2462 + 3*i
		items[i] = m
	}
	out, err := json.Marshal(map[string]any{"backups": items})
	require.NoError(tb, err)
	return out
}

// backupsAnswer is the documented answer, decoding into the SDK's own
// Backup type.
type backupsAnswer struct {
	Backups []unitrends.Backup `json:"backups"`
}

// plainBackup is what a hand-written client would declare for the sample:
// plain Go types, times and durations left as the text the appliance
// prints. It reads the documented sample, though not the other shapes
// appliances send (integer statuses, "n/a", epoch times).
type plainBackup struct {
	ID                int64  `json:"id"`
	Type              string `json:"type"`
	ClientID          int64  `json:"client_id"`
	ClientName        string `json:"client_name"`
	InstanceID        int64  `json:"instance_id"`
	InstanceName      string `json:"instance_name"`
	StartDateTime     string `json:"start_date_time"`
	Duration          string `json:"duration"`
	Complete          bool   `json:"complete"`
	Status            string `json:"status"`
	Size              int64  `json:"size"`
	Files             int64  `json:"files"`
	Encrypted         bool   `json:"encrypted"`
	ReplicationStatus string `json:"replication_status"`
	Verified          bool   `json:"verified"`
	VerifyStatus      string `json:"verify_status"`
	Synthesized       bool   `json:"synthesized"`
	SynthCapable      bool   `json:"synth_capable"`
	DiskMetadata      bool   `json:"disk_metadata"`
	ClientConfig      bool   `json:"client_config"`
	Replicated        bool   `json:"replicated"`
	VMwareTemplate    bool   `json:"vm_ware_template"`
	Certified         bool   `json:"certified"`
}

type plainAnswer struct {
	Backups []plainBackup `json:"backups"`
}

// benchServer answers the backups query with page.
func benchServer(tb testing.TB, page []byte) *httptest.Server {
	tb.Helper()
	length := strconv.Itoa(len(page))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(page)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// rawQuery is the hand-written call: the same POST, body and token header
// as the SDK's.
func rawQuery(tb testing.TB, hc *http.Client, url string) *http.Response {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader("{}"))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("AuthToken", "bench-token")
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

// BenchmarkQuery compares Backups.List on a 1000-backup answer over
// loopback with hand-written net/http + encoding/json decoding into the
// SDK's own Backup type, into a plain-typed struct, json/v2 into the plain
// struct (the engine's own cost), and with fetching the bytes alone (the
// floor). Targets: sdk ≤ 0.5× raw_encoding_json, ≤ 3× raw_fetch_floor,
// fewer allocations than raw.
func BenchmarkQuery(b *testing.B) {
	page := benchPage(b)
	srv := benchServer(b, page)
	url := srv.URL + "/api/backups"
	decodeRaw := func(b *testing.B, decode func(io.Reader) (int, error)) {
		hc := newRawClient()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			resp := rawQuery(b, hc, url)
			n, err := decode(resp.Body)
			_ = resp.Body.Close()
			if err != nil || n != benchItems {
				b.Fatalf("%d backups: %v", n, err)
			}
		}
	}

	b.Run("sdk", func(b *testing.B) {
		c, err := unitrends.NewClient(srv.URL, unitrends.WithToken("bench-token"))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			list, err := c.Backups.List(ctx, nil)
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("sdk_decode_only", func(b *testing.B) {
		// The SDK's decoding of the page alone (what List runs on the
		// body), without the HTTP call: steadier, for work on the engine.
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			list, err := unitrends.DecodeBackups(page, nil)
			if err != nil || len(list) != benchItems {
				b.Fatalf("%d backups: %v", len(list), err)
			}
		}
	})
	b.Run("raw_encoding_json", func(b *testing.B) {
		decodeRaw(b, func(r io.Reader) (int, error) {
			var a backupsAnswer
			err := json.NewDecoder(r).Decode(&a)
			return len(a.Backups), err
		})
	})
	b.Run("raw_encoding_json_plain", func(b *testing.B) {
		decodeRaw(b, func(r io.Reader) (int, error) {
			var a plainAnswer
			err := json.NewDecoder(r).Decode(&a)
			return len(a.Backups), err
		})
	})
	b.Run("raw_json_v2_plain", func(b *testing.B) {
		decodeRaw(b, func(r io.Reader) (int, error) {
			var a plainAnswer
			err := jsonv2.UnmarshalRead(r, &a)
			return len(a.Backups), err
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
// baselines read the same 1000 backups from the page, and apart from what
// the page varies each is the documented sample.
func TestBenchPageDecodesAlike(t *testing.T) {
	t.Parallel()
	page := benchPage(t)
	srv := benchServer(t, page)
	c, err := unitrends.NewClient(srv.URL, unitrends.WithToken("bench-token"))
	require.NoError(t, err)
	got, err := c.Backups.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, got, benchItems)

	var same backupsAnswer
	require.NoError(t, json.Unmarshal(page, &same))
	var plain plainAnswer
	require.NoError(t, json.Unmarshal(page, &plain))
	require.Len(t, same.Backups, benchItems)
	require.Len(t, plain.Backups, benchItems)
	for i := range got {
		g, p := got[i], plain.Backups[i]
		require.Equal(t, same.Backups[i], g, "backup %d", i)
		require.Equal(t, int64(220+i), g.ID.Int64)
		require.Equal(t, p.ID, g.ID.Int64)
		require.Equal(t, p.Size, g.SizeMB.Int64)
		require.Equal(t, p.Files, g.Files.Int64)
		require.Equal(t, p.ClientName, g.ClientName)
		require.Equal(t, p.StartDateTime, g.StartDateTime.Text)
		require.Equal(t, time.Date(2014, 10, 14, 9, 32, 0, 0, time.UTC).Add(time.Duration(i)*17*time.Minute), g.StartDateTime.Time)
		require.Equal(t, time.Duration(i%60)*time.Minute+time.Duration((28+i)%60)*time.Second, g.Duration.Duration)
		require.Equal(t, unitrends.BackupStatusSuccess, g.Status)
		require.Equal(t, unitrends.VerifySuccessful, g.VerifyStatus)
		require.False(t, g.VMwareTemplate.Bool)
		require.True(t, g.VMwareTemplate.Valid, "vm_ware_template lands in VMwareTemplate")
		require.Empty(t, g.Extra, "every member of the sample is known")
	}

	// The first backup is the documented sample itself.
	first, err := unitrends.DecodeBackups(golden.Read(t, "post-backups-sample-fixed.json"), nil)
	require.NoError(t, err)
	require.Len(t, first, 1)
	require.Equal(t, first[0], got[0])
	require.True(t, bytes.Contains(page, []byte(`"start_date_time":"10/14/2014 09:32 am"`)))
}
