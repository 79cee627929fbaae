package erigones

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// FuzzDecodeSuccess checks the one-pass reading of a SUCCESS envelope
// against the general path (decodeEnvelope, then the result decoded
// again), for every result type sync decodes: what the fast path decodes,
// the general path decodes the same; where it declines, it leaves the
// value zero for the general path.
func FuzzDecodeSuccess(f *testing.F) {
	for _, name := range []string{"sample-vm-backup-list.json", "sample-vm-define-backup-list.json", "sample-vm-define-backup-create.json", "sample-vm-backup-create.json", "task-failure.json"} {
		f.Add(golden.Read(f, name))
	}
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{
		`{"status":"SUCCESS","result":[],"task_id":"x"}`, `{"status":"SUCCESS","result":null}`, `{"status":"SUCCESS"}`,
		`{"status":"success","result":[{"name":"a","status":"1","size":"12","created":""}]}`,
		`{"result":[{"name":"a"}],"status":"SUCCESS"}`, `{"status":"SUCCESS","result":[{"name":"a"}],"result":[{"name":"b"},{"name":"c"}]}`,
		`{"status":"SUCCESS","RESULT":[{"name":"a"}],"result":[]}`, `{"status":"PENDING","result":[{"name":"a"}]}`,
		`{"status":"SUCCESS","result":{"detail":"x"}}`, `{"status":"SUCCESS","result":[null,{"disk_id":2}]}`,
		`{"status":"SUCCESS","result":["daily-1","daily-2"]}`, `{"status":"RETRY","result":[]}`, `{"status":"SUCCESS","result":[1]}`,
		`{"status":"SUCCESS","result":[{"status":99999999999999999999}]}`, `[]`, `null`, ``, `{"status":"SUCCESS","result":[]} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkSuccessDecode(t, body, func() any { return new([]Backup) })
		checkSuccessDecode(t, body, func() any { return new([]BackupDefinition) })
		checkSuccessDecode(t, body, func() any { return new(BackupDefinition) })
		checkSuccessDecode(t, body, func() any { return new([]string) })
	})
}

// checkSuccessDecode compares decodeSuccess with the general path for one result type.
func checkSuccessDecode(t *testing.T, body []byte, fresh func() any) {
	fast := fresh()
	ok := decodeSuccess(body, fast)
	general := fresh()
	env, err := decodeEnvelope(body)
	generalOK := err == nil && env.Status == TaskSuccess && codec.UnmarshalJSON(env.Result, general) == nil
	if !ok {
		if !reflect.ValueOf(fast).Elem().IsZero() {
			t.Fatalf("%T: declined but left %+v", fast, reflect.ValueOf(fast).Elem())
		}
		return
	}
	if !generalOK {
		t.Fatalf("%T: the fast path decoded %+v, the general path fails (%v)", fast, reflect.ValueOf(fast).Elem(), err)
	}
	if !reflect.DeepEqual(fast, general) {
		t.Fatalf("%T: the paths disagree:\nfast    %+v\ngeneral %+v", fast, reflect.ValueOf(fast).Elem(), reflect.ValueOf(general).Elem())
	}
}

// TestPresizeIsBounded: a small first item followed by a large body must
// not size the list for millions of backups (unbounded, this body would
// ask for about 400 MB).
func TestPresizeIsBounded(t *testing.T) {
	body := []byte(`{"status":"SUCCESS","result":[{"name":"a"}` + strings.Repeat(" ", 16<<20) + `,{"name":"b"}]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var list []Backup
	ok := decodeSuccess(body, &list)
	runtime.ReadMemStats(&after)
	if !ok || len(list) != 2 || list[1].Name != "b" {
		t.Fatalf("decoded %+v (%v)", list, ok)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Fatalf("decoding a 16 MB body allocated %d MB", grew>>20)
	}
	if cap(list) > maxPresize {
		t.Fatalf("list sized for %d backups", cap(list))
	}
}
