package unitrends

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// FuzzDecodeBackupsAgainstOracle checks the engine's one-pass decoding of
// the backups query against the oracle (json/v2 into the same shapes, the
// decoding before the engine): DecodeBackups returns what the oracle
// returns (the same backups, or an error where it fails), and a body
// readBackupsAnswer calls clean holds no error errorInBody would report
// (List relies on it to skip errorInBody).
func FuzzDecodeBackupsAgainstOracle(f *testing.F) {
	f.Add(golden.Read(f, "post-backups-sample.json"))
	f.Add(golden.Read(f, "post-backups-sample-fixed.json"))
	for _, s := range []string{
		`{"backups":[]}`, `{"backups":null}`, `{"backups":{}}`, `{"backups":[null]}`, `{"backups":[1]}`, `[]`, `[{}]`, `null`, ``,
		`{"backups":[{"id":1}],"backups":[{"id":2}]}`, `{"Backups":[{"id":1}]}`, `{"backups":[{"id":1}],"data":[{"id":2}]}`,
		`{"data":[{"id":"3","status":2}]}`, `{"backups":[{"id":1}],"status":401,"message":"Your session has expired"}`,
		`{"backups":[{"id":1}],"result":[{"message":"x","code":12}]}`, `{"backups":[{"id":1}],"ſtatus":"error","message":"m"}`,
		`{"backups":[{"id":1,"client_name":"caf` + "\xe9" + `"}]}`, `[{"id":1,"status":"N/A","duration":"1:02:03","start_date_time":"1/2/2014 12:00 am"}]`,
		`[{"start_date_time":"13/40/2014 25:61 pm"}]`, `[{"start_date_time":"02/29/2015 01:00 am"}]`, `{"backups":[{"x":1}]} `,
		`[{"duration":"999999:59:59"},{"duration":"1:60"},{"duration":"01:02:03.5"}]`, `{"backups":[{"id":1}]}x`,
		`{"backups":[{"status":"In Progress","replication_status":"in_progress","verify_status":"FAILED"}]}`,
		`{"backups":{"id":1},"data":[{"id":2}]}`, `{"BACKUPS":[1],"backups":[{"id":3}]}`, `{"data":[{"id":{}}],"Data":[]}`,
		`{"b_ackups":[{"ID":"4","Vm_Ware_Template":true,"vmware_template":false,"VMWARE-TEMPLATE":"1"}]}`,
		`{"backups":[{"id":1,"id":null,"client_name":null,"type":5}]}`, `{"data":[],"backups":[{"id":1}],"x":{"y":[1,2]}}`,
		`{"backups":[{"extra":{"a":1,"a":2},"EXTRA":[],"\u00e9":1,"guid":"\ud800"}]}`, `{"backups":[{"start_time":1e3,"complete_time":"n/a"}]}`,
		`[{"vm_ware_template":"1","vm_ware_template":true}]`, `[{"vm_ware_template":true,"vmware_template":false}]`,
		`[{"vm_ware_template":true,"vm_ware_template":null}]`, `[{"VM_WARE_TEMPLATE":false,"vm_ware_template":true,"x":1}]`,
		`[{"vmware_template":true,"vm_ware_template":true},{"vm_ware_template":false}]`, `[{"vm_ware_template":"n/a"}]`,
		`{"backups":[{"id":1}]`, `{"backups":[{"id":1},]}`, `{"count":1,"message":"x"}`, `{"backups":[{"status":"x"}]} {}`,
	} {
		f.Add([]byte(s))
	}
	zone := time.FixedZone("appliance", -5*3600)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeBackups(data, zone)
		want, wantErr := oracleDecodeBackups(data, zone)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("DecodeBackups: %v; the oracle: %v", err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeBackups and the oracle disagree:\n%+v\n%+v", got, want)
		}
		if _, clean, _ := readBackupsAnswer(data); clean {
			if status, isErr := errorInBody(data); isErr {
				t.Fatalf("a body called clean is one errorInBody reports (status %d)", status)
			}
		}
	})
}

// FuzzFastScalars checks the fast readers of the appliance's text fields
// against the general code they stand in for: JSON string literals against
// the codec, m/d/Y times against codec.ParseTime in several zones, h:mm:ss
// durations against the general clock reader (and that against the
// original strings.Split reader), status folding against the original
// strings.Builder folding.
func FuzzFastScalars(f *testing.F) {
	for _, s := range []string{
		"10/14/2014 09:32 am", "10/14/2014 09:32:05 PM", "1/2/2014 12:00 am", "1/2/2014 12:00 pm", "02/29/2016 00:00",
		"02/29/2015 01:00 am", "13/01/2014 01:00", "10/14/2014 13:32 pm", "10/14/2014  09:32 am", "10/14/2014 09:32:05.5 am",
		"00:00:28", "1:02", "999999:59:59", "1:60", "01:02:03.5", " 1:02", "1::2", "Success", "In Progress", "ſuccess",
		"n/a", "NULL", "K\u212a", "a\u00dfb", "\xff", `caf\u00e9`, "tab\there",
	} {
		f.Add(s)
	}
	zones := []*time.Location{time.UTC, time.FixedZone("minus5", -5*3600), time.FixedZone("plus1045", 10*3600+45*60)}
	f.Fuzz(func(t *testing.T, s string) {
		// String literals: as written, and as the JSON encoder quotes them.
		for _, lit := range [][]byte{[]byte(`"` + s + `"`), []byte(strconv.Quote(s)), []byte(" " + strconv.Quote(s) + "\t")} {
			got, err := jsonText(lit)
			var want string
			wantErr := codec.UnmarshalJSON(lit, &want)
			if (err == nil) != (wantErr == nil) || got != want {
				t.Fatalf("jsonText(%q) = %q, %v; the codec: %q, %v", lit, got, err, want, wantErr)
			}
			if err != nil {
				continue
			}
			var bs, viaText BackupStatus
			if bs.UnmarshalJSON(lit) == nil {
				viaText = ParseBackupStatus(want)
				if bs != viaText {
					t.Fatalf("BackupStatus of %q: %q, want %q", lit, bs, viaText)
				}
			}
			var rs ReplicationStatus
			if rs.UnmarshalJSON(lit) == nil && rs != ParseReplicationStatus(want) {
				t.Fatalf("ReplicationStatus of %q: %q, want %q", lit, rs, ParseReplicationStatus(want))
			}
			var vs VerifyStatus
			if vs.UnmarshalJSON(lit) == nil && vs != ParseVerifyStatus(want) {
				t.Fatalf("VerifyStatus of %q: %q, want %q", lit, vs, ParseVerifyStatus(want))
			}
		}
		if got, want := isPlaceholder(s), trimmedIsPlaceholder(s); got != want {
			t.Fatalf("isPlaceholder(%q) = %v, the original %v", s, got, want)
		}
		if got, want := string(foldStatus(nil, s)), builderFoldStatus(s); got != want {
			t.Fatalf("foldStatus(%q) = %q, the original folding %q", s, got, want)
		}

		for _, loc := range zones {
			if tm, ok := parseApplianceTime(s, loc); ok {
				want, err := codec.ParseTime(s, loc)
				if err != nil || !tm.Equal(want) || tm.Location() != want.Location() || tm.String() != want.String() {
					t.Fatalf("parseApplianceTime(%q, %s) = %s; codec.ParseTime: %s, %v", s, loc, tm, want, err)
				}
			}
			got, err := parseLocal(s, loc)
			want, wantErr := codec.ParseTime(s, loc)
			if (err == nil) != (wantErr == nil) || !got.Equal(want) {
				t.Fatalf("parseLocal(%q, %s) = %s, %v; codec.ParseTime: %s, %v", s, loc, got, err, want, wantErr)
			}
		}

		bad := func() (time.Duration, error) { return 0, fmt.Errorf("bad %q", s) }
		general, gErr := parseClock(s, bad)
		split, sErr := splitClock(s, bad)
		if (gErr == nil) != (sErr == nil) || general != split {
			t.Fatalf("parseClock(%q) = %s, %v; the strings.Split reader: %s, %v", s, general, gErr, split, sErr)
		}
		if d, ok := clockDuration(s); ok && (gErr != nil || d != general) {
			t.Fatalf("clockDuration(%q) = %s; parseClock: %s, %v", s, d, general, gErr)
		}
	})
}

// trimmedIsPlaceholder is isPlaceholder without its shortcut.
func trimmedIsPlaceholder(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.EqualFold(s, "n/a") || strings.EqualFold(s, "null")
}

// FuzzDecodeOtherAnswers feeds the readers of the other answers (one
// backup by id, the status view, the systems list) arbitrary bodies. They
// must never panic; a list read is never nil, and a read backup or system
// survives a round trip through the codec.
func FuzzDecodeOtherAnswers(f *testing.F) {
	f.Add(golden.Read(f, "post-backups-sample-fixed.json"))
	for _, s := range []string{
		`{"BackupStatus":[{"id":1,"status":"Success"}]}`, `{"win32":[{"id":2}],"linux":{"backups":[{"id":3}]}}`,
		`{"win32":null,"x":5}`, `{"backup":{"id":7,"start_date_time":"10/14/2014 09:32 am"}}`, `[{"id":7},{"id":8}]`,
		`{"systems":[{"id":1,"name":"ueb","local":"1","total_mb_size":"1024"}]}`, `{"appliance":[{"id":"2","extra":[1]}]}`,
		`{"data":null}`, `null`, ``, `{}`, `[]`, `{"backups":[{"id":1}]}`, `{"backup":[]}`, `{"backup":null}`,
	} {
		f.Add([]byte(s))
	}
	zone := time.FixedZone("appliance", 2*3600)
	f.Fuzz(func(t *testing.T, data []byte) {
		if b, err := decodeOneBackup(data, 7, zone); err == nil {
			if b == nil {
				t.Fatal("nil backup without an error")
			}
			out, err := codec.MarshalJSON(b)
			if err != nil {
				t.Fatalf("re-encoding %+v: %v", b, err)
			}
			var again Backup
			if err := codec.UnmarshalJSON(out, &again); err != nil {
				t.Fatalf("reading back %s: %v", out, err)
			}
			if again.ID != b.ID || again.Status != b.Status {
				t.Fatalf("a round trip changed the backup: %+v -> %+v", b, again)
			}
		}
		if rows, err := decodeStatus(data, zone); err == nil {
			if rows == nil {
				t.Fatal("nil status rows without an error")
			}
			for i := 1; i < len(rows); i++ {
				if rows[i].System < rows[i-1].System && rows[i].System != "" && rows[i-1].System != "" {
					t.Fatalf("grouped rows out of system order: %q before %q", rows[i-1].System, rows[i].System)
				}
			}
		}
		if systems, err := decodeSystems(data); err == nil {
			if systems == nil {
				t.Fatal("nil systems without an error")
			}
			if _, err := codec.MarshalJSON(systems); err != nil {
				t.Fatalf("re-encoding the systems: %v", err)
			}
		}
	})
}

// FuzzDecodeOtherAnswersAgainstOracle checks the engine's reading of the
// other answers (one backup by id, the status view, the systems list)
// against the oracle (json/v2 into the same shapes, the decoding before
// the engine): the same value, or an error where it fails, and, for a
// well-formed body, "no backup" exactly where the oracle finds none (on a
// malformed one the oracle may say so from its first byte).
func FuzzDecodeOtherAnswersAgainstOracle(f *testing.F) {
	f.Add(golden.Read(f, "post-backups-sample.json"))
	f.Add(golden.Read(f, "post-backups-sample-fixed.json"))
	for _, s := range []string{
		`{"BackupStatus":[{"id":1,"status":"Success"}]}`, `{"win32":[{"id":2}],"linux":{"backups":[{"id":3}]}}`,
		`{"win32":null,"x":5}`, `{"x":5,"data":[]}`, `{"b":{"Data":[{"id":1}],"data":null}}`, `{"b":{}}`, `{"b":{"x":1}}`,
		`{"backupStatus":{"id":1}}`, `{"a":[{"id":1}],"a":{"backups":[{"id":2}]}}`, `{"z":[{"id":1}],"a":[{"id":"x"}]}`,
		`{"b":{"backups":[1]}}`, `{"b":{"backups":[{"id":1}]x}}`, `{"\u00e9":[{"id":1}],"e":[]}`, `{"caf` + "\xe9" + `":[]}`,
		`{"backup":{"id":7,"start_date_time":"10/14/2014 09:32 am"}}`, `[{"id":7},{"id":8}]`, `[{"id":8}]`, `[{"x":1}]`,
		`{"id":7,"client_name":"c"}`, `{"id":7,"data":5}`, `{"Backup":[{"id":6},{"id":7}],"backups":{"id":1}}`,
		`{"backup":{"id":{}}}`, `{"backup":"x"}`, `{"id":{}}`, `{"data":null,"backup":null}`, `5`, `"x"`, `[1]`,
		`{"systems":[{"id":1,"name":"ueb","local":"1","total_mb_size":"1024"}]}`, `{"appliance":[{"id":"2","extra":[1]}]}`,
		`{"Appliances":[{"name":5}]}`, `{"systems":[null,{"NAME":"x","name":"y","online":"yes"}]}`, `{"systems":{}}`,
		`{"data":null}`, `null`, ``, `{}`, `[]`, `{"backups":[{"id":1}]}`, `{"backup":[]}`, `{"backup":null}`, `{"a":1,}`,
		// Hostile shapes: nesting past the bound, in a system's rows too,
		// a page sent twice, members of the wrong kind.
		`{"b":{"backups":` + strings.Repeat("[", codec.MaxDepth+1) + `}}`, `{"backup":` + strings.Repeat(`{"x":`, codec.MaxDepth) + `1}`,
		`{"a":[{"id":1}],"a":[{"id":1}],"BackupStatus":[{"id":1}],"backupstatus":[{"id":2}]}`,
		`{"systems":[{"id":[]}]}`, `{"backup":{"status":{}}}`, `{"BackupStatus":"x"}`, `{"b":true}`,
	} {
		f.Add([]byte(s))
	}
	zone := time.FixedZone("appliance", 2*3600)
	var wellFormed bool
	agree := func(t *testing.T, what string, got, want any, err, wantErr error) {
		t.Helper()
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%s: %v; the oracle: %v", what, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s and the oracle disagree:\n%+v\n%+v", what, got, want)
		}
		if wellFormed && errors.Is(err, errNoBackup) != errors.Is(wantErr, errNoBackup) {
			t.Fatalf("%s: %v; the oracle: %v", what, err, wantErr)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		wellFormed = len(bytes.TrimSpace(data)) == 0 || json.Valid(data)
		for _, id := range []int64{7, 1} {
			b, err := decodeOneBackup(data, id, zone)
			want, wantErr := oracleDecodeOneBackup(data, id, zone)
			agree(t, fmt.Sprintf("decodeOneBackup(%d)", id), b, want, err, wantErr)
		}
		rows, err := decodeStatus(data, zone)
		wantRows, wantErr := oracleDecodeStatus(data, zone)
		agree(t, "decodeStatus", rows, wantRows, err, wantErr)
		systems, err := decodeSystems(data)
		wantSystems, wantErr := oracleDecodeSystems(data)
		agree(t, "decodeSystems", systems, wantSystems, err, wantErr)
	})
}

// builderFoldStatus is foldStatus as first written (strings.ToLower and a
// strings.Builder): the oracle of the allocation-free version.
func builderFoldStatus(s string) string {
	if isPlaceholder(s) {
		return ""
	}
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case ' ', '_', '-', '\t':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// splitClock is parseClock as first written (strings.Split): the oracle of
// the rewritten loop.
func splitClock(s string, bad func() (time.Duration, error)) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return bad()
	}
	var total float64
	for i, p := range parts {
		p = strings.TrimSpace(p)
		last := i == len(parts)-1
		if !isDecimal(p) || (!last && strings.Contains(p, ".")) {
			return bad()
		}
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return bad()
		}
		if i > 0 && v >= 60 {
			return bad()
		}
		total = total*60 + v
	}
	if total > maxDurationSeconds {
		return bad()
	}
	return time.Duration(total * float64(time.Second)).Round(time.Millisecond), nil
}

// TestPresizeIsBounded: a small first item followed by a large body must
// not size the list for millions of backups (unbounded, this body would
// ask for about 1.5 GB).
func TestPresizeIsBounded(t *testing.T) {
	body := []byte(`{"backups":[{"id":1}` + strings.Repeat(" ", 16<<20) + `,{"id":2}]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	list, err := DecodeBackups(body, nil)
	runtime.ReadMemStats(&after)
	if err != nil || len(list) != 2 || list[1].ID.Int64 != 2 {
		t.Fatalf("decoded %+v, %v", list, err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Fatalf("decoding a 16 MB body allocated %d MB", grew>>20)
	}
	if cap(list) > 1024 { // the engine's bound on sizing a list from its first item
		t.Fatalf("list sized for %d backups", cap(list))
	}
}
