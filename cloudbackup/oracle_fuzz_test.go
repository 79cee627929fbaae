package cloudbackup

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// sampleItem is one backup in a list answer's usual shape.
const sampleItem = `{"id":"b","name":"n","status":"available","resource_size":40,"created_at":"2020-02-21T07:00:54.065135","extend_info":{"auto_trigger":true}}`

// bigHostile are the large hostile shapes: a page beyond what it asked
// for, a million-ish empty items, nesting beyond MaxDepth, deep children.
// They are checked against the oracle in a test (the fuzzer mutates small
// seeds faster), each with the typed error or value expected.
func bigHostile() map[string]string {
	return map[string]string{
		"list beyond the page":  `{"count":2000,"backups":[` + strings.Repeat(sampleItem+",", 1000) + sampleItem + `]}`,
		"empty items":           `{"backups":[` + strings.Repeat("{},", 99_999) + `{}]}`,
		"nesting beyond bound":  `{"backups":[{"id":"a","x":` + strings.Repeat("[", codec.MaxDepth) + strings.Repeat("]", codec.MaxDepth) + `}]}`,
		"deep but within bound": `{"backups":[{"id":"a","x":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}]}`,
		"deep children":         `{"backups":[` + strings.Repeat(`{"id":"a","children":[`, 300) + strings.Repeat(`]}`, 300) + `]}`,
		"full page repeated":    `{"count":1000,"backups":[` + strings.Repeat(sampleItem+",", 999) + sampleItem + `]}`,
	}
}

// TestDecodeBigHostileAgainstOracle: on the large hostile shapes the
// engine and the oracle agree, and the bounds give a *codec.LimitError.
func TestDecodeBigHostileAgainstOracle(t *testing.T) {
	t.Parallel()
	for name, data := range bigHostile() {
		var p, want BackupPage
		err := readPage([]byte(data), &p)
		wantErr := oraclePage([]byte(data), &want)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%s: engine error %v, oracle error %v", name, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(p, want) {
			t.Fatalf("%s: engine and oracle disagree", name)
		}
		var le *codec.LimitError
		switch name {
		case "list beyond the page", "empty items", "nesting beyond bound":
			if !errors.As(err, &le) {
				t.Errorf("%s: got %v, want a *codec.LimitError", name, err)
			}
		case "full page repeated":
			if err != nil || len(p.Backups) != 1000 || p.Backups[999].ExtendInfo.AutoTrigger != codec.NewBool(true) {
				t.Errorf("%s: %v, %d backups", name, err, len(p.Backups))
			}
		}
	}
}

// hostileSeeds are small hostile shapes for the fuzzer: repeated lists,
// a 200 that is not a list, wrong kinds, duplicate names, invalid UTF-8,
// escapes.
func hostileSeeds() []string {
	item := sampleItem
	return []string{
		`{"backups":[` + strings.Repeat("{},", 20) + `{}]}`,
		`{"backups":[{"x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}]}`,
		`{"count":1,"backups":[` + item + `],"backups":[` + item + `,` + item + `]}`,
		`{"error_code":"BackupService.0001","error_msg":"boom"}`, `{"count":5}`, `{"count":0}`, `{"backups":"x"}`,
		`{"backups":7}`, `{"backups":[1]}`, `{"backups":[[]]}`, `{"backups":[null,null]}`, `true`, `"x"`, `12`, ``, ` `,
		`{"backups":[{"id":1,"name":true,"status":{"a":1},"image_type":[1,2],"resource_size":"7","incremental":"1"}]}`,
		`{"backups":[{"extend_info":[],"children":"x","replication_records":{"a":1},"extend_info":{"app_consistency":7}}]}`,
		`{"backups":[{"id":"a","id":"b","ID":"c","Id":"d","resource-size":3,"RESOURCESIZE":4}]}`,
		`{"backups":[{"x":{"a":1,"a":2},"y":"\xff","extend_info":{"z":["\xfe\xfd"]}}]}`,
		"{\"backups\":[{\"\xff\xfe\":1,\"na\\u006de\":\"\\ud800\",\"status\":\"availabl\\u0065\"}]}",
		`{"backups":[{"replication_records":[{"extra_info":"{\"progress\":3,\"fail_code\":\"x\",\"a\":{\"b\":1}}"},{"extra_info":"  {\"progress\":\"x\"}"},{"extra_info":"{\"a\":1,\"a\":2}"},{"extra_info":true},{"extra_info":{"progress":1},"extra_info":{"fail_code":"c"}},{"extra_info":{"progress":1},"extra_info":null}]}]}`,
		`{"backups":[{"extend_info":{"os_images_data":[1,-2,"",{"IMAGE_ID":"a","image_id":3},{"image-id":{"x":1}},[],true,null]}}]}`,
		`{"backups":[{"children":[{"id":"x"}],"children":[]},{"children":[],"children":{}}]}`,
		`{"count":-5,"offset":"3","limit":null,"backups":[]}`, `{"count":99999999999999,"backups":[]}`, `{"count":"x"}`,
		`{"count":1.5,"backups":[]}`, `{"count":1e2,"backups":[]}`, `{"backups":[{"created_at":"2020-02-21T07:00:54\u005a","updated_at":1582268454,"expired_at":"0"}]}`,
		`{"backups":[]} x`, `{"backups":[{"id":"a"}`, `{"backups":[{"id":"a"},]}`, `null`, `{}`,
		`{"Backups":[{"id":"a"}],"backups":null}`, `{"bAcKuPs":[{"id":"a"}],"COUNT":"1"}`,
		`{"backups":[{"enterprise_project_id":0,"parent_id":null,"description":"\u00e9\t"},{"enterprise_project_id":{"a":[1]}},{"enterprise_project_id":false}]}`,
		`{"backups":[{"ſtatus":"available","K":1,"resource_ſize":"1"}]}`,
	}
}

// FuzzDecodeAgainstOracle checks the engine's decoding of the list answer
// and of one backup against the reference decoder of oracle_test.go (the
// previous byte scanner): on every input both fail, or both read the same
// value. A page decoded onto the page before it (as a walk reuses its
// backing array) reads the same as a fresh one.
func FuzzDecodeAgainstOracle(f *testing.F) {
	sample := string(golden.Read(f, "list-backups-response.json"))
	f.Add(sample, uint8(0))
	f.Add(sample, uint8(1))
	v := jsontext.Value(sample)
	if err := v.Compact(); err != nil {
		f.Fatal(err)
	}
	compact := string(v)
	f.Add(compact, uint8(2))
	f.Add(strings.ReplaceAll(compact, `"resource_size":40`, `"resource_size":"40"`), uint8(0))
	f.Add(strings.ReplaceAll(compact, `.065135"`, `Z"`), uint8(0))
	f.Add(strings.ReplaceAll(compact, `"children":[]`, `"children":`+compact[strings.Index(compact, `[{`):strings.LastIndex(compact, `}]`)+2]), uint8(0))
	for _, s := range hostileSeeds() {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, data string, limit uint8) {
		p := BackupPage{capHint: int(limit)}
		err := readPage([]byte(data), &p)
		want := BackupPage{capHint: int(limit)}
		wantErr := oraclePage([]byte(data), &want)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("engine error %v, oracle error %v", err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(p, want) {
			t.Fatalf("engine and oracle disagree:\n%+v\n%+v", p, want)
		}
		if err == nil {
			again := p
			if err := readPage([]byte(data), &again); err != nil || !reflect.DeepEqual(again, want) {
				t.Fatalf("a page read onto the one before reads differently (%v):\n%+v\n%+v", err, again, want)
			}
		}

		var b Backup
		err = codec.UnmarshalJSON([]byte(data), &b)
		wantB, wantErr := oracleBackup([]byte(data))
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("one backup: engine error %v, oracle error %v", err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(b, wantB) {
			t.Fatalf("one backup: engine and oracle disagree:\n%+v\n%+v", b, wantB)
		}
	})
}

// TestDecodeTruncatedPage: every cut of a page short of its end is an
// error wrapping io.ErrUnexpectedEOF, as the oracle's, with where it was
// cut; never a page, never a "want an object".
func TestDecodeTruncatedPage(t *testing.T) {
	t.Parallel()
	v := jsontext.Value(golden.Read(t, "list-backups-response.json"))
	if err := v.Compact(); err != nil {
		t.Fatal(err)
	}
	for n := 1; n < len(v); n++ {
		var p, want BackupPage
		err := readPage(v[:n], &p)
		if !errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "want an") {
			t.Fatalf("cut at %d: %v", n, err)
		}
		if oraclePage(v[:n], &want) == nil {
			t.Fatalf("cut at %d: the oracle reads it", n)
		}
	}
}
