package onapp

import (
	"bytes"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/backupsdk/backupsdk/internal/core"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// FuzzDecodeJSONAgainstOracle checks the engine's one-pass decoding of
// OnApp's JSON (lists and single records of backups, virtual servers,
// disks and templates: root-wrapped, bare, under the plural name, error
// documents, hostile shapes) against the oracle (json/v2 into the same
// shapes, the decoding before the engine): both fail, or both return the
// same values.
func FuzzDecodeJSONAgainstOracle(f *testing.F) {
	for _, name := range []string{
		"incremental-backups.wrapped.json", "incremental-backups.bare.json", "incremental-backups.strings.json",
		"normal-backups.wrapped.json", "normal-backups.bare.json", "normal-backups.strings.json",
		"scheduled-backup.empty-times.json", "scheduled-backup.null-times.json", "scheduled-backup.missing.json",
		"virtual-machines.wrapped.json", "virtual-machines.bare.json", "virtual-machines.strings.json",
		"virtual-machine.wrapped.json", "disks.wrapped.json", "disks.bare.json", "disks.strings.json",
	} {
		f.Add(golden.Read(f, name))
	}
	for _, s := range []string{
		``, ` `, `null`, `[]`, `{}`, `"x"`, `[{}]`, `[null]`, `[1]`, `[[]]`, `[{"backup":null}]`, `[{"backup":5}]`, `[{"backup":{}}]`,
		`[{"backup":{"id":1},"backup":{"id":2}}]`, `[{"backup":{"id":1},"BACKUP":{"id":2}}]`, `[{"BACKUP":{"id":1},"Backup":{"id":2}}]`,
		`[{"Backup":{"id":"7"}}]`, `[{"Backup":{"id":"7"}},{"Backup":7}]`, `[{"backup":{"id":1},"id":"bad"}]`, `[{"id":1,"errors":["x"]}]`,
		`[{"error":"x"}]`, `[{"id":2,"id":3,"ID":4}]`, `[{"backup":{"id":1}},{"id":2}]`, `[{"backup":{"id":"x"},"backup":{"id":3}}]`,
		`[{"backup":{"id":3},"backup":{"id":"x"}}]`, `[{"backup":[1],"backup":{"id":3}}]`, `[{"backup":{"id":{"a":[1,{"b":2}]}},"backup":{"id":4}}]`,
		`[{"allowed_resize_without_reboot":true}]`, `[{"backup":{"allow_resize_without_reboot":null,"allowed_resize_without_reboot":"1"}}]`,
		`[{"backup":{"note":"caf` + "\xe9" + `"}}]`, `[{"id":1}] x`, ` [ { "id" : 1 } ] `, "\v[{\"id\":1}]\u00a0",
		`[{"back_up":{"id":1},"id":2}]`, `[{"BACKUP":{"id":1}}]`, `[{"ERRORS":[],"id":1}]`, `[{"Err-or":"x","id":1}]`, `[{"errorſ":1}]`,
		`[{"bac\u212aup":{"id":1}}]`, `[{"backup":{"id":1},"extra":{"nested":[1,2]},"x":null}]`,
		`{"backups":[{"id":"1"}]}`, `{"Backups":[{"id":1}],"BACKUPS":[]}`, `{"backups":null}`, `{"backups":{}}`, `{"backups":[null]}`,
		`{"errors":{"base":["Backup is locked"]}}`, `{"error":"x","backups":[]}`, `{"id":1}`, `{"backup":{"id":1}}`, `{"backup":[1]}`,
		`[{"backup":{"id":1e3,"built":"t","built_at":1389624091}}]`, `[{"id":1,"built":"perhaps"},{"id":2}]`,
		`[{"virtual_machine":{"memory":"2048","created_at":"","booted":null}}]`, `{"virtual_machines":[{"id":"1"}]}`,
		`{"disks":[{"disk":{"mount_point":"/data","is_swap":"f"}}]}`, `[{"VIRTUAL_MACHINE":{"ID":1}},{"id":2,"id":3}]`,
		`{"image_template":{"id":"5001","label":"x"}}`, `[{"backup":{"id":1}`, `[{"backup":{"id":1}},]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		agree := func(what string, got, want any, err, wantErr error) {
			t.Helper()
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("%s: the engine: %v; the oracle: %v", what, err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: the engine and the oracle disagree:\n%+v\n%+v", what, got, want)
			}
		}
		backups, err := decodeBackupsJSON(data)
		want, wantErr := oracleItems(data, "backups", "backup", (*backupWire).value)
		agree("backups", backups, want, err, wantErr)
		if err == nil && backups == nil {
			t.Fatal("nil list without an error")
		}
		b, err := decodeBackupJSON(data)
		wantB, wantErr := oracleOne(data, "backup", (*backupWire).value)
		agree("backup", b, wantB, err, wantErr)
		vms, err := decodeVirtualMachinesJSON(data)
		wantVMs, wantErr := oracleItems(data, "virtual_machines", "virtual_machine", same[VirtualMachine])
		agree("virtual machines", vms, wantVMs, err, wantErr)
		vm, err := decodeVirtualMachineJSON(data)
		wantVM, wantErr := oracleOne(data, "virtual_machine", same[VirtualMachine])
		agree("virtual machine", vm, wantVM, err, wantErr)
		disks, err := decodeDisksJSON(data)
		wantDisks, wantErr := oracleItems(data, "disks", "disk", same[Disk])
		agree("disks", disks, wantDisks, err, wantErr)
		tmpl, err := decodeTemplateJSON(data)
		wantTmpl, wantErr := oracleOne(data, "image_template", same[ImageTemplate])
		agree("template", tmpl, wantTmpl, err, wantErr)
		// The object a write's answer is read from (decodeWritten).
		obj, err := jsonObject(data, "backup")
		wantObj, wantErr := oracleJSONObject(data, "backup")
		agree("written object", string(obj), string(bytes.TrimSpace(wantObj)), err, wantErr)
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
	if cap(list) > 1024 { // the codec's bound of a list sized from its first item

		t.Fatalf("list sized for %d backups", cap(list))
	}
}
