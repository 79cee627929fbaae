package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/core"
)

// benchBackup has the shape of a CBR backup: plain strings plus the tolerant
// types providers use for fields servers send loosely.
type benchBackup struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	CheckpointID string       `json:"checkpoint_id"`
	ProviderID   string       `json:"provider_id"`
	VaultID      string       `json:"vault_id"`
	ProjectID    string       `json:"project_id"`
	ResourceID   string       `json:"resource_id"`
	ResourceName string       `json:"resource_name"`
	ResourceType string       `json:"resource_type"`
	ResourceAZ   string       `json:"resource_az"`
	ResourceSize codec.Int    `json:"resource_size"`
	ImageType    string       `json:"image_type"`
	Status       string       `json:"status"`
	Description  string       `json:"description"`
	CreatedAt    codec.Time   `json:"created_at"`
	UpdatedAt    codec.Time   `json:"updated_at"`
	ExpiredAt    codec.Time   `json:"expired_at"`
	EnterpriseID codec.String `json:"enterprise_project_id"`
	ExtendInfo   struct {
		AutoTrigger          codec.Bool `json:"auto_trigger"`
		Bootable             codec.Bool `json:"bootable"`
		SnapshotID           string     `json:"snapshot_id"`
		SupportLLD           codec.Bool `json:"support_lld"`
		SupportedRestoreMode string     `json:"supported_restore_mode"`
		SystemDisk           codec.Bool `json:"system_disk"`
		Encrypted            codec.Bool `json:"encrypted"`
	} `json:"extend_info"`
}

type benchPage struct {
	Count   int           `json:"count"`
	Backups []benchBackup `json:"backups"`
}

// benchPageJSON is a 1000-backup page built from the documented sample shape.
func benchPageJSON() []byte {
	var b bytes.Buffer
	b.WriteString(`{"count":1000,"backups":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"provider_id":"0daac4c5-6707-4851-97ba-169e36266b66","checkpoint_id":"1fced58b-2a31-4851-bcbb-%012d",`+
			`"updated_at":"2020-02-21T07:07:25.113761","vault_id":"cca85ea5-00a4-418d-9222-bd83985bc515","id":"b1c4afd9-e7a6-4888-9010-%012d",`+
			`"resource_az":"br-iaas-odin1a","image_type":"backup","resource_id":"1a503932-ee8f-4dd5-8248-%012d","resource_size":%d,`+
			`"children":[],"extend_info":{"auto_trigger":true,"supported_restore_mode":"backup","contain_system_disk":true,"support_lld":true,`+
			`"architecture":"x86_64","system_disk":false,"snapshot_id":"e3def9a8-e4b4-4c12-b132-f4ba8ce9a34f","bootable":true,"encrypted":false},`+
			`"project_id":"0605767b5780d5762fc5c0118072a564","status":"available","resource_name":"server-%04d","description":"",`+
			`"expired_at":"2020-05-21T07:00:54.060493","replication_records":[],"name":"autobk_%04d","created_at":"2020-02-21T07:00:54.065135",`+
			`"resource_type":"OS::Nova::Server","enterprise_project_id":"0"}`, i, i, i, 40+i%100, i, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	page := benchPageJSON()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", fmt.Sprint(len(page)))
		}
		_, _ = w.Write(page)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkListPage compares, on one loopback handler serving the same
// 1000-object page: the core's list call, raw net/http + encoding/json into
// the same struct, and fetching the bytes alone (the floor). Targets: core ≤
// 0.5× raw encoding/json, ≤ 3× the floor.
func BenchmarkListPage(b *testing.B) {
	srv := benchServer(b)
	b.Run("core", func(b *testing.B) {
		c, err := core.New(core.Config{Provider: "bench", BaseURL: srv.URL})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			var page benchPage
			if _, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/v3/{project}/backups", PathParams: []string{"p1"}}, &page); err != nil {
				b.Fatal(err)
			}
			if len(page.Backups) != 1000 {
				b.Fatalf("decoded %d backups", len(page.Backups))
			}
		}
	})
	b.Run("core_chunked", func(b *testing.B) {
		// The same page without Content-Length, as gateways often send it.
		c, err := core.New(core.Config{Provider: "bench", BaseURL: srv.URL})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		q := map[string][]string{"chunked": {"1"}}
		b.ReportAllocs()
		for b.Loop() {
			var page benchPage
			if _, err := c.Do(ctx, &core.Request{Kind: core.Read, Method: http.MethodGet, Path: "/v3/p1/backups", Query: q}, &page); err != nil {
				b.Fatal(err)
			}
			if len(page.Backups) != 1000 {
				b.Fatalf("decoded %d backups", len(page.Backups))
			}
		}
	})
	b.Run("raw_encoding_json", func(b *testing.B) {
		hc := core.NewHTTPClient()
		b.ReportAllocs()
		for b.Loop() {
			resp, err := hc.Get(srv.URL + "/v3/p1/backups")
			if err != nil {
				b.Fatal(err)
			}
			var page benchPage
			err = json.NewDecoder(resp.Body).Decode(&page)
			_ = resp.Body.Close()
			if err != nil || len(page.Backups) != 1000 {
				b.Fatalf("decoded %d backups: %v", len(page.Backups), err)
			}
		}
	})
	b.Run("raw_fetch_floor", func(b *testing.B) {
		hc := core.NewHTTPClient()
		b.ReportAllocs()
		for b.Loop() {
			resp, err := hc.Get(srv.URL + "/v3/p1/backups")
			if err != nil {
				b.Fatal(err)
			}
			// The floor is having the bytes in memory, as any decoder needs.
			data, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil || len(data) == 0 {
				b.Fatal(err)
			}
		}
	})
}

// TestBenchPageDecodesTheSameBothWays keeps the benchmark honest: both
// engines produce the same values from the page.
func TestBenchPageDecodesTheSameBothWays(t *testing.T) {
	t.Parallel()
	data := benchPageJSON()
	var v1, v2 benchPage
	if err := json.Unmarshal(data, &v1); err != nil {
		t.Fatal(err)
	}
	if err := codec.UnmarshalJSON(data, &v2); err != nil {
		t.Fatal(err)
	}
	if len(v2.Backups) != 1000 || v2.Backups[999].ResourceSize.Int64 != 40+999%100 || !v2.Backups[0].ExtendInfo.Bootable.Bool {
		t.Fatalf("unexpected decode: %+v", v2.Backups[999])
	}
	a, _ := json.Marshal(v1)
	b, _ := json.Marshal(v2)
	if !bytes.Equal(a, b) {
		t.Fatal("encoding/json and the codec decoded the page differently")
	}
}
