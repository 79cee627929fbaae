package cloudbackup

import (
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// FuzzDecodeBackupList feeds the list decoder the documented sample, the
// odd shapes real regions send (numbers as strings and back, times with and
// without fractions or zone, nulls, unknown members, nested junk) and
// whatever the fuzzer makes of them. It must never panic; what it accepts
// must be writable as JSON and read back to the same backups.
func FuzzDecodeBackupList(f *testing.F) {
	sample := string(golden.Read(f, "list-backups-response.json"))
	f.Add(sample)
	// The variants are compacted: the fuzzer minimizes what it derives
	// from a seed, and smaller seeds minimize faster.
	compact := func(s string) string {
		v := jsontext.Value(s)
		if err := v.Compact(); err != nil {
			f.Fatal(err)
		}
		return string(v)
	}
	f.Add(compact(strings.ReplaceAll(sample, `"resource_size" : 40`, `"resource_size" : "40"`)))
	f.Add(compact(strings.ReplaceAll(sample, `"auto_trigger" : true`, `"auto_trigger" : "1"`)))
	f.Add(compact(strings.ReplaceAll(sample, `.065135"`, `Z"`)))
	for _, s := range []string{
		`{"count": "0", "backups": []}`,
		`{"backups": null, "count": null}`,
		`null`, `{}`, `[]`, `"x"`, `{"backups": {}}`,
		`{"backups": [null, {"id": 1, "enterprise_project_id": 0, "resource_size": 40.0}]}`,
		`{"BACKUPS": [{"ID": "a", "Status": "available", "Extend_Info": {"OS_IMAGES_DATA": ["i", {"image_id": "j"}]}}]}`,
		`{"backups": [{"id": "a", "children": [{"id": "b", "children": [{"id": "c"}]}], "replication_records": [{"id": "r", "extra_info": {"a": [1]}}, 3]}]}`,
		`{"backups": [{"id": "\u0061\"b\\", "name": "\ud83d\ude00", "x": {"y": [true, false, null]}}]}`,
		`{"backups": [{"created_at": "2020-02-21 07:00:54", "updated_at": 1582268454, "expired_at": null, "protected_at": ""}]}`,
		`{"backups": [{"extend_info": {"app_consistency": {"app_consistency": 0}, "progress": "100", "encrypted": "no"}}]}`,
		`{"backups": [{"resource_size": "forty"}]}`,
		"{\"backups\": [{\"name\": \"\xff\xfe\"}]}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var p BackupPage
		if codec.UnmarshalJSON([]byte(data), &p) != nil {
			return
		}
		if p.Backups == nil {
			t.Fatal("a decoded page has a nil Backups")
		}
		out, err := codec.MarshalJSON(&p)
		if err != nil {
			t.Fatalf("cannot write back what was read: %v", err)
		}
		var again BackupPage
		if err := codec.UnmarshalJSON(out, &again); err != nil {
			t.Fatalf("cannot read back %s: %v", out, err)
		}
		if len(again.Backups) != len(p.Backups) || again.Count != p.Count {
			t.Fatalf("round trip changed the page: %d/%d backups, count %d/%d", len(again.Backups), len(p.Backups), again.Count.Int64, p.Count.Int64)
		}
		for i := range p.Backups {
			a, b := &p.Backups[i], &again.Backups[i]
			if a.ID != b.ID || a.Name != b.Name || a.Status != b.Status || a.ResourceSize != b.ResourceSize ||
				len(a.Children) != len(b.Children) || !a.CreatedAt.Time.Equal(b.CreatedAt.Time) || a.CreatedAt.Valid != b.CreatedAt.Valid {
				t.Fatalf("round trip changed backup %d:\n%+v\n%+v", i, a, b)
			}
		}
	})
}

// FuzzParseCBRTime checks the fast time parser against codec.ParseTime:
// whatever the fast path accepts, the general parser reads the same.
func FuzzParseCBRTime(f *testing.F) {
	for _, s := range []string{
		"2020-02-05T10:38:34.209782", "2020-02-05T10:38:34Z", "2020-02-05 10:38:34.1", "2024-02-29T23:59:59.999999999",
		"2023-02-29T00:00:00", "2020-02-05T10:38:34+08:00", "1582268454", "", "2020-02-05T10:38:34.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseCBRTime([]byte(s))
		if !ok {
			return
		}
		want, err := codec.ParseTime(s, time.UTC)
		if err != nil {
			t.Fatalf("fast path read %q as %v, codec.ParseTime fails: %v", s, got, err)
		}
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("%q: fast path %v, codec.ParseTime %v", s, got, want)
		}
	})
}
