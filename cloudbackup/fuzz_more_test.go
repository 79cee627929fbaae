package cloudbackup

import (
	"reflect"
	"testing"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

// FuzzDecodeBackupAlone checks the decoder of one backup (the answer of
// Get, {"backup": …}) against the list decoder ({"backups": […]}) on the
// same backup: where both read it, they read the same; what Get's decoder
// reads, the codec writes back and reads again the same.
func FuzzDecodeBackupAlone(f *testing.F) {
	var sample BackupPage
	if err := codec.UnmarshalJSON(golden.Read(f, "list-backups-response.json"), &sample); err != nil {
		f.Fatal(err)
	}
	for _, b := range sample.Backups {
		out, err := codec.MarshalJSON(&b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(out))
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `"x"`, `1`, `{"id":"a","resource_size":"40","created_at":"2020-02-21 07:00:54"}`,
		`{"ID":"a","Status":"available","EXTEND_INFO":{"progress":"100","os_images_data":["i",{"image_id":"j"}]}}`,
		`{"id":"a","children":[{"id":"b","children":[{"id":"c"}]}],"replication_records":[{"id":"r"},3]}`,
		`{"id":"a","id":"b","name":"\ud83d\ude00","x":{"y":[true,false,null]}}`, `{"id":"a","extend_info":null,"children":null}`,
		`{"id":"a","enterprise_project_id":0,"expired_at":1582268454,"updated_at":""}`, `{"id":"a","resource_size":"forty"}`,
		"{\"id\":\"\xff\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, backup string) {
		var root backupRoot
		rootErr := codec.UnmarshalJSON([]byte(`{"backup":`+backup+`}`), &root)
		var page BackupPage
		pageErr := codec.UnmarshalJSON([]byte(`{"backups":[`+backup+`]}`), &page)
		if rootErr == nil && pageErr == nil && len(page.Backups) == 1 && !reflect.DeepEqual(root.Backup, page.Backups[0]) {
			t.Fatalf("Get's decoder and the list decoder disagree on %s:\n%+v\n%+v", backup, root.Backup, page.Backups[0])
		}
		if rootErr != nil {
			return
		}
		out, err := codec.MarshalJSON(&root)
		if err != nil {
			t.Fatalf("cannot write back %+v: %v", root.Backup, err)
		}
		var again backupRoot
		if err := codec.UnmarshalJSON(out, &again); err != nil {
			t.Fatalf("cannot read back %s: %v", out, err)
		}
		a, b := root.Backup, again.Backup
		if a.ID != b.ID || a.Name != b.Name || a.Status != b.Status || a.ResourceSize != b.ResourceSize ||
			len(a.Children) != len(b.Children) || a.CreatedAt.Valid != b.CreatedAt.Valid || !a.CreatedAt.Time.Equal(b.CreatedAt.Time) {
			t.Fatalf("a round trip changed the backup:\n%+v\n%+v", a, b)
		}
	})
}

// FuzzDecodeOtherAnswers feeds the answers of the other calls (vaults,
// checkpoints, tasks) arbitrary bodies: nothing may panic, and what is read
// the codec writes back.
func FuzzDecodeOtherAnswers(f *testing.F) {
	for _, s := range []string{
		`{"vaults":[{"id":"v","name":"vault-servers","billing":{"size":"500","used":300},"resources":[{"id":"r","size":"40"}],"tags":[{"key":"env","value":"prod"}]}],"count":"1"}`,
		`{"vault":{"id":"v","billing":null,"resources":null}}`,
		`{"checkpoint":{"id":"c","status":"protecting","vault":{"id":"v","resources":[{"id":"r","extra_info":{"exclude_volumes":["x"]}}]},"created_at":"2020-02-21T07:00:54.065135"}}`,
		`{"operation_log":{"id":"o","status":"failed","error_info":{"code":"BackupService.6401","message":"m"},"extra_info":{"backup":{"backup_id":"b"}},"started_at":"2020-02-21 07:00:54"}}`,
		`{"operation_logs":[{"id":"o","status":"success"}],"count":1}`, `{}`, `null`, `[]`, `{"vaults":null,"count":null}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		data := []byte(body)
		var vaults struct {
			Vaults []Vault `json:"vaults"`
			Count  Int     `json:"count"`
		}
		var vault struct {
			Vault *Vault `json:"vault"`
		}
		var checkpoint checkpointRoot
		var op struct {
			OperationLog *OperationLog `json:"operation_log"`
		}
		var ops struct {
			OperationLogs []OperationLog `json:"operation_logs"`
			Count         Int            `json:"count"`
		}
		for _, v := range []any{&vaults, &vault, &checkpoint, &op, &ops} {
			if codec.UnmarshalJSON(data, v) != nil {
				continue
			}
			if _, err := codec.MarshalJSON(v); err != nil {
				t.Fatalf("cannot write back %T read from %q: %v", v, body, err)
			}
		}
	})
}
