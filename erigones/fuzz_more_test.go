package erigones

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/backupsdk/backupsdk/internal/golden"
)

// readSeeds are the documented samples, the odd shapes of the notes and
// the hostile shapes of a result: sent twice, under another case, of the
// wrong kind, before its status, with members of the wrong kind.
func readSeeds(t testing.TB) [][]byte {
	t.Helper()
	var seeds [][]byte
	for _, name := range []string{"sample-vm-backup-list.json", "sample-vm-define-backup-list.json", "sample-vm-define-backup-create.json", "sample-vm-backup-create.json", "task-failure.json"} {
		seeds = append(seeds, golden.Read(t, name))
	}
	seeds = append(seeds, fuzzSeeds(t)...)
	for _, s := range []string{
		`{"status":"SUCCESS","result":[],"task_id":"x"}`, `{"status":"SUCCESS","result":null}`, `{"status":"SUCCESS"}`,
		`{"status":"success","result":[{"name":"a","status":"1","size":"12","created":""}]}`,
		`{"result":[{"name":"a"}],"status":"SUCCESS"}`, `{"status":"SUCCESS","result":[{"name":"a"}],"result":[{"name":"b"},{"name":"c"}]}`,
		`{"status":"SUCCESS","result":[{"name":"a"},{"name":"b"}],"result":[{"name":"c"}]}`,
		`{"status":"SUCCESS","result":{"name":"a","note":"n"},"result":{"disk_id":2}}`,
		`{"status":"SUCCESS","RESULT":[{"name":"a"}],"result":[]}`, `{"status":"PENDING","result":[{"name":"a"}]}`,
		`{"status":"SUCCESS","result":{"detail":"x"}}`, `{"status":"SUCCESS","result":[null,{"disk_id":2}]}`,
		`{"status":"SUCCESS","result":["daily-1","daily-2"]}`, `{"status":"RETRY","result":[]}`, `{"status":"SUCCESS","result":[1]}`,
		`{"status":"SUCCESS","result":[{"status":99999999999999999999}]}`, `[]`, `null`, ``, `{"status":"SUCCESS","result":[]} x`,
		`{"result":{"detail":"x"},"status":"FAILURE"}`, `{"result":[{"name":{}}],"status":"SUCCESS"}`, `{"result":[1,[2,{"a":3}]],"status":"SUCCESS"}`,
		`{"status":"SUCCESS","result":[{"type":"2","compression":" 3 ","status":null,"created":1381757821,"active":"yes","bwlimit":"n/a"}]}`,
		`{"status":"SUCCESS","result":[{"type":-1,"status":1.0,"compression":1e1,"disk_id":"+2","size":-0}]}`,
		`{"status":"SUCCESS","result":[{"Name":"a","NAME":"b","disk-id":3,"File_Path":"/x","VmUuid":"u","vm_uuid":null}]}`,
		`{"status":"SUCCESS","result":[{"hostname":null,"name":1}]}`, `{"status":"SUCCESS","result":[{"created":"2013-10-14T13:37:01.123Z","created":true}]}`,
		`{"Status":"SUCCESS","Task-Id":5,"Result":{"hostname":"h","desc":"\u00e9\ud800"}}`, `{"status":"SUCCESS","status":null,"result":[]}`,
		`{"status":"SUCCESS","result":[{"note":"a"}],"task_id":{}}`, `{"status":["SUCCESS"],"result":[]}`, `{"status":"SUCCESS","result":[{}],}`,
		"{\"status\":\"SUCCESS\",\"result\":[{\"name\":\"\xff\",\"\xfe\":1}]}",
		`{"status":"SUCCESS","result":[{"hostname":"h\ud800","name":"a\udfffb"}]}`, `{"status":"SUCCESS","result":{"hostname":"\ud800\u0041","name":"\ud800"}}`, ` {"status":"SUCCESS","result":"x"} `,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzReadAgainstOracle: the engine's one-pass reading of an answer
// (readEnvelope, as sync uses it) and the oracle (json/v2 into the same
// shapes, the envelope then its result again) agree on every body, for
// every result type sync reads: both fail, or both give DeepEqual values;
// decodeEnvelope gives the oracle's envelope. It replaces FuzzDecodeSuccess,
// which held the fast path (envelope_fast.go, gone) to the general one.
func FuzzReadAgainstOracle(f *testing.F) {
	for _, s := range readSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkReadAgainstOracle(t, body)
	})
}

// TestReadAgreesWithOracle runs the fuzz seeds in every test run.
func TestReadAgreesWithOracle(t *testing.T) {
	t.Parallel()
	for _, s := range readSeeds(t) {
		checkReadAgainstOracle(t, s)
	}
}

func checkReadAgainstOracle(t *testing.T, body []byte) {
	t.Helper()
	checkOneRead(t, body, func() any { return new([]Backup) })
	checkOneRead(t, body, func() any { return new([]BackupDefinition) })
	checkOneRead(t, body, func() any { return new(Backup) })
	checkOneRead(t, body, func() any { return new(BackupDefinition) })
	checkOneRead(t, body, func() any { return new([]string) })

	want, wantErr := oracleDecodeEnvelope(body)
	got, gotErr := decodeEnvelope(body)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("envelope %q: oracle error %v, engine error %v", body, wantErr, gotErr)
	}
	if wantErr == nil && (want.Status != got.Status || want.TaskID != got.TaskID || string(want.Result) != string(got.Result)) {
		t.Fatalf("envelope %q:\noracle %+v\nengine %+v", body, want, got)
	}
}

// checkOneRead compares engineRead with oracleRead for one result type.
func checkOneRead(t *testing.T, body []byte, fresh func() any) {
	t.Helper()
	want, got := fresh(), fresh()
	wantErr := oracleRead(body, want)
	gotErr := engineRead(body, got)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%T of %q: oracle error %v, engine error %v", got, body, wantErr, gotErr)
	}
	if wantErr == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("%T of %q:\noracle %+v\nengine %+v", got, body, reflect.ValueOf(want).Elem(), reflect.ValueOf(got).Elem())
	}
}

// TestPresizeIsBounded: a small first item followed by a large body must
// not size the list for millions of backups (unbounded, this body would
// ask for about 400 MB); the engine sizes a list for at most 1024 items
// from its first.
func TestPresizeIsBounded(t *testing.T) {
	body := []byte(`{"status":"SUCCESS","result":[{"name":"a"}` + strings.Repeat(" ", 16<<20) + `,{"name":"b"}]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var list []Backup
	err := engineRead(body, &list)
	runtime.ReadMemStats(&after)
	if err != nil || len(list) != 2 || list[1].Name != "b" {
		t.Fatalf("decoded %+v (%v)", list, err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Fatalf("decoding a 16 MB body allocated %d MB", grew>>20)
	}
	if cap(list) > 1024 {
		t.Fatalf("list sized for %d backups", cap(list))
	}
}
