package unitrends_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/unitrends"
)

// FuzzDecodeBackups feeds the backup decoder the documented sample (broken
// and corrected) and the odd shapes of the notes. It must never panic; a
// decoded list re-encodes and decodes again to the same backups.
func FuzzDecodeBackups(f *testing.F) {
	f.Add(golden.Read(f, "post-backups-sample.json"))
	f.Add(golden.Read(f, "post-backups-sample-fixed.json"))
	for _, s := range []string{
		`{"data": [{"id": "1", "duration": 28, "status": 3, "start_date_time": "10/14/2014 09:32:05 PM"}]}`,
		`[{"id": 2, "duration": "n/a", "status": "Successful", "replication_status": "N/A", "vmware_template": "1"}]`,
		`{"backups": [{"start_time": 1413279125, "complete_time": "1413279153", "extra": {"x": [1]}}]}`,
		`{"backups": null}`, `{}`, `[]`, `null`, ``, `{"count": 1}`,
		`[{"duration": "123:59:59.5", "status": "In Progress"}]`,
	} {
		f.Add([]byte(s))
	}
	zone := time.FixedZone("X", -7*3600)
	f.Fuzz(func(t *testing.T, data []byte) {
		bs, err := unitrends.DecodeBackups(data, zone)
		if err != nil {
			return
		}
		if bs == nil {
			t.Fatal("nil list without an error")
		}
		out, err := codec.MarshalJSON(bs)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		again, err := unitrends.DecodeBackups(out, zone)
		if err != nil {
			t.Fatalf("decoding the re-encoded list: %v\n%s", err, out)
		}
		if len(again) != len(bs) {
			t.Fatalf("re-decoded %d backups, want %d", len(again), len(bs))
		}
		for i := range bs {
			a, b := bs[i], again[i]
			if a.ID != b.ID || a.Status != b.Status || a.Duration.Valid != b.Duration.Valid ||
				a.StartDateTime.Valid != b.StartDateTime.Valid || !a.StartDateTime.Time.Equal(b.StartDateTime.Time) {
				t.Fatalf("backup %d changed on a round trip:\n%+v\n%+v", i, a, b)
			}
		}
		_, _ = json.Marshal(bs) // encoding/json v1 copes too
	})
}
