package cloudbackup

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/codec"
	"github.com/backupsdk/backupsdk/internal/golden"
)

func decodePage(t *testing.T, data string) *BackupPage {
	t.Helper()
	var p BackupPage
	require.NoError(t, codec.UnmarshalJSON([]byte(data), &p))
	return &p
}

// TestDecodeDocumentedSample decodes the response sample of the API page
// (testdata/list-backups-response.json, copied verbatim) and compares it
// with the golden rendering.
func TestDecodeDocumentedSample(t *testing.T) {
	t.Parallel()
	p := decodePage(t, string(golden.Read(t, "list-backups-response.json")))
	require.Len(t, p.Backups, 2)
	assert.Equal(t, int64(2), p.Count.Int64)

	b := p.Backups[0]
	assert.Equal(t, "b1c4afd9-e7a6-4888-9010-c2bac3aa7910", b.ID)
	assert.Equal(t, BackupStatusAvailable, b.Status)
	assert.Equal(t, ImageTypeBackup, b.ImageType)
	assert.Equal(t, ResourceTypeServer, b.ResourceType)
	assert.Equal(t, ProviderServer, b.ProviderID)
	assert.Equal(t, int64(40), b.ResourceSize.Or(0))
	assert.Equal(t, time.Date(2020, 2, 21, 7, 0, 54, 65135000, time.UTC), b.CreatedAt.Time)
	assert.True(t, b.ExtendInfo.AutoTrigger.Or(false))
	assert.Equal(t, RestoreModeBackup, b.ExtendInfo.SupportedRestoreMode)
	assert.Equal(t, "x86_64", b.ExtendInfo.Architecture)
	assert.Equal(t, "0", b.ExtendInfo.AppConsistency.AppConsistencyStatus)
	assert.False(t, b.ExtendInfo.SystemDisk.Or(true))
	assert.False(t, b.ExtendInfo.Bootable.Valid, "absent bool stays absent")
	assert.Empty(t, b.Children)
	assert.Empty(t, b.ReplicationRecords)
	assert.False(t, b.ProtectedAt.Valid)

	v := p.Backups[1]
	assert.Equal(t, ResourceTypeVolume, v.ResourceType)
	assert.Equal(t, "e3def9a8-e4b4-4c12-b132-f4ba8ce9a34f", v.ExtendInfo.SnapshotID)
	assert.Equal(t, int64(100), v.ExtendInfo.Progress.Or(0))
	assert.True(t, v.ExtendInfo.Bootable.Or(false))

	golden.AssertJSON(t, "list-backups-sample", p)
}

// sampleWithEP is the documented sample with enterprise_project_id added
// to the first backup, in its documented string form.
func sampleWithEP(t *testing.T) string {
	s := string(golden.Read(t, "list-backups-response.json"))
	return strings.Replace(s, `"resource_size" : 40,`, `"resource_size" : 40, "enterprise_project_id" : "0",`, 1)
}

// TestDecodeNumericStringVariants: the shapes regions send for the same
// values (numbers as strings and back, booleans as strings or 1/0, times
// with a Z or a space) decode to the same Backup.
func TestDecodeNumericStringVariants(t *testing.T) {
	t.Parallel()
	want := decodePage(t, sampleWithEP(t))
	variant := sampleWithEP(t)
	for _, r := range [][2]string{
		{`"count" : 2`, `"count" : "2"`},
		{`"resource_size" : 40,`, `"resource_size" : "40",`},
		{`"enterprise_project_id" : "0"`, `"enterprise_project_id" : 0`},
		{`"auto_trigger" : true`, `"auto_trigger" : "true"`},
		{`"support_lld" : true`, `"support_lld" : 1`},
		{`"system_disk" : false`, `"system_disk" : "false"`},
		{`"contain_system_disk" : true`, `"contain_system_disk" : "1"`},
		{`"progress" : 100`, `"progress" : "100"`},
		{`"app_consistency_status" : "0"`, `"app_consistency_status" : 0`},
		{`"updated_at" : "2020-02-21T07:07:25.113761"`, `"updated_at" : "2020-02-21T07:07:25.113761Z"`},
		{`"created_at" : "2020-02-21T07:00:54.065135"`, `"created_at" : "2020-02-21 07:00:54.065135"`},
	} {
		require.Contains(t, variant, r[0])
		variant = strings.Replace(variant, r[0], r[1], 1)
	}
	got := decodePage(t, variant)
	assert.Equal(t, want, got)
	assert.Equal(t, "0", got.Backups[0].EnterpriseProjectID.Or(""))
}

func TestDecodeTolerantShapes(t *testing.T) {
	t.Parallel()
	p := decodePage(t, `{"Count": 3, "backups": [
		{"ID": "a", "Resource_Size": 5, "resource_name": 123, "status": "weird_new_state",
		 "\u0069mage_type": "replication", "description": null, "incremental": true,
		 "extend_info": {"os_images_data": [{"image_id": "img-1"}, "img-2", null, {"other": 1}],
		                 "app_consistency": "n/a", "future_flag": {"x": [1, 2]}},
		 "children": [null, {"id": "child", "parent_id": "a"}, 7],
		 "replication_records": [{"id": "r1", "status": "success", "extra_info": {"k": "v"}, "created_at": "2020-02-21T07:00:54Z"}, "junk"],
		 "new_member": [1, "two"]},
		null,
		{"id": "b", "extend_info": "not an object", "expired_at": null, "protected_at": "",
		 "children": {}, "replication_records": null, "name": "na\u00efve \ud83d\ude00"}
	]}`)
	require.Len(t, p.Backups, 2, "a null item is skipped")
	assert.Equal(t, int64(3), p.Count.Int64)

	a := p.Backups[0]
	assert.Equal(t, "a", a.ID, "names match case-insensitively")
	assert.Equal(t, int64(5), a.ResourceSize.Or(0))
	assert.Equal(t, "123", a.ResourceName, "a number for a text field keeps its JSON text")
	assert.Equal(t, BackupStatus("weird_new_state"), a.Status, "unknown enumeration values are kept")
	assert.False(t, a.Status.Known())
	assert.Equal(t, ImageTypeReplication, a.ImageType, "escaped member names are matched")
	assert.True(t, a.Incremental.Or(false))
	assert.Equal(t, []ImageData{{ImageID: "img-1"}, {ImageID: "img-2"}}, a.ExtendInfo.OSImagesData)
	assert.Equal(t, AppConsistency{}, a.ExtendInfo.AppConsistency, "a non-object is ignored")
	assert.Equal(t, map[string]RawJSON{"future_flag": RawJSON(`{"x": [1, 2]}`)}, a.ExtendInfo.Extra)
	assert.Equal(t, map[string]RawJSON{"new_member": RawJSON(`[1, "two"]`)}, a.Extra)
	require.Len(t, a.Children, 1)
	assert.Equal(t, "child", a.Children[0].ID)
	assert.Equal(t, "a", a.Children[0].ParentID)
	require.Len(t, a.ReplicationRecords, 1)
	assert.Equal(t, map[string]RawJSON{"k": RawJSON(`"v"`)}, a.ReplicationRecords[0].ExtraInfo.Extra, "unknown members of extra_info are kept")
	assert.Equal(t, ReplicationStatusSuccess, a.ReplicationRecords[0].Status)

	b := p.Backups[1]
	assert.Equal(t, BackupExtendInfo{}, b.ExtendInfo)
	assert.False(t, b.ExpiredAt.Valid)
	assert.False(t, b.ProtectedAt.Valid, `"" is an absent time`)
	assert.Nil(t, b.Children)
	assert.Equal(t, "naïve 😀", b.Name)
}

// TestReplicationExtraInfo: extra_info decodes from the object of Huawei's
// SDK (services/cbr/v1/model/model_replication_records_extra_info.go of
// huaweicloud-sdk-go-v3) and from the string of the API page, into the
// same typed value, unknown members kept; it encodes back as it came.
func TestReplicationExtraInfo(t *testing.T) {
	t.Parallel()
	want := ReplicationExtraInfo{
		Progress: codec.NewInt(40), FailCode: "BackupService.6001", FailReason: "network",
		AutoTrigger: codec.NewBool(true), DestinationVaultID: "v-9",
		Extra: map[string]RawJSON{"future": RawJSON(`[1]`)},
	}
	const object = `{"progress": 40, "fail_code": "BackupService.6001", "fail_reason": "network", "auto_trigger": true, "destination_vault_id": "v-9", "future": [1]}`
	record := func(extra string) ReplicationRecord {
		p := decodePage(t, `{"count": 1, "backups": [{"id": "b", "replication_records": [{"id": "r", "extra_info": `+extra+`, "new": 1}]}]}`)
		require.Len(t, p.Backups[0].ReplicationRecords, 1)
		return p.Backups[0].ReplicationRecords[0]
	}
	r := record(object)
	assert.Equal(t, want, r.ExtraInfo, "the vendor's object")
	assert.Equal(t, map[string]RawJSON{"new": RawJSON("1")}, r.Extra, "unknown members of the record are kept")

	quoted, err := codec.MarshalJSON(object)
	require.NoError(t, err)
	fromString := want
	fromString.Text = object
	assert.Equal(t, fromString, record(string(quoted)).ExtraInfo, "the page's string holding an object")
	assert.Equal(t, ReplicationExtraInfo{Progress: codec.NewInt(7)}, record(`{"progress": "7"}`).ExtraInfo, "a number as a string")
	assert.Equal(t, ReplicationExtraInfo{Text: `{"progress": "x"}`}, record(`"{\"progress\": \"x\"}"`).ExtraInfo,
		"an object in the page's string that does not read stays text")
	assert.Equal(t, ReplicationExtraInfo{Text: "replicated by policy"}, record(`"replicated by policy"`).ExtraInfo, "plain text")
	assert.Equal(t, ReplicationExtraInfo{Text: "12"}, record(`12`).ExtraInfo, "another kind keeps its JSON text")
	assert.True(t, record(`null`).ExtraInfo.IsZero(), "null is absent")
	assert.True(t, record(`""`).ExtraInfo.IsZero(), `"" is absent`)

	// The single-record decoder (encoding/json/v2) agrees with the page's.
	var single ReplicationRecord
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"id": "r", "extra_info": `+object+`}`), &single))
	assert.Equal(t, want, single.ExtraInfo)

	out, err := codec.MarshalJSON(ReplicationRecord{ID: "r", ExtraInfo: want})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id": "r", "status": "", "extra_info": `+object+`}`, string(out), "written as the vendor's object")
	out, err = codec.MarshalJSON(ReplicationRecord{ID: "r", ExtraInfo: ReplicationExtraInfo{Text: "plain"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id": "r", "status": "", "extra_info": "plain"}`, string(out), "text stays text")
	out, err = codec.MarshalJSON(ReplicationRecord{ID: "r"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id": "r", "status": ""}`, string(out), "absent stays absent")
}

func TestDecodeInvalidUTF8IsReplaced(t *testing.T) {
	t.Parallel()
	p := decodePage(t, "{\"backups\": [{\"id\": \"x\", \"name\": \"bad \xff byte\", \"description\": \"esc\\u00e9 \xfe\"}]}")
	require.Len(t, p.Backups, 1)
	assert.Equal(t, "bad \uFFFD byte", p.Backups[0].Name)
	assert.Equal(t, "esc\u00e9 \uFFFD", p.Backups[0].Description)
	_, err := codec.MarshalJSON(p)
	assert.NoError(t, err, "decoded text is valid UTF-8 and can be written back")
}

func TestDecodeEmptyAndErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{}`, `{"backups": [], "count": 0}`, `{"backups": null}`, `null`} {
		p := decodePage(t, in)
		assert.NotNil(t, p.Backups, in)
		assert.Empty(t, p.Backups, in)
	}
	for in, want := range map[string]string{
		`[]`:                 "want an object",
		`{"backups": ["x"]}`: "want an object",
		`{"backups": [{"resource_size": "forty"}]}`:              `/backups/0/resource_size`,
		`{"backups": [{"created_at": "yesterday"}]}`:             `cannot read "yesterday" as a time`,
		`{"backups": [{"extend_info": {"encrypted": "maybe"}}]}`: "/backups/0/extend_info/encrypted",
		`{"backups": [{"id": "a"`:                                "unexpected EOF",
		`{"count": 1} {"count": 2}`:                              "invalid character",
	} {
		var p BackupPage
		err := codec.UnmarshalJSON([]byte(in), &p)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

func TestDecodeSingleBackupTypes(t *testing.T) {
	t.Parallel()
	var root backupRoot
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"backup": {"id": "x", "extend_info": {"encrypted": 1}, "vault_id": "v"}}`), &root))
	assert.Equal(t, "x", root.Backup.ID)
	assert.Equal(t, "v", root.Backup.VaultID)
	assert.True(t, root.Backup.ExtendInfo.Encrypted.Or(false))

	var e BackupExtendInfo
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"architecture": "arm", "is_multi_az": "true"}`), &e))
	assert.Equal(t, "arm", e.Architecture)
	assert.True(t, e.IsMultiAZ.Or(false))

	var r ReplicationRecord
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"id": "r", "status": "fail", "destination_region": "ap-southeast-3"}`), &r))
	assert.Equal(t, ReplicationRecord{ID: "r", Status: ReplicationStatusFail, DestinationRegion: "ap-southeast-3"}, r)

	var imgs []ImageData
	require.NoError(t, codec.UnmarshalJSON([]byte(`["a", {"image_id": "b"}]`), &imgs))
	assert.Equal(t, []ImageData{{ImageID: "a"}, {ImageID: "b"}}, imgs)

	var a AppConsistency
	require.NoError(t, codec.UnmarshalJSON([]byte(`{"app_consistency": 1, "app_consistency_error_message": "x"}`), &a))
	assert.Equal(t, AppConsistency{AppConsistency: "1", AppConsistencyErrorMessage: "x"}, a)
}

// TestBackupRoundTrip: what the SDK writes (RFC 3339 times, numbers) reads
// back to the same value.
func TestBackupRoundTrip(t *testing.T) {
	t.Parallel()
	p := decodePage(t, sampleWithEP(t))
	p.Backups[0].Children = []Backup{p.Backups[1]}
	p.Backups[0].ReplicationRecords = []ReplicationRecord{{ID: "r", Status: ReplicationStatusSuccess, CreatedAt: p.Backups[0].CreatedAt}}
	p.Backups[0].ExtendInfo.OSImagesData = []ImageData{{ImageID: "img"}}
	p.Backups[0].Extra = map[string]RawJSON{"later": RawJSON(`{"a":1}`)}
	data, err := codec.MarshalJSON(p)
	require.NoError(t, err)
	got := decodePage(t, string(data))
	got.capHint, p.capHint = 0, 0
	assert.Equal(t, p, got)
}

func TestParseCBRTimeMatchesCodec(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"2020-02-05T10:38:34.209782", "2020-02-05T10:38:34", "2020-02-05T10:38:34Z", "2020-02-05 10:38:34.1",
		"2020-02-05T10:38:34.123456789Z", "2024-02-29T23:59:59", "0001-01-01T00:00:00",
	} {
		got, ok := parseCBRTime([]byte(s))
		require.True(t, ok, s)
		want, err := codec.ParseTime(s, time.UTC)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{
		"2023-02-29T00:00:00", "2020-13-01T00:00:00", "2020-02-05T24:00:00", "2020-02-05T10:38:60",
		"2020-02-05T10:38:34.", "2020-02-05T10:38:34.1234567890", "2020-02-05T10:38:34+08:00",
		"2020-02-05", "20200205T103834", "2020-02-05T10:38:3x", "",
	} {
		_, ok := parseCBRTime([]byte(s))
		assert.False(t, ok, s)
	}
}

func TestParseInt(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0": 0, "40": 40, "-7": -7, "999999999999999999": 999999999999999999} {
		n, ok := parseInt([]byte(in))
		assert.True(t, ok, in)
		assert.Equal(t, want, n, in)
	}
	for _, in := range []string{"", "-", "01", "1.5", "1e3", "9999999999999999999", `"4"`} {
		_, ok := parseInt([]byte(in))
		assert.False(t, ok, in)
	}
}
