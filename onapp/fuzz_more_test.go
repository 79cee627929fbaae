package onapp

import (
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// FuzzFastBackupsJSON checks the one-pass list decoder against the general
// path: whatever list the fast path returns, the general path returns the
// same; where the fast path declines, decodeBackupsJSON answers as the
// general path does.
func FuzzFastBackupsJSON(f *testing.F) {
	for _, name := range []string{
		"incremental-backups.wrapped.json", "incremental-backups.bare.json", "incremental-backups.strings.json",
		"normal-backups.wrapped.json", "normal-backups.bare.json", "normal-backups.strings.json",
	} {
		f.Add(golden.Read(f, name))
	}
	for _, s := range []string{
		`[]`, `[{}]`, `[null]`, `[1]`, `[[]]`, `[{"backup":null}]`, `[{"backup":5}]`, `[{"backup":{}}]`,
		`[{"backup":{"id":1},"backup":{"id":2}}]`, `[{"backup":{"id":1},"BACKUP":{"id":2}}]`,
		`[{"Backup":{"id":"7"}}]`, `[{"backup":{"id":1},"id":"bad"}]`, `[{"id":1,"errors":["x"]}]`,
		`[{"error":"x"}]`, `[{"id":2,"id":3,"ID":4}]`, `[{"backup":{"id":1}},{"id":2}]`,
		`[{"allowed_resize_without_reboot":true}]`, `[{"backup":{"allow_resize_without_reboot":null,"allowed_resize_without_reboot":"1"}}]`,
		`[{"backup":{"note":"caf` + "\xe9" + `"}}]`, `[{"id":1}] x`, ` [ { "id" : 1 } ] `,
		`[{"back_up":{"id":1},"id":2}]`, `[{"BACKUP":{"id":1}}]`, `[{"ERRORS":[],"id":1}]`, `[{"Err-or":"x","id":1}]`,
		`[{"backup":{"id":1},"extra":{"nested":[1,2]},"x":null}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		slow, slowErr := jsonItems(data, "backups", "backup", decodeBackupJSON)
		fast, ok := fastBackupsJSON(data)
		if ok {
			if slowErr != nil {
				t.Fatalf("the fast path read %d backups, the general path fails: %v", len(fast), slowErr)
			}
			if fast == nil || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("the paths disagree:\nfast %+v\nslow %+v", fast, slow)
			}
		}
		got, err := decodeBackupsJSON(data)
		if (err == nil) != (slowErr == nil) || (err != nil && err.Error() != slowErr.Error()) {
			t.Fatalf("decodeBackupsJSON: %v, the general path: %v", err, slowErr)
		}
		if err == nil && !reflect.DeepEqual(got, slow) {
			t.Fatalf("decodeBackupsJSON disagrees with the general path:\n%+v\n%+v", got, slow)
		}
	})
}

// FuzzRefineError feeds the Rails error refinement arbitrary error bodies
// after the core's generic parser: it must never panic, Message must stay
// the joined Messages, and no message may be lost (only the "base: "
// prefix and repeats are dropped).
func FuzzRefineError(f *testing.F) {
	for _, s := range []string{
		`{"errors":{"base":["Backup is locked"]}}`,
		`{"errors":{"base":["x","x"],"note":["too long"]}}`,
		`{"errors":{"base":["base: x"]}}`,
		`{"errors":["Backup not found"]}`,
		`{"error":"Forbidden"}`,
		`<errors><error>Backup not found</error></errors>`,
		`{"errors":{"base":[]}}`, `{"errors":{"base":null}}`, `{"errors":{"base":"one"}}`,
		`<html><title>500 Internal Server Error</title></html>`, ``,
	} {
		f.Add(422, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 400 || status > 599 {
			status = 400 + (status%200+200)%200
		}
		e := core.NewAPIError(providerName, http.MethodPost, "http://cp.example.com/backups/1.json", status, http.Header{}, []byte(body))
		before := append([]string(nil), e.Messages...)
		refineError(e, []byte(body))
		if e.Message != strings.Join(e.Messages, "; ") {
			t.Fatalf("Message %q is not the joined Messages %q", e.Message, e.Messages)
		}
		for _, m := range before {
			rest, _ := strings.CutPrefix(m, "base: ")
			found := false
			for _, g := range e.Messages {
				if g == m || g == rest {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("message %q was lost: %q -> %q", m, before, e.Messages)
			}
		}
		if len(e.Messages) > len(before) {
			t.Fatalf("refining added messages: %q -> %q", before, e.Messages)
		}
	})
}

// TestPresizeIsBounded: a small first item followed by a large body must
// not size the list for millions of backups (unbounded, this body would
// ask for about 1 GB).
func TestPresizeIsBounded(t *testing.T) {
	body := []byte(`[{"id":1}` + strings.Repeat(" ", 16<<20) + `,{"id":2}]`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	list, err := decodeBackupsJSON(body)
	runtime.ReadMemStats(&after)
	if err != nil || len(list) != 2 || list[1].ID.Int64 != 2 {
		t.Fatalf("decoded %+v, %v", list, err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Fatalf("decoding a 16 MB body allocated %d MB", grew>>20)
	}
	if cap(list) > maxPresize {
		t.Fatalf("list sized for %d backups", cap(list))
	}
}
